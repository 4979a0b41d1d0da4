//! Keeping connections healthy: refresh tokens ahead of expiry and classify what goes wrong.
//! Only a recognised auth error (`invalid_grant`, a missing keyring entry) flips an account to
//! "needs reconnect"; a network blip is recorded as the last error and changes nothing else.

use crate::api::{Account, AccountStatus, StatusReason};
use crate::error::{Error, Result};
use crate::networks;
use crate::store::DeletionReason;
use crate::{CoreEvent, Herald};

use super::expires_within;

impl Herald {
    /// Check every grant once: refresh those expiring within the margin. Returns the accounts.
    /// Keyring deletes that failed earlier are retried first.
    ///
    /// Each grant is checked under its lock (read, refresh, write), and a refreshed token is
    /// only written while the grant is still in SQLite: a disconnect racing the refresh waits for
    /// it, and an orphaned grant's entry is never written back.
    pub async fn check_accounts(&self) -> Result<Vec<Account>> {
        if let Err(e) = self.retry_keyring_deletions().await {
            tracing::warn!("could not retry pending keyring deletes: {e}");
        }
        let margin = self.config().refresh_margin;
        let expiry_by_grant = self.store().grant_expiries().await?;
        let mut changed = false;
        for (grant_id, network, expires_at) in expiry_by_grant {
            let _grant = self.grant_locks.lock(&grant_id).await;
            if !self.store().grant_exists(&grant_id).await? {
                // Deleted since the list was read; whoever deleted it deletes its entry.
                continue;
            }
            let tokens = match self.vault().tokens(&grant_id).await {
                Ok(Some(tokens)) => tokens,
                Ok(None) => {
                    let why = "The sign-in is missing from the system keyring (it may have been cleared). Reconnect to sign in again.";
                    let problem = Some((StatusReason::KeyringEntryMissing, why));
                    self.store().record_check(&grant_id, Some(AccountStatus::NeedsReconnect), problem, None).await?;
                    changed = true;
                    continue;
                }
                // Keyring trouble is not the account's fault: report it, touch nothing.
                Err(e) => return Err(e),
            };
            if !expires_within(expires_at.or(tokens.expires_at), margin) {
                continue;
            }
            let refreshed = match self.oauth_config(network).await {
                Ok(oauth) => {
                    let endpoints = &self.config().endpoints;
                    let ctx = networks::Ctx { http: &self.http, endpoints, oauth: &oauth, redirect_uri: "" };
                    networks::refresh(network, &ctx, &tokens).await
                }
                Err(e) => Err(e),
            };
            let refreshed = match refreshed {
                Ok(Some(new_tokens)) => Ok(new_tokens),
                Ok(None) => {
                    let why = "The sign-in has expired and the network gave no way to renew it. Reconnect to continue.";
                    let problem = Some((StatusReason::ExpiredCannotRenew, why));
                    self.store().record_check(&grant_id, Some(AccountStatus::NeedsReconnect), problem, None).await?;
                    changed = true;
                    continue;
                }
                Err(e) => Err(e),
            };
            match refreshed {
                Ok(new_tokens) => {
                    if !self.store().grant_exists(&grant_id).await? {
                        // Replaced while refreshing: write nothing, and leave no entry behind.
                        self.delete_grant_entry_locked(&grant_id, DeletionReason::GrantGone).await;
                        tracing::info!(grant = %grant_id, "grant gone during refresh: new token dropped");
                        continue;
                    }
                    self.vault().put_tokens(&grant_id, &new_tokens).await?;
                    self.store()
                        .record_check(&grant_id, Some(AccountStatus::Connected), None, new_tokens.expires_at)
                        .await?;
                    tracing::info!(grant = %grant_id, network = network.as_str(), "token refreshed");
                }
                Err(e @ Error::Rejected { auth: true, .. }) => {
                    let why = format!("{e} Reconnect to continue.");
                    let problem = Some((StatusReason::SignInRejected, why.as_str()));
                    self.store().record_check(&grant_id, Some(AccountStatus::NeedsReconnect), problem, None).await?;
                    tracing::warn!(grant = %grant_id, network = network.as_str(), "refresh rejected: needs reconnect");
                }
                Err(e) => {
                    let detail = e.to_string();
                    self.store()
                        .record_check(&grant_id, None, Some((StatusReason::CheckFailed, &detail)), None)
                        .await?;
                    tracing::warn!(grant = %grant_id, network = network.as_str(), "refresh failed, will retry: {e}");
                }
            }
            changed = true;
        }
        if changed {
            self.emit(CoreEvent::AccountsChanged);
        }
        self.accounts().await
    }
}
