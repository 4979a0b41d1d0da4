//! X's v2 chunked media upload, as Herald uses it for photos: `POST /2/media/upload/initialize`
//! (JSON `media_type`, `total_bytes`, `media_category`) → `POST /2/media/upload/{id}/append`
//! (multipart `media` + `segment_index` 0–999) → `POST /2/media/upload/{id}/finalize`, and
//! `GET /2/media/upload?command=STATUS&media_id=`. Every call needs a user token with
//! `media.write` (a 403 without it). `POST /2/tweets` then takes only finalized media of the
//! same user (see [`take_for_tweet`]).
//!
//! Sources: <https://docs.x.com/x-api/media/quickstart/media-upload-chunked>,
//! <https://docs.x.com/x-api/media/media-upload-initialize>,
//! <https://docs.x.com/x-api/media/media-upload-append>,
//! <https://docs.x.com/x-api/media/media-upload-finalize>; image limits: 5 MB (GIF 15 MB),
//! JPEG, PNG, GIF, WEBP.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::config::Endpoint;
use crate::faults::gate;
use crate::http::{self, Params, Rejection};
use crate::shapes::x_problem;
use crate::state::{lock, Shared};

/// Largest photo (`tweet_image`) and animated GIF (`tweet_gif`) X takes.
pub const IMAGE_MAX_BYTES: u64 = 5 * 1024 * 1024;
pub const GIF_MAX_BYTES: u64 = 15 * 1024 * 1024;
/// Largest body of one `append` request (a segment of up to 5 MB plus the multipart frame).
pub const APPEND_BODY_LIMIT: usize = 5 * 1024 * 1024 + 64 * 1024;
/// How long an initialized upload may wait for its bytes.
const EXPIRES_AFTER_SECS: u64 = 86_400;

const IMAGE_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];
const CATEGORIES: &[&str] =
    &["amplify_video", "tweet_gif", "tweet_image", "tweet_video", "dm_gif", "dm_image", "dm_video", "subtitles"];

/// One upload session.
#[derive(Clone, Debug)]
pub(crate) struct Upload {
    owner: String,
    media_type: String,
    total_bytes: u64,
    segments: BTreeMap<u32, Vec<u8>>,
    /// The assembled bytes once finalized.
    finalized: Option<Vec<u8>>,
    /// Used by a post already (X takes a media id in one post).
    used: bool,
}

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/x/api/2/media/upload/initialize", post(initialize))
        .route(
            "/x/api/2/media/upload/{id}/append",
            post(append).layer(axum::extract::DefaultBodyLimit::max(APPEND_BODY_LIMIT)),
        )
        .route("/x/api/2/media/upload/{id}/finalize", post(finalize))
        .route("/x/api/2/media/upload", get(status))
}

fn invalid(detail: &str) -> Response {
    http::json(
        StatusCode::BAD_REQUEST,
        &json!({
            "errors": [{ "message": detail }],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        }),
    )
}

fn not_found() -> Response {
    x_problem(
        StatusCode::NOT_FOUND,
        "Not Found Error",
        "https://api.twitter.com/2/problems/resource-not-found",
        "Could not find media.",
    )
}

/// The user behind the bearer token, if it may upload media (`media.write`).
fn uploader(st: &crate::state::State, headers: &HeaderMap) -> Result<String, Rejection> {
    let auth = crate::x::authenticate_user(st, headers)?;
    if !auth.1.has("media.write") {
        return Err(Box::new(x_problem(StatusCode::FORBIDDEN, "Forbidden", "about:blank", "Forbidden")));
    }
    Ok(auth.0)
}

fn media_json(id: &str, upload: &Upload) -> Value {
    json!({
        "id": id,
        "media_key": format!("3_{id}"),
        "size": upload.total_bytes,
        "expires_after_secs": EXPIRES_AFTER_SECS,
    })
}

/// `POST /x/api/2/media/upload/initialize`
async fn initialize(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::XMediaUpload).await {
        return response;
    }
    let mut st = lock(&shared);
    let owner = match uploader(&st, &headers) {
        Ok(owner) => owner,
        Err(response) => return *response,
    };
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return invalid("The request body is not valid JSON.");
    };
    let media_type = request["media_type"].as_str().unwrap_or_default().to_owned();
    if !IMAGE_TYPES.contains(&media_type.as_str()) {
        return invalid(&format!("media_type [{media_type}] is not supported for this upload"));
    }
    let Some(total_bytes) = request["total_bytes"].as_u64().filter(|n| *n > 0) else {
        return invalid("total_bytes must be a positive integer.");
    };
    let category = request["media_category"].as_str().unwrap_or("tweet_image");
    if !CATEGORIES.contains(&category) {
        return invalid(&format!("media_category [{category}] is not one of [{}]", CATEGORIES.join(",")));
    }
    let max = if category == "tweet_gif" { GIF_MAX_BYTES } else { IMAGE_MAX_BYTES };
    if total_bytes > max {
        return invalid(&format!("File size exceeds {max} bytes."));
    }
    let id = (1_880_000_000_000_000_000_u64 + st.nets.x_media.len() as u64 + 1).to_string();
    let upload = Upload { owner, media_type, total_bytes, segments: BTreeMap::new(), finalized: None, used: false };
    let data = json!({ "id": id, "media_key": format!("3_{id}"), "expires_after_secs": EXPIRES_AFTER_SECS });
    st.nets.x_media.insert(id, upload);
    http::json(StatusCode::OK, &json!({ "data": data }))
}

