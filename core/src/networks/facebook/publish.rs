//! Publishing a post to a Page's feed with the Page's own token.

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
    let url = ctx
        .endpoints
        .facebook
        .graph
        .join(&format!("{page}/feed"))
        .map_err(|e| F::NotSent(format!("bad endpoint: {e}")))?;
    let mut form: Vec<(&str, &str)> = vec![("message", post.text)];
    if let Some(link) = post.link {
        form.push(("link", link));
    }
    let request = ctx.http.post(url).bearer_auth(page_token.expose()).form(&form);
    let answer = ctx.http.send_unrepeatable(NAME, request).await?;
    if answer.status.is_success() {
        let id = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v["id"].as_str().map(str::to_owned))
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
