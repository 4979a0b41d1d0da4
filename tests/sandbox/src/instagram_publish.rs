//! Instagram content publishing (Instagram API with Instagram Login), images only:
//! `POST graph.instagram.com/{v}/{ig-id}/media` (`image_url`, `caption`) creates a container
//! and answers its id; the sandbox then really fetches `image_url` (over loopback in tests) and
//! checks it as Instagram does, while `GET /{v}/{container-id}?fields=status_code,status` says
//! `IN_PROGRESS`, then `FINISHED`, `ERROR` (with `status` naming the error subcode) or, after
//! [`crate::InstagramSeed::container_ttl_secs`] unpublished, `EXPIRED`;
//! `POST /{v}/{ig-id}/media_publish?creation_id=` publishes a finished container (error
//! 9/2207042 past [`crate::InstagramSeed::publish_limit`] posts in 24 hours);
//! `GET /{v}/{ig-id}/content_publishing_limit` reports the usage, and `GET /{v}/{ig-id}/media`
//! lists recent media (for reconciliation). Parameters come in the query or a form body, the
//! token as `access_token` or a bearer header.
//!
//! Sources: content publishing
//! <https://developers.facebook.com/docs/instagram-platform/content-publishing>, media
//! <https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media>,
//! `media_publish`
//! <https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media_publish>,
//! container status
//! <https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container>,
//! the limit
//! <https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit>,
//! image rules (JPEG, at most 8 MiB, aspect ratio 4:5 to 1.91:1, caption 2,200 characters and
//! 30 hashtags) in the media reference, error codes
//! <https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes>.
//! Instagram does not document its answer to a too long caption or too many hashtags; the
//! sandbox answers `(#100)` with its own wording.

use std::sync::MutexGuard;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::config::Endpoint;
use crate::graph::{Call, Input};
use crate::http::{self, Rejection};
use crate::instagram::{authenticate, presented_token};
use crate::shapes::graph_error;
use crate::state::{lock, Shared, State as SandboxState};

/// Longest caption, in characters.
pub const CAPTION_MAX_CHARS: usize = 2200;
/// Most hashtags in a caption.
pub const MAX_HASHTAGS: usize = 30;
/// Largest image Instagram downloads.
pub const IMAGE_MAX_BYTES: usize = 8 * 1024 * 1024;
const PUBLISH_SCOPE: &str = "instagram_business_content_publish";

/// Why a container failed: (code, subcode, message).
type ContainerError = (i64, u32, String);

/// A media container.
#[derive(Clone, Debug)]
pub(crate) struct Container {
    owner: String,
    image_url: String,
    caption: String,
    created: Instant,
    /// `None` while the image is being fetched; then the fetched photo's upload label.
    fetched: Option<Result<String, ContainerError>>,
    /// A carousel item (`is_carousel_item=true`): only a carousel container may use it.
    item: bool,
    /// A carousel container: its item containers, in order (no image of its own).
    children: Vec<String>,
    /// The media id once published.
    published: Option<String>,
}

impl Container {
    fn status_code(&self, processing: Duration, ttl: Duration) -> &'static str {
        if self.published.is_some() {
            return "PUBLISHED";
        }
        if self.created.elapsed() >= ttl {
            return "EXPIRED";
        }
        match &self.fetched {
            Some(Err(_)) => "ERROR",
            Some(Ok(_)) if self.created.elapsed() >= processing => "FINISHED",
            _ => "IN_PROGRESS",
        }
    }
}

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/instagram/graph/{version}/{node}", get(node))
        .route("/instagram/graph/{version}/{node}/media", post(create).get(list))
        .route("/instagram/graph/{version}/{node}/media_publish", post(publish))
        .route("/instagram/graph/{version}/{node}/content_publishing_limit", get(limit))
}

