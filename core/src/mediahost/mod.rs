//! The media host: an S3-compatible bucket (AWS S3, Cloudflare R2, Backblaze B2, MinIO, …) that
//! Instagram and Google local posts fetch photos from, since they take photos only by address.
//!
//! Requests are signed by `rusty-s3` (SigV4, presigned URLs) and sent through Herald's own HTTP
//! client (no redirects, bounded time, `https` or a loopback IP only). A photo goes up under an
//! unguessable key shortly before publishing; the network gets a signed address valid for
//! [`MediaHostSettings::url_ttl_minutes`] (or the bucket's public address when one is set), and
//! the object is deleted once the network confirmed the post. The secret access key is read from
//! the keyring for each use and never stored elsewhere.

mod settings;

use std::time::Duration;

use rusty_s3::actions::{DeleteObject, GetObject, PutObject, S3Action as _};
use rusty_s3::{Bucket, Credentials, UrlStyle};
use url::Url;

use crate::api::{MediaHostProblem, MediaHostSettings};
use crate::net::{self, bounded_text};
use crate::secret::Sensitive;

/// What the service is called in messages and logs.
const NAME: &str = "media host";
/// How long the signature of an upload or delete request stays valid.
const REQUEST_SIGNATURE: Duration = Duration::from_secs(120);

/// Why a media host request failed.
#[derive(Debug)]
pub(crate) struct HostError {
    pub problem: MediaHostProblem,
    pub detail: String,
}

impl HostError {
    fn new(problem: MediaHostProblem, detail: impl Into<String>) -> Self {
        Self { problem, detail: bounded_text(&detail.into(), net::MAX_DETAIL_CHARS) }
    }
}

/// A configured media host, ready for requests.
pub(crate) struct MediaHost {
    bucket: Bucket,
    credentials: Credentials,
    public_base: Option<Url>,
    ttl: Duration,
    pub delete_after_publish: bool,
}

impl std::fmt::Debug for MediaHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaHost").field("bucket", &self.bucket.name()).finish_non_exhaustive()
    }
}

impl MediaHost {
    /// A media host from its saved settings and the keyring's secret.
    pub(crate) fn new(settings: &MediaHostSettings, secret: &Sensitive<String>) -> crate::Result<Self> {
        let endpoint = settings::endpoint_url(&settings.endpoint)?;
        let style = if settings.path_style { UrlStyle::Path } else { UrlStyle::VirtualHost };
        let bucket = Bucket::new(endpoint, style, settings.bucket.clone(), settings.region.clone())
            .map_err(|e| crate::Error::InvalidInput(format!("the media host's bucket address: {e}")))?;
        let public_base = settings.public_base_url.as_deref().map(settings::public_url).transpose()?;
        Ok(Self {
            bucket,
            credentials: Credentials::new(settings.access_key_id.clone(), secret.expose().clone()),
            public_base,
            ttl: Duration::from_secs(u64::from(settings.url_ttl_minutes.clamp(1, settings::MAX_TTL_MINUTES)) * 60),
            delete_after_publish: settings.delete_after_publish,
        })
    }

    /// A new unguessable key for a photo of type `mime`.
    pub(crate) fn new_key(mime: &str) -> String {
        let ext = match mime {
            "image/png" => "png",
            "image/gif" => "gif",
            "image/jpeg" => "jpg",
            _ => "bin",
        };
        format!("herald/{}.{ext}", uuid::Uuid::new_v4().simple())
    }

    /// Upload `bytes` under `key`; the address a network fetches it from.
    pub(crate) async fn upload(
        &self,
        http: &net::Client,
        key: &str,
        bytes: &[u8],
        mime: &str,
    ) -> Result<Url, HostError> {
        self.put_at(http, key, bytes, mime).await?;
        self.address(key)
    }

