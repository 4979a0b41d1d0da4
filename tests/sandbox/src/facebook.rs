//! Facebook: Facebook Login (manual flow) for a Pages app, and the Graph API calls Herald makes.
//!
//! The real hosts become path prefixes under `/facebook`, the real path kept after them:
//! `www.facebook.com/{v}/dialog/oauth` → `/facebook/www/{v}/dialog/oauth`, and
//! `graph.facebook.com/{v}/…` → `/facebook/graph/{v}/…` (e.g.
//! `/facebook/graph/v25.0/me/accounts`). `{v}` is any `vN.M`. The consent page posts to the
//! sandbox-only [`CONSENT_PATH`].
//!
//! Sources: manual login flow
//! <https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow>, long-lived
//! tokens <https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived>,
//! Pages <https://developers.facebook.com/docs/pages/getting-started> and
//! <https://developers.facebook.com/docs/graph-api/reference/user/accounts/>, permissions
//! <https://developers.facebook.com/docs/graph-api/reference/user/permissions/>, errors
//! <https://developers.facebook.com/docs/graph-api/guides/error-handling/>.
//!
//! Publishing: `POST /{page-id}/feed` (`message`, `link`, `attached_media[n]={"media_fbid":…}`)
//! <https://developers.facebook.com/docs/pages-api/posts>, `POST /{page-id}/photos` (multipart
//! `source` or a `url` the sandbox really fetches; `message`; `published=false` for a photo to
//! attach later; JPEG or PNG under 4 MB)
//! <https://developers.facebook.com/docs/graph-api/reference/page/photos/>, and for
//! reconciliation `GET /{page-id}/feed` and `/{page-id}/published_posts`
//! <https://developers.facebook.com/docs/graph-api/reference/page/feed/>. Throttling
//! (<https://developers.facebook.com/docs/graph-api/overview/rate-limiting/>): a Page posting
//! faster than [`FacebookSeed::posts_per_minute`] gets code 368, subcode 1390008; codes 4, 17
//! and 32 are injected with [`throttle_fault`].

use std::sync::MutexGuard;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::config::{Endpoint, FacebookPageSeed, FacebookSeed};
use crate::consent_page;
use crate::faults::gate;
use crate::grants::{self, Auth, Choice, CodeError, Failure, Flavor, Kind, Net, Pending, Pkce};
use crate::graph::{self, Call};
use crate::http::{self, Params, Rejection};
use crate::shapes::graph_error;
use crate::state::{lock, Shared, State as SandboxState};

/// Where the sandbox consent page posts the person's decision (sandbox-only).
pub const CONSENT_PATH: &str = "/facebook/www/dialog/oauth/consent";

/// Permissions a Pages app asks for; the dialog refuses others as invalid scopes.
pub const KNOWN_SCOPES: &[&str] = &[
    "public_profile",
    "email",
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_metadata",
    "pages_read_user_content",
    "business_management",
    "instagram_basic",
    "instagram_content_publish",
    "read_insights",
];