/// `POST /x/api/2/media/upload/{id}/append` (multipart `media`, `segment_index`)
async fn append(State(shared): State<Shared>, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::XMediaUpload).await {
        return response;
    }
    let mut st = lock(&shared);
    let owner = match uploader(&st, &headers) {
        Ok(owner) => owner,
        Err(response) => return *response,
    };
    let Some(parts) = http::multipart(&headers, &body) else {
        return invalid("The request must be multipart/form-data with the fields media and segment_index.");
    };
    let field = |name: &str| parts.iter().find(|p| p.name == name);
    let Some(index) = field("segment_index")
        .and_then(|p| std::str::from_utf8(&p.data).ok())
        .and_then(|s| s.trim().parse::<u32>().ok())
        .filter(|i| *i <= 999)
    else {
        return invalid("segment_index must be an integer between 0 and 999.");
    };
    let Some(media) = field("media") else {
        return invalid("The media field is required.");
    };
    let Some(upload) = st.nets.x_media.get_mut(&id).filter(|u| u.owner == owner) else {
        return not_found();
    };
    if upload.finalized.is_some() {
        return invalid("The upload was already finalized.");
    }
    let so_far: usize = upload.segments.iter().filter(|(i, _)| **i != index).map(|(_, s)| s.len()).sum();
    if (so_far + media.data.len()) as u64 > upload.total_bytes {
        return invalid("The segments are larger than total_bytes.");
    }
    upload.segments.insert(index, media.data.clone());
    let expires_at =
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default() + EXPIRES_AFTER_SECS;
    http::json(StatusCode::OK, &json!({ "data": { "expires_at": expires_at } }))
}

/// `POST /x/api/2/media/upload/{id}/finalize`: the segments, in index order, must add up to
/// `total_bytes` and be an image of the declared type.
async fn finalize(State(shared): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Some(response) = gate(&shared, Endpoint::XMediaUpload).await {
        return response;
    }
    let mut st = lock(&shared);
    let owner = match uploader(&st, &headers) {
        Ok(owner) => owner,
        Err(response) => return *response,
    };
    let Some(upload) = st.nets.x_media.get_mut(&id).filter(|u| u.owner == owner) else {
        return not_found();
    };
    if upload.finalized.is_none() {
        let bytes: Vec<u8> = upload.segments.values().flatten().copied().collect();
        if bytes.len() as u64 != upload.total_bytes {
            return invalid(&format!(
                "Segments total {} bytes, but total_bytes was {}.",
                bytes.len(),
                upload.total_bytes
            ));
        }
        let declared = match imagesize::image_type(&bytes) {
            Ok(imagesize::ImageType::Jpeg) => "image/jpeg",
            Ok(imagesize::ImageType::Png) => "image/png",
            Ok(imagesize::ImageType::Gif) => "image/gif",
            Ok(imagesize::ImageType::Webp) => "image/webp",
            _ => "",
        };
        if declared != upload.media_type {
            return invalid("InvalidMedia: the uploaded file is not a valid image of the declared media_type.");
        }
        upload.finalized = Some(bytes);
    }
    http::json(StatusCode::OK, &json!({ "data": media_json(&id, upload) }))
}

/// `GET /x/api/2/media/upload?command=STATUS&media_id=`
async fn status(State(shared): State<Shared>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if let Some(response) = gate(&shared, Endpoint::XMediaUpload).await {
        return response;
    }
    let params = Params::from_query(q.as_deref());
    let st = lock(&shared);
    let owner = match uploader(&st, &headers) {
        Ok(owner) => owner,
        Err(response) => return *response,
    };
    if params.get("command") != Some("STATUS") {
        return invalid("command must be STATUS.");
    }
    let id = params.get("media_id").unwrap_or_default().to_owned();
    let Some(upload) = st.nets.x_media.get(&id).filter(|u| u.owner == owner) else {
        return not_found();
    };
    let state = if upload.finalized.is_some() { "succeeded" } else { "pending" };
    let mut data = media_json(&id, upload);
    data["processing_info"] = json!({ "state": state, "progress_percent": if state == "succeeded" { 100 } else { 0 } });
    http::json(StatusCode::OK, &json!({ "data": data }))
}

/// For `POST /2/tweets`: the labels (`upload:{bytes}:{sha256}`) of `ids`, each a finalized,
/// unused upload of `owner`, marked used; else X's 400 naming the media ids.
pub(crate) fn take_for_tweet(
    st: &mut crate::state::State,
    owner: &str,
    ids: &[String],
) -> Result<Vec<String>, Rejection> {
    if ids.len() > 4 {
        return Err(Box::new(invalid("Your media IDs are invalid: a post may carry at most 4 media.")));
    }
    let valid = ids
        .iter()
        .all(|id| st.nets.x_media.get(id).is_some_and(|u| u.owner == owner && u.finalized.is_some() && !u.used));
    if !valid {
        return Err(Box::new(invalid("Your media IDs are invalid.")));
    }
    let mut labels = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(upload) = st.nets.x_media.get_mut(id) {
            upload.used = true;
            labels.push(crate::http::upload_label(upload.finalized.as_deref().unwrap_or_default()));
        }
    }
    Ok(labels)
}
