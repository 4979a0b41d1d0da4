//! The media host setting: saved as JSON under [`SETTING_KEY`] (never the secret, which goes to
//! the keyring), checked before it is saved, and the `Herald` calls the settings page uses.

use url::Url;

use super::MediaHost;
use crate::api::{MediaHostCheck, MediaHostInput, MediaHostProblem, MediaHostSettings};
use crate::error::{Error, Result};
use crate::secret::Sensitive;
use crate::Herald;

/// The settings row holding the media host (JSON of [`MediaHostSettings`], secret excluded).
pub(crate) const SETTING_KEY: &str = "media_host";
/// S3 signs addresses for at most 7 days.
pub(crate) const MAX_TTL_MINUTES: u32 = 7 * 24 * 60;
const DEFAULT_TTL_MINUTES: u32 = 60;
const MAX_FIELD: usize = 256;

/// The endpoint as a URL Herald may send to: `https`, or `http` to a loopback IP (a MinIO or
/// moto server on this machine).
pub(crate) fn endpoint_url(raw: &str) -> Result<Url> {
    let url = Url::parse(raw.trim())
        .map_err(|_| Error::InvalidInput("the media host's endpoint is not a web address".into()))?;
    crate::net::check_endpoint("media host endpoint", &url)?;
    if url.query().is_some() {
        return Err(Error::InvalidInput("the media host's endpoint must not have a query (?…)".into()));
    }
    Ok(url)
}

