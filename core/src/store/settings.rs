//! Key/value settings and per-network client ids.

use chrono::{DateTime, Utc};

use super::Store;
use crate::error::Result;
use crate::networks::NetworkId;

pub const LOCALE: &str = "locale";

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT value FROM settings WHERE key = ?").bind(key).fetch_optional(self.pool()).await?;
        Ok(row.map(|(v,)| v))
    }

    /// When `key` last changed (`None` when unset).
    pub async fn setting_updated_at(&self, key: &str) -> Result<Option<DateTime<Utc>>> {
        let row: Option<(Option<DateTime<Utc>>,)> = sqlx::query_as("SELECT updated_at FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.and_then(|(at,)| at))
    }

    /// Set (or with `None`, remove) a setting, stamping when it changed.
    pub async fn set_setting(&self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(value) => {
                sqlx::query(
                    "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                )
                .bind(key)
                .bind(value)
                .bind(Utc::now())
                .execute(self.pool())
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM settings WHERE key = ?").bind(key).execute(self.pool()).await?;
            }
        }
        Ok(())
    }

    pub async fn client_id(&self, network: NetworkId) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT client_id FROM network_credentials WHERE network = ?")
            .bind(network.as_str())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|(v,)| v))
    }

    pub async fn set_client_id(&self, network: NetworkId, client_id: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO network_credentials (network, client_id, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT (network) DO UPDATE SET client_id = excluded.client_id, updated_at = excluded.updated_at",
        )
        .bind(network.as_str())
        .bind(client_id)
        .bind(Utc::now())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn has_any_credentials(&self) -> Result<bool> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM network_credentials").fetch_one(self.pool()).await?;
        Ok(n > 0)
    }
}
