//! Publishing a photo to Instagram (Instagram API with Instagram Login): Instagram fetches the
//! image itself from a public address, so the photo is first on the media host
//! ([`PublishImage::url`]). `POST /{ig-id}/media` (`image_url`, `caption`) creates a container →
//! `GET /{container}?fields=status_code,status` until `FINISHED` (`IN_PROGRESS` meanwhile;
//! `ERROR` or `EXPIRED` end it) → `POST /{ig-id}/media_publish` (`creation_id`) publishes it,
//! and `GET /{media-id}?fields=permalink` gives its address. Several photos make a carousel:
//! one item container per photo (`is_carousel_item=true`, each waited for), then a `CAROUSEL`
//! container with their ids as `children` and the caption, published the same way.
//!
//! Sources: <https://developers.facebook.com/docs/instagram-platform/content-publishing>, the
//! IG container reference (`status_code`), and the error codes reference.
//!
//! Only `media_publish` can publish: a failure before it leaves no doubt (retried when
//! transient), and a failure of it after sending may have published (doubt).

use std::time::Duration;

use serde::Deserialize;

use super::facebook::{graph_failure, is_graph_id};
use super::instagram::NAME;
use super::{PostContent, PublishCtx, PublishFailure as F, PublishedPost};
use crate::error::Error;
use crate::net::{self, bounded_text, MAX_DETAIL_CHARS};
use crate::vault::TokenSet;

const VERSION: &str = super::facebook::GRAPH_VERSION;
/// How long Herald waits for Instagram to fetch and process the photo (nothing is published
/// meanwhile; past it the attempt is retried later with a new container).
const PROCESSING_LIMIT: Duration = Duration::from_secs(90);

#[derive(Deserialize)]
struct Created {
    id: String,
}

#[derive(Deserialize)]
struct Status {
    status_code: Option<String>,
    status: Option<String>,
}

#[derive(Deserialize)]
struct Permalink {
    permalink: Option<String>,
}

/// A Graph error before publishing: nothing was published.
fn before_publish(answer: &net::Answer, who: &str) -> F {
    match graph_failure(NAME, answer.status, &answer.body, Some(who)) {
        Error::Rejected { auth: true, detail, .. } => F::Reconnect(detail),
        Error::Rejected { detail, .. } => F::Rejected(detail),
        Error::Network { detail, .. } if answer.status.as_u16() == 429 => F::RateLimited { detail, reset: None },
        other => F::NotSent(other.to_string()),
    }
}

fn url(ctx: &PublishCtx<'_>, path: &str) -> Result<url::Url, F> {
    net::join_resource(NAME, &ctx.endpoints.instagram.graph, &format!("{VERSION}/{path}"), "")
        .map_err(|e| F::NotSent(format!("bad endpoint: {e}")))
}

pub(crate) async fn publish(
    ctx: &PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
    post: &PostContent<'_>,
) -> Result<PublishedPost, F> {
    let user = account.external_id.as_str();
    if !is_graph_id(user) {
        return Err(F::Rejected(format!("\"{}\" is not an Instagram account id", bounded_text(user, 40))));
    }
    if post.images.is_empty() {
        return Err(F::NeedsImage);
    }
    let mut addresses = Vec::with_capacity(post.images.len());
    for image in post.images {
        let Some(address) = &image.url else {
            return Err(F::NotSent("no media host address for the photo".into()));
        };
        addresses.push(address.as_str());
    }
    let token = tokens.access_token.expose();
    let caption = match post.link {
        // Instagram makes no link in a caption clickable, but the text is kept as written.
        Some(link) => format!("{}\n\n{link}", post.text.trim_end()),
        None => post.text.to_owned(),
    };
    let who = account.display_name.as_str();
    let container = if let [one] = addresses.as_slice() {
        container(ctx, token, user, &[("image_url", one), ("caption", caption.as_str())], who).await?
    } else {
        let mut children = Vec::with_capacity(addresses.len());
        for address in &addresses {
            let item =
                container(ctx, token, user, &[("image_url", address), ("is_carousel_item", "true")], who).await?;
            wait_until_finished(ctx, token, &item, who).await?;
            children.push(item);
        }
        let children = children.join(",");
        let form = [("media_type", "CAROUSEL"), ("children", children.as_str()), ("caption", caption.as_str())];
        container(ctx, token, user, &form, who).await?
    };
    wait_until_finished(ctx, token, &container, who).await?;

    let request = ctx
        .http
        .post(url(ctx, &format!("{user}/media_publish"))?)
        .bearer_auth(token)
        .form(&[("creation_id", container.as_str())]);
    let answer = ctx.http.send_unrepeatable(NAME, request).await?;
    if !answer.status.is_success() {
        return Err(match graph_failure(NAME, answer.status, &answer.body, Some(&account.display_name)) {
            _ if answer.status.is_server_error() => F::Doubt { timed_out: false, detail: said(&answer) },
            Error::Rejected { auth: true, detail, .. } => F::Reconnect(detail),
            Error::Network { detail, .. } => F::RateLimited { detail, reset: None },
            Error::Rejected { detail, .. } => F::Rejected(detail),
            other => F::Rejected(other.to_string()),
        });
    }
    let Some(media) = serde_json::from_slice::<Created>(&answer.body).ok().map(|c| c.id).filter(|id| is_graph_id(id))
    else {
        return Err(F::Doubt { timed_out: false, detail: "Instagram accepted the post but sent no media id".into() });
    };
    let permalink = permalink(ctx, token, &media).await;
    Ok(PublishedPost { id: media, permalink })
}

