//! The author's recent posts (`GET /rest/posts?q=author`), for reconciliation.

use serde::Deserialize;

use super::api::ApiProblem;
use super::{API_VERSION, NAME, RESTLI_PROTOCOL};
use crate::error::{Error, Result};
use crate::net::{bounded_text, MAX_DETAIL_CHARS};
use crate::networks::{clean_listed, RecentPost, RECENT_POSTS};
use crate::vault::TokenSet;

#[derive(Deserialize)]
struct Listing {
    #[serde(default)]
    elements: Vec<Element>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Element {
    id: String,
    #[serde(default)]
    commentary: String,
    published_at: Option<i64>,
    created_at: Option<i64>,
}

/// `GET /rest/posts?q=author&author={urn}&count=100&sortBy=LAST_MODIFIED`, newest first; the
/// commentary is compared in LinkedIn's little text, as it was sent.
pub(crate) async fn recent_posts(
    ctx: &crate::networks::PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
) -> Result<Vec<RecentPost>> {
    let author = account.external_id.as_str();
    if !author.starts_with("urn:li:") || author.len() > 120 || author.contains(char::is_whitespace) {
        return Err(Error::InvalidInput(format!("\"{}\" is not a LinkedIn author", bounded_text(author, 40))));
    }
    let mut url = ctx
        .endpoints
        .linkedin
        .api
        .join("rest/posts")
        .map_err(|e| Error::Internal(format!("LinkedIn endpoint rest/posts: {e}")))?;
    url.query_pairs_mut()
        .append_pair("q", "author")
        .append_pair("author", author)
        .append_pair("count", &RECENT_POSTS.to_string())
        .append_pair("sortBy", "LAST_MODIFIED");
    let request = ctx
        .http
        .get(url)
        .bearer_auth(tokens.access_token.expose())
        .header("LinkedIn-Version", API_VERSION)
        .header("X-Restli-Protocol-Version", RESTLI_PROTOCOL);
    let answer = ctx.http.send(NAME, request).await?;
    if !answer.status.is_success() {
        return Err(ApiProblem::read(answer.status.as_u16(), &answer.body).into_error());
    }
    let listing: Listing = serde_json::from_slice(&answer.body).map_err(|e| Error::Network {
        network: NAME,
        detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
    })?;
    Ok(listing
        .elements
        .into_iter()
        .filter_map(|e| {
            let id = clean_listed(&e.id, 120, false).filter(|id| id.starts_with("urn:li:"))?;
            Some(RecentPost {
                permalink: Some(format!("https://www.linkedin.com/feed/update/{id}/")),
                id,
                text: e.commentary,
                at: e.published_at.or(e.created_at).and_then(chrono::DateTime::from_timestamp_millis),
            })
        })
        .collect())
}
