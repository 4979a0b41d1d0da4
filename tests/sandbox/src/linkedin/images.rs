//! The Images API, as Herald uses it for photos in posts: `POST /rest/images?action=initializeUpload`
//! `{initializeUploadRequest: {owner}}` → `{value: {uploadUrlExpiresAt, uploadUrl, image}}`, then
//! `PUT` of the bytes to `uploadUrl` with the member's bearer token (201). A post may then carry
//! the `urn:li:image:…` as `content.media.id` (or in `content.multiImage.images`, 2–20), only once
//! its bytes were uploaded and only by the image's owner (see [`take_for_post`]).
//!
//! Source: <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api>
//! (JPG, GIF, PNG; fewer than 36,152,320 pixels; the upload URL lives on `www.linkedin.com`,
//! here on the sandbox's own origin under `/linkedin/upload/`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::config::Endpoint;
use crate::faults::gate;
use crate::http::{self, Params};
use crate::shapes::linkedin_error;
use crate::state::{lock, Shared};

use super::*;

/// Largest upload the sandbox takes in one `PUT` (LinkedIn bounds images by pixels, not bytes).
pub const UPLOAD_BODY_LIMIT: usize = 36 * 1024 * 1024;
const MAX_PIXELS: u64 = 36_152_320;
/// How long an upload URL stays valid.
const UPLOAD_URL_TTL_MS: u64 = 24 * 3600 * 1000;

/// One image: its owner, and its bytes once uploaded.
#[derive(Clone, Debug)]
pub(crate) struct Image {
    owner: String,
    bytes: Option<Vec<u8>>,
}

/// Whether the token may act for `owner`: the member itself (`w_member_social`), or an
/// organization it administers and granted (`w_organization_social`).
fn may_act_for(st: &crate::state::State, auth: &crate::grants::Auth, owner: &str) -> bool {
    if owner == person_urn(&st.nets.linkedin_seed) {
        auth.has("w_member_social")
    } else {
        owner.starts_with("urn:li:organization:")
            && auth.consent.accounts.iter().any(|a| a == owner)
            && auth.has("w_organization_social")
    }
}

/// `POST /linkedin/api/rest/images?action=initializeUpload`
pub(super) async fn images(
    State(shared): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInImages).await {
        return response;
    }
    if let Err(response) = versioned(&headers) {
        return *response;
    }
    let params = Params::from_query(q.as_deref());
    if params.get("action") != Some("initializeUpload") {
        return linkedin_error(StatusCode::BAD_REQUEST, None, None, "Unsupported action; expected initializeUpload");
    }
    let mut st = lock(&shared);
    let auth = match authenticate(&st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return linkedin_error(StatusCode::BAD_REQUEST, None, None, "Request body is not valid JSON");
    };
    let Some(owner) = request["initializeUploadRequest"]["owner"].as_str().map(str::to_owned) else {
        return linkedin_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            None,
            "/initializeUploadRequest/owner: field is required",
        );
    };
    if !may_act_for(&st, &auth, &owner) {
        return access_denied(&format!("images.ACTION-initializeUpload.{owner}"));
    }
    let key = format!("D4E10AQ{:011}", st.nets.li_images.len() + 1);
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    let upload_url =
        format!("http://{host}/linkedin/upload/dms-uploads/{key}/uploaded-image/0?ca=vector_feedshare&cn=uploads");
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default()
        + UPLOAD_URL_TTL_MS;
    let urn = format!("urn:li:image:{key}");
    st.nets.li_images.insert(urn.clone(), Image { owner, bytes: None });
    http::json(
        StatusCode::OK,
        &json!({ "value": { "uploadUrlExpiresAt": expires, "uploadUrl": upload_url, "image": urn } }),
    )
}

/// `PUT /linkedin/upload/dms-uploads/{key}/uploaded-image/0`: the image's bytes, with the bearer
/// token of a member who may act for its owner.
pub(super) async fn upload(
    State(shared): State<Shared>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInImages).await {
        return response;
    }
    let mut st = lock(&shared);
    let auth = match authenticate(&st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    let urn = format!("urn:li:image:{key}");
    let Some(owner) = st.nets.li_images.get(&urn).map(|i| i.owner.clone()) else {
        return linkedin_error(StatusCode::NOT_FOUND, None, None, "Upload URL not found");
    };
    if !may_act_for(&st, &auth, &owner) {
        return access_denied(&format!("images.UPLOAD.{owner}"));
    }
    let valid = matches!(
        imagesize::image_type(&body),
        Ok(imagesize::ImageType::Jpeg | imagesize::ImageType::Png | imagesize::ImageType::Gif)
    );
    let pixels = imagesize::blob_size(&body).map(|s| (s.width as u64) * (s.height as u64)).unwrap_or(u64::MAX);
    if !valid || pixels >= MAX_PIXELS {
        return linkedin_error(
            StatusCode::BAD_REQUEST,
            None,
            None,
            "The uploaded media is not a supported image (JPG, GIF or PNG under 36,152,320 pixels)",
        );
    }
    if let Some(image) = st.nets.li_images.get_mut(&urn) {
        image.bytes = Some(body.to_vec());
    }
    StatusCode::CREATED.into_response()
}

/// For `POST /rest/posts`: the upload labels of the post's images (`content.media.id`, or
/// `content.multiImage.images[].id`, 2–20), each uploaded and owned by `author`; else LinkedIn's
/// 422 naming the field.
pub(super) fn take_for_post(
    st: &crate::state::State,
    author: &str,
    content: &Value,
) -> Result<Vec<String>, http::Rejection> {
    let ids: Vec<&str> = if content.is_null() {
        Vec::new()
    } else if let Some(id) = content["media"]["id"].as_str() {
        vec![id]
    } else if let Some(images) = content["multiImage"]["images"].as_array() {
        if !(2..=20).contains(&images.len()) {
            return Err(Box::new(linkedin_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                None,
                "/content/multiImage/images: must hold between 2 and 20 images",
            )));
        }
        images.iter().map(|i| i["id"].as_str().unwrap_or_default()).collect()
    } else {
        return Err(Box::new(linkedin_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            None,
            "/content: unsupported content",
        )));
    };
    let mut labels = Vec::with_capacity(ids.len());
    for id in ids {
        match st.nets.li_images.get(id) {
            Some(Image { owner, bytes: Some(bytes) }) if owner == author => labels.push(http::upload_label(bytes)),
            _ => {
                return Err(Box::new(linkedin_error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    None,
                    &format!("/content: image {id} is not uploaded or does not belong to the author"),
                )))
            }
        }
    }
    Ok(labels)
}
