//! What moves between computers (see `crate::transfer` for the file format): settings, client
//! ids, the accounts' public facts, and drafts and scheduled posts. Never a grant id, a token or a client secret; those stay
//! with the keyring of the computer that made them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::Store;
use crate::api::{AccountKind, AccountStatus};
use crate::error::{Error, Result};
use crate::networks::NetworkId;

/// An account as another computer may know it: who it is, not how to sign in to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortableAccount {
    pub network: NetworkId,
    pub external_id: String,
    pub kind: AccountKind,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub connected_at: DateTime<Utc>,
}

/// Everything portable in the store, read at one instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub settings: BTreeMap<String, String>,
    /// Client id per network (the secret, if any, is in the keyring and not part of this).
    pub credentials: BTreeMap<NetworkId, String>,
    pub accounts: Vec<PortableAccount>,
    /// Drafts and posts still to publish (their targets named by network + external id).
    pub posts: Vec<super::posts::PortablePost>,
}

/// How many entries [`Store::merge_snapshot`] added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SnapshotCounts {
    pub settings: u32,
    pub credentials: u32,
    pub accounts: u32,
    pub posts: u32,
}

type AccountTuple = (String, String, String, String, Option<String>, DateTime<Utc>);

impl Store {
    /// Read settings, client ids and accounts in one read transaction (a consistent snapshot).
    pub async fn snapshot(&self) -> Result<Snapshot> {
        let mut tx = self.pool().begin().await?;
        let settings: Vec<(String, String)> =
            sqlx::query_as("SELECT key, value FROM settings ORDER BY key").fetch_all(&mut *tx).await?;
        let credentials: Vec<(String, String)> =
            sqlx::query_as("SELECT network, client_id FROM network_credentials ORDER BY network")
                .fetch_all(&mut *tx)
                .await?;
        let accounts: Vec<AccountTuple> = sqlx::query_as(
            "SELECT network, external_id, kind, display_name, avatar_url, connected_at FROM accounts \
             ORDER BY connected_at, network, external_id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let posts = super::posts::portable_posts(&mut tx).await?;
        tx.commit().await?;

        let corrupt = |what: &str, value: &str| Error::Internal(format!("stored data has an unknown {what} {value:?}"));
        let mut snapshot = Snapshot { settings: settings.into_iter().collect(), posts, ..Snapshot::default() };
        for (network, client_id) in credentials {
            let id = NetworkId::parse(&network).ok_or_else(|| corrupt("network", &network))?;
            snapshot.credentials.insert(id, client_id);
        }
        for (network, external_id, kind, display_name, avatar_url, connected_at) in accounts {
            snapshot.accounts.push(PortableAccount {
                network: NetworkId::parse(&network).ok_or_else(|| corrupt("network", &network))?,
                kind: AccountKind::parse(&kind).ok_or_else(|| corrupt("account kind", &kind))?,
                external_id,
                display_name,
                avatar_url,
                connected_at,
            });
        }
        Ok(snapshot)
    }

    /// Add what this store lacks from `snapshot`, in one transaction (all or nothing). Existing
    /// settings, client ids and accounts (same network + external id) are left as they are.
    /// New accounts have no grant here, so they arrive as `needs_reconnect` with `note` as their
    /// last error. Returns how many entries of each kind were added.
    pub async fn merge_snapshot(&self, snapshot: &Snapshot, note: &str) -> Result<SnapshotCounts> {
        let now = Utc::now();
        let mut counts = SnapshotCounts::default();
        let mut tx = self.pool().begin().await?;
        for (key, value) in &snapshot.settings {
            let done = sqlx::query(
                "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(value)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            counts.settings += count(done.rows_affected());
        }
        for (network, client_id) in &snapshot.credentials {
            let done = sqlx::query(
                "INSERT INTO network_credentials (network, client_id, updated_at) VALUES (?, ?, ?) ON CONFLICT (network) DO NOTHING",
            )
            .bind(network.as_str())
            .bind(client_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            counts.credentials += count(done.rows_affected());
        }
        for account in &snapshot.accounts {
            let done = sqlx::query(
                "INSERT INTO accounts (id, network, external_id, kind, display_name, avatar_url, status, grant_id, \
                 connected_at, token_expires_at, last_checked_at, last_error, status_reason) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, ?, 'imported') \
                 ON CONFLICT (network, external_id) DO NOTHING",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(account.network.as_str())
            .bind(&account.external_id)
            .bind(account.kind.as_str())
            .bind(&account.display_name)
            .bind(&account.avatar_url)
            .bind(AccountStatus::NeedsReconnect.as_str())
            .bind(account.connected_at)
            .bind(note)
            .execute(&mut *tx)
            .await?;
            counts.accounts += count(done.rows_affected());
        }
        counts.posts = super::posts::merge_posts(&mut tx, &snapshot.posts, now).await?;
        tx.commit().await?;
        Ok(counts)
    }
}

fn count(rows: u64) -> u32 {
    u32::try_from(rows).unwrap_or(u32::MAX)
}