/// The public address of the bucket, ending in `/` so keys join under it.
pub(crate) fn public_url(raw: &str) -> Result<Url> {
    let mut url = Url::parse(raw.trim())
        .map_err(|_| Error::InvalidInput("the bucket's public address is not a web address".into()))?;
    crate::net::check_endpoint("public address", &url)?;
    if url.query().is_some() {
        return Err(Error::InvalidInput("the bucket's public address must not have a query (?…)".into()));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn printable(what: &str, value: &str, min: usize) -> Result<String> {
    let value = value.trim();
    if value.len() < min || value.len() > MAX_FIELD || value.chars().any(char::is_control) {
        return Err(Error::InvalidInput(format!(
            "the media host's {what} must be {min} to {MAX_FIELD} printable characters"
        )));
    }
    Ok(value.to_owned())
}

/// S3 bucket names: 3–63 lowercase letters, digits, dots and hyphens.
fn bucket_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    let ok = (3..=63).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    if !ok {
        return Err(Error::InvalidInput("a bucket name is 3 to 63 lowercase letters, digits, dots and hyphens".into()));
    }
    Ok(name.to_owned())
}

impl Herald {
    /// The saved media host (never the secret; `configured: false` when none is saved).
    pub async fn media_host_get(&self) -> Result<MediaHostSettings> {
        Ok(self.media_host_settings().await?.unwrap_or(MediaHostSettings {
            configured: false,
            endpoint: String::new(),
            region: String::new(),
            bucket: String::new(),
            access_key_id: String::new(),
            has_secret: false,
            path_style: false,
            public_base_url: None,
            url_ttl_minutes: DEFAULT_TTL_MINUTES,
            delete_after_publish: true,
            demo: false,
        }))
    }

    async fn media_host_settings(&self) -> Result<Option<MediaHostSettings>> {
        let Some(json) = self.store().setting(SETTING_KEY).await? else { return Ok(None) };
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| Error::Internal(format!("the saved media host cannot be read: {e}")))
    }

    /// Save the media host; the secret goes to the keyring first (if the keyring refuses,
    /// nothing is saved). `secret_access_key: None` keeps the stored one.
    pub async fn media_host_save(&self, input: &MediaHostInput) -> Result<MediaHostSettings> {
        self.save_media_host(input, false).await
    }

    /// The demo's own media host: a local S3-compatible server (moto) at `endpoint`, started
    /// by the demo boot. Saves it (shown read-only), creates its bucket, and checks it.
    pub async fn media_host_use_demo(&self, endpoint: &str) -> Result<MediaHostSettings> {
        let input = MediaHostInput {
            endpoint: endpoint.to_owned(),
            region: "us-east-1".into(),
            bucket: "herald-demo".into(),
            access_key_id: "herald-demo".into(),
            secret_access_key: Some("herald-demo-local-secret".into()),
            path_style: true,
            public_base_url: None,
            url_ttl_minutes: DEFAULT_TTL_MINUTES,
            delete_after_publish: true,
        };
        let settings = self.save_media_host(&input, true).await?;
        let host =
            self.media_host().await?.ok_or_else(|| Error::Internal("the demo media host was not saved".into()))?;
        host.create_bucket(&self.http).await.map_err(|e| Error::Network { network: "media host", detail: e.detail })?;
        Ok(settings)
    }

    async fn save_media_host(&self, input: &MediaHostInput, demo: bool) -> Result<MediaHostSettings> {
        let endpoint = endpoint_url(&input.endpoint)?.to_string();
        let region = printable("region", &input.region, 1)?;
        let bucket = bucket_name(&input.bucket)?;
        let access_key_id = printable("access key ID", &input.access_key_id, 1)?;
        let public_base_url = match input.public_base_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(raw) => Some(public_url(raw)?.to_string()),
            None => None,
        };
        if !(1..=MAX_TTL_MINUTES).contains(&input.url_ttl_minutes) {
            return Err(Error::InvalidInput(format!(
                "a photo's address stays valid for 1 to {MAX_TTL_MINUTES} minutes (7 days)"
            )));
        }
        let had_secret = self.media_host_settings().await?.is_some_and(|s| s.has_secret);
        let has_secret = match input.secret_access_key.as_deref() {
            Some(secret) => {
                let secret = printable("secret access key", secret, 1)?;
                self.vault().put_media_host_secret(&Sensitive::new(secret)).await?;
                true
            }
            None => had_secret,
        };
        let settings = MediaHostSettings {
            configured: has_secret,
            endpoint,
            region,
            bucket,
            access_key_id,
            has_secret,
            path_style: input.path_style,
            public_base_url,
            url_ttl_minutes: input.url_ttl_minutes,
            delete_after_publish: input.delete_after_publish,
            demo,
        };
        let json = serde_json::to_string(&settings).map_err(|e| Error::Internal(format!("media host: {e}")))?;
        self.store().set_setting(SETTING_KEY, Some(&json)).await?;
        tracing::info!(bucket = %settings.bucket, demo, "media host saved");
        self.posts_changed();
        Ok(settings)
    }

    /// Forget the media host (its secret too).
    pub async fn media_host_clear(&self) -> Result<()> {
        self.vault().delete_media_host_secret().await?;
        self.store().set_setting(SETTING_KEY, None).await?;
        self.posts_changed();
        Ok(())
    }

    /// "Test connection": store a small object, read it back through a network's address, delete it.
    pub async fn media_host_test(&self) -> Result<MediaHostCheck> {
        let Some(host) = self.media_host().await? else {
            return Ok(MediaHostCheck { ok: false, problem: Some(MediaHostProblem::NotConfigured), detail: None });
        };
        Ok(match host.check(&self.http).await {
            Ok(()) => MediaHostCheck { ok: true, problem: None, detail: None },
            Err(e) => MediaHostCheck { ok: false, problem: Some(e.problem), detail: Some(e.detail) },
        })
    }

    /// Whether a media host is saved with its secret (no keyring read: for every keystroke's check).
    pub(crate) async fn media_host_configured(&self) -> Result<bool> {
        Ok(self.media_host_settings().await?.is_some_and(|s| s.configured))
    }

    /// The media host ready for requests (`None`: none saved, or its secret is gone).
    pub(crate) async fn media_host(&self) -> Result<Option<MediaHost>> {
        let Some(settings) = self.media_host_settings().await?.filter(|s| s.configured) else { return Ok(None) };
        let Some(secret) = self.vault().media_host_secret().await? else { return Ok(None) };
        MediaHost::new(&settings, &secret).map(Some)
    }
}
