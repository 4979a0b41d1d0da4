//! Tokens: the presented-token checks Graph calls share, and `oauth/access_token` (code
//! exchange, long-lived tokens).

use std::sync::MutexGuard;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::config::{Endpoint, FacebookSeed};
use crate::grants::{Auth, CodeError, Failure, Kind};
use crate::graph::{self, Call};
use crate::http::{self, Params, Rejection};
use crate::shapes::graph_error;
use crate::state::{lock, Shared, State as SandboxState};

/// Graph takes the token in an `Authorization` header with either scheme.
pub(super) const SCHEMES: &[&str] = &["bearer", "oauth"];

pub(super) fn token_failure(failure: Failure, client_id: &str) -> Response {
    match failure {
        Failure::Unknown => {
            graph_error(StatusCode::BAD_REQUEST, 190, None, "Invalid OAuth access token - Cannot parse access token")
        }
        Failure::Expired => {
            graph_error(StatusCode::BAD_REQUEST, 190, Some(463), "Error validating access token: Session has expired.")
        }
        Failure::Revoked => graph_error(
            StatusCode::BAD_REQUEST,
            190,
            Some(458),
            &format!("Error validating access token: The user has not authorized application {client_id}."),
        ),
    }
}

/// Checks the presented token; `missing` is the error for no token at all.
pub(super) fn authenticate(st: &SandboxState, token: Option<&str>, missing: (u32, &str)) -> Result<Auth, Rejection> {
    let Some(token) = token else {
        return Err(Box::new(graph_error(StatusCode::BAD_REQUEST, missing.0, None, missing.1)));
    };
    st.nets.facebook.check(token).map_err(|f| Box::new(token_failure(f, &st.nets.facebook_seed.client_id)))
}

pub(super) const NO_TOKEN_ME: (u32, &str) =
    (2500, "An active access token must be used to query information about the current user.");
pub(super) const NO_TOKEN: (u32, &str) = (104, "An access token is required to request this resource.");

/// A Graph call past the preamble its handlers share: the fault gate of `endpoint`, the version
/// check, the query parameters and the presented token checked (`missing` answers a call
/// without one). The state comes locked.
pub(super) async fn open<'a>(
    call: &'a Call,
    endpoint: Endpoint,
    missing: (u32, &str),
) -> Result<(Params, MutexGuard<'a, SandboxState>, Auth), Response> {
    call.enter(endpoint).await?;
    let params = call.params();
    let st = lock(&call.shared);
    let auth = authenticate(&st, call.token(params.get("access_token"), SCHEMES).as_deref(), missing)
        .map_err(|response| *response)?;
    Ok((params, st, auth))
}

fn token_answer(token: &str, expires_in: i64) -> Response {
    http::json_no_store(
        StatusCode::OK,
        &json!({ "access_token": token, "token_type": "bearer", "expires_in": expires_in }),
    )
}

/// Checks `client_id` and `client_secret` of a token request.
fn authenticate_app(seed: &FacebookSeed, params: &Params) -> Result<(), Rejection> {
    if params.get("client_id") != Some(seed.client_id.as_str()) {
        return Err(Box::new(graph_error(
            StatusCode::BAD_REQUEST,
            101,
            None,
            "Error validating application. Invalid application ID.",
        )));
    }
    match params.get("client_secret") {
        None => Err(Box::new(graph_error(StatusCode::BAD_REQUEST, 1, None, "Missing client_secret parameter."))),
        Some(secret) if secret != seed.client_secret => {
            Err(Box::new(graph_error(StatusCode::BAD_REQUEST, 1, None, "Error validating client secret.")))
        }
        Some(_) => Ok(()),
    }
}

/// `GET /facebook/graph/{v}/oauth/access_token`: code exchange, or `grant_type=fb_exchange_token`.
pub(super) async fn access_token(
    State(shared): State<Shared>,
    Path(version): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    if let Err(response) = graph::enter(&shared, Endpoint::FacebookToken, &version).await {
        return response;
    }
    let params = Params::from_query(q.as_deref());
    let mut guard = lock(&shared);
    let st = &mut *guard;
    if let Err(response) = authenticate_app(&st.nets.facebook_seed, &params) {
        return *response;
    }
    match params.get("grant_type") {
        None => exchange_code(st, &params),
        Some("fb_exchange_token") => long_lived(st, &params),
        Some(other) => graph_error(StatusCode::BAD_REQUEST, 100, None, &format!("Unsupported grant_type: {other}")),
    }
}

fn exchange_code(st: &mut SandboxState, params: &Params) -> Response {
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return graph_error(StatusCode::BAD_REQUEST, 191, None, "Missing redirect_uri parameter.");
    };
    let Some(code) = params.get("code") else {
        return graph_error(StatusCode::BAD_REQUEST, 100, None, "Missing authorization code");
    };
    let client_id = st.nets.facebook_seed.client_id.clone();
    let grant = match st.nets.facebook.redeem(code, &client_id, Some(redirect_uri), params.get("code_verifier")) {
        Ok(grant) => grant,
        Err(error) => {
            let (subcode, message) = match error {
                CodeError::Reused => (Some(36009), "This authorization code has been used."),
                CodeError::Expired => (Some(36007), "This authorization code has expired."),
                CodeError::RedirectMismatch => (
                    Some(36008),
                    "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
                ),
                CodeError::MissingVerifier | CodeError::BadVerifier => (None, "Invalid code verifier."),
                CodeError::Unknown | CodeError::ClientMismatch => (None, "Invalid verification code format."),
            };
            return graph_error(StatusCode::BAD_REQUEST, 100, subcode, message);
        }
    };
    let ttl = st.nets.facebook_seed.short_lived_ttl_secs;
    let token = st.nets.facebook.issue(&mut st.issued, grant, Kind::Access, false, "EAAG", Some(ttl));
    token_answer(&token, ttl)
}

fn long_lived(st: &mut SandboxState, params: &Params) -> Response {
    let Some(short) = params.get("fb_exchange_token") else {
        return graph_error(StatusCode::BAD_REQUEST, 100, None, "Missing fb_exchange_token parameter.");
    };
    let auth = match st.nets.facebook.check(short) {
        Ok(auth) if auth.kind == Kind::Access => auth,
        Ok(_) => return graph_error(StatusCode::BAD_REQUEST, 100, None, "Only user access tokens can be extended."),
        Err(failure) => return token_failure(failure, &st.nets.facebook_seed.client_id),
    };
    let ttl = st.nets.facebook_seed.long_lived_ttl_secs;
    let token = st.nets.facebook.issue(&mut st.issued, auth.grant, Kind::Access, true, "EAAG", Some(ttl));
    token_answer(&token, ttl)
}
