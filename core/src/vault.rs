//! The vault: every secret Herald holds lives in the OS keyring (Secret Service on Linux), never
//! in SQLite, files or logs. Entries are keyed by grant id (tokens) or network (client secrets).
//! There is deliberately no file fallback: if the keyring is unavailable, connecting is refused.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::networks::NetworkId;
use crate::secret::Sensitive;

/// Tokens of one authorization grant at a network.
#[derive(Clone, Debug)]
pub struct TokenSet {
    pub access_token: Sensitive<String>,
    pub refresh_token: Option<Sensitive<String>>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Tokens of single accounts obtained through this grant, by external id (Facebook Page
    /// tokens, fetched with the user token).
    pub account_tokens: BTreeMap<String, Sensitive<String>>,
    /// The scopes the network says were granted (from the token answer), when it says. Known
    /// only during a sign-in; not kept in the keyring.
    pub granted_scopes: Option<Vec<String>>,
    /// When the network issued the access token, where its renewal depends on the token's age
    /// (Instagram refreshes only tokens at least 24 hours old); `None`: not recorded.
    pub issued_at: Option<DateTime<Utc>>,
}

impl TokenSet {
    /// A grant's tokens with nothing per account and no scope information.
    pub fn new(
        access_token: Sensitive<String>,
        refresh_token: Option<Sensitive<String>>,
        expires_at: Option<DateTime<Utc>>,
    ) -> Self {
        Self {
            access_token,
            refresh_token,
            expires_at,
            account_tokens: BTreeMap::new(),
            granted_scopes: None,
            issued_at: None,
        }
    }

    /// The token to use for one account: its own if it has one, else the grant's.
    pub fn for_account(&self, external_id: &str) -> &Sensitive<String> {
        self.account_tokens.get(external_id).unwrap_or(&self.access_token)
    }
}

/// The keyring payload. Private: the only place token strings are serialised.
#[derive(Serialize, Deserialize)]
struct StoredTokens {
    access_token: String,
    refresh_token: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    account_tokens: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issued_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug)]
pub struct Vault {
    service: String,
}

/// Whether the keyring answers, and if not, why (shown to the user).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyringHealth {
    Available,
    Unavailable(String),
}

