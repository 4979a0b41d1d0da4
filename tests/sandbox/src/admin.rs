//! `/__sandbox/*`: JSON control endpoints for the standalone binary and end-to-end tests.
//!
//! - `GET /__sandbox/health` → `ok`
//! - `POST /__sandbox/auto-consent` body: `{"approve":{"locations":null}}`, `"deny"` or `null`
//! - `POST /__sandbox/faults` body: `{"endpoint":"google_token","fault":{"status":500,"times":1}}`
//! - `DELETE /__sandbox/faults`
//! - `GET /__sandbox/secrets` → JSON array of every code and token issued
//! - `GET /__sandbox/hits` → `{"google_token": 2, ...}`
//! - `POST /__sandbox/revoke-all` → every grant revoked, as if the user removed access

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
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

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/__sandbox/health", get(health))
        .route("/__sandbox/auto-consent", post(set_auto_consent))
        .route("/__sandbox/faults", post(inject).delete(clear_faults))
        .route("/__sandbox/secrets", get(secrets))
        .route("/__sandbox/hits", get(hits))
        .route("/__sandbox/revoke-all", post(revoke_all))
}

/// Parses a JSON body regardless of its content type (scripts often omit it).
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

async fn revoke_all(State(shared): State<Shared>) -> StatusCode {
    lock(&shared).revoke_all();
    StatusCode::NO_CONTENT
}
