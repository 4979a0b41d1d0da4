//! Tokens: `accessToken` (code exchange, refresh) and `revoke`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::config::{Endpoint, LinkedInSeed};
use crate::faults::gate;
use crate::grants::Kind;
use crate::http::{self, Params};
use crate::shapes::oauth_error;
use crate::state::{lock, Shared, State as SandboxState};

fn invalid_client() -> Response {
    oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client authentication failed")
}

/// `POST /linkedin/www/oauth/v2/accessToken` (form): `authorization_code` (with `client_secret`,
/// or `code_verifier` for a native PKCE code) and `refresh_token`.
pub(super) async fn access_token(State(shared): State<Shared>, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInToken).await {
        return response;
    }
    let params = Params::parse(&body);
    let mut guard = lock(&shared);
    let st = &mut *guard;
    let seed = st.nets.linkedin_seed.clone();
    if params.get("client_id") != Some(seed.client_id.as_str()) {
        return invalid_client();
    }
    let secret = params.get("client_secret");
    if secret.is_some_and(|s| s != seed.client_secret) {
        return invalid_client();
    }
    match params.get("grant_type") {
        Some("authorization_code") => exchange_code(st, &seed, &params),
        Some("refresh_token") => refresh(st, &seed, &params),
        None => {
            oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "A required parameter \"grant_type\" is missing")
        }
        Some(other) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("The grant_type \"{other}\" is not supported"),
        ),
    }
}

fn missing(name: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &format!("A required parameter \"{name}\" is missing"))
}

fn exchange_code(st: &mut SandboxState, seed: &LinkedInSeed, params: &Params) -> Response {
    let Some(code) = params.get("code") else {
        return missing("code");
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return missing("redirect_uri");
    };
    let verifier = params.get("code_verifier");
    // The standard flow authenticates with the secret; a native PKCE code with the verifier.
    if verifier.is_none() && params.get("client_secret").is_none() {
        return missing("client_secret");
    }
    let grant = match st.nets.linkedin.redeem(code, &seed.client_id, Some(redirect_uri), verifier) {
        Ok(grant) => grant,
        Err(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists",
            )
        }
    };
    let access =
        st.nets.linkedin.issue(&mut st.issued, grant, Kind::Access, false, "AQV", Some(seed.access_token_ttl_secs));
    let scope = st.nets.linkedin.grant(grant).map(|g| g.consent.granted.join(",")).unwrap_or_default();
    let mut body = json!({
        "access_token": access,
        "expires_in": seed.access_token_ttl_secs,
        "scope": scope,
        "token_type": "Bearer",
    });
    if seed.refresh_tokens {
        let refresh = st.nets.linkedin.issue(
            &mut st.issued,
            grant,
            Kind::Refresh,
            false,
            "AQX",
            Some(seed.refresh_token_ttl_secs),
        );
        body["refresh_token"] = json!(refresh);
        body["refresh_token_expires_in"] = json!(seed.refresh_token_ttl_secs);
    }
    http::json_no_store(StatusCode::OK, &body)
}

/// A new access token; the refresh token stays the same and keeps its original deadline (not
/// sliding).
fn refresh(st: &mut SandboxState, seed: &LinkedInSeed, params: &Params) -> Response {
    let Some(refresh_token) = params.get("refresh_token") else {
        return missing("refresh_token");
    };
    let auth = match st.nets.linkedin.check(refresh_token) {
        Ok(auth) if auth.kind == Kind::Refresh => auth,
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "The provided authorization grant or refresh token is invalid, expired or revoked.",
            )
        }
    };
    let access = st.nets.linkedin.issue(
        &mut st.issued,
        auth.grant,
        Kind::Access,
        false,
        "AQV",
        Some(seed.access_token_ttl_secs),
    );
    http::json_no_store(
        StatusCode::OK,
        &json!({
            "access_token": access,
            "expires_in": seed.access_token_ttl_secs,
            "refresh_token": refresh_token,
            "refresh_token_expires_in": auth.secs_left().unwrap_or(0),
            "scope": auth.consent.granted.join(","),
            "token_type": "Bearer",
        }),
    )
}

/// `POST /linkedin/www/oauth/v2/revoke` (form: `client_id`, `client_secret`, `token`): the
/// member's grant to the app ends.
pub(super) async fn revoke(State(shared): State<Shared>, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInRevoke).await {
        return response;
    }
    let params = Params::parse(&body);
    let mut st = lock(&shared);
    let seed = &st.nets.linkedin_seed;
    if params.get("client_id") != Some(seed.client_id.as_str())
        || params.get("client_secret") != Some(seed.client_secret.as_str())
    {
        return invalid_client();
    }
    let Some(token) = params.get("token") else {
        return missing("token");
    };
    match st.nets.linkedin.check(token) {
        Ok(auth) => {
            st.nets.linkedin.revoke_grant(auth.grant);
            StatusCode::OK.into_response()
        }
        Err(_) => oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "The token is invalid, expired or revoked"),
    }
}
