//! Google Business Profile APIs: Account Management (accounts) and Business Information
//! (locations), limited to what the grant covers.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::config::Endpoint;
use crate::faults::{gate, google_rpc_status, UNAUTHENTICATED_MESSAGE};
use crate::http::{self, Params, Rejection};
use crate::state::{lock, Shared, State as SandboxState};

/// Page sizes: (default, maximum).
const ACCOUNTS_PAGE: (usize, usize) = (20, 20);
const LOCATIONS_PAGE: (usize, usize) = (10, 100);

/// Fields of the v1 `Location` resource that a `readMask` may name.
const LOCATION_FIELDS: &[&str] = &[
    "name",
    "languageCode",
    "storeCode",
    "title",
    "phoneNumbers",
    "categories",
    "storefrontAddress",
    "websiteUri",
    "regularHours",
    "specialHours",
    "serviceArea",
    "labels",
    "adWordsLocationExtensions",
    "latlng",
    "openInfo",
    "metadata",
    "profile",
    "relationshipData",
    "moreHours",
    "serviceItems",
];

/// `{"error":{"code","message","status"}}` with Google's default message for the status.
fn api_error(status: StatusCode) -> Response {
    let (rpc, message) = google_rpc_status(status.as_u16());
    api_error_with(status, rpc, message)
}

pub(super) fn api_error_with(status: StatusCode, rpc: &str, message: &str) -> Response {
    http::json(status, &json!({ "error": { "code": status.as_u16(), "message": message, "status": rpc } }))
}

pub(super) fn unauthenticated(message: &str) -> Response {
    let mut response = api_error_with(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(r#"Bearer realm="https://accounts.google.com/", error="invalid_token""#),
    );
    response
}

/// The location names granted to the bearer token, or Google's 401.
pub(super) fn granted_locations(st: &SandboxState, headers: &HeaderMap) -> Result<Vec<String>, Rejection> {
    let Some(token) = http::bearer(headers) else {
        return Err(Box::new(unauthenticated(
            "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        )));
    };
    st.grant_for_access_token(token)
        .map(|grant| grant.locations.clone())
        .ok_or_else(|| Box::new(unauthenticated(UNAUTHENTICATED_MESSAGE)))
}

pub(super) fn page_size(raw: Option<&str>, (default, max): (usize, usize)) -> Result<usize, Rejection> {
    let Some(raw) = raw else {
        return Ok(default);
    };
    let size: i64 = raw.parse().map_err(|_| Box::new(api_error(StatusCode::BAD_REQUEST)))?;
    match usize::try_from(size) {
        Err(_) => Err(Box::new(api_error(StatusCode::BAD_REQUEST))),
        Ok(0) => Ok(default),
        Ok(n) => Ok(n.min(max)),
    }
}

fn encode_page_token(kind: &str, offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{offset}"))
}

fn decode_page_token(kind: &str, token: &str) -> Option<usize> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
    let (token_kind, offset) = text.split_once(':')?;
    (token_kind == kind).then_some(())?;
    offset.parse().ok()
}

/// One page of `items` under `key`; empty lists and the last page's token are omitted, as
/// proto3 JSON does (an empty result is `{}`).
pub(super) fn paginate(
    key: &str,
    items: Vec<Value>,
    size: usize,
    page_token: Option<&str>,
    token_kind: &str,
) -> Response {
    let offset = match page_token {
        None => 0,
        Some(token) => match decode_page_token(token_kind, token) {
            Some(offset) if offset <= items.len() => offset,
            _ => return api_error(StatusCode::BAD_REQUEST),
        },
    };
    let end = offset.saturating_add(size).min(items.len());
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(offset).take(end - offset).collect();
    let mut body = Map::new();
    if !page.is_empty() {
        body.insert(key.to_owned(), Value::Array(page));
    }
    if end < total {
        body.insert("nextPageToken".to_owned(), Value::String(encode_page_token(token_kind, end)));
    }
    http::json(StatusCode::OK, &Value::Object(body))
}

/// `GET /google/mybusinessaccountmanagement/v1/accounts`
pub(super) async fn accounts(State(shared): State<Shared>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    if let Some(response) = gate(&shared, Endpoint::GoogleAccounts).await {
        return response;
    }
    let params = Params::from_query(query.as_deref());
    let st = lock(&shared);
    let granted = match granted_locations(&st, &headers) {
        Ok(granted) => granted,
        Err(response) => return *response,
    };
    let size = match page_size(params.get("pageSize"), ACCOUNTS_PAGE) {
        Ok(size) => size,
        Err(response) => return *response,
    };
    let accounts: Vec<Value> = st
        .google_seed
        .accounts
        .iter()
        .filter(|a| a.locations.iter().any(|l| granted.contains(&l.name)))
        .map(|a| {
            json!({
                "name": a.name,
                "accountName": a.account_name,
                "type": "LOCATION_GROUP",
                "verificationState": "VERIFIED",
            })
        })
        .collect();
    paginate("accounts", accounts, size, params.get("pageToken"), "accounts")
}

/// Parses a `readMask` (comma-separated field paths); `None` if it names an unknown field.
fn read_mask(raw: &str) -> Option<Vec<&str>> {
    let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
    let known = |field: &&str| {
        let top = field.split('.').next().unwrap_or_default();
        LOCATION_FIELDS.contains(&top)
    };
    (!fields.is_empty() && fields.iter().all(known)).then_some(fields)
}

/// `GET /google/mybusinessbusinessinformation/v1/accounts/{account_id}/locations`
pub(super) async fn locations(
    State(shared): State<Shared>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if let Some(response) = gate(&shared, Endpoint::GoogleLocations).await {
        return response;
    }
    let params = Params::from_query(query.as_deref());
    let st = lock(&shared);
    let granted = match granted_locations(&st, &headers) {
        Ok(granted) => granted,
        Err(response) => return *response,
    };
    let Some(mask) = params.get("readMask").and_then(read_mask) else {
        return api_error(StatusCode::BAD_REQUEST);
    };
    let size = match page_size(params.get("pageSize"), LOCATIONS_PAGE) {
        Ok(size) => size,
        Err(response) => return *response,
    };
    let account_name = format!("accounts/{account_id}");
    let account = st
        .google_seed
        .accounts
        .iter()
        .find(|a| a.name == account_name)
        .filter(|a| a.locations.iter().any(|l| granted.contains(&l.name)));
    let Some(account) = account else {
        return api_error(StatusCode::FORBIDDEN);
    };
    let wants = |field: &str| mask.contains(&field);
    let locations: Vec<Value> = account
        .locations
        .iter()
        .filter(|l| granted.contains(&l.name))
        .map(|l| {
            let mut location = Map::new();
            if wants("name") {
                location.insert("name".to_owned(), Value::String(l.name.clone()));
            }
            if wants("title") {
                location.insert("title".to_owned(), Value::String(l.title.clone()));
            }
            Value::Object(location)
        })
        .collect();
    let token_kind = format!("locations/{account_id}");
    paginate("locations", locations, size, params.get("pageToken"), &token_kind)
}