/// `POST /{ig-id}/media` with `form`: the new container's id (nothing is published yet).
async fn container(
    ctx: &PublishCtx<'_>,
    token: &str,
    user: &str,
    form: &[(&str, &str)],
    who: &str,
) -> Result<String, F> {
    let request = ctx.http.post(url(ctx, &format!("{user}/media"))?).bearer_auth(token).form(form);
    let answer = ctx.http.send(NAME, request).await.map_err(|e| F::NotSent(e.to_string()))?;
    if !answer.status.is_success() {
        return Err(before_publish(&answer, who));
    }
    serde_json::from_slice::<Created>(&answer.body)
        .ok()
        .map(|c| c.id)
        .filter(|id| is_graph_id(id))
        .ok_or_else(|| F::NotSent("Instagram's answer named no container".into()))
}

fn said(answer: &net::Answer) -> String {
    match graph_failure(NAME, answer.status, &answer.body, None) {
        Error::Rejected { detail, .. } | Error::Network { detail, .. } => detail,
        other => other.to_string(),
    }
}

/// Poll the container until Instagram has fetched and processed the photo.
async fn wait_until_finished(ctx: &PublishCtx<'_>, token: &str, container: &str, who: &str) -> Result<(), F> {
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        let mut status_url = url(ctx, container)?;
        status_url.query_pairs_mut().append_pair("fields", "status_code,status");
        let answer = ctx
            .http
            .send(NAME, ctx.http.get(status_url).bearer_auth(token))
            .await
            .map_err(|e| F::NotSent(e.to_string()))?;
        if !answer.status.is_success() {
            return Err(before_publish(&answer, who));
        }
        let status: Status = serde_json::from_slice(&answer.body)
            .map_err(|_| F::NotSent("Instagram's container status could not be read".into()))?;
        let words = || bounded_text(status.status.as_deref().unwrap_or_default(), MAX_DETAIL_CHARS);
        match status.status_code.as_deref() {
            Some("FINISHED") => return Ok(()),
            Some("ERROR") => {
                let why = words();
                return Err(F::Rejected(if why.is_empty() { "Instagram could not use the photo".into() } else { why }));
            }
            Some("EXPIRED") => return Err(F::NotSent("Instagram's container expired before publishing".into())),
            Some("PUBLISHED") => return Err(F::Rejected("Instagram says this container was already published".into())),
            _ => {}
        }
        if started.elapsed() + wait > PROCESSING_LIMIT {
            return Err(F::NotSent("Instagram was still processing the photo after 90 seconds".into()));
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(5));
    }
}

/// The published media's address (`None` if Instagram does not say).
async fn permalink(ctx: &PublishCtx<'_>, token: &str, media: &str) -> Option<String> {
    let mut address = url(ctx, media).ok()?;
    address.query_pairs_mut().append_pair("fields", "permalink");
    let answer = ctx.http.send(NAME, ctx.http.get(address).bearer_auth(token)).await.ok()?;
    if !answer.status.is_success() {
        return None;
    }
    let link = serde_json::from_slice::<Permalink>(&answer.body).ok()?.permalink?;
    super::clean_listed(&link, 300, true)
}
