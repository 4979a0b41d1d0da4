//! A Page's recent posts (`GET /{page-id}/feed`), for reconciliation.

use serde::Deserialize;

use super::graph::graph_failure;
use super::{is_graph_id, NAME};
use crate::error::{Error, Result};
use crate::net::{bounded_text, MAX_DETAIL_CHARS};
use crate::networks::{clean_listed, parse_network_time, RecentPost, RECENT_POSTS};
use crate::vault::TokenSet;

#[derive(Deserialize)]
struct Feed {
    #[serde(default)]
    data: Vec<FeedPost>,
}

#[derive(Deserialize)]
struct FeedPost {
    id: String,
    #[serde(default)]
    message: String,
    created_time: Option<String>,
    permalink_url: Option<String>,
}

/// `GET /{page-id}/feed?fields=id,message,created_time,permalink_url&limit=100` with the Page's
/// own token, newest first.
pub(crate) async fn recent_posts(
    ctx: &crate::networks::PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
) -> Result<Vec<RecentPost>> {
    let page = account.external_id.as_str();
    if !is_graph_id(page) {
        return Err(Error::InvalidInput(format!("\"{}\" is not a Page id", bounded_text(page, 40))));
    }
    let Some(page_token) = tokens.account_tokens.get(page) else {
        return Err(Error::Rejected { network: NAME, detail: "the Page's own sign-in is missing".into(), auth: true });
    };
    let mut url = ctx
        .endpoints
        .facebook
        .graph
        .join(&format!("{page}/feed"))
        .map_err(|e| Error::Internal(format!("Facebook endpoint feed: {e}")))?;
    url.query_pairs_mut()
        .append_pair("fields", "id,message,created_time,permalink_url")
        .append_pair("limit", &RECENT_POSTS.to_string());
    let answer = ctx.http.send(NAME, ctx.http.get(url).bearer_auth(page_token.expose())).await?;
    if !answer.status.is_success() {
        return Err(graph_failure(NAME, answer.status, &answer.body, Some(&account.display_name)));
    }
    let feed: Feed = serde_json::from_slice(&answer.body).map_err(|e| Error::Network {
        network: NAME,
        detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
    })?;
    Ok(feed
        .data
        .into_iter()
        .filter_map(|p| {
            let id = clean_listed(&p.id, 80, false).filter(|id| id.bytes().all(|b| b.is_ascii_digit() || b == b'_'))?;
            Some(RecentPost {
                permalink: p
                    .permalink_url
                    .as_deref()
                    .and_then(|l| clean_listed(l, 300, true))
                    .or_else(|| Some(format!("https://www.facebook.com/{id}"))),
                id,
                text: p.message,
                at: p.created_time.as_deref().and_then(parse_network_time),
            })
        })
        .collect())
}
