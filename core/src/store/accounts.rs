//! Accounts and grants.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Store;
use crate::api::{Account, AccountKind, AccountStatus, StatusReason};
use crate::error::{Error, Result};
use crate::networks::NetworkId;

/// An account about to be stored after the user picked it.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub external_id: String,
    pub kind: AccountKind,
    pub display_name: String,
    pub avatar_url: Option<String>,
    /// Scopes Herald needs that were not granted; non-empty stores the account as needing a reconnect.
    pub missing_permissions: Vec<String>,
    /// Google: the `accounts/{id}` of the location.
    pub parent_id: Option<String>,
}

#[derive(FromRow)]
struct AccountRow {
    id: String,
    network: String,
    external_id: String,
    kind: String,
    display_name: String,
    avatar_url: Option<String>,
    status: String,
    grant_id: Option<String>,
    connected_at: DateTime<Utc>,
    token_expires_at: Option<DateTime<Utc>>,
    last_checked_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    missing_permissions: Option<String>,
    status_reason: Option<String>,
    status_since: Option<DateTime<Utc>>,
    parent_id: Option<String>,
}

impl AccountRow {
    fn into_account(self) -> Result<(Account, Option<String>)> {
        let corrupt =
            |what: &str, value: &str| Error::Internal(format!("stored account has an unknown {what} {value:?}"));
        let account = Account {
            network: NetworkId::parse(&self.network).ok_or_else(|| corrupt("network", &self.network))?,
            kind: AccountKind::parse(&self.kind).ok_or_else(|| corrupt("kind", &self.kind))?,
            status: AccountStatus::parse(&self.status).ok_or_else(|| corrupt("status", &self.status))?,
            id: self.id,
            external_id: self.external_id,
            display_name: self.display_name,
            avatar_url: self.avatar_url,
            connected_at: self.connected_at,
            token_expires_at: self.token_expires_at,
            last_checked_at: self.last_checked_at,
            last_error: self.last_error,
            parent_id: self.parent_id,
            missing_permissions: self
                .missing_permissions
                .as_deref()
                .and_then(|json| serde_json::from_str(json).ok())
                .unwrap_or_default(),
            // An unknown code (from a newer build) shows as no reason: the detail still shows.
            status_reason: self.status_reason.as_deref().and_then(StatusReason::parse),
            status_since: self.status_since,
        };
        Ok((account, self.grant_id))
    }
}

const SELECT: &str = "SELECT id, network, external_id, kind, display_name, avatar_url, status, grant_id, \
                      connected_at, token_expires_at, last_checked_at, last_error, missing_permissions, status_reason, status_since, parent_id FROM accounts";