    async fn put_at(&self, http: &net::Client, key: &str, bytes: &[u8], mime: &str) -> Result<(), HostError> {
        let signed = PutObject::new(&self.bucket, Some(&self.credentials), key).sign(REQUEST_SIGNATURE);
        let request = http.put(signed).header(reqwest::header::CONTENT_TYPE, mime).body(bytes.to_vec());
        let answer =
            http.send(NAME, request).await.map_err(|e| HostError::new(MediaHostProblem::Unreachable, e.to_string()))?;
        if answer.status.is_success() {
            return Ok(());
        }
        Err(failure(&answer))
    }

    /// Where a network fetches `key`: the public address, or a signed one valid for the TTL.
    pub(crate) fn address(&self, key: &str) -> Result<Url, HostError> {
        match &self.public_base {
            Some(base) => base
                .join(key)
                .map_err(|e| HostError::new(MediaHostProblem::NotReadable, format!("public address: {e}"))),
            None => Ok(GetObject::new(&self.bucket, Some(&self.credentials), key).sign(self.ttl)),
        }
    }

    /// Delete `key`; an object already gone counts as deleted.
    pub(crate) async fn delete(&self, http: &net::Client, key: &str) -> Result<(), HostError> {
        let signed = DeleteObject::new(&self.bucket, Some(&self.credentials), key).sign(REQUEST_SIGNATURE);
        let answer = http
            .send(NAME, http.delete(signed))
            .await
            .map_err(|e| HostError::new(MediaHostProblem::Unreachable, e.to_string()))?;
        if answer.status.is_success() || answer.status.as_u16() == 404 {
            return Ok(());
        }
        Err(failure(&answer))
    }

    /// Create the bucket (the demo's local server starts empty); one that exists is fine.
    pub(crate) async fn create_bucket(&self, http: &net::Client) -> Result<(), HostError> {
        let signed = rusty_s3::actions::CreateBucket::new(&self.bucket, &self.credentials).sign(REQUEST_SIGNATURE);
        let request = http.put(signed).header(reqwest::header::CONTENT_LENGTH, "0");
        let answer =
            http.send(NAME, request).await.map_err(|e| HostError::new(MediaHostProblem::Unreachable, e.to_string()))?;
        let exists = String::from_utf8_lossy(&answer.body).contains("BucketAlready");
        if answer.status.is_success() || exists {
            return Ok(());
        }
        Err(failure(&answer))
    }

    /// Store a small object, read it back through the address a network would get, delete it.
    pub(crate) async fn check(&self, http: &net::Client) -> Result<(), HostError> {
        let key = format!("herald/check-{}.txt", uuid::Uuid::new_v4().simple());
        let body = b"Herald media host check";
        self.put_at(http, &key, body, "text/plain").await?;
        let read = async {
            let answer = http
                .send(NAME, http.get(self.address(&key)?))
                .await
                .map_err(|e| HostError::new(MediaHostProblem::NotReadable, e.to_string()))?;
            if !answer.status.is_success() || answer.body != body {
                return Err(HostError::new(
                    MediaHostProblem::NotReadable,
                    format!("HTTP {} reading the photo back through its address", answer.status.as_u16()),
                ));
            }
            Ok(())
        }
        .await;
        let deleted = self.delete(http, &key).await;
        read.and(deleted)
    }
}

/// An S3 error answer, classified: `<Error><Code>…</Code>` names what went wrong.
fn failure(answer: &net::Answer) -> HostError {
    let text = String::from_utf8_lossy(&answer.body);
    let code = text
        .split_once("<Code>")
        .and_then(|(_, rest)| rest.split_once("</Code>"))
        .map(|(code, _)| bounded_text(code, 60))
        .filter(|c| c.bytes().all(|b| b.is_ascii_alphanumeric()));
    let status = answer.status.as_u16();
    let detail = match &code {
        Some(code) => format!("{code} (HTTP {status})"),
        None => format!("HTTP {status}"),
    };
    let problem = match (status, code.as_deref()) {
        (_, Some("NoSuchBucket")) => MediaHostProblem::NoSuchBucket,
        (400 | 401 | 403, _) => MediaHostProblem::Refused,
        (404, _) => MediaHostProblem::NoSuchBucket,
        _ => MediaHostProblem::Unreachable,
    };
    HostError::new(problem, detail)
}
