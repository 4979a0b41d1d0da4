//! Settings the user changes: language, and each network's OAuth client credentials (the id in
//! SQLite, the secret in the keyring).

use serde::{Deserialize, Serialize};

use crate::api::{ConnectSetup, Credentials, NetworkInfo};
use crate::error::{Error, Result};
use crate::net;
use crate::networks::{self, NetworkId, RedirectMode};
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
                client_secret_required: spec.client_secret_required(),
                redirect_modes: spec.connect.map(|c| c.redirect.allowed.to_vec()).unwrap_or_default(),
                revocable: spec.revocable(),
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
        if network == NetworkId::Linkedin {
            // Perhaps an app LinkedIn has since approved for organization pages: ask again.
            networks::linkedin::forget_organizations_refusal(self.store()).await?;
        }
        self.credentials(network).await
    }

    /// How `network`'s sign-ins reach Herald: the redirect mode, the fixed port and the relay
    /// URL, with what the user must register with the network.
    pub async fn connect_setup(&self, network: NetworkId) -> Result<ConnectSetup> {
        let stored = match self.store().setting(&setup_key(network)).await? {
            // A damaged value falls back to the network's defaults rather than blocking sign-in.
            Some(json) => serde_json::from_str::<StoredSetup>(&json).ok(),
            None => None,
        };
        Ok(describe_setup(network, stored.unwrap_or_default()))
    }

    /// Save `network`'s redirect mode, fixed port and relay URL (checked against what the
    /// network allows: a port from 1024 to 65535, a relay URL that is https, or http to a
    /// loopback address).
    pub async fn save_connect_setup(
        &self,
        network: NetworkId,
        mode: RedirectMode,
        port: Option<u16>,
        relay_url: Option<&str>,
    ) -> Result<ConnectSetup> {
        let spec = network.spec();
        let facts = spec.connect.ok_or(Error::NetworkNotSupported(spec.name))?;
        if !facts.redirect.allowed.contains(&mode) {
            return Err(Error::InvalidInput(format!("{} cannot use this kind of sign-in address", spec.name)));
        }
        if let Some(port) = port {
            if port < 1024 {
                return Err(Error::InvalidInput("the port must be a number from 1024 to 65535".into()));
            }
        }
        let relay_url = match relay_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => Some(check_relay_url(url)?),
            None => None,
        };
        let stored = StoredSetup { mode: Some(mode), port, relay_url };
        let json = serde_json::to_string(&stored).map_err(|e| Error::Internal(e.to_string()))?;
        self.store().set_setting(&setup_key(network), Some(&json)).await?;
        self.connect_setup(network).await
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

/// What is saved per network (each field falls back to the network's default).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct StoredSetup {
    mode: Option<RedirectMode>,
    port: Option<u16>,
    relay_url: Option<String>,
}

fn setup_key(network: NetworkId) -> String {
    format!("connect.{}", network.as_str())
}

/// The setup in effect: the stored choices where the network allows them, its defaults elsewhere.
fn describe_setup(network: NetworkId, stored: StoredSetup) -> ConnectSetup {
    let rule = network.spec().connect.map(|c| c.redirect);
    let allowed_modes = rule.map(|r| r.allowed.to_vec()).unwrap_or_default();
    let default_mode = rule.map_or(RedirectMode::Loopback, |r| r.default);
    let mode = stored.mode.filter(|m| allowed_modes.contains(m)).unwrap_or(default_mode);
    let port = stored.port.filter(|p| *p >= 1024).or(rule.map(|r| r.default_port).filter(|p| *p > 0)).unwrap_or(0);
    let relay_url = stored.relay_url.filter(|u| check_relay_url(u).is_ok());
    let redirect_to_register = match mode {
        RedirectMode::Loopback => None,
        RedirectMode::FixedPort => Some(format!("http://127.0.0.1:{port}/callback")),
        RedirectMode::Relay => relay_url.clone(),
    };
    ConnectSetup { network, mode, allowed_modes, port, relay_url, redirect_to_register }
}

/// A relay page address: https (or http to a loopback address, for the sandbox), no query or
/// fragment, at most 2,000 characters. Returned normalised.
fn check_relay_url(url: &str) -> Result<String> {
    let bad = || Error::InvalidInput("the relay address must be a full https:// address of your relay page".into());
    if url.len() > 2000 {
        return Err(bad());
    }
    let parsed = url::Url::parse(url).map_err(|_| bad())?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad());
    }
    net::check_endpoint("relay", &parsed).map_err(|_| bad())?;
    Ok(parsed.to_string())
}
