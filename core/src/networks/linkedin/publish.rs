//! Publishing a post (`/rest/posts`), its commentary in LinkedIn's little text format.

use super::api::{ApiProblem, AUTH_SERVICE_CODES};
use super::{API_VERSION, NAME, RESTLI_PROTOCOL};
use crate::net::bounded_text;
use crate::vault::TokenSet;

/// Characters LinkedIn's "little text" format reserves in `commentary`: unescaped, they start
/// mentions and other markup or cut the text short.
const LITTLE_TEXT_RESERVED: &[char] = &['\\', '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '*', '_', '~'];

/// `commentary` in LinkedIn's little text format: every reserved character backslash-escaped.
pub(crate) fn little_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if LITTLE_TEXT_RESERVED.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `POST /rest/posts` with the versioned headers and the documented body (author = the
/// member's or organization's URN, `PUBLIC`, `MAIN_FEED`, `PUBLISHED`); the new post's URN
/// comes back in `x-restli-id`. The link goes at the end of the commentary; photos are
/// uploaded first and attached as `content` (see [`super::images`]).
pub(crate) async fn publish(
    ctx: &crate::networks::PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
    post: &crate::networks::PostContent<'_>,
) -> std::result::Result<crate::networks::PublishedPost, crate::networks::PublishFailure> {
    use crate::networks::PublishFailure as F;
    let text = match post.link {
        Some(link) => format!("{}\n\n{link}", post.text.trim_end()),
        None => post.text.to_owned(),
    };
    // Photos first: an upload publishes nothing, so a failure there leaves no doubt.
    let urns = super::images::upload_all(ctx, tokens, &account.external_id, post.images).await?;
    let mut body = serde_json::json!({
        "author": account.external_id,
        "commentary": little_text(&text),
        "visibility": "PUBLIC",
        "distribution": { "feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": [] },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": false,
    });
    if let Some(content) = super::images::content(&urns) {
        body["content"] = content;
    }
    let url = ctx.endpoints.linkedin.api.join("rest/posts").map_err(|e| F::NotSent(format!("bad endpoint: {e}")))?;
    let request = ctx
        .http
        .post(url)
        .bearer_auth(tokens.access_token.expose())
        .header("LinkedIn-Version", API_VERSION)
        .header("X-Restli-Protocol-Version", RESTLI_PROTOCOL)
        .json(&body);
    let answer = ctx.http.send_unrepeatable(NAME, request).await?;
    if answer.status.is_success() {
        let id = answer
            .headers
            .get("x-restli-id")
            .and_then(|v| v.to_str().ok())
            .map(|v| bounded_text(v, 120))
            .filter(|v| v.starts_with("urn:li:") && !v.contains(char::is_whitespace));
        return match id {
            Some(id) => Ok(crate::networks::PublishedPost {
                permalink: Some(format!("https://www.linkedin.com/feed/update/{id}/")),
                id,
            }),
            None => Err(F::Doubt { timed_out: false, detail: "LinkedIn accepted the post but sent no post id".into() }),
        };
    }
    let problem = ApiProblem::read(answer.status.as_u16(), &answer.body);
    let said = problem.said();
    Err(match problem.status {
        401 => F::Reconnect(said),
        _ if problem.service_code.is_some_and(|c| AUTH_SERVICE_CODES.contains(&c)) => F::Reconnect(said),
        429 => F::RateLimited { detail: said, reset: None },
        s if s >= 500 => F::Doubt { timed_out: false, detail: said },
        _ => F::Rejected(said),
    })
}
