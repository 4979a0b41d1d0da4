//! Keyring entries whose delete failed, kept until a retry succeeds. No secret is stored: only
//! the entry's service and name, why it goes, and an error code with the platform's detail.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Store;
use crate::error::{Error, Result};

/// Why an entry has to go (stored as a code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeletionReason {
    /// The grant's last account was disconnected.
    Disconnected,
    /// A new sign-in replaced the grant for every account that used it.
    Replaced,
    /// Connecting failed after the tokens were stored.
    ConnectRolledBack,
    /// A refresh found its grant deleted while it ran.
    GrantGone,
}

impl DeletionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DeletionReason::Disconnected => "disconnected",
            DeletionReason::Replaced => "replaced",
            DeletionReason::ConnectRolledBack => "connect_rolled_back",
            DeletionReason::GrantGone => "grant_gone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Disconnected, Self::Replaced, Self::ConnectRolledBack, Self::GrantGone]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// A keyring entry still to delete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingDeletion {
    /// The keyring service the entry belongs to (Herald's, or its demo's).
    pub service: String,
    /// The entry's name in that service, e.g. `grant:<id>`.
    pub entry: String,
    pub reason: DeletionReason,
    pub attempts: i64,
    /// The [`ErrorCode`] of the last failure, as it crosses IPC (`keyring_unavailable`...).
    pub last_error_code: String,
    /// The platform's technical detail of the last failure, if any (never shown as a sentence).
    pub last_error_detail: Option<String>,
    pub first_attempt_at: DateTime<Utc>,
    pub last_attempt_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct Row {
    service: String,
    entry: String,
    reason: String,
    attempts: i64,
    last_error_code: String,
    last_error_detail: Option<String>,
    first_attempt_at: DateTime<Utc>,
    last_attempt_at: DateTime<Utc>,
}

/// The stored form of an error: its IPC code and, for keyring errors, the platform's detail.
fn stored_error(error: &Error) -> (String, Option<String>) {
    let code = match serde_json::to_value(error.code()) {
        Ok(serde_json::Value::String(code)) => code,
        _ => "internal".to_owned(),
    };
    let detail = match error {
        Error::KeyringUnavailable(detail) | Error::Internal(detail) => Some(detail.clone()),
        _ => None,
    };
    (code, detail)
}

impl Store {
    /// Record a failed delete of `entry` (a first failure, or one more for a known entry).
    pub async fn record_failed_deletion(
        &self,
        service: &str,
        entry: &str,
        reason: DeletionReason,
        error: &Error,
    ) -> Result<()> {
        let (code, detail) = stored_error(error);
        let now = Utc::now();
        sqlx::query(
            "INSERT INTO pending_keyring_deletions (service, entry, reason, attempts, last_error_code, \
             last_error_detail, first_attempt_at, last_attempt_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?) \
             ON CONFLICT (service, entry) DO UPDATE SET attempts = attempts + 1, \
               last_error_code = excluded.last_error_code, last_error_detail = excluded.last_error_detail, \
               last_attempt_at = excluded.last_attempt_at",
        )
        .bind(service)
        .bind(entry)
        .bind(reason.as_str())
        .bind(code)
        .bind(detail)
        .bind(now)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Every entry still to delete, oldest first.
    pub async fn pending_deletions(&self) -> Result<Vec<PendingDeletion>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT service, entry, reason, attempts, last_error_code, last_error_detail, first_attempt_at, \
             last_attempt_at FROM pending_keyring_deletions ORDER BY first_attempt_at, service, entry",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(PendingDeletion {
                    reason: DeletionReason::parse(&r.reason).ok_or_else(|| {
                        Error::Internal(format!("stored keyring deletion has an unknown reason {:?}", r.reason))
                    })?,
                    service: r.service,
                    entry: r.entry,
                    attempts: r.attempts,
                    last_error_code: r.last_error_code,
                    last_error_detail: r.last_error_detail,
                    first_attempt_at: r.first_attempt_at,
                    last_attempt_at: r.last_attempt_at,
                })
            })
            .collect()
    }

    /// The entry is gone from the keyring: forget it.
    pub async fn deletion_done(&self, service: &str, entry: &str) -> Result<()> {
        sqlx::query("DELETE FROM pending_keyring_deletions WHERE service = ? AND entry = ?")
            .bind(service)
            .bind(entry)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Whether any pending deletion is recorded (one cheap query, for start-up).
    pub async fn has_pending_deletions(&self) -> Result<bool> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM pending_keyring_deletions").fetch_one(self.pool()).await?;
        Ok(n > 0)
    }
}
