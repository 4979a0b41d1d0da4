//! The media host setting: an S3-compatible bucket the networks that fetch images by address
//! (Instagram, Google local posts) read photos from. The secret access key lives in the OS
//! keyring only; none of these types carries it back.

use serde::{Deserialize, Serialize};
use specta::Type;

/// The media host as the settings page shows it (never the secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MediaHostSettings {
    /// A bucket and keys are saved: Instagram and Google photos can be published.
    pub configured: bool,
    /// `https://s3.eu-south-1.amazonaws.com`, `https://<account>.r2.cloudflarestorage.com`, …
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
    /// A secret access key is stored in the keyring.
    pub has_secret: bool,
    /// Address objects as `endpoint/bucket/key` (MinIO, many S3-compatible services) instead of
    /// `bucket.endpoint/key`.
    pub path_style: bool,
    /// The bucket is public at this address: networks get `public_base_url/key` instead of a
    /// signed, time-limited address.
    pub public_base_url: Option<String>,
    /// How long a signed address stays valid (minutes, 1 … 10,080).
    pub url_ttl_minutes: u32,
    /// Delete a photo from the bucket once the network confirmed the post.
    pub delete_after_publish: bool,
    /// The demo's own local media host (read-only in the settings page).
    pub demo: bool,
}

/// What the settings page saves.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MediaHostInput {
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
    /// `None` keeps the stored secret.
    pub secret_access_key: Option<String>,
    pub path_style: bool,
    pub public_base_url: Option<String>,
    pub url_ttl_minutes: u32,
    pub delete_after_publish: bool,
}

impl std::fmt::Debug for MediaHostInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaHostInput")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "***"))
            .field("path_style", &self.path_style)
            .field("public_base_url", &self.public_base_url)
            .field("url_ttl_minutes", &self.url_ttl_minutes)
            .field("delete_after_publish", &self.delete_after_publish)
            .finish()
    }
}

/// Why the media host did not work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MediaHostProblem {
    /// No media host is saved.
    NotConfigured,
    /// It could not be reached (address, connection, timeout, a server error).
    Unreachable,
    /// It refused the keys (access denied, a wrong key or secret, a bad signature).
    Refused,
    /// The bucket does not exist there.
    NoSuchBucket,
    /// The photo was stored, but its public address does not give it back.
    NotReadable,
}

/// The result of "Test connection": a small object stored, read back through the address a
/// network would get, and deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MediaHostCheck {
    pub ok: bool,
    pub problem: Option<MediaHostProblem>,
    /// The service's own words (`AccessDenied`, an HTTP status), bounded and cleaned.
    pub detail: Option<String>,
}
