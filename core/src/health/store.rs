//! What the health task reads and writes in SQLite: grants with their accounts' state, status
//! changes (with the date), and the notifications already sent.

use chrono::{DateTime, Utc};

use crate::api::{AccountStatus, NoticeKind, StatusReason};
use crate::error::Result;
use crate::networks::NetworkId;
use crate::store::Store;

/// A grant as the health task sees it: its network, the earliest expiry among its accounts and
/// what state they are in.
#[derive(Clone, Debug)]
pub(crate) struct GrantHealth {
    pub grant_id: String,
    pub network: NetworkId,
    pub expires_at: Option<DateTime<Utc>>,
    /// At least one account is connected: the sign-in is renewed and checked.
    pub active: bool,
    /// At least one account needs a reconnect (it becomes disconnected once the sign-in expires).
    pub needs_reconnect: bool,
    pub reason: Option<StatusReason>,
    pub detail: Option<String>,
}

/// An account the notifications are about.
#[derive(Clone, Debug)]
pub(crate) struct NoticeSubject {
    pub account_id: String,
    pub grant_id: String,
    pub status: AccountStatus,
    pub expires_at: Option<DateTime<Utc>>,
}

type StatusRow = (String, String, Option<String>);

impl Store {
    pub(crate) async fn health_grants(&self) -> Result<Vec<GrantHealth>> {
        #[allow(clippy::type_complexity)]
        let rows: Vec<(String, String, Option<DateTime<Utc>>, bool, bool, Option<String>, Option<String>)> =
            sqlx::query_as(
                "SELECT g.id, g.network, MIN(a.token_expires_at), MAX(a.status = 'connected'), \
                 MAX(a.status = 'needs_reconnect'), MAX(a.status_reason), MAX(a.last_error) \
                 FROM grants g JOIN accounts a ON a.grant_id = g.id GROUP BY g.id ORDER BY g.id",
            )
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(grant_id, network, expires_at, active, needs_reconnect, reason, detail)| {
                Some(GrantHealth {
                    grant_id,
                    network: NetworkId::parse(&network)?,
                    expires_at,
                    active,
                    needs_reconnect,
                    reason: reason.as_deref().and_then(StatusReason::parse),
                    detail,
                })
            })
            .collect())
    }

    /// Record what the health task found on every account of `grant_id`, at `at`: the status
    /// (`None`: unchanged), the reason with its detail (`None`: cleared), a new expiry. An
    /// account missing a permission stays "needs reconnect" whatever a check says. A status
    /// that changes is dated (`status_since`). Returns whether any status or reason changed.
    pub(crate) async fn record_health(
        &self,
        grant_id: &str,
        status: Option<AccountStatus>,
        problem: Option<(StatusReason, &str)>,
        token_expires_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.pool().begin().await?;
        let select = "SELECT id, status, status_reason FROM accounts WHERE grant_id = ? ORDER BY id";
        let before: Vec<StatusRow> = sqlx::query_as(select).bind(grant_id).fetch_all(&mut *tx).await?;
        sqlx::query(
            "UPDATE accounts SET \
             status = CASE WHEN COALESCE(missing_permissions, '[]') != '[]' AND COALESCE(?1, status) = 'connected' \
               THEN 'needs_reconnect' ELSE COALESCE(?1, status) END, \
             status_since = CASE WHEN (CASE WHEN COALESCE(missing_permissions, '[]') != '[]' \
               AND COALESCE(?1, status) = 'connected' THEN 'needs_reconnect' ELSE COALESCE(?1, status) END) != status \
               THEN ?4 ELSE status_since END, \
             status_reason = COALESCE(?2, CASE WHEN COALESCE(missing_permissions, '[]') != '[]' \
               THEN 'permission_missing' END), \
             last_error = ?3, last_checked_at = ?4, token_expires_at = COALESCE(?5, token_expires_at) \
             WHERE grant_id = ?6",
        )
        .bind(status.map(AccountStatus::as_str))
        .bind(problem.map(|(reason, _)| reason.as_str()))
        .bind(problem.map(|(_, detail)| detail))
        .bind(at)
        .bind(token_expires_at)
        .bind(grant_id)
        .execute(&mut *tx)
        .await?;
        let after: Vec<StatusRow> = sqlx::query_as(select).bind(grant_id).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        Ok(before != after)
    }

    /// When the account's status last changed, as the health task recorded it.
    pub async fn status_since(&self, account_id: &str) -> Result<Option<DateTime<Utc>>> {
        let row: Option<(Option<DateTime<Utc>>,)> = sqlx::query_as("SELECT status_since FROM accounts WHERE id = ?")
            .bind(account_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.and_then(|(at,)| at))
    }

    pub(crate) async fn notice_subjects(&self) -> Result<Vec<NoticeSubject>> {
        let rows: Vec<(String, String, String, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT id, grant_id, status, token_expires_at FROM accounts WHERE grant_id IS NOT NULL ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(account_id, grant_id, status, expires_at)| {
                Some(NoticeSubject { account_id, grant_id, status: AccountStatus::parse(&status)?, expires_at })
            })
            .collect())
    }

    /// Every notification already sent: account, kind, and the expiry a warning was about.
    pub async fn sent_notices(&self) -> Result<Vec<(String, NoticeKind, Option<DateTime<Utc>>)>> {
        let rows: Vec<(String, String, Option<DateTime<Utc>>)> =
            sqlx::query_as("SELECT account_id, kind, for_expiry FROM health_notices ORDER BY account_id, kind")
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().filter_map(|(id, kind, at)| Some((id, NoticeKind::parse(&kind)?, at))).collect())
    }

    /// Remember that `kinds` were dealt with for `account_id` (one transaction).
    pub(crate) async fn record_notices(
        &self,
        account_id: &str,
        kinds: &[(NoticeKind, Option<DateTime<Utc>>)],
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for (kind, for_expiry) in kinds {
            sqlx::query(
                "INSERT INTO health_notices (account_id, kind, for_expiry, notified_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (account_id, kind) DO UPDATE SET for_expiry = excluded.for_expiry, \
                 notified_at = excluded.notified_at",
            )
            .bind(account_id)
            .bind(kind.as_str())
            .bind(for_expiry)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn forget_notice(&self, account_id: &str, kind: NoticeKind) -> Result<()> {
        sqlx::query("DELETE FROM health_notices WHERE account_id = ? AND kind = ?")
            .bind(account_id)
            .bind(kind.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