/// The documented error shape with `error_user_title` and `error_user_msg`.
fn ig_error(code: i64, subcode: u32, message: &str, title: &str) -> Response {
    http::json(
        StatusCode::BAD_REQUEST,
        &json!({ "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "error_subcode": subcode,
            "is_transient": false,
            "error_user_title": title,
            "error_user_msg": message,
            "fbtrace_id": "ASandboxTrace0",
        }}),
    )
}

fn no_such_object(id: &str) -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        100,
        Some(33),
        &format!(
            "Unsupported request - method type: get. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )
}

/// Token and account checks shared by the account edges; returns the account id.
fn account(
    st: &SandboxState,
    node: &str,
    headers: &HeaderMap,
    input: &Input,
    scope: Option<&str>,
) -> Result<String, Rejection> {
    let auth = authenticate(st, presented_token(headers, input.get("access_token")).as_deref())?;
    let seed = &st.nets.instagram_seed;
    if node != seed.user_id && node != seed.app_scoped_id && node != "me" {
        return Err(Box::new(no_such_object(node)));
    }
    if let Some(scope) = scope {
        if !auth.has(scope) {
            return Err(Box::new(graph_error(
                StatusCode::FORBIDDEN,
                10,
                None,
                "(#10) Application does not have permission for this action",
            )));
        }
    }
    Ok(seed.user_id.clone())
}

/// The preamble of the account edges: the fault gate and the version, the parameters (the query,
/// and `body` as a form), then the token and the account checked (with `scope` when given). The
/// state comes locked, with the account id.
async fn open<'a>(
    call: &'a Call,
    endpoint: Endpoint,
    body: Option<&[u8]>,
    scope: Option<&str>,
) -> Result<(Input, MutexGuard<'a, SandboxState>, String), Response> {
    call.enter(endpoint).await?;
    let input = call.input(body);
    let st = lock(&call.shared);
    let owner = account(&st, &call.node, &call.headers, &input, scope).map_err(|response| *response)?;
    Ok((input, st, owner))
}