const FLAVOR: Flavor = Flavor {
    net: Net::Facebook,
    brand: "Facebook",
    consent_path: CONSENT_PATH,
    code_prefix: "AQB",
    // Facebook appends `#_=_` to the redirect.
    fragment: Some("_=_"),
    deny: &[
        ("error", "access_denied"),
        ("error_code", "200"),
        ("error_description", "Permissions error"),
        ("error_reason", "user_denied"),
    ],
    pick_accounts: true,
};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/facebook/www/{version}/dialog/oauth", get(authorize))
        .route(CONSENT_PATH, post(consent))
        .route("/facebook/graph/{version}/oauth/access_token", get(access_token))
        .route("/facebook/graph/{version}/me", get(me))
        .route("/facebook/graph/{version}/me/accounts", get(accounts))
        .route("/facebook/graph/{version}/me/permissions", get(permissions).delete(deauthorize))
        .route("/facebook/graph/{version}/{node}", get(node))
        .route("/facebook/graph/{version}/{node}/feed", post(feed).get(feed_list))
        .route("/facebook/graph/{version}/{node}/published_posts", get(feed_list))
        .route(
            "/facebook/graph/{version}/{node}/photos",
            post(photos).layer(axum::extract::DefaultBodyLimit::max(PHOTO_BODY_LIMIT)),
        )
}

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
async fn authorize(State(shared): State<Shared>, Path(version): Path<String>, RawQuery(q): RawQuery) -> Response {
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
async fn consent(State(shared): State<Shared>, body: Bytes) -> Response {
    let mut st = lock(&shared);
    let choices = choices(&st.nets.facebook_seed);
    grants::answer(&mut st, &FLAVOR, &body, &choices)
}

/// Graph takes the token in an `Authorization` header with either scheme.
const SCHEMES: &[&str] = &["bearer", "oauth"];

fn token_failure(failure: Failure, client_id: &str) -> Response {
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
fn authenticate(st: &SandboxState, token: Option<&str>, missing: (u32, &str)) -> Result<Auth, Rejection> {
    let Some(token) = token else {
        return Err(Box::new(graph_error(StatusCode::BAD_REQUEST, missing.0, None, missing.1)));
    };
    st.nets.facebook.check(token).map_err(|f| Box::new(token_failure(f, &st.nets.facebook_seed.client_id)))
}

const NO_TOKEN_ME: (u32, &str) =
    (2500, "An active access token must be used to query information about the current user.");
const NO_TOKEN: (u32, &str) = (104, "An access token is required to request this resource.");

/// A Graph call past the preamble its handlers share: the fault gate of `endpoint`, the version
/// check, the query parameters and the presented token checked (`missing` answers a call
/// without one). The state comes locked.
async fn open<'a>(
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
async fn access_token(State(shared): State<Shared>, Path(version): Path<String>, RawQuery(q): RawQuery) -> Response {
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

/// `/me/accounts` entries per answer without `limit` (Graph's default).
const DEFAULT_PAGE_LIMIT: usize = 25;
/// The largest `limit` this sandbox serves.
const MAX_PAGE_LIMIT: usize = 100;

/// Fields of the Page node this sandbox knows.
const PAGE_FIELDS: &[&str] =
    &["id", "name", "access_token", "category", "tasks", "picture", "instagram_business_account"];

/// The `limit` of a listing: [`DEFAULT_PAGE_LIMIT`] when absent, at most [`MAX_PAGE_LIMIT`].
fn page_limit(params: &Params) -> Result<usize, Rejection> {
    match params.get("limit").map(str::parse::<usize>) {
        None => Ok(DEFAULT_PAGE_LIMIT),
        Some(Ok(n)) if (1..=MAX_PAGE_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(Box::new(graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            &format!("(#100) The parameter limit must be between 1 and {MAX_PAGE_LIMIT}"),
        ))),
    }
}

fn requested_fields<'a>(params: &'a Params, default: &'a str) -> Result<Vec<&'a str>, Rejection> {
    let fields: Vec<&str> =
        params.get("fields").unwrap_or(default).split(',').map(str::trim).filter(|f| !f.is_empty()).collect();
    match fields.iter().find(|f| !PAGE_FIELDS.contains(f)) {
        Some(unknown) => Err(Box::new(graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            &format!("(#100) Tried accessing nonexisting field ({unknown}) on node type (Page)"),
        ))),
        None => Ok(fields),
    }
}

/// A Page as Graph renders it with `fields`; `access_token` only when given one.
fn render_page(page: &FacebookPageSeed, fields: &[&str], access_token: Option<&str>) -> Value {
    let mut out = Map::new();
    for field in fields {
        let value = match *field {
            "id" => json!(page.id),
            "name" => json!(page.name),
            "category" => json!(page.category),
            "tasks" => json!(page.tasks),
            "access_token" => match access_token {
                Some(token) => json!(token),
                None => continue,
            },
            "picture" => {
                json!({ "data": { "height": 50, "is_silhouette": false, "url": page.picture_url, "width": 50 } })
            }
            "instagram_business_account" => match &page.instagram_business_account {
                Some(id) => json!({ "id": id }),
                None => continue,
            },
            _ => continue,
        };
        out.insert((*field).to_owned(), value);
    }
    // Graph always returns the node id.
    out.entry("id").or_insert_with(|| json!(page.id));
    Value::Object(out)
}

/// `GET /facebook/graph/{v}/me/accounts`: the granted Pages, each with a Page token.
async fn accounts(call: Call) -> Response {
    let (params, mut guard, auth) = match open(&call, Endpoint::FacebookAccounts, NO_TOKEN_ME).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let st = &mut *guard;
    if let Kind::Page(_) = auth.kind {
        return graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            "(#100) Tried accessing nonexisting field (accounts) on node type (Page)",
        );
    }
    let fields = match requested_fields(&params, "access_token,category,name,id,tasks") {
        Ok(fields) => fields,
        Err(response) => return *response,
    };
    if !auth.has("pages_show_list") {
        return http::json(StatusCode::OK, &json!({ "data": [] }));
    }
    // A Page token from a long-lived user token does not expire; otherwise it lives as long as
    // the user token.
    let page_ttl = if auth.long_lived { None } else { Some(auth.secs_left().unwrap_or(0)) };
    let granted: Vec<FacebookPageSeed> =
        st.nets.facebook_seed.pages.iter().filter(|p| auth.consent.accounts.contains(&p.id)).cloned().collect();
    // Cursor-based paging as Graph does it: `limit` (default 25), `after` = the cursor of the
    // last entry seen; `paging.next` only while more remain.
    let limit = match page_limit(&params) {
        Ok(limit) => limit,
        Err(response) => return *response,
    };
    let start = match params.get("after") {
        None => 0,
        Some(cursor) => {
            let id = URL_SAFE_NO_PAD.decode(cursor).ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default();
            match granted.iter().position(|p| p.id == id) {
                Some(i) => i + 1,
                None => return graph_error(StatusCode::BAD_REQUEST, 100, None, "(#100) Invalid cursor"),
            }
        }
    };
    let pages: Vec<FacebookPageSeed> = granted.iter().skip(start).take(limit).cloned().collect();
    let more = start + pages.len() < granted.len();
    let mut data = Vec::with_capacity(pages.len());
    for page in &pages {
        let token = fields.contains(&"access_token").then(|| {
            st.nets.facebook.issue(
                &mut st.issued,
                auth.grant,
                Kind::Page(page.id.clone()),
                auth.long_lived,
                "EAAG",
                page_ttl,
            )
        });
        data.push(render_page(page, &fields, token.as_deref()));
    }
    let mut body = json!({ "data": data });
    if let (Some(first), Some(last)) = (pages.first(), pages.last()) {
        let after = URL_SAFE_NO_PAD.encode(&last.id);
        body["paging"] = json!({ "cursors": {
            "before": URL_SAFE_NO_PAD.encode(&first.id),
            "after": after,
        }});
        if more {
            let host = call.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
            if let Ok(mut next) = url::Url::parse(&format!("http://{host}/facebook/graph/{}/me/accounts", call.version))
            {
                next.query_pairs_mut()
                    .extend_pairs(params.pairs().filter(|(k, _)| *k != "after"))
                    .append_pair("after", &after);
                body["paging"]["next"] = json!(next.as_str());
            }
        }
    }
    http::json(StatusCode::OK, &body)
}

/// `GET /facebook/graph/{v}/me/permissions`: `{"data":[{"permission","status"}]}`.
async fn permissions(call: Call) -> Response {
    let (_, _st, auth) = match open(&call, Endpoint::FacebookPermissions, NO_TOKEN_ME).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let mut data: Vec<Value> = Vec::new();
    if !auth.consent.granted.iter().chain(&auth.consent.declined).any(|s| s == "public_profile") {
        data.push(json!({ "permission": "public_profile", "status": "granted" }));
    }
    data.extend(auth.consent.granted.iter().map(|p| json!({ "permission": p, "status": "granted" })));
    data.extend(auth.consent.declined.iter().map(|p| json!({ "permission": p, "status": "declined" })));
    http::json(StatusCode::OK, &json!({ "data": data }))
}

/// `DELETE /facebook/graph/{v}/me/permissions`: removes the app, every token of the grant dies.
async fn deauthorize(call: Call, body: Bytes) -> Response {
    if let Err(response) = call.enter(Endpoint::FacebookRevoke).await {
        return response;
    }
    let input = call.input(Some(&body));
    let token = call
        .token(input.query.get("access_token"), SCHEMES)
        .or_else(|| input.form.get("access_token").map(str::to_owned));
    let mut st = lock(&call.shared);
    let auth = match authenticate(&st, token.as_deref(), NO_TOKEN_ME) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    st.nets.facebook.revoke_grant(auth.grant);
    http::json(StatusCode::OK, &json!({ "success": true }))
}

/// `GET /facebook/graph/{v}/me`: the user (user token) or the Page (Page token).
async fn me(call: Call) -> Response {
    let (params, st, auth) = match open(&call, Endpoint::FacebookNode, NO_TOKEN_ME).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let seed = &st.nets.facebook_seed;
    match &auth.kind {
        Kind::Page(id) => match seed.pages.iter().find(|p| &p.id == id) {
            Some(page) => match requested_fields(&params, "name,id") {
                Ok(fields) => http::json(StatusCode::OK, &render_page(page, &fields, None)),
                Err(response) => *response,
            },
            None => token_failure(Failure::Unknown, &seed.client_id),
        },
        _ => http::json(StatusCode::OK, &json!({ "name": seed.user_name, "id": seed.user_id })),
    }
}

fn no_such_object(id: &str) -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        100,
        Some(33),
        &format!(
            "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )
}

/// Whether the caller may read Page `id`: with that Page's token, or a user token that granted it.
fn may_read(auth: &Auth, id: &str) -> bool {
    match &auth.kind {
        Kind::Page(page_id) => page_id == id,
        _ => auth.consent.accounts.iter().any(|a| a == id),
    }
}

/// `GET /facebook/graph/{v}/{page-id}`: a granted Page (e.g. `fields=instagram_business_account`).
async fn node(call: Call) -> Response {
    let id = call.node.as_str();
    let (params, st, auth) = match open(&call, Endpoint::FacebookNode, NO_TOKEN).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let Some(page) = st.nets.facebook_seed.pages.iter().find(|p| p.id == id) else {
        return graph_error(
            StatusCode::NOT_FOUND,
            803,
            None,
            &format!("(#803) Some of the aliases you requested do not exist: {id}"),
        );
    };
    if !may_read(&auth, id) {
        return no_such_object(id);
    }
    match requested_fields(&params, "name,id") {
        Ok(fields) => http::json(StatusCode::OK, &render_page(page, &fields, None)),
        Err(response) => *response,
    }
}

/// Largest photo Graph takes.
pub const PHOTO_MAX_BYTES: usize = 4 * 1024 * 1024;
/// Request bodies `/photos` accepts (the photo plus the form around it).
const PHOTO_BODY_LIMIT: usize = PHOTO_MAX_BYTES + 1024 * 1024;

/// A fault answering like Graph's throttling: `code` 4 (application), 17 (user) or 32 (Page),
/// as `400` with `is_transient`. Inject it into [`Endpoint::FacebookFeed`] or
/// [`Endpoint::FacebookPhotos`].
pub fn throttle_fault(code: u32) -> crate::Fault {
    let message = match code {
        4 => "(#4) Application request limit reached",
        17 => "(#17) User request limit reached",
        32 => "(#32) Page request limit reached",
        _ => "(#613) Calls to this api have exceeded the rate limit.",
    };
    let body = json!({ "error": {
        "message": message, "type": "OAuthException", "code": code, "is_transient": true, "fbtrace_id": "ASandboxThrottle",
    }});
    crate::Fault { status: Some(400), body: Some(body.to_string()), ..crate::Fault::default() }
}

/// The Page token checks of a publishing call; returns the Page id.
fn page_publisher(st: &SandboxState, id: &str, token: Option<&str>) -> Result<(), Rejection> {
    let auth = authenticate(st, token, NO_TOKEN)?;
    if !st.nets.facebook_seed.pages.iter().any(|p| p.id == id) {
        return Err(Box::new(no_such_object(id)));
    }
    let page_token = matches!(&auth.kind, Kind::Page(page_id) if page_id == id);
    if !page_token || !auth.has("pages_manage_posts") || !auth.has("pages_read_engagement") {
        return Err(Box::new(graph_error(
            StatusCode::FORBIDDEN,
            200,
            None,
            "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission",
        )));
    }
    Ok(())
}

/// Counts a post of the Page; Graph's 368/1390008 when it posts faster than allowed.
fn posting_too_fast(st: &mut SandboxState, page: &str) -> Option<Response> {
    let limit = usize::try_from(st.nets.facebook_seed.posts_per_minute).unwrap_or(usize::MAX);
    let now = std::time::Instant::now();
    let times = st.nets.fb_post_times.entry(page.to_owned()).or_default();
    times.retain(|at| now.duration_since(*at) < std::time::Duration::from_secs(60));
    if times.len() >= limit {
        return Some(graph_error(
            StatusCode::BAD_REQUEST,
            368,
            Some(1_390_008),
            "We limit how often you can post, comment or do other things in a given amount of time in order to help protect the community from spam. You can try again later.",
        ));
    }
    times.push(now);
    None
}

fn new_post_id(st: &SandboxState, page: &str) -> String {
    format!("{page}_{}", 122_000_000_000_000_u64 + st.nets.published.len() as u64 + 1)
}

/// `POST /facebook/graph/{v}/{page-id}/feed` (form or query: `message`, `link`,
/// `attached_media[n]`, `access_token`): publishes as the Page; needs that Page's token.
async fn feed(call: Call, body: Bytes) -> Response {
    let id = call.node.as_str();
    if let Err(response) = call.enter(Endpoint::FacebookFeed).await {
        return response;
    }
    let input = call.input(Some(&body));
    let param = |key: &str| input.get(key).map(str::to_owned);
    let token = call.token(input.get("access_token"), SCHEMES);
    let mut guard = lock(&call.shared);
    let st = &mut *guard;
    if let Err(response) = page_publisher(st, id, token.as_deref()) {
        return *response;
    }
    let message = param("message").unwrap_or_default();
    let link = param("link");
    let mut media = Vec::new();
    let attached = input.form.pairs().chain(input.query.pairs()).filter(|(k, _)| k.starts_with("attached_media["));
    for (key, value) in attached {
        let fbid = serde_json::from_str::<Value>(value).ok().and_then(|v| v["media_fbid"].as_str().map(str::to_owned));
        match fbid.and_then(|fbid| st.nets.fb_photos.get(&fbid).filter(|(page, _)| *page == id).cloned()) {
            Some((_, photo)) => media.push(photo),
            None => {
                return graph_error(
                    StatusCode::BAD_REQUEST,
                    100,
                    None,
                    &format!("(#100) param {key} must be an unpublished photo of this Page: {{\"media_fbid\":\"…\"}}"),
                )
            }
        }
    }
    if message.is_empty() && link.is_none() && media.is_empty() {
        return graph_error(StatusCode::BAD_REQUEST, 100, None, "(#100) Missing message or attachment");
    }
    if let Some(response) = posting_too_fast(st, id) {
        return response;
    }
    if let Some(link) = link {
        media.push(link);
    }
    let post_id = new_post_id(st, id);
    st.nets.record("facebook", id, &post_id, &message, media);
    http::json(StatusCode::OK, &json!({ "id": post_id }))
}

/// The photo of a `/photos` call: an upload (`source`) or a URL Graph downloads.
async fn photo_bytes(source: Option<Vec<u8>>, url: Option<&str>) -> Result<(Vec<u8>, String), Response> {
    let invalid = || graph_error(StatusCode::BAD_REQUEST, 324, None, "(#324) Missing or invalid image file");
    let (bytes, label) = match (source, url) {
        (Some(bytes), _) => (bytes, None),
        (None, Some(url)) => {
            let client = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .map_err(|_| invalid())?;
            let response = client.get(url).send().await.map_err(|_| invalid())?;
            if !response.status().is_success() {
                return Err(invalid());
            }
            (response.bytes().await.map_err(|_| invalid())?.to_vec(), Some(url.to_owned()))
        }
        (None, None) => return Err(graph_error(StatusCode::BAD_REQUEST, 324, None, "(#324) Requires upload file")),
    };
    if bytes.len() >= PHOTO_MAX_BYTES {
        return Err(graph_error(StatusCode::BAD_REQUEST, 100, None, "(#100) The photo must be smaller than 4 MB"));
    }
    if !matches!(imagesize::image_type(&bytes), Ok(imagesize::ImageType::Jpeg | imagesize::ImageType::Png)) {
        return Err(invalid());
    }
    let label = label.unwrap_or_else(|| {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(&bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("upload:{}:{hex}", bytes.len())
    });
    Ok((bytes, label))
}

/// `POST /facebook/graph/{v}/{page-id}/photos` (multipart with `source`, or form/query with
/// `url`; `message`; `published`): `{"id","post_id"}`, or `{"id"}` for an unpublished photo.
async fn photos(call: Call, body: Bytes) -> Response {
    let id = call.node.as_str();
    if let Err(response) = call.enter(Endpoint::FacebookPhotos).await {
        return response;
    }
    let parts = http::multipart(&call.headers, &body);
    let input = call.input(if parts.is_some() { None } else { Some(&body) });
    let text_part = |key: &str| {
        parts.as_ref().and_then(|parts| {
            parts
                .iter()
                .find(|p| p.name == key && p.filename.is_none())
                .map(|p| String::from_utf8_lossy(&p.data).into_owned())
        })
    };
    let param = |key: &str| text_part(key).or_else(|| input.get(key).map(str::to_owned));
    let token = call.token(param("access_token").as_deref(), SCHEMES);
    if let Err(response) = page_publisher(&lock(&call.shared), id, token.as_deref()) {
        return *response;
    }
    let source = parts.as_ref().and_then(|parts| parts.iter().find(|p| p.name == "source")).map(|p| p.data.clone());
    let (_, label) = match photo_bytes(source, param("url").as_deref()).await {
        Ok(photo) => photo,
        Err(response) => return response,
    };
    let message = param("message").unwrap_or_default();
    let published = param("published").is_none_or(|p| p != "false" && p != "0");
    let mut guard = lock(&call.shared);
    let st = &mut *guard;
    let photo_id =
        (107_000_000_000_000_u64 + st.nets.fb_photos.len() as u64 + st.nets.published.len() as u64 + 1).to_string();
    if !published {
        st.nets.fb_photos.insert(photo_id.clone(), (id.to_owned(), label));
        return http::json(StatusCode::OK, &json!({ "id": photo_id }));
    }
    if let Some(response) = posting_too_fast(st, id) {
        return response;
    }
    let post_id = new_post_id(st, id);
    st.nets.record("facebook", id, &post_id, &message, vec![label]);
    http::json(StatusCode::OK, &json!({ "id": photo_id, "post_id": post_id }))
}

/// `GET /facebook/graph/{v}/{page-id}/feed` and `/published_posts` (`fields`, `limit`): the
/// Page's posts, newest first; needs a token of the Page or a user token that granted it.
async fn feed_list(call: Call) -> Response {
    let id = call.node.as_str();
    let (params, st, auth) = match open(&call, Endpoint::FacebookFeedList, NO_TOKEN).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    if !may_read(&auth, id) || !st.nets.facebook_seed.pages.iter().any(|p| p.id == id) {
        return no_such_object(id);
    }
    if !auth.has("pages_read_engagement") {
        return graph_error(
            StatusCode::FORBIDDEN,
            10,
            None,
            "(#10) This endpoint requires the 'pages_read_engagement' permission",
        );
    }
    let fields: Vec<&str> =
        params.get("fields").unwrap_or("created_time,message,id").split(',').map(str::trim).collect();
    let limit = match page_limit(&params) {
        Ok(limit) => limit,
        Err(response) => return *response,
    };
    let data: Vec<Value> = st
        .nets
        .published_by("facebook", id)
        .iter()
        .take(limit)
        .map(|p| {
            let mut post = json!({ "id": p.id });
            for field in &fields {
                match *field {
                    "message" if !p.text.is_empty() => post["message"] = json!(p.text),
                    "created_time" => post["created_time"] = json!(http::rfc3339(p.at, 0).replace('Z', "+0000")),
                    "permalink_url" => {
                        let story = p.id.split_once('_').map_or(p.id.as_str(), |(_, s)| s);
                        post["permalink_url"] = json!(format!("https://www.facebook.com/{id}/posts/{story}"));
                    }
                    _ => {}
                }
            }
            post
        })
        .collect();
    http::json(StatusCode::OK, &json!({ "data": data }))
}
