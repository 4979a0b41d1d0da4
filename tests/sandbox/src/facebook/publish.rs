//! Publishing as a Page: `/feed` and `/photos`, throttling, and reading the Page's posts back.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use crate::config::Endpoint;
use crate::grants::Kind;
use crate::graph::Call;
use crate::http::{self, Rejection};
use crate::shapes::graph_error;
use crate::state::{lock, State as SandboxState};

use super::*;

/// Largest photo Graph takes.
pub const PHOTO_MAX_BYTES: usize = 4 * 1024 * 1024;
/// Request bodies `/photos` accepts (the photo plus the form around it).
pub(super) const PHOTO_BODY_LIMIT: usize = PHOTO_MAX_BYTES + 1024 * 1024;

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
pub(super) async fn feed(call: Call, body: Bytes) -> Response {
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
    let label = label.unwrap_or_else(|| http::upload_label(&bytes));
    Ok((bytes, label))
}

/// `POST /facebook/graph/{v}/{page-id}/photos` (multipart with `source`, or form/query with
/// `url`; `message`; `published`): `{"id","post_id"}`, or `{"id"}` for an unpublished photo.
pub(super) async fn photos(call: Call, body: Bytes) -> Response {
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
pub(super) async fn feed_list(call: Call) -> Response {
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