fn hashtags(caption: &str) -> usize {
    caption
        .split('#')
        .skip(1)
        .filter(|rest| rest.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_'))
        .count()
}

/// `POST /instagram/graph/{v}/{ig-id}/media` → `{"id": container}`.
async fn create(call: Call, body: Bytes) -> Response {
    let (input, mut guard, owner) = match open(&call, Endpoint::InstagramMedia, Some(&body), Some(PUBLISH_SCOPE)).await
    {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let (id, image_url, timeout) = {
        let st = &mut *guard;
        let carousel = input.get("media_type") == Some("CAROUSEL");
        if let Some(other) = input.get("media_type").filter(|t| !matches!(*t, "IMAGE" | "CAROUSEL")) {
            return graph_error(
                StatusCode::BAD_REQUEST,
                100,
                None,
                &format!("(#100) media_type {other} is not emulated by the sandbox: only IMAGE and CAROUSEL"),
            );
        }
        if carousel {
            return create_carousel(st, owner, &input);
        }
        let item = input.get("is_carousel_item") == Some("true");
        let Some(image_url) = input.get("image_url").map(str::to_owned) else {
            return graph_error(StatusCode::BAD_REQUEST, 100, None, "(#100) The parameter image_url is required");
        };
        let caption = input.get("caption").unwrap_or_default().to_owned();
        if caption.chars().count() > CAPTION_MAX_CHARS {
            return graph_error(
                StatusCode::BAD_REQUEST,
                100,
                None,
                &format!("(#100) The caption is longer than {CAPTION_MAX_CHARS} characters"),
            );
        }
        if hashtags(&caption) > MAX_HASHTAGS {
            return graph_error(
                StatusCode::BAD_REQUEST,
                100,
                None,
                &format!("(#100) The caption has more than {MAX_HASHTAGS} hashtags"),
            );
        }
        let id = (17_900_000_000_000_000_u64 + st.nets.ig_containers.len() as u64 + 1).to_string();
        let container = Container {
            owner,
            image_url: image_url.clone(),
            caption,
            created: Instant::now(),
            fetched: None,
            published: None,
            item,
            children: Vec::new(),
        };
        st.nets.ig_containers.insert(id.clone(), container);
        (id, image_url, Duration::from_millis(st.nets.instagram_seed.fetch_timeout_ms))
    };
    drop(guard);
    let task_shared = call.shared.clone();
    let task_id = id.clone();
    tokio::spawn(async move {
        let outcome = fetch_and_check(&image_url, timeout).await;
        if let Some(container) = lock(&task_shared).nets.ig_containers.get_mut(&task_id) {
            container.fetched = Some(outcome);
        }
    });
    http::json(StatusCode::OK, &json!({ "id": id }))
}

/// `media_type=CAROUSEL` with `children` (2–10 comma-separated ids of FINISHED carousel item
/// containers of the same account) and the `caption`: a container with no image of its own.
fn create_carousel(st: &mut SandboxState, owner: String, input: &Input) -> Response {
    let children: Vec<String> = input
        .get("children")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    if !(2..=10).contains(&children.len()) {
        return graph_error(StatusCode::BAD_REQUEST, 100, None, "(#100) A carousel needs between 2 and 10 children");
    }
    let (processing, ttl) = durations(st);
    for child in &children {
        let usable = st
            .nets
            .ig_containers
            .get(child)
            .is_some_and(|c| c.owner == owner && c.item && c.status_code(processing, ttl) == "FINISHED");
        if !usable {
            return ig_error(
                24,
                2207006,
                &format!("The carousel item {child} was not found or is not ready, please try again."),
                "Media not found",
            );
        }
    }
    let caption = input.get("caption").unwrap_or_default().to_owned();
    if caption.chars().count() > CAPTION_MAX_CHARS || hashtags(&caption) > MAX_HASHTAGS {
        return graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            "(#100) The caption is too long or has too many hashtags",
        );
    }
    let id = (17_900_000_000_000_000_u64 + st.nets.ig_containers.len() as u64 + 1).to_string();
    let container = Container {
        owner,
        image_url: String::new(),
        caption,
        created: Instant::now(),
        fetched: Some(Ok(String::new())),
        published: None,
        item: false,
        children,
    };
    st.nets.ig_containers.insert(id.clone(), container);
    http::json(StatusCode::OK, &json!({ "id": id }))
}

/// Downloads the image and checks it: reachable, at most 8 MiB, JPEG, aspect ratio 4:5…1.91:1.
async fn fetch_and_check(url: &str, timeout: Duration) -> Result<String, ContainerError> {
    let not_fetched = || (9004, 2207052, "The media could not be fetched from this uri.".to_owned());
    let too_slow = || (-2, 2207003, "It takes too long to download the media.".to_owned());
    let client = reqwest::Client::builder().timeout(timeout).build().map_err(|_| not_fetched())?;
    let mut response =
        client.get(url).send().await.map_err(|e| if e.is_timeout() { too_slow() } else { not_fetched() })?;
    if !response.status().is_success() {
        return Err(not_fetched());
    }
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > IMAGE_MAX_BYTES {
                    return Err((36000, 2207004, "The image size is too large.".to_owned()));
                }
            }
            Ok(None) => break,
            Err(e) if e.is_timeout() => return Err(too_slow()),
            Err(_) => return Err(not_fetched()),
        }
    }
    let not_jpeg = || (36001, 2207005, "The image format is not supported.".to_owned());
    if !matches!(imagesize::image_type(&bytes), Ok(imagesize::ImageType::Jpeg)) {
        return Err(not_jpeg());
    }
    let size = imagesize::blob_size(&bytes).map_err(|_| not_jpeg())?;
    let (w, h) = (size.width as f64, size.height as f64);
    let ratio = if h > 0.0 { w / h } else { 0.0 };
    if !(0.8..=1.91).contains(&ratio) {
        return Err((
            36003,
            2207009,
            format!(
                "The submitted image with aspect ratio ('{}:{}') cannot be published. Please submit an image with a valid aspect ratio.",
                size.width, size.height
            ),
        ));
    }
    Ok(http::upload_label(&bytes))
}

