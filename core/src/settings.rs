//! Settings the user changes: language, and each network's OAuth client credentials (the id in
//! SQLite, the secret in the keyring).

use crate::api::{Credentials, NetworkInfo};
use crate::error::{Error, Result};
use crate::networks::{self, NetworkId};
use crate::secret::Sensitive;
use crate::store::settings::LOCALE;
use crate::Herald;

const SUPPORTED_LOCALES: [&str; 2] = ["en", "it"];
const MAX_CLIENT_ID: usize = 512;
const MAX_CLIENT_SECRET: usize = 1024;

impl Herald {
    pub async fn networks(&self) -> Result<Vec<NetworkInfo>> {
        let mut out = Vec::with_capacity(networks::ALL.len());
        for spec in networks::ALL {
            out.push(NetworkInfo {
                id: spec.id,
                name: spec.name.to_owned(),
                availability: spec.availability,
                credentials_configured: self.store().client_id(spec.id).await?.is_some(),
                client_secret_required: spec.client_secret_required,
            });
        }
        Ok(out)
    }

    pub async fn credentials(&self, network: NetworkId) -> Result<Credentials> {
        let client_id = self.store().client_id(network).await?.unwrap_or_default();
        let has_secret = self.vault().client_secret(network).await?.is_some();
        Ok(Credentials { network, client_id, has_secret })
    }

    /// Save a client id and, when given, a client secret (an empty secret removes it).
    pub async fn save_credentials(
        &self,
        network: NetworkId,
        client_id: &str,
        client_secret: Option<Sensitive<String>>,
    ) -> Result<Credentials> {
        let client_id = client_id.trim();
        if client_id.is_empty() || client_id.len() > MAX_CLIENT_ID || client_id.chars().any(char::is_control) {
            return Err(Error::InvalidInput(format!(
                "the client ID must be 1 to {MAX_CLIENT_ID} printable characters"
            )));
        }
        if let Some(secret) = &client_secret {
            if secret.expose().len() > MAX_CLIENT_SECRET || secret.expose().chars().any(char::is_control) {
                return Err(Error::InvalidInput(format!(
                    "the client secret must be at most {MAX_CLIENT_SECRET} printable characters"
                )));
            }
            // Secret first: if the keyring refuses, the id is not saved either.
            if secret.expose().trim().is_empty() {
                self.vault().delete_client_secret(network).await?;
            } else {
                self.vault().put_client_secret(network, secret).await?;
            }
        }
        self.store().set_client_id(network, client_id).await?;
        self.credentials(network).await
    }

    /// The language the user chose, or `None` to follow the OS.
    pub async fn locale(&self) -> Result<Option<String>> {
        self.store().setting(LOCALE).await
    }

    pub async fn set_locale(&self, locale: Option<&str>) -> Result<()> {
        if let Some(locale) = locale {
            if !SUPPORTED_LOCALES.contains(&locale) {
                return Err(Error::InvalidInput(format!(
                    "unsupported language {locale:?}; use one of {SUPPORTED_LOCALES:?}"
                )));
            }
        }
        self.store().set_setting(LOCALE, locale).await
    }
}
