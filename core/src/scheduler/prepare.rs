//! The images of an attempt, made ready before its first request: read whole from the media
//! library (a photo missing there sends nothing), typed from the library, named for upload
//! without the user's own file name; and, for the networks that fetch photos by address, put on
//! the media host.

use std::sync::Arc;

use crate::api::MediaFormat;
use crate::networks::{PublishFailure, PublishImage};

impl crate::Herald {
    /// Read every photo of a post from the library, in order. A photo that cannot be read
    /// refuses the attempt before anything is sent.
    pub(super) async fn read_images(&self, ids: &[String]) -> crate::Result<Result<Vec<PublishImage>, PublishFailure>> {
        let mut images = Vec::with_capacity(ids.len());
        for (index, id) in ids.iter().enumerate() {
            let Some((item, bytes)) = self.media_bytes(id).await? else {
                return Ok(Err(PublishFailure::Rejected(format!("photo {} cannot be read", index + 1))));
            };
            // Never where it was taken: location data out (pixels untouched), or, for a file
            // whose structure cannot be walked, a re-encoded copy without any metadata.
            let Some((item, bytes)) = crate::media::sendable(item, bytes).await else {
                return Ok(Err(PublishFailure::Rejected(format!("photo {} cannot be read", index + 1))));
            };
            let (mime, ext) = match item.format {
                MediaFormat::Jpeg => ("image/jpeg", "jpg"),
                MediaFormat::Png => ("image/png", "png"),
                MediaFormat::Gif => ("image/gif", "gif"),
            };
            let bytes: Arc<[u8]> = bytes.into();
            images.push(PublishImage {
                name: format!("photo-{}.{ext}", index + 1),
                mime,
                bytes,
                width: item.width,
                height: item.height,
                url: None,
            });
        }
        Ok(Ok(images))
    }
}

/// Why an attempt cannot go on after its photos were to be put on the media host.
pub(super) struct HostStop {
    pub reason: crate::api::AttemptReason,
    pub detail: Option<String>,
    /// Nothing reached the network and trying again later may work (the host was unreachable).
    pub retryable: bool,
}

/// A photo left on the media host is deleted this long after its address stopped working.
const LEFTOVER_GRACE: chrono::Duration = chrono::Duration::hours(1);

impl crate::Herald {
    /// Put the photos of an attempt to a network that fetches them by address (Instagram,
    /// Google) on the media host, and set their addresses. Each object is recorded before its
    /// upload, so a crash leaves nothing unknown on the bucket.
    pub(super) async fn host_images(
        &self,
        attempt_id: &str,
        network: crate::NetworkId,
        images: &mut [PublishImage],
    ) -> crate::Result<Result<(), HostStop>> {
        use crate::api::{AttemptReason as R, MediaHostProblem as P};
        let fetches = network.spec().posts.is_some_and(|p| p.images.fetches_url);
        if !fetches || images.is_empty() {
            return Ok(Ok(()));
        }
        let Some(host) = self.media_host().await? else {
            return Ok(Err(HostStop { reason: R::MediaHostRequired, detail: None, retryable: false }));
        };
        for image in images.iter_mut() {
            let key = crate::mediahost::MediaHost::new_key(image.mime);
            self.store().hosted_add(&key, attempt_id, network.as_str(), chrono::Utc::now()).await?;
            let url = match host.upload(&self.http, &key, &image.bytes, image.mime).await {
                Ok(url) => url,
                Err(e) => {
                    let (reason, retryable) = match e.problem {
                        P::Refused | P::NoSuchBucket => (R::MediaHostRefused, false),
                        _ => (R::MediaHostUnreachable, true),
                    };
                    tracing::warn!(attempt = %attempt_id, problem = ?e.problem, "media host upload failed");
                    return Ok(Err(HostStop { reason, detail: Some(e.detail), retryable }));
                }
            };
            image.url = Some(url);
        }
        Ok(Ok(()))
    }

    /// After an attempt's network call: delete its photos from the media host, unless the post
    /// was published and the setting keeps them, or the outcome is unconfirmed (reconciliation
    /// may still need nothing of them, but a network may still be fetching). Failures are left
    /// for the start-up sweep.
    pub(super) async fn release_hosted(&self, attempt_id: &str, state: crate::api::AttemptState) {
        use crate::api::AttemptState as S;
        let keys = match self.store().hosted_of_attempt(attempt_id).await {
            Ok(keys) if !keys.is_empty() => keys,
            _ => return,
        };
        let Ok(Some(host)) = self.media_host().await else { return };
        let keep = match state {
            S::Published => !host.delete_after_publish,
            S::Unconfirmed => true,
            _ => false,
        };
        if keep {
            return;
        }
        for key in keys {
            match host.delete(&self.http, &key).await {
                Ok(()) => {
                    if let Err(e) = self.store().hosted_deleted(&key, chrono::Utc::now()).await {
                        tracing::warn!("recording a deleted media host object: {e}");
                    }
                }
                Err(e) => {
                    tracing::warn!(attempt = %attempt_id, problem = ?e.problem, "deleting from the media host failed; swept later")
                }
            }
        }
    }

    /// Delete photos left on the media host whose addresses expired (a crash, or an attempt that
    /// stayed unconfirmed), unless the setting keeps published ones.
    pub(crate) async fn sweep_hosted(&self) -> crate::Result<u32> {
        let Some(host) = self.media_host().await? else { return Ok(0) };
        let ttl = chrono::Duration::minutes(i64::from(self.media_host_get().await?.url_ttl_minutes));
        let mut deleted = 0;
        for (key, published) in self.store().hosted_left_before(chrono::Utc::now() - ttl - LEFTOVER_GRACE).await? {
            if published && !host.delete_after_publish {
                continue;
            }
            if host.delete(&self.http, &key).await.is_ok() {
                self.store().hosted_deleted(&key, chrono::Utc::now()).await?;
                deleted += 1;
            }
        }
        Ok(deleted)
    }
}