fn durations(st: &SandboxState) -> (Duration, Duration) {
    let seed = &st.nets.instagram_seed;
    (Duration::from_millis(seed.container_processing_ms), Duration::from_secs(seed.container_ttl_secs))
}

fn permalink(media_id: &str) -> String {
    format!("https://www.instagram.com/p/SBX{media_id}/")
}

/// `GET /instagram/graph/{v}/{id}`: a container (`fields=status_code,status,id`) or a
/// published media (`fields=id,caption,permalink,timestamp,media_type`).
async fn node(call: Call) -> Response {
    let id = call.node.as_str();
    if let Err(response) = call.enter(Endpoint::InstagramContainer).await {
        return response;
    }
    let input = call.input(None);
    let st = lock(&call.shared);
    let user_id = st.nets.instagram_seed.user_id.clone();
    if let Err(response) = account(&st, &user_id, &call.headers, &input, None) {
        return *response;
    }
    let fields: Vec<&str> = input.get("fields").unwrap_or("id").split(',').map(str::trim).collect();
    if let Some(container) = st.nets.ig_containers.get(id) {
        let (processing, ttl) = durations(&st);
        let code = container.status_code(processing, ttl);
        let mut out = json!({ "id": id });
        for field in &fields {
            match *field {
                "status_code" => out["status_code"] = json!(code),
                "status" => {
                    out["status"] = json!(match (&container.fetched, code) {
                        (Some(Err((_, subcode, _))), "ERROR") => {
                            format!("Error: Media upload has failed with error code {subcode}")
                        }
                        (_, "EXPIRED") => "Error: The media you are trying to access has expired.".to_owned(),
                        (_, other) => other.to_owned(),
                    })
                }
                "id" => {}
                unknown => {
                    return graph_error(
                        StatusCode::BAD_REQUEST,
                        100,
                        None,
                        &format!(
                            "(#100) Tried accessing nonexisting field ({unknown}) on node type (ShadowIGMediaBuilder)"
                        ),
                    )
                }
            }
        }
        return http::json(StatusCode::OK, &out);
    }
    match st.nets.published.iter().find(|p| p.network == "instagram" && p.id == id) {
        Some(media) => http::json(StatusCode::OK, &render_media(media, &fields)),
        None => no_such_object(id),
    }
}

fn render_media(media: &crate::Published, fields: &[&str]) -> Value {
    let mut out = json!({ "id": media.id });
    for field in fields {
        match *field {
            "caption" => out["caption"] = json!(media.text),
            "permalink" => out["permalink"] = json!(permalink(&media.id)),
            "timestamp" => out["timestamp"] = json!(http::rfc3339(media.at, 0).replace('Z', "+0000")),
            "media_type" => out["media_type"] = json!("IMAGE"),
            "media_url" => out["media_url"] = json!(media.media.first()),
            _ => {}
        }
    }
    out
}

/// Posts the account published in the last 24 hours.
fn usage(st: &SandboxState, owner: &str) -> usize {
    let day = Duration::from_secs(86_400);
    st.nets
        .published_by("instagram", owner)
        .iter()
        .filter(|p| SystemTime::now().duration_since(p.at).unwrap_or_default() < day)
        .count()
}

