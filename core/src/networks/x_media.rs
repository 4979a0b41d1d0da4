//! X's v2 media upload, chunked: `POST /2/media/upload/initialize` (`media_type`, `total_bytes`,
//! `media_category`) → `POST /2/media/upload/{id}/append` (multipart `media` + `segment_index`,
//! in order) → `POST /2/media/upload/{id}/finalize`, and while the answer carries a pending
//! `processing_info`, `GET /2/media/upload?command=STATUS&media_id=` after `check_after_secs`.
//! The returned media id goes into `POST /2/tweets` as `media.media_ids`. Needs `media.write`.
//!
//! Sources: <https://docs.x.com/x-api/media/quickstart/media-upload-chunked>,
//! <https://docs.x.com/x-api/media/media-upload-append> (segments 0–999).
//!
//! An upload publishes nothing, so every failure here is "not sent" (retried by the scheduler)
//! except what retrying cannot fix: a refused photo or a missing permission (rejected) and a
//! refused sign-in (reconnect).

use std::time::Duration;

use serde::Deserialize;

use super::x::{problem_text, rate_limit_reset, NAME};
use super::{PostContent, PublishCtx, PublishFailure as F, PublishImage};
use crate::net::{self, Part};
use crate::vault::TokenSet;

/// Bytes per `append` (X takes segments of up to 5 MB; 1 MiB keeps each request short on a slow
/// uplink, so a 4 MB photo goes in 4).
pub(crate) const SEGMENT_BYTES: usize = 1024 * 1024;
/// How long Herald waits for X to process an upload before giving up (nothing is published).
const PROCESSING_LIMIT: Duration = Duration::from_secs(60);

#[derive(Deserialize)]
struct Answer {
    data: Option<Media>,
}

#[derive(Deserialize)]
struct Media {
    id: Option<String>,
    processing_info: Option<Processing>,
}

#[derive(Deserialize)]
struct Processing {
    state: String,
    check_after_secs: Option<u64>,
    error: Option<ProcessingError>,
}

#[derive(Deserialize)]
struct ProcessingError {
    message: Option<String>,
}

/// Upload every image of `post`, in order: their media ids.
pub(crate) async fn upload_all(
    ctx: &PublishCtx<'_>,
    tokens: &TokenSet,
    post: &PostContent<'_>,
) -> Result<Vec<String>, F> {
    let mut ids = Vec::with_capacity(post.images.len());
    for (i, image) in post.images.iter().enumerate() {
        let id = upload(ctx, tokens, image).await.map_err(|failure| match failure {
            F::NotSent(detail) => F::NotSent(format!("uploading photo {}: {detail}", i + 1)),
            F::Rejected(detail) => F::Rejected(format!("X refused photo {}: {detail}", i + 1)),
            other => other,
        })?;
        ids.push(id);
    }
    Ok(ids)
}

fn endpoint(ctx: &PublishCtx<'_>, path: &str) -> Result<url::Url, F> {
    ctx.endpoints.x.api.join(path).map_err(|e| F::NotSent(format!("bad endpoint x.api: {e}")))
}

/// What an upload step's failure means: nothing was published either way.
fn failed(answer: &net::Answer) -> F {
    let said = match problem_text(&answer.body) {
        text if text.is_empty() => format!("HTTP {}", answer.status.as_u16()),
        text => text,
    };
    match answer.status.as_u16() {
        401 => F::Reconnect(said),
        403 => F::Rejected(format!("{said} (the connection may lack the permission to upload media: reconnect X)")),
        429 => F::RateLimited { detail: said, reset: rate_limit_reset(&answer.headers) },
        s if s >= 500 => F::NotSent(said),
        _ => F::Rejected(said),
    }
}

async fn call(ctx: &PublishCtx<'_>, request: reqwest::RequestBuilder) -> Result<Option<Media>, F> {
    let answer = ctx.http.send(NAME, request).await.map_err(|e| F::NotSent(e.to_string()))?;
    if !answer.status.is_success() {
        return Err(failed(&answer));
    }
    if answer.body.is_empty() {
        return Ok(None);
    }
    let parsed: Answer = serde_json::from_slice(&answer.body)
        .map_err(|_| F::NotSent("X answered the upload with something Herald cannot read".into()))?;
    Ok(parsed.data)
}

fn media_id(media: Option<Media>) -> Result<(String, Option<Processing>), F> {
    let media = media.ok_or_else(|| F::NotSent("X's upload answer had no media".into()))?;
    let id = media
        .id
        .filter(|id| (1..=19).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| F::NotSent("X's upload answer had no valid media id".into()))?;
    Ok((id, media.processing_info))
}

async fn upload(ctx: &PublishCtx<'_>, tokens: &TokenSet, image: &PublishImage) -> Result<String, F> {
    let token = tokens.access_token.expose();
    let category = if image.mime == "image/gif" { "tweet_gif" } else { "tweet_image" };
    let init = ctx.http.post(endpoint(ctx, "media/upload/initialize")?).bearer_auth(token).json(&serde_json::json!({
        "media_type": image.mime,
        "total_bytes": image.bytes.len(),
        "media_category": category,
    }));
    let (id, _) = media_id(call(ctx, init).await?)?;
    for (index, segment) in image.bytes.chunks(SEGMENT_BYTES).enumerate() {
        let index = index.to_string();
        let (content_type, body) = net::multipart(&[
            Part { name: "segment_index", file: None, data: index.as_bytes() },
            Part { name: "media", file: Some(&image.name), data: segment },
        ]);
        let append = ctx
            .http
            .post(endpoint(ctx, &format!("media/upload/{id}/append"))?)
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        call(ctx, append).await?;
    }
    let finalize = ctx.http.post(endpoint(ctx, &format!("media/upload/{id}/finalize"))?).bearer_auth(token);
    let (finalized, mut processing) = media_id(call(ctx, finalize).await?)?;
    let started = tokio::time::Instant::now();
    while let Some(info) = processing {
        match info.state.as_str() {
            "succeeded" => break,
            "failed" => {
                let why = info.error.and_then(|e| e.message).unwrap_or_else(|| "processing failed".into());
                return Err(F::Rejected(net::bounded_text(&why, net::MAX_DETAIL_CHARS)));
            }
            _ => {}
        }
        let wait = Duration::from_secs(info.check_after_secs.unwrap_or(1).clamp(1, 10));
        if started.elapsed() + wait > PROCESSING_LIMIT {
            return Err(F::NotSent("X was still processing the photo after a minute".into()));
        }
        tokio::time::sleep(wait).await;
        let mut url = endpoint(ctx, "media/upload")?;
        url.query_pairs_mut().append_pair("command", "STATUS").append_pair("media_id", &finalized);
        let (_, next) = media_id(call(ctx, ctx.http.get(url).bearer_auth(token)).await?)?;
        processing = next;
    }
    Ok(finalized)
}
