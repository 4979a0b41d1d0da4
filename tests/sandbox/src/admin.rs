//! `/__sandbox/*`: JSON control endpoints for the standalone binary and end-to-end tests.
//!
//! Routed only when the sandbox was given an admin token (`SandboxConfig::admin_token`), and
//! then answered only to requests with `Authorization: Bearer <token>` (401 otherwise). A request
//! that changes state (POST, DELETE) must say `Content-Type: application/json` (415 otherwise),
//! so a form posted by a web page, which cannot set either header, changes nothing.
//!
//! - `GET /__sandbox/health` → `ok`
//! - `POST /__sandbox/auto-consent` body: `{"approve":{"locations":null}}`, `"deny"` or `null`
//! - `POST /__sandbox/faults` body: `{"endpoint":"google_token","fault":{"status":500,"times":1}}`
//! - `DELETE /__sandbox/faults`
//! - `GET /__sandbox/secrets` → JSON array of every code and token issued
//! - `GET /__sandbox/hits` → `{"google_token": 2, ...}`
//! - `POST /__sandbox/revoke-all` → every grant revoked, as if the user removed access
//! - `POST /__sandbox/revoke` body: `{"network":"x"}` → that network's grants only

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use crate::config::{AutoConsent, Endpoint, Fault};
use crate::http;
use crate::state::{lock, Shared};

#[derive(Deserialize)]
struct InjectRequest {
    endpoint: Endpoint,
    #[serde(default)]
    fault: Fault,
}

/// The admin routes, guarded by `token`.
pub(crate) fn router(token: String) -> Router<Shared> {
    let token: Arc<str> = token.into();
    Router::new()
        .route("/__sandbox/health", get(health))
        .route("/__sandbox/auto-consent", post(set_auto_consent))
        .route("/__sandbox/faults", post(inject).delete(clear_faults))
        .route("/__sandbox/secrets", get(secrets))
        .route("/__sandbox/hits", get(hits))
        .route("/__sandbox/published", get(published))
        .route("/__sandbox/revoke-all", post(revoke_all))
        .route("/__sandbox/revoke", post(revoke_network))
        .route_layer(middleware::from_fn_with_state(token, guard))
}

/// The token check, then (for state changes) the content-type check.
async fn guard(State(token): State<Arc<str>>, request: Request, next: Next) -> Response {
    if !authorized(request.headers(), &token) {
        return http::json(
            StatusCode::UNAUTHORIZED,
            &json!({ "error": "the sandbox admin API needs `Authorization: Bearer <admin token>`" }),
        );
    }
    if matches!(*request.method(), Method::POST | Method::DELETE) && !is_json(request.headers()) {
        return http::json(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &json!({ "error": "the sandbox admin API accepts only `Content-Type: application/json`" }),
        );
    }
    next.run(request).await
}

fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(given) = given.strip_prefix("Bearer ") else {
        return false;
    };
    // Constant time over the token's length: the answer says nothing about a prefix.
    let (given, token) = (given.trim().as_bytes(), token.as_bytes());
    given.len() == token.len() && given.iter().zip(token).fold(0_u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Parses a JSON body (the guard has already checked its content type).
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, http::Rejection> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(http::json(StatusCode::BAD_REQUEST, &json!({ "error": format!("invalid JSON body: {e}") })))
    })
}

async fn health() -> &'static str {
    "ok"
}

async fn set_auto_consent(State(shared): State<Shared>, body: Bytes) -> Response {
    match parse::<Option<AutoConsent>>(&body) {
        Ok(consent) => {
            lock(&shared).auto_consent = consent;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(response) => *response,
    }
}

async fn inject(State(shared): State<Shared>, body: Bytes) -> Response {
    match parse::<InjectRequest>(&body) {
        Ok(request) => {
            lock(&shared).faults.insert(request.endpoint, request.fault);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(response) => *response,
    }
}

async fn clear_faults(State(shared): State<Shared>) -> StatusCode {
    lock(&shared).faults.clear();
    StatusCode::NO_CONTENT
}

async fn secrets(State(shared): State<Shared>) -> Response {
    let issued = lock(&shared).issued.clone();
    http::json(StatusCode::OK, &json!(issued))
}

async fn hits(State(shared): State<Shared>) -> Response {
    let hits = lock(&shared).hits.clone();
    http::json(StatusCode::OK, &json!(hits))
}

/// What was published, oldest first: network, author, id, text and each photo's upload label
/// (`upload:{bytes}:{sha256}`) — what e2e specs compare against.
async fn published(State(shared): State<Shared>) -> Response {
    let list: Vec<serde_json::Value> = lock(&shared)
        .nets
        .published
        .iter()
        .map(|p| json!({ "network": p.network, "author": p.author, "id": p.id, "text": p.text, "media": p.media }))
        .collect();
    http::json(StatusCode::OK, &json!(list))
}

#[derive(Deserialize)]
struct RevokeRequest {
    network: String,
}

async fn revoke_network(State(shared): State<Shared>, body: Bytes) -> Response {
    match parse::<RevokeRequest>(&body) {
        Ok(request) if lock(&shared).revoke_network(&request.network) => StatusCode::NO_CONTENT.into_response(),
        Ok(request) => http::json(
            StatusCode::BAD_REQUEST,
            &json!({ "error": format!("unknown network {:?}: google, facebook, instagram, linkedin or x", request.network) }),
        ),
        Err(response) => *response,
    }
}

async fn revoke_all(State(shared): State<Shared>) -> StatusCode {
    lock(&shared).revoke_all();
    StatusCode::NO_CONTENT
}
