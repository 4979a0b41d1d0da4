//! Instagram: the Instagram API with Instagram Login (business and creator accounts).
//!
//! The real hosts become path prefixes under `/instagram`, the real path kept after them:
//! `www.instagram.com/oauth/authorize` → `/instagram/www/oauth/authorize`,
//! `api.instagram.com/oauth/access_token` → `/instagram/api/oauth/access_token`, and
//! `graph.instagram.com/…` → `/instagram/graph/…` (`/access_token`, `/refresh_access_token`,
//! `/me` and `/{v}/me`). The consent page posts to the sandbox-only [`CONSENT_PATH`].
//!
//! Sources: Business Login
//! <https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login>,
//! `/access_token` <https://developers.facebook.com/docs/instagram-platform/reference/access_token>,
//! `/refresh_access_token` (token at least 24 hours old and unexpired; +60 days)
//! <https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token>,
//! `/me` <https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/get-started>.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::config::{Endpoint, InstagramSeed};
use crate::consent_page;
use crate::faults::gate;
use crate::grants::{self, Auth, Choice, CodeError, Failure, Flavor, Kind, Net, Pending};
use crate::graph;
use crate::http::{self, Params, Rejection};
use crate::shapes::{graph_error, instagram_legacy_error};
use crate::state::{lock, Shared, State as SandboxState};

/// Where the sandbox consent page posts the person's decision (sandbox-only).
pub const CONSENT_PATH: &str = "/instagram/www/oauth/authorize/consent";

/// The Instagram Login scopes (the `business_*` names were retired on 2025-01-27).
pub const KNOWN_SCOPES: &[&str] = &[
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_messages",
    "instagram_business_manage_comments",
    "instagram_business_manage_insights",
];

const FLAVOR: Flavor = Flavor {
    net: Net::Instagram,
    brand: "Instagram",
    consent_path: CONSENT_PATH,
    code_prefix: "AQD",
    // Instagram appends `#_` to the redirect.
    fragment: Some("_"),
    deny: &[
        ("error", "access_denied"),
        ("error_reason", "user_denied"),
        ("error_description", "The user denied your request"),
    ],
    pick_accounts: false,
};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/instagram/www/oauth/authorize", get(authorize))
        .route(CONSENT_PATH, post(consent))
        .route("/instagram/api/oauth/access_token", post(code_exchange))
        .route("/instagram/graph/access_token", get(exchange))
        .route("/instagram/graph/refresh_access_token", get(refresh))
        .route("/instagram/graph/me", get(me_unversioned))
        .route("/instagram/graph/{version}/me", get(me))
        .merge(crate::instagram_publish::router())
}

fn page(reason: &str) -> Response {
    http::html(StatusCode::BAD_REQUEST, consent_page::network_error_page("Instagram", 400, "invalid_request", reason))
}

fn choices(seed: &InstagramSeed) -> Vec<Choice> {
    vec![(seed.user_id.clone(), format!("@{}", seed.username))]
}

fn validate_authorize(seed: &InstagramSeed, params: &Params) -> Result<Pending, Rejection> {
    if params.get("client_id") != Some(seed.client_id.as_str()) {
        return Err(Box::new(page("Invalid platform app")));
    }
    let redirect_uri = params.get("redirect_uri").unwrap_or_default();
    if !seed.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(Box::new(page(
            "Invalid redirect_uri: it must exactly match a valid OAuth redirect URI of the app.",
        )));
    }
    if params.get("response_type") != Some("code") {
        return Err(Box::new(page("Invalid response_type: set it to code.")));
    }
    let scopes = grants::split_scopes(params.get("scope").unwrap_or_default(), &[',', ' ']);
    if scopes.is_empty() {
        return Err(Box::new(page("Missing required parameter: scope")));
    }
    let unknown: Vec<&str> = scopes.iter().map(String::as_str).filter(|s| !KNOWN_SCOPES.contains(s)).collect();
    if !unknown.is_empty() {
        return Err(Box::new(page(&format!("Invalid scope: {}", unknown.join(", ")))));
    }
    Ok(Pending {
        client_id: seed.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: params.get("state").map(str::to_owned),
        scopes,
        pkce: None,
        created: std::time::Instant::now(),
    })
}

/// `GET /instagram/www/oauth/authorize`
async fn authorize(State(shared): State<Shared>, RawQuery(q): RawQuery) -> Response {
    if let Some(response) = gate(&shared, Endpoint::InstagramAuthorize).await {
        return response;
    }
    let params = Params::from_query(q.as_deref());
    let mut st = lock(&shared);
    let pending = match validate_authorize(&st.nets.instagram_seed, &params) {
        Ok(pending) => pending,
        Err(page) => return *page,
    };
    let choices = choices(&st.nets.instagram_seed);
    grants::ask(&mut st, &FLAVOR, pending, &choices)
}