/// `POST /instagram/graph/{v}/{ig-id}/media_publish?creation_id=` → `{"id": media}`.
async fn publish(call: Call, body: Bytes) -> Response {
    let (input, mut guard, owner) =
        match open(&call, Endpoint::InstagramMediaPublish, Some(&body), Some(PUBLISH_SCOPE)).await {
            Ok(opened) => opened,
            Err(response) => return response,
        };
    let st = &mut *guard;
    let Some(creation_id) = input.get("creation_id").map(str::to_owned) else {
        return graph_error(StatusCode::BAD_REQUEST, 100, None, "(#100) The parameter creation_id is required");
    };
    let (processing, ttl) = durations(st);
    let Some(container) = st.nets.ig_containers.get(&creation_id).filter(|c| c.owner == owner).cloned() else {
        return ig_error(24, 2207006, "The media with id was not found, please try again.", "Media not found");
    };
    if container.item {
        return graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            "(#100) A carousel item cannot be published on its own: publish its carousel container",
        );
    }
    match container.status_code(processing, ttl) {
        "FINISHED" => {}
        "IN_PROGRESS" => {
            return ig_error(
                9007,
                2207027,
                "The media is not ready for publishing, please wait for a moment.",
                "Media ID is not available",
            )
        }
        "EXPIRED" => {
            return ig_error(
                -2,
                2207020,
                "The media you are trying to access has expired. Please try to upload again.",
                "Media expired",
            )
        }
        "PUBLISHED" => {
            return ig_error(9007, 2207027, "The media has already been published.", "Media ID is not available")
        }
        _ => {
            let (code, subcode, message) = match &container.fetched {
                Some(Err(error)) => error.clone(),
                _ => (-1, 2207001, "Instagram server error. Try again.".to_owned()),
            };
            return ig_error(code, subcode, &message, "Media upload failed");
        }
    }
    let limit = st.nets.instagram_seed.publish_limit;
    if usage(st, &owner) >= usize::try_from(limit).unwrap_or(usize::MAX) {
        return ig_error(
            9,
            2207042,
            "You reached maximum number of posts that is allowed to be published by Content Publishing API.",
            "Publishing limit reached",
        );
    }
    let media_id = (18_000_000_000_000_000_u64 + st.nets.published.len() as u64 + 1).to_string();
    if let Some(stored) = st.nets.ig_containers.get_mut(&creation_id) {
        stored.published = Some(media_id.clone());
    }
    let labels: Vec<String> = if container.children.is_empty() {
        vec![match &container.fetched {
            Some(Ok(label)) => label.clone(),
            _ => container.image_url.clone(),
        }]
    } else {
        container
            .children
            .iter()
            .filter_map(|c| match st.nets.ig_containers.get(c).and_then(|c| c.fetched.clone()) {
                Some(Ok(label)) => Some(label),
                _ => None,
            })
            .collect()
    };
    st.nets.record("instagram", &owner, &media_id, &container.caption, labels);
    http::json(StatusCode::OK, &json!({ "id": media_id }))
}

/// `GET /instagram/graph/{v}/{ig-id}/content_publishing_limit[?fields=quota_usage,config]`.
async fn limit(call: Call) -> Response {
    let (input, st, owner) = match open(&call, Endpoint::InstagramPublishingLimit, None, None).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let fields = input.get("fields").unwrap_or("quota_usage");
    let mut entry = json!({ "quota_usage": usage(&st, &owner) });
    if fields.split(',').any(|f| f.trim() == "config") {
        entry["config"] = json!({ "quota_total": st.nets.instagram_seed.publish_limit, "quota_duration": 86_400 });
    }
    http::json(StatusCode::OK, &json!({ "data": [entry] }))
}

/// `GET /instagram/graph/{v}/{ig-id}/media[?fields=…&limit=]`: recent media, newest first.
async fn list(call: Call) -> Response {
    let (input, st, owner) = match open(&call, Endpoint::InstagramMediaList, None, None).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let fields: Vec<&str> = input.get("fields").unwrap_or("id").split(',').map(str::trim).collect();
    let limit = input.get("limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(25).clamp(1, 100);
    let data: Vec<Value> =
        st.nets.published_by("instagram", &owner).iter().take(limit).map(|m| render_media(m, &fields)).collect();
    http::json(StatusCode::OK, &json!({ "data": data }))
}
