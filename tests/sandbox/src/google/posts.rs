//! Google Business Profile local posts (My Business API v4, still the one serving posts):
//! `POST` and `GET mybusiness.googleapis.com/v4/{parent=accounts/*/locations/*}/localPosts`.
//!
//! Sources: create <https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts/create>,
//! list <https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts/list>,
//! the resource <https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts>,
//! limits (10 edits per minute per profile)
//! <https://developers.google.com/my-business/content/limits>. Validation failures come as
//! `INVALID_ARGUMENT` with a `google.mybusiness.v4.ValidationError` detail whose `errorDetails`
//! name the field in snake case (`{"code":2,"field":"topic_type","message":"Topic type is
//! required for post creation."}`, as Google answers a post without `topicType`); Google does
//! not document the other messages, so their wording here is the sandbox's.

use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::api::{api_error_with, granted_locations, page_size, paginate};
use crate::config::Endpoint;
use crate::faults::gate;
use crate::http::{self, Params, Rejection};
use crate::state::{lock, Shared, State as SandboxState};

/// Longest `summary` Google accepts.
pub const SUMMARY_MAX_CHARS: usize = 1500;
/// Page sizes of the list: (default, maximum).
const LIST_PAGE: (usize, usize) = (20, 100);
const TOPIC_TYPES: &[&str] = &["STANDARD", "EVENT", "OFFER", "ALERT"];
const ACTION_TYPES: &[&str] = &["BOOK", "ORDER", "SHOP", "LEARN_MORE", "SIGN_UP", "CALL"];

/// `400 INVALID_ARGUMENT` with one `ValidationError` detail per failed field.
fn validation_error(details: &[(u32, &str, String)]) -> Response {
    let error_details: Vec<Value> = details
        .iter()
        .map(|(code, field, message)| json!({ "code": code, "field": field, "message": message }))
        .collect();
    http::json(
        StatusCode::BAD_REQUEST,
        &json!({ "error": {
            "code": 400,
            "message": "Request contains an invalid argument.",
            "errors": [{ "message": "Request contains an invalid argument.", "domain": "global", "reason": "badRequest" }],
            "status": "INVALID_ARGUMENT",
            "details": [{
                "@type": "type.googleapis.com/google.mybusiness.v4.ValidationError",
                "errorDetails": error_details,
            }],
        }}),
    )
}

/// Google's quota refusal: `429 RESOURCE_EXHAUSTED` with a `google.rpc.ErrorInfo` detail.
fn quota_exceeded(limit: u32) -> Response {
    http::json(
        StatusCode::TOO_MANY_REQUESTS,
        &json!({ "error": {
            "code": 429,
            "message": format!("Quota exceeded for quota metric 'Edits' and limit 'Edits per minute per profile' of service 'mybusiness.googleapis.com': {limit} per minute."),
            "status": "RESOURCE_EXHAUSTED",
            "details": [{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "service": "mybusiness.googleapis.com",
                    "quota_metric": "mybusiness.googleapis.com/edits",
                    "quota_limit": "EditsPerMinutePerProfile",
                    "quota_limit_value": limit.to_string(),
                },
            }],
        }}),
    )
}

/// The location name the path names, if the bearer's grant covers it; Google's 401, 403 or
/// 404 otherwise.
fn authorized_location(
    st: &SandboxState,
    headers: &HeaderMap,
    account_id: &str,
    location_id: &str,
) -> Result<String, Rejection> {
    let granted = granted_locations(st, headers)?;
    let account = format!("accounts/{account_id}");
    let location = format!("locations/{location_id}");
    let known = st
        .google_seed
        .accounts
        .iter()
        .find(|a| a.name == account)
        .is_some_and(|a| a.locations.iter().any(|l| l.name == location));
    if !known {
        return Err(Box::new(api_error_with(StatusCode::NOT_FOUND, "NOT_FOUND", "Requested entity was not found.")));
    }
    if !granted.contains(&location) {
        return Err(Box::new(api_error_with(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            "The caller does not have permission",
        )));
    }
    Ok(location)
}