/// `POST /instagram/www/oauth/authorize/consent` (sandbox consent page form)
async fn consent(State(shared): State<Shared>, body: Bytes) -> Response {
    let mut st = lock(&shared);
    let choices = choices(&st.nets.instagram_seed);
    grants::answer(&mut st, &FLAVOR, &body, &choices)
}

fn legacy(message: &str) -> Response {
    instagram_legacy_error(StatusCode::BAD_REQUEST, message)
}

/// `POST /instagram/api/oauth/access_token` (form: `client_id`, `client_secret`,
/// `grant_type=authorization_code`, `redirect_uri`, `code`) → a 1-hour token.
async fn code_exchange(State(shared): State<Shared>, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::InstagramToken).await {
        return response;
    }
    let params = Params::parse(&body);
    let mut guard = lock(&shared);
    let st = &mut *guard;
    let seed = st.nets.instagram_seed.clone();
    if params.get("client_id") != Some(seed.client_id.as_str()) {
        return legacy("Invalid platform app");
    }
    if params.get("client_secret") != Some(seed.client_secret.as_str()) {
        return legacy("Error validating client secret.");
    }
    if params.get("grant_type") != Some("authorization_code") {
        return legacy("Invalid grant_type: set it to authorization_code.");
    }
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return legacy("Missing required field redirect_uri");
    };
    let Some(code) = params.get("code") else {
        return legacy("Missing required field code");
    };
    // Instagram appends `#_` to the redirect; a client that kept it sends a code that matches
    // nothing, as on the real network.
    let grant = match st.nets.instagram.redeem(code, &seed.client_id, Some(redirect_uri), None) {
        Ok(grant) => grant,
        Err(CodeError::RedirectMismatch) => {
            return legacy(
                "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
            )
        }
        Err(_) => return legacy("Matching code was not found or was already used"),
    };
    let ttl = seed.short_lived_ttl_secs;
    let token = st.nets.instagram.issue(&mut st.issued, grant, Kind::Access, false, "IGAAS", Some(ttl));
    let permissions = st.nets.instagram.grant(grant).map(|g| g.consent.granted.join(",")).unwrap_or_default();
    http::json_no_store(
        StatusCode::OK,
        &json!({ "data": [{ "access_token": token, "user_id": seed.user_id, "permissions": permissions }] }),
    )
}

fn token_failure(failure: Failure) -> Response {
    match failure {
        Failure::Unknown => {
            graph_error(StatusCode::BAD_REQUEST, 190, None, "Invalid OAuth access token - Cannot parse access token")
        }
        Failure::Expired => graph_error(
            StatusCode::BAD_REQUEST,
            190,
            Some(463),
            "Error validating access token: Session has expired.",
        ),
        Failure::Revoked => graph_error(
            StatusCode::BAD_REQUEST,
            190,
            Some(460),
            "Error validating access token: The session has been invalidated because the user changed their password or Instagram has changed the session for security reasons.",
        ),
    }
}

/// The access token of a call: `access_token` parameter or `Authorization: Bearer` header.
pub(crate) fn presented_token(headers: &HeaderMap, access_token: Option<&str>) -> Option<String> {
    graph::presented_token(headers, access_token, &["bearer"])
}

pub(crate) fn authenticate(st: &SandboxState, token: Option<&str>) -> Result<Auth, Rejection> {
    let Some(token) = token else {
        return Err(Box::new(graph_error(
            StatusCode::BAD_REQUEST,
            104,
            None,
            "An access token is required to request this resource.",
        )));
    };
    st.nets.instagram.check(token).map_err(|f| Box::new(token_failure(f)))
}

fn token_answer(token: &str, expires_in: i64) -> Response {
    http::json_no_store(
        StatusCode::OK,
        &json!({ "access_token": token, "token_type": "bearer", "expires_in": expires_in }),
    )
}

