//! Facebook Login's token exchange (code → short-lived → long-lived user token) and revoke.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::graph::graph_failure;
use super::NAME;
use crate::error::{Error, Result};
use crate::net;
use crate::networks::Ctx;
use crate::oauth::{token_problem, PkceCodeVerifier, MAX_EXPIRES_IN_SECS, MAX_TOKEN_RESPONSE_BYTES};
use crate::secret::Sensitive;
use crate::vault::TokenSet;

/// Code → short-lived user token (GET, with the app secret and the PKCE verifier) → long-lived
/// user token (`grant_type=fb_exchange_token`, ~60 days, no refresh token).
pub(crate) async fn exchange_code(
    ctx: &Ctx<'_>,
    code: Sensitive<String>,
    verifier: PkceCodeVerifier,
) -> Result<TokenSet> {
    let secret = ctx.oauth.client_secret.as_ref().ok_or(Error::CredentialsMissing(NAME))?;
    let mut url = ctx.endpoints.facebook.token.clone();
    url.query_pairs_mut()
        .append_pair("client_id", &ctx.oauth.client_id)
        .append_pair("redirect_uri", ctx.redirect_uri)
        .append_pair("client_secret", secret.expose())
        .append_pair("code", code.expose())
        .append_pair("code_verifier", verifier.secret());
    let short = token_request(ctx, NAME, url).await?;

    let mut url = ctx.endpoints.facebook.token.clone();
    url.query_pairs_mut()
        .append_pair("grant_type", "fb_exchange_token")
        .append_pair("client_id", &ctx.oauth.client_id)
        .append_pair("client_secret", secret.expose())
        .append_pair("fb_exchange_token", short.access_token.expose());
    let mut long = token_request(ctx, NAME, url).await?;
    long.issued_at = Some(Utc::now());
    Ok(long)
}

/// A Graph token answer (`{"access_token","token_type","expires_in"}`), checked like every token.
#[derive(Deserialize)]
pub(crate) struct GraphToken {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

impl GraphToken {
    /// A token that came without a lifetime (Instagram's short-lived code answer).
    pub(crate) fn from_access_token(access_token: String) -> Self {
        Self { access_token, expires_in: None }
    }

    /// Refuses a token Herald could not store or send; the lifetime is read leniently.
    pub(crate) fn into_tokens(self, network: &'static str) -> Result<TokenSet> {
        if let Some(problem) = token_problem(&self.access_token) {
            return Err(Error::TokenExchange { network, detail: format!("the access token in the answer {problem}") });
        }
        let expires_at = self.expires_in.as_ref().and_then(lifetime_end);
        Ok(TokenSet::new(Sensitive::new(self.access_token), None, expires_at))
    }
}

/// `expires_in` (a number, or digits in a string) as an instant; `None` when absent or absurd.
fn lifetime_end(value: &serde_json::Value) -> Option<DateTime<Utc>> {
    let secs = match value {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
    .filter(|s| *s > 0 && *s <= MAX_EXPIRES_IN_SECS)?;
    Utc::now().checked_add_signed(chrono::Duration::seconds(i64::try_from(secs).ok()?))
}

/// A GET to a Graph token endpoint (parameters in the query, as Graph wants them). A refusal is
/// a failed sign-in; a transient failure stays a network error.
async fn token_request(ctx: &Ctx<'_>, network: &'static str, url: Url) -> Result<TokenSet> {
    let answer = ctx.http.send_limited(network, ctx.http.get(url), MAX_TOKEN_RESPONSE_BYTES).await?;
    if !answer.status.is_success() {
        return Err(match graph_failure(network, answer.status, &answer.body, None) {
            Error::Rejected { detail, .. } => Error::TokenExchange { network, detail },
            other => other,
        });
    }
    let token: GraphToken = serde_json::from_slice(&answer.body).map_err(|_| Error::TokenExchange {
        network,
        detail: "the token endpoint gave an answer Herald could not read".to_owned(),
    })?;
    token.into_tokens(network)
}
/// `DELETE /me/permissions` with the user token: removes the app, and with it every token of the
/// grant (the Page tokens too).
pub(crate) async fn revoke(ctx: &Ctx<'_>, tokens: &TokenSet) -> Result<bool> {
    let url = net::join_resource(NAME, &ctx.endpoints.facebook.graph, "me/permissions", "")?;
    let request = ctx.http.reqwest().delete(url).bearer_auth(tokens.access_token.expose());
    let answer = ctx.http.send(NAME, request).await?;
    if answer.status.is_success() {
        Ok(true)
    } else {
        Err(graph_failure(NAME, answer.status, &answer.body, None))
    }
}