impl Vault {
    /// `service` names Herald's entries in the keyring ("herald" in the app, unique per test run).
    pub fn new(service: impl Into<String>) -> Self {
        Self { service: service.into() }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Ask the keyring for an entry that does not exist: "no entry" proves the service answers.
    pub async fn health(&self) -> KeyringHealth {
        match self.get_raw("health-probe".to_owned()).await {
            Ok(_) => KeyringHealth::Available,
            Err(Error::KeyringUnavailable(why)) => KeyringHealth::Unavailable(why),
            Err(other) => KeyringHealth::Unavailable(other.to_string()),
        }
    }

    pub async fn put_tokens(&self, grant_id: &str, tokens: &TokenSet) -> Result<()> {
        let stored = StoredTokens {
            access_token: tokens.access_token.expose().clone(),
            refresh_token: tokens.refresh_token.as_ref().map(|t| t.expose().clone()),
            expires_at: tokens.expires_at,
            account_tokens: tokens.account_tokens.iter().map(|(id, t)| (id.clone(), t.expose().clone())).collect(),
            issued_at: tokens.issued_at,
        };
        let json = serde_json::to_string(&stored).map_err(|e| Error::Internal(e.to_string()))?;
        self.set_raw(grant_key(grant_id), Sensitive::new(json)).await
    }

    /// `Ok(None)` when the entry is missing (for example the user cleared it in the keyring).
    pub async fn tokens(&self, grant_id: &str) -> Result<Option<TokenSet>> {
        let Some(json) = self.get_raw(grant_key(grant_id)).await? else {
            return Ok(None);
        };
        let stored: StoredTokens = serde_json::from_str(json.expose())
            .map_err(|_| Error::Internal("the keyring entry for a sign-in is unreadable".into()))?;
        let mut tokens = TokenSet::new(
            Sensitive::new(stored.access_token),
            stored.refresh_token.map(Sensitive::new),
            stored.expires_at,
        );
        tokens.account_tokens = stored.account_tokens.into_iter().map(|(id, t)| (id, Sensitive::new(t))).collect();
        tokens.issued_at = stored.issued_at;
        Ok(Some(tokens))
    }

    pub async fn delete_tokens(&self, grant_id: &str) -> Result<()> {
        self.delete_raw(grant_key(grant_id)).await
    }

    /// The name of a grant's entry in this service (what a pending deletion records).
    pub fn grant_entry(grant_id: &str) -> String {
        grant_key(grant_id)
    }

    /// The grant whose tokens `entry` holds, if it is a grant's entry.
    pub fn grant_of_entry(entry: &str) -> Option<&str> {
        entry.strip_prefix("grant:")
    }

    /// Delete an entry by name; a missing entry counts as deleted.
    pub async fn delete_entry(&self, entry: &str) -> Result<()> {
        self.delete_raw(entry.to_owned()).await
    }

    pub async fn put_client_secret(&self, network: NetworkId, secret: &Sensitive<String>) -> Result<()> {
        self.set_raw(client_key(network), secret.clone()).await
    }

    pub async fn client_secret(&self, network: NetworkId) -> Result<Option<Sensitive<String>>> {
        self.get_raw(client_key(network)).await
    }

    pub async fn delete_client_secret(&self, network: NetworkId) -> Result<()> {
        self.delete_raw(client_key(network)).await
    }

    /// The media host's secret access key (one media host per data directory).
    pub async fn put_media_host_secret(&self, secret: &Sensitive<String>) -> Result<()> {
        self.set_raw(MEDIA_HOST_KEY.to_owned(), secret.clone()).await
    }

    pub async fn media_host_secret(&self) -> Result<Option<Sensitive<String>>> {
        self.get_raw(MEDIA_HOST_KEY.to_owned()).await
    }

    pub async fn delete_media_host_secret(&self) -> Result<()> {
        self.delete_raw(MEDIA_HOST_KEY.to_owned()).await
    }

    async fn set_raw(&self, user: String, value: Sensitive<String>) -> Result<()> {
        let service = self.service.clone();
        blocking(move || {
            keyring::Entry::new(&service, &user)
                .and_then(|entry| entry.set_password(value.expose()))
                .map_err(keyring_error)
        })
        .await
    }

    async fn get_raw(&self, user: String) -> Result<Option<Sensitive<String>>> {
        let service = self.service.clone();
        blocking(move || {
            let entry = keyring::Entry::new(&service, &user).map_err(keyring_error)?;
            match entry.get_password() {
                Ok(value) => Ok(Some(Sensitive::new(value))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(keyring_error(e)),
            }
        })
        .await
    }

    async fn delete_raw(&self, user: String) -> Result<()> {
        let service = self.service.clone();
        blocking(move || {
            let entry = keyring::Entry::new(&service, &user).map_err(keyring_error)?;
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(keyring_error(e)),
            }
        })
        .await
    }
}

fn grant_key(grant_id: &str) -> String {
    format!("grant:{grant_id}")
}

/// The keyring entry of the media host's secret access key.
const MEDIA_HOST_KEY: &str = "media-host-secret";

fn client_key(network: NetworkId) -> String {
    format!("client-secret:{}", network.as_str())
}

/// Keyring calls block on D-Bus: keep them off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error::Internal(format!("keyring task failed: {e}")))?
}

fn keyring_error(e: keyring::Error) -> Error {
    match e {
        keyring::Error::PlatformFailure(inner) => Error::KeyringUnavailable(inner.to_string()),
        keyring::Error::NoStorageAccess(inner) => Error::KeyringUnavailable(inner.to_string()),
        other => Error::Internal(format!("keyring: {other}")),
    }
}