/// `GET /instagram/graph/access_token?grant_type=ig_exchange_token&client_secret&access_token`
/// → a 60-day token.
async fn exchange(State(shared): State<Shared>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if let Some(response) = gate(&shared, Endpoint::InstagramExchange).await {
        return response;
    }
    let params = Params::from_query(q.as_deref());
    let mut guard = lock(&shared);
    let st = &mut *guard;
    if params.get("grant_type") != Some("ig_exchange_token") {
        return graph_error(StatusCode::BAD_REQUEST, 100, None, "Invalid grant_type: set it to ig_exchange_token.");
    }
    match params.get("client_secret") {
        None => return graph_error(StatusCode::BAD_REQUEST, 100, None, "Missing client_secret parameter."),
        Some(secret) if secret != st.nets.instagram_seed.client_secret => {
            return graph_error(StatusCode::BAD_REQUEST, 1, None, "Error validating client secret.")
        }
        Some(_) => {}
    }
    let auth = match authenticate(st, presented_token(&headers, params.get("access_token")).as_deref()) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    if auth.long_lived {
        return graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            "(#100) Only a short-lived Instagram User access token can be exchanged for a long-lived one.",
        );
    }
    let ttl = st.nets.instagram_seed.long_lived_ttl_secs;
    let token = st.nets.instagram.issue(&mut st.issued, auth.grant, Kind::Access, true, "IGAAL", Some(ttl));
    token_answer(&token, ttl)
}

/// `GET /instagram/graph/refresh_access_token?grant_type=ig_refresh_token&access_token` → a new
/// 60-day token, if the presented long-lived token is at least 24 hours old and unexpired.
async fn refresh(State(shared): State<Shared>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if let Some(response) = gate(&shared, Endpoint::InstagramRefresh).await {
        return response;
    }
    let params = Params::from_query(q.as_deref());
    let mut guard = lock(&shared);
    let st = &mut *guard;
    if params.get("grant_type") != Some("ig_refresh_token") {
        return graph_error(StatusCode::BAD_REQUEST, 100, None, "Invalid grant_type: set it to ig_refresh_token.");
    }
    let auth = match authenticate(st, presented_token(&headers, params.get("access_token")).as_deref()) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    if !auth.long_lived {
        return graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            "(#100) Only long-lived Instagram User access tokens can be refreshed.",
        );
    }
    let min_age = Duration::from_secs(u64::try_from(st.nets.instagram_seed.refresh_min_age_secs).unwrap_or(0));
    if auth.issued.elapsed() < min_age {
        // The documented rule; the exact wording of Instagram's refusal is not documented.
        return graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            "(#100) The access token must be at least 24 hours old to be refreshed.",
        );
    }
    let ttl = st.nets.instagram_seed.long_lived_ttl_secs;
    let token = st.nets.instagram.issue(&mut st.issued, auth.grant, Kind::Access, true, "IGAAL", Some(ttl));
    token_answer(&token, ttl)
}

const USER_FIELDS: &[&str] =
    &["id", "user_id", "username", "name", "account_type", "profile_picture_url", "followers_count", "media_count"];

fn render_me(seed: &InstagramSeed, params: &Params) -> Response {
    let fields: Vec<&str> =
        params.get("fields").unwrap_or("id").split(',').map(str::trim).filter(|f| !f.is_empty()).collect();
    if let Some(unknown) = fields.iter().find(|f| !USER_FIELDS.contains(f)) {
        return graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            &format!("(#100) Tried accessing nonexisting field ({unknown}) on node type (User)"),
        );
    }
    let mut out = Map::new();
    for field in fields {
        let value = match field {
            "user_id" => json!(seed.user_id),
            "username" => json!(seed.username),
            "name" => json!("Forno Rossi"),
            "account_type" => json!(seed.account_type),
            "profile_picture_url" => json!(seed.profile_picture_url),
            "followers_count" => json!(1250),
            "media_count" => json!(86),
            _ => continue,
        };
        out.insert(field.to_owned(), value);
    }
    out.insert("id".to_owned(), json!(seed.app_scoped_id));
    http::json(StatusCode::OK, &Value::Object(out))
}

async fn me_for(shared: &Shared, headers: &HeaderMap, q: Option<&str>) -> Response {
    if let Some(response) = gate(shared, Endpoint::InstagramMe).await {
        return response;
    }
    let params = Params::from_query(q);
    let st = lock(shared);
    let auth = match authenticate(&st, presented_token(headers, params.get("access_token")).as_deref()) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    if !auth.has("instagram_business_basic") {
        return graph_error(
            StatusCode::FORBIDDEN,
            10,
            None,
            "(#10) Application does not have permission for this action",
        );
    }
    render_me(&st.nets.instagram_seed, &params)
}

/// `GET /instagram/graph/me`
async fn me_unversioned(State(shared): State<Shared>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    me_for(&shared, &headers, q.as_deref()).await
}

/// `GET /instagram/graph/{v}/me`
async fn me(
    State(shared): State<Shared>,
    Path(version): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if !graph::is_version(&version) {
        return graph::bad_version(&version);
    }
    me_for(&shared, &headers, q.as_deref()).await
}