/// Checks a LocalPost body; every failed field is reported at once, as Google does.
fn validate(post: &Value) -> Vec<(u32, &'static str, String)> {
    let mut failures = Vec::new();
    match post["topicType"].as_str() {
        None | Some("TOPIC_TYPE_UNSPECIFIED") => {
            failures.push((2, "topic_type", "Topic type is required for post creation.".to_owned()))
        }
        Some(t) if !TOPIC_TYPES.contains(&t) => failures.push((3, "topic_type", format!("Invalid topic type: {t}"))),
        Some(_) => {}
    }
    match post["summary"].as_str() {
        None | Some("") if post["topicType"] == "STANDARD" => {
            failures.push((2, "summary", "Summary is required for a standard post.".to_owned()))
        }
        Some(summary) if summary.chars().count() > SUMMARY_MAX_CHARS => failures.push((
            3,
            "summary",
            format!("Summary is too long: it must be at most {SUMMARY_MAX_CHARS} characters."),
        )),
        _ => {}
    }
    if let Some(action) = post.get("callToAction") {
        match action["actionType"].as_str() {
            Some(t) if ACTION_TYPES.contains(&t) => {
                if t != "CALL" && action["url"].as_str().is_none_or(str::is_empty) {
                    failures.push((2, "call_to_action.url", "A URL is required for this action type.".to_owned()));
                }
            }
            _ => failures.push((2, "call_to_action.action_type", "Invalid or missing action type.".to_owned())),
        }
    }
    if let Some(media) = post.get("media") {
        let items = media.as_array().map(Vec::as_slice).unwrap_or_default();
        for item in items {
            if !matches!(item["mediaFormat"].as_str(), Some("PHOTO" | "VIDEO")) {
                failures.push((2, "media.media_format", "Media format must be PHOTO or VIDEO.".to_owned()));
            }
            if item["sourceUrl"].as_str().is_none_or(str::is_empty) {
                failures.push((2, "media.source_url", "A source URL is required.".to_owned()));
            }
        }
    }
    failures
}

/// Download a post's photo as Google does when the post is created: reachable over HTTP(S),
/// JPEG or PNG, 10 KB to 5 MB, at least 250×250 pixels (the Business Profile photo rules). The
/// sandbox also fetches `http://` loopback addresses (the local media host in tests and the
/// demo); real Google needs a public address. Returns the photo's upload label.
async fn fetch_photo(url: &str) -> Result<String, String> {
    let unreachable = || format!("The photo could not be fetched from {}.", url.split('?').next().unwrap_or(url));
    let client =
        reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().map_err(|_| unreachable())?;
    let response = client.get(url).send().await.map_err(|_| unreachable())?;
    if !response.status().is_success() {
        return Err(unreachable());
    }
    let bytes = response.bytes().await.map_err(|_| unreachable())?;
    if !(PHOTO_MIN_BYTES..=PHOTO_MAX_BYTES).contains(&bytes.len()) {
        return Err("The photo must be between 10 KB and 5 MB.".to_owned());
    }
    let format_ok = matches!(imagesize::image_type(&bytes), Ok(imagesize::ImageType::Jpeg | imagesize::ImageType::Png));
    let size = imagesize::blob_size(&bytes).ok().filter(|s| s.width >= 250 && s.height >= 250);
    if !format_ok || size.is_none() {
        return Err("The photo must be a JPG or PNG of at least 250×250 pixels.".to_owned());
    }
    Ok(http::upload_label(&bytes))
}

/// Smallest and largest photo of a local post.
const PHOTO_MIN_BYTES: usize = 10 * 1024;
const PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;