impl Store {
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let rows: Vec<AccountRow> =
            sqlx::query_as(&format!("{SELECT} ORDER BY connected_at, display_name")).fetch_all(self.pool()).await?;
        rows.into_iter().map(|r| r.into_account().map(|(a, _)| a)).collect()
    }

    /// The account and the id of the grant whose tokens it uses.
    pub async fn account(&self, id: &str) -> Result<Option<(Account, Option<String>)>> {
        let row: Option<AccountRow> =
            sqlx::query_as(&format!("{SELECT} WHERE id = ?")).bind(id).fetch_optional(self.pool()).await?;
        row.map(AccountRow::into_account).transpose()
    }

    pub async fn external_ids(&self, network: NetworkId) -> Result<HashSet<String>> {
        let ids: Vec<(String,)> = sqlx::query_as("SELECT external_id FROM accounts WHERE network = ?")
            .bind(network.as_str())
            .fetch_all(self.pool())
            .await?;
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }

    /// Store a new grant and point the chosen accounts at it, in one transaction. Accounts that
    /// already exist (same network + external id) keep their id, so anything attached to them
    /// survives a reconnect. Returns the stored accounts and the grants left with no account.
    pub async fn save_connection(
        &self,
        grant_id: &str,
        network: NetworkId,
        accounts: &[NewAccount],
        token_expires_at: Option<DateTime<Utc>>,
    ) -> Result<(Vec<Account>, Vec<String>)> {
        let now = Utc::now();
        let mut tx = self.pool().begin().await?;
        sqlx::query("INSERT INTO grants (id, network, created_at) VALUES (?, ?, ?)")
            .bind(grant_id)
            .bind(network.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let mut ids = Vec::with_capacity(accounts.len());
        for account in accounts {
            let (id,): (String,) = sqlx::query_as(
                "INSERT INTO accounts (id, network, external_id, kind, display_name, avatar_url, status, grant_id, \
                 connected_at, token_expires_at, last_checked_at, last_error, missing_permissions, status_reason, parent_id) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?) \
                 ON CONFLICT (network, external_id) DO UPDATE SET \
                   kind = excluded.kind, display_name = excluded.display_name, avatar_url = excluded.avatar_url, \
                   status = excluded.status, grant_id = excluded.grant_id, token_expires_at = excluded.token_expires_at, \
                   last_checked_at = excluded.last_checked_at, last_error = NULL, \
                   missing_permissions = excluded.missing_permissions, status_reason = excluded.status_reason, \
                   parent_id = COALESCE(excluded.parent_id, accounts.parent_id) \
                 RETURNING id",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(network.as_str())
            .bind(&account.external_id)
            .bind(account.kind.as_str())
            .bind(&account.display_name)
            .bind(&account.avatar_url)
            .bind(if account.missing_permissions.is_empty() { "connected" } else { "needs_reconnect" })
            .bind(grant_id)
            .bind(now)
            .bind(token_expires_at)
            .bind(now)
            .bind(if account.missing_permissions.is_empty() {
                None
            } else {
                serde_json::to_string(&account.missing_permissions).ok()
            })
            .bind((!account.missing_permissions.is_empty()).then_some(StatusReason::PermissionMissing.as_str()))
            .bind(account.parent_id.as_deref())
            .fetch_one(&mut *tx)
            .await?;
            ids.push(id);
        }
        let orphans: Vec<(String,)> = sqlx::query_as(
            "DELETE FROM grants WHERE network = ? AND id NOT IN (SELECT grant_id FROM accounts WHERE grant_id IS NOT NULL) RETURNING id",
        )
        .bind(network.as_str())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;

        let mut stored = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some((account, _)) = self.account(&id).await? {
                stored.push(account);
            }
        }
        Ok((stored, orphans.into_iter().map(|(id,)| id).collect()))
    }

    /// Remove an account. Returns its grant id and whether the grant is now unused (and deleted).
    pub async fn remove_account(&self, id: &str) -> Result<Option<(Option<String>, bool)>> {
        let mut tx = self.pool().begin().await?;
        let grant: Option<(Option<String>,)> = sqlx::query_as("DELETE FROM accounts WHERE id = ? RETURNING grant_id")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((grant_id,)) = grant else {
            return Ok(None);
        };
        let mut orphaned = false;
        if let Some(grant_id) = &grant_id {
            let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts WHERE grant_id = ?")
                .bind(grant_id)
                .fetch_one(&mut *tx)
                .await?;
            if left == 0 {
                sqlx::query("DELETE FROM grants WHERE id = ?").bind(grant_id).execute(&mut *tx).await?;
                orphaned = true;
            }
        }
        tx.commit().await?;
        Ok(Some((grant_id, orphaned)))
    }

    /// Whether the grant is still stored (a grant's row goes before its keyring entry does).
    pub async fn grant_exists(&self, grant_id: &str) -> Result<bool> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM grants WHERE id = ?").bind(grant_id).fetch_optional(self.pool()).await?;
        Ok(row.is_some())
    }

    pub async fn count_accounts(&self, network: NetworkId) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts WHERE network = ?")
            .bind(network.as_str())
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// Every grant in use, with its network and the earliest token expiry among its accounts.
    pub async fn grant_expiries(&self) -> Result<Vec<(String, NetworkId, Option<DateTime<Utc>>)>> {
        let rows: Vec<(String, String, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT g.id, g.network, MIN(a.token_expires_at) FROM grants g JOIN accounts a ON a.grant_id = g.id GROUP BY g.id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().filter_map(|(id, n, at)| NetworkId::parse(&n).map(|n| (id, n, at))).collect())
    }

    /// Record the outcome of a health check on every account using `grant_id`.
    pub async fn record_check(
        &self,
        grant_id: &str,
        status: Option<AccountStatus>,
        problem: Option<(StatusReason, &str)>,
        token_expires_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        sqlx::query(
            // An account missing a permission stays "needs reconnect" (and says why) whatever a
            // refresh says.
            "UPDATE accounts SET status = CASE WHEN COALESCE(missing_permissions, '[]') != '[]' \
             THEN 'needs_reconnect' ELSE COALESCE(?, status) END, \
             status_reason = COALESCE(?, CASE WHEN COALESCE(missing_permissions, '[]') != '[]' \
             THEN 'permission_missing' END), last_error = ?, last_checked_at = ?, \
             token_expires_at = COALESCE(?, token_expires_at) WHERE grant_id = ?",
        )
        .bind(status.map(AccountStatus::as_str))
        .bind(problem.map(|(reason, _)| reason.as_str()))
        .bind(problem.map(|(_, detail)| detail))
        .bind(Utc::now())
        .bind(token_expires_at)
        .bind(grant_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

impl Store {
    /// Keep an account linked before this Herald knew about it (a deprecated network's link, or
    /// the demo's sample WeChat account): no grant, so nothing to refresh or revoke, only to
    /// list and disconnect. An existing account (same network + external id) is left as it is.
    /// Returns whether it was added.
    pub async fn add_linked_account(
        &self,
        network: NetworkId,
        external_id: &str,
        kind: AccountKind,
        display_name: &str,
        status: AccountStatus,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO accounts (id, network, external_id, kind, display_name, avatar_url, status, grant_id, \
             connected_at, token_expires_at, last_checked_at, last_error) \
             VALUES (?, ?, ?, ?, ?, NULL, ?, NULL, ?, NULL, NULL, NULL) \
             ON CONFLICT (network, external_id) DO NOTHING",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(network.as_str())
        .bind(external_id)
        .bind(kind.as_str())
        .bind(display_name)
        .bind(status.as_str())
        .bind(Utc::now())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
