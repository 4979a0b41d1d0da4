//! Photos for a post, through LinkedIn's Images API: `POST /rest/images?action=initializeUpload`
//! `{initializeUploadRequest: {owner}}` (the post's author) → `PUT` the bytes to the answer's
//! `value.uploadUrl` with the same bearer token → the answer's `value.image` (`urn:li:image:…`)
//! goes in the post: `content.media.id` for one photo, `content.multiImage.images[].id` for 2–20.
//!
//! Source: <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api>
//! and the Posts API's single-image and multi-image content.
//!
//! An upload publishes nothing: its failures are "not sent" (retried) unless retrying cannot
//! help (a refused photo, a refused sign-in). The bearer token goes only to an upload address on
//! LinkedIn's own site, or on the configured API's own origin (the sandbox).

use serde::Deserialize;
use url::Url;

use super::api::{ApiProblem, AUTH_SERVICE_CODES};
use super::{API_VERSION, NAME, RESTLI_PROTOCOL};
use crate::networks::{PublishCtx, PublishFailure as F, PublishImage};
use crate::vault::TokenSet;

#[derive(Deserialize)]
struct Initialized {
    value: Upload,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Upload {
    upload_url: String,
    image: String,
}

/// The `content` of a post carrying `urns` (none: `None`).
pub(super) fn content(urns: &[String]) -> Option<serde_json::Value> {
    match urns {
        [] => None,
        [one] => Some(serde_json::json!({ "media": { "id": one } })),
        many => Some(serde_json::json!({
            "multiImage": { "images": many.iter().map(|id| serde_json::json!({ "id": id })).collect::<Vec<_>>() }
        })),
    }
}

/// Upload every photo for `author`, in order: their image URNs.
pub(super) async fn upload_all(
    ctx: &PublishCtx<'_>,
    tokens: &TokenSet,
    author: &str,
    images: &[PublishImage],
) -> Result<Vec<String>, F> {
    let mut urns = Vec::with_capacity(images.len());
    for (i, image) in images.iter().enumerate() {
        let urn = upload(ctx, tokens, author, image).await.map_err(|failure| match failure {
            F::NotSent(detail) => F::NotSent(format!("uploading photo {}: {detail}", i + 1)),
            F::Rejected(detail) => F::Rejected(format!("LinkedIn refused photo {}: {detail}", i + 1)),
            other => other,
        })?;
        urns.push(urn);
    }
    Ok(urns)
}

fn failed(status: u16, body: &[u8]) -> F {
    let problem = ApiProblem::read(status, body);
    let said = problem.said();
    match problem.status {
        401 => F::Reconnect(said),
        _ if problem.service_code.is_some_and(|c| AUTH_SERVICE_CODES.contains(&c)) => F::Reconnect(said),
        429 => F::RateLimited { detail: said, reset: None },
        s if s >= 500 => F::NotSent(said),
        _ => F::Rejected(said),
    }
}

/// Whether Herald may send the bearer token to `upload`: https on LinkedIn's own site, or the
/// configured API's own origin (the sandbox over loopback).
fn trusted_upload_url(upload: &Url, api: &Url) -> bool {
    let same_origin = upload.origin() == api.origin();
    let linkedin = upload.scheme() == "https"
        && upload.port().is_none()
        && upload.host_str().is_some_and(|h| h == "linkedin.com" || h.ends_with(".linkedin.com"));
    (same_origin || linkedin) && upload.username().is_empty() && upload.password().is_none()
}

async fn upload(ctx: &PublishCtx<'_>, tokens: &TokenSet, author: &str, image: &PublishImage) -> Result<String, F> {
    let api = &ctx.endpoints.linkedin.api;
    let mut url = api.join("rest/images").map_err(|e| F::NotSent(format!("bad endpoint: {e}")))?;
    url.query_pairs_mut().append_pair("action", "initializeUpload");
    let request = ctx
        .http
        .post(url)
        .bearer_auth(tokens.access_token.expose())
        .header("LinkedIn-Version", API_VERSION)
        .header("X-Restli-Protocol-Version", RESTLI_PROTOCOL)
        .json(&serde_json::json!({ "initializeUploadRequest": { "owner": author } }));
    let answer = ctx.http.send(NAME, request).await.map_err(|e| F::NotSent(e.to_string()))?;
    if !answer.status.is_success() {
        return Err(failed(answer.status.as_u16(), &answer.body));
    }
    let Initialized { value } = serde_json::from_slice(&answer.body)
        .map_err(|_| F::NotSent("LinkedIn's upload answer could not be read".into()))?;
    let valid_urn = value.image.starts_with("urn:li:image:")
        && value.image.len() <= 120
        && value.image.bytes().all(|b| b.is_ascii_graphic());
    if !valid_urn {
        return Err(F::NotSent("LinkedIn's upload answer had no image URN".into()));
    }
    let upload_url = Url::parse(&value.upload_url)
        .ok()
        .filter(|u| trusted_upload_url(u, api))
        .ok_or_else(|| F::NotSent("LinkedIn gave an upload address outside linkedin.com".into()))?;
    let put = ctx
        .http
        .put(upload_url)
        .bearer_auth(tokens.access_token.expose())
        .header(reqwest::header::CONTENT_TYPE, image.mime)
        .body(image.bytes.to_vec());
    let answer = ctx.http.send(NAME, put).await.map_err(|e| F::NotSent(e.to_string()))?;
    if !answer.status.is_success() {
        return Err(failed(answer.status.as_u16(), &answer.body));
    }
    Ok(value.image)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_token_goes_only_to_linkedin_or_the_configured_api() {
        let api = Url::parse("https://api.linkedin.com/").unwrap();
        for ok in [
            "https://www.linkedin.com/dms-uploads/C4E10AQ/uploaded-image/0?ca=vector_ads&m=AQ",
            "https://api.linkedin.com/mediaUpload/C4E/feedshare-uploadedImage/0",
        ] {
            assert!(trusted_upload_url(&Url::parse(ok).unwrap(), &api), "{ok}");
        }
        for hostile in [
            "http://www.linkedin.com/dms-uploads/x",
            "https://www.linkedin.com.evil.example/dms-uploads/x",
            "https://evil.example/?www.linkedin.com",
            "https://user:pw@www.linkedin.com/dms-uploads/x",
            "https://www.linkedin.com:8443/dms-uploads/x",
            "https://notlinkedin.com/x",
        ] {
            assert!(!trusted_upload_url(&Url::parse(hostile).unwrap(), &api), "{hostile}");
        }
        let sandbox = Url::parse("http://127.0.0.1:4010/linkedin/api/").unwrap();
        assert!(trusted_upload_url(&Url::parse("http://127.0.0.1:4010/linkedin/upload/1").unwrap(), &sandbox));
        assert!(!trusted_upload_url(&Url::parse("http://127.0.0.1:4011/linkedin/upload/1").unwrap(), &sandbox));
    }

    #[test]
    fn one_photo_is_media_several_are_multi_image() {
        assert_eq!(content(&[]), None);
        assert_eq!(content(&["urn:li:image:A".into()]).unwrap()["media"]["id"], "urn:li:image:A");
        let many = content(&["urn:li:image:A".into(), "urn:li:image:B".into()]).unwrap();
        assert_eq!(many["multiImage"]["images"][1]["id"], "urn:li:image:B");
    }
}
