//! The Login dialog: its checks, the consent page and the person's decision.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::config::{Endpoint, FacebookSeed};
use crate::consent_page;
use crate::faults::gate;
use crate::grants::{self, Choice, Pending, Pkce};
use crate::graph;
use crate::http::{self, Params, Rejection};
use crate::state::{lock, Shared};

use super::*;

fn page(status: StatusCode, error: &str, reason: &str) -> Response {
    http::html(status, consent_page::network_error_page("Facebook", status.as_u16(), error, reason))
}

fn choices(seed: &FacebookSeed) -> Vec<Choice> {
    seed.pages.iter().map(|p| (p.id.clone(), p.name.clone())).collect()
}

/// The dialog's checks: an unknown app, an unregistered redirect or a bad parameter is an
/// error page, never a redirect.
fn validate_authorize(seed: &FacebookSeed, params: &Params) -> Result<Pending, Rejection> {
    let client_id = params.get("client_id").unwrap_or_default();
    if client_id != seed.client_id {
        return Err(Box::new(page(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Invalid App ID: the provided app ID does not look like a valid app ID.",
        )));
    }
    let redirect_uri = params.get("redirect_uri").unwrap_or_default();
    if !seed.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(Box::new(page(
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
            "URL blocked: this redirect failed because the redirect URI is not whitelisted in the \
             app's Client OAuth Settings. Make sure Client and Web OAuth Login are on and add all \
             your app domains as Valid OAuth Redirect URIs.",
        )));
    }
    if let Some(other) = params.get("response_type").filter(|t| *t != "code") {
        return Err(Box::new(page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("Unsupported response_type: {other}. This sandbox supports only \"code\"."),
        )));
    }
    let scopes = grants::split_scopes(params.get("scope").unwrap_or_default(), &[',', ' ']);
    let unknown: Vec<&str> = scopes.iter().map(String::as_str).filter(|s| !KNOWN_SCOPES.contains(s)).collect();
    if !unknown.is_empty() {
        return Err(Box::new(page(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &format!("Invalid Scopes: {}", unknown.join(", ")),
        )));
    }
    let pkce = match (params.get("code_challenge"), params.get("code_challenge_method")) {
        (None, _) => None,
        (Some(challenge), method @ (Some("S256" | "plain") | None)) => {
            Some(Pkce { challenge: challenge.to_owned(), s256: method == Some("S256") })
        }
        (Some(_), Some(other)) => {
            return Err(Box::new(page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("Invalid code_challenge_method: {other}"),
            )))
        }
    };
    Ok(Pending {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: params.get("state").map(str::to_owned),
        scopes,
        pkce,
        created: std::time::Instant::now(),
    })
}

/// `GET /facebook/www/{v}/dialog/oauth`
pub(super) async fn authorize(
    State(shared): State<Shared>,
    Path(version): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(response) = gate(&shared, Endpoint::FacebookAuthorize).await {
        return response;
    }
    if !graph::is_version(&version) {
        return page(StatusCode::NOT_FOUND, "not_found", "This page isn't available.");
    }
    let params = Params::from_query(q.as_deref());
    let mut st = lock(&shared);
    let pending = match validate_authorize(&st.nets.facebook_seed, &params) {
        Ok(pending) => pending,
        Err(page) => return *page,
    };
    let choices = choices(&st.nets.facebook_seed);
    grants::ask(&mut st, &FLAVOR, pending, &choices)
}

/// `POST /facebook/www/dialog/oauth/consent` (sandbox consent page form)
pub(super) async fn consent(State(shared): State<Shared>, body: Bytes) -> Response {
    let mut st = lock(&shared);
    let choices = choices(&st.nets.facebook_seed);
    grants::answer(&mut st, &FLAVOR, &body, &choices)
}