/// `POST /google/mybusiness/v4/accounts/{a}/locations/{l}/localPosts` → the new LocalPost.
pub(super) async fn create(
    State(shared): State<Shared>,
    Path((account_id, location_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(response) = gate(&shared, Endpoint::GoogleLocalPosts).await {
        return response;
    }
    if let Err(response) = authorized_location(&lock(&shared), &headers, &account_id, &location_id) {
        return *response;
    }
    let post = match serde_json::from_slice::<Value>(&body) {
        Ok(post @ Value::Object(_)) => post,
        _ => {
            return api_error_with(
                StatusCode::BAD_REQUEST,
                "INVALID_ARGUMENT",
                "Invalid JSON payload received. Expected an object.",
            )
        }
    };
    let failures = validate(&post);
    if !failures.is_empty() {
        return validation_error(&failures);
    }
    // Google fetches each photo when the post is created (outside the state lock).
    let mut fetched = Vec::new();
    for item in post["media"].as_array().map(Vec::as_slice).unwrap_or_default() {
        match fetch_photo(item["sourceUrl"].as_str().unwrap_or_default()).await {
            Ok(label) => fetched.push(label),
            Err(message) => return validation_error(&[(3, "media.source_url", message)]),
        }
    }
    let mut guard = lock(&shared);
    let st = &mut *guard;
    let location = match authorized_location(st, &headers, &account_id, &location_id) {
        Ok(location) => location,
        Err(response) => return *response,
    };
    let limit = st.google_seed.edits_per_minute;
    let now = Instant::now();
    let edits = st.google.edits.entry(location.clone()).or_default();
    edits.retain(|at| now.duration_since(*at) < Duration::from_secs(60));
    if edits.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
        return quota_exceeded(limit);
    }
    edits.push(now);
    let number = 1_000_000_000_000_000_u64 + st.google.local_posts.len() as u64 + 1;
    let name = format!("accounts/{account_id}/locations/{location_id}/localPosts/{number}");
    let created = http::rfc3339(SystemTime::now(), 9);
    let mut resource = post.clone();
    resource["name"] = json!(name);
    resource["createTime"] = json!(created);
    resource["updateTime"] = json!(created);
    resource["state"] = json!("LIVE");
    resource["searchUrl"] = json!(format!("https://local.google.com/place?id={location_id}&use=posts&lpsid={number}"));
    if let Some(items) = resource.get_mut("media").and_then(Value::as_array_mut) {
        for (i, item) in items.iter_mut().enumerate() {
            item["name"] = json!(format!("accounts/{account_id}/locations/{location_id}/media/{number}{i}"));
            item["googleUrl"] = json!(format!("https://lh3.googleusercontent.com/p/sandbox-{number}-{i}"));
        }
    }
    let summary = post["summary"].as_str().unwrap_or_default().to_owned();
    st.google.local_posts.push((location.clone(), resource.clone()));
    st.nets.record("google", &location, &name, &summary, fetched);
    http::json(StatusCode::OK, &resource)
}

/// `GET /google/mybusiness/v4/accounts/{a}/locations/{l}/localPosts` (`pageSize`, `pageToken`):
/// the location's posts, newest first.
pub(super) async fn list(
    State(shared): State<Shared>,
    Path((account_id, location_id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if let Some(response) = gate(&shared, Endpoint::GoogleLocalPostsList).await {
        return response;
    }
    let params = Params::from_query(query.as_deref());
    let st = lock(&shared);
    let location = match authorized_location(&st, &headers, &account_id, &location_id) {
        Ok(location) => location,
        Err(response) => return *response,
    };
    let size = match page_size(params.get("pageSize"), LIST_PAGE) {
        Ok(size) => size,
        Err(response) => return *response,
    };
    let posts: Vec<Value> =
        st.google.local_posts.iter().rev().filter(|(l, _)| *l == location).map(|(_, p)| p.clone()).collect();
    paginate("localPosts", posts, size, params.get("pageToken"), &format!("localPosts/{location}"))
}
