//! Publishing a post to a Page's feed with the Page's own token: text and link to `/feed`, one
//! photo to `/photos` (multipart `source`, the text as its `message`), several photos uploaded
//! unpublished to `/photos` and then attached to one `/feed` post (`attached_media`).

use super::graph::graph_failure;
use super::{is_graph_id, NAME};
use crate::error::Error;
use crate::net::bounded_text;
use crate::vault::TokenSet;

/// `POST /{page-id}/feed` (`message`, `link`) with the Page's own token (from
/// [`TokenSet::account_tokens`]); the answer's `id` is the new post's. Graph errors as
/// [`graph_failure`] classifies them, except that a 5xx leaves doubt (it may have published).
pub(crate) async fn publish(
    ctx: &crate::networks::PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
    post: &crate::networks::PostContent<'_>,
) -> std::result::Result<crate::networks::PublishedPost, crate::networks::PublishFailure> {
    use crate::networks::PublishFailure as F;
    let page = account.external_id.as_str();
    if !is_graph_id(page) {
        return Err(F::Rejected(format!("\"{}\" is not a Page id", bounded_text(page, 40))));
    }
    let Some(page_token) = tokens.account_tokens.get(page) else {
        return Err(F::Reconnect("the Page's own sign-in is missing".into()));
    };
    let endpoint = |edge: &str| {
        ctx.endpoints
            .facebook
            .graph
            .join(&format!("{page}/{edge}"))
            .map_err(|e| F::NotSent(format!("bad endpoint: {e}")))
    };
    let photos = post
        .images
        .iter()
        .map(|image| {
            if image.bytes.len() as u64 >= MAX_PHOTO_BYTES {
                return Err(F::Rejected(format!("the image {} is larger than Facebook takes", image.name)));
            }
            Ok((image.name.as_str(), &*image.bytes))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let message = match (post.link, photos.is_empty()) {
        // A photo post has no link field: the link travels in its text.
        (Some(link), false) => format!("{}\n\n{link}", post.text.trim_end()),
        _ => post.text.to_owned(),
    };
    if let [(name, bytes)] = photos.as_slice() {
        let (content_type, body) = multipart(&[("message", None, message.as_bytes()), ("source", Some(name), bytes)]);
        let request = ctx
            .http
            .post(endpoint("photos")?)
            .bearer_auth(page_token.expose())
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        let answer = ctx.http.send_unrepeatable(NAME, request).await?;
        return finish(answer, account, "post_id");
    }
    let mut media_ids = Vec::with_capacity(photos.len());
    for (name, bytes) in &photos {
        // An unpublished photo shows nowhere until a post attaches it: a failure here has
        // published nothing, so it is never a doubt.
        let (content_type, body) = multipart(&[("published", None, b"false"), ("source", Some(name), bytes)]);
        let request = ctx
            .http
            .post(endpoint("photos")?)
            .bearer_auth(page_token.expose())
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        let answer = match ctx.http.send_unrepeatable(NAME, request).await {
            Ok(answer) => answer,
            Err(e) => return Err(F::NotSent(format!("uploading a photo: {}", undelivered(e)))),
        };
        match finish(answer, account, "id") {
            Ok(uploaded) => media_ids.push(uploaded.id),
            Err(F::Doubt { detail, .. }) => return Err(F::NotSent(format!("uploading a photo: {detail}"))),
            Err(other) => return Err(other),
        }
    }
    let mut form: Vec<(String, String)> = vec![("message".into(), message)];
    if let (Some(link), true) = (post.link, photos.is_empty()) {
        form.push(("link".into(), link.to_owned()));
    }
    for (i, id) in media_ids.iter().enumerate() {
        form.push((format!("attached_media[{i}]"), serde_json::json!({ "media_fbid": id }).to_string()));
    }
    let request = ctx.http.post(endpoint("feed")?).bearer_auth(page_token.expose()).form(&form);
    let answer = ctx.http.send_unrepeatable(NAME, request).await?;
    finish(answer, account, "id")
}

fn undelivered(e: crate::net::Undelivered) -> String {
    match e {
        crate::net::Undelivered::NotSent(e) | crate::net::Undelivered::Unknown(e) => e.to_string(),
    }
}

/// Largest photo Herald uploads (Graph takes photos under 4 MB; validation says so first).
const MAX_PHOTO_BYTES: u64 = 4 * 1024 * 1024;

/// A `multipart/form-data` body: (field, file name for a file part, bytes).
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let parts: Vec<crate::net::Part<'_>> =
        parts.iter().map(|&(name, file, data)| crate::net::Part { name, file, data }).collect();
    crate::net::multipart(&parts)
}

/// The answer of a publishing call: the id under `field` on success, else the failure as
/// Graph's error classifies it (a 5xx leaves doubt).
fn finish(
    answer: crate::net::Answer,
    account: &crate::api::Account,
    field: &str,
) -> std::result::Result<crate::networks::PublishedPost, crate::networks::PublishFailure> {
    use crate::networks::PublishFailure as F;
    if answer.status.is_success() {
        let id = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v[field].as_str().map(str::to_owned))
            .filter(|id| id.len() <= 80 && id.bytes().all(|b| b.is_ascii_digit() || b == b'_'));
        return match id {
            Some(id) => {
                Ok(crate::networks::PublishedPost { permalink: Some(format!("https://www.facebook.com/{id}")), id })
            }
            None => Err(F::Doubt { timed_out: false, detail: "Facebook accepted the post but sent no post id".into() }),
        };
    }
    let error = graph_failure(NAME, answer.status, &answer.body, Some(&account.display_name));
    let detail = match &error {
        Error::Rejected { detail, .. } | Error::Network { detail, .. } => detail.clone(),
        other => other.to_string(),
    };
    Err(match error {
        _ if answer.status.is_server_error() => F::Doubt { timed_out: false, detail },
        Error::Rejected { auth: true, .. } => F::Reconnect(detail),
        Error::Network { .. } => F::RateLimited { detail, reset: None },
        _ => F::Rejected(detail),
    })
}
