//! Keeping connections healthy: refresh tokens ahead of expiry and classify what goes wrong.
//! Only a recognised auth error (`invalid_grant`, a missing keyring entry) flips an account to
//! "needs reconnect"; a network blip is recorded as the last error and changes nothing else.

use crate::api::{Account, AccountStatus};
use crate::error::{Error, Result};
use crate::{CoreEvent, Herald};

use super::expires_within;

impl Herald {
    /// Check every grant once: refresh those expiring within the margin. Returns the accounts.
    pub async fn check_accounts(&self) -> Result<Vec<Account>> {
        let margin = self.config().refresh_margin;
        let expiry_by_grant = self.store().grant_expiries().await?;
        let mut changed = false;
        for (grant_id, network, expires_at) in expiry_by_grant {
            let tokens = match self.vault().tokens(&grant_id).await {
                Ok(Some(tokens)) => tokens,
                Ok(None) => {
                    let why = "The sign-in is missing from the system keyring (it may have been cleared). Reconnect to sign in again.";
                    self.store().record_check(&grant_id, Some(AccountStatus::NeedsReconnect), Some(why), None).await?;
                    changed = true;
                    continue;
                }
                // Keyring trouble is not the account's fault: report it, touch nothing.
                Err(e) => return Err(e),
            };
            if !expires_within(expires_at.or(tokens.expires_at), margin) {
                continue;
            }
            let Some(refresh_token) = tokens.refresh_token.as_ref() else {
                let why = "The sign-in has expired and the network gave no way to renew it. Reconnect to continue.";
                self.store().record_check(&grant_id, Some(AccountStatus::NeedsReconnect), Some(why), None).await?;
                changed = true;
                continue;
            };
            let refreshed = match self.oauth_config(network).await {
                Ok(oauth) => oauth.refresh(&self.http, refresh_token).await,
                Err(e) => Err(e),
            };
            match refreshed {
                Ok(new_tokens) => {
                    self.vault().put_tokens(&grant_id, &new_tokens).await?;
                    self.store()
                        .record_check(&grant_id, Some(AccountStatus::Connected), None, new_tokens.expires_at)
                        .await?;
                    tracing::info!(grant = %grant_id, network = network.as_str(), "token refreshed");
                }
                Err(e @ Error::Rejected { auth: true, .. }) => {
                    let why = format!("{e} Reconnect to continue.");
                    self.store().record_check(&grant_id, Some(AccountStatus::NeedsReconnect), Some(&why), None).await?;
                    tracing::warn!(grant = %grant_id, network = network.as_str(), "refresh rejected: needs reconnect");
                }
                Err(e) => {
                    self.store().record_check(&grant_id, None, Some(&e.to_string()), None).await?;
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
