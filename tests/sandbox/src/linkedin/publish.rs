//! Publishing: `/rest/posts` (create, and list by author) and the daily limit.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::config::Endpoint;
use crate::faults::gate;
use crate::http::{self, Params};
use crate::shapes::linkedin_error;
use crate::state::{lock, Shared, State as SandboxState};

use super::*;

fn unprocessable(message: &str) -> Response {
    linkedin_error(StatusCode::UNPROCESSABLE_ENTITY, None, None, message)
}

/// `POST /linkedin/api/rest/posts` (JSON): 201 with the new URN in `x-restli-id`.
pub(super) async fn posts(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInPosts).await {
        return response;
    }
    if let Err(response) = versioned(&headers) {
        return *response;
    }
    let mut guard = lock(&shared);
    let st = &mut *guard;
    let auth = match authenticate(st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    let Ok(post) = serde_json::from_slice::<Value>(&body) else {
        return linkedin_error(StatusCode::BAD_REQUEST, None, None, "Request body is not valid JSON");
    };
    let author = post["author"].as_str().unwrap_or_default().to_owned();
    let seed = &st.nets.linkedin_seed;
    let (allowed, scope) = if author == person_urn(seed) {
        (true, "w_member_social")
    } else if auth.consent.accounts.contains(&author) && author.starts_with("urn:li:organization:") {
        (true, "w_organization_social")
    } else {
        (false, "")
    };
    if !allowed {
        return access_denied(&format!("posts.CREATE.{author}"));
    }
    if !auth.has(scope) {
        return access_denied("posts.CREATE");
    }
    let Some(commentary) = post["commentary"].as_str() else {
        return unprocessable("/commentary: field is required");
    };
    if post["visibility"].as_str().is_none() {
        return unprocessable("/visibility: field is required");
    }
    if post["distribution"]["feedDistribution"].as_str().is_none() {
        return unprocessable("/distribution/feedDistribution: field is required");
    }
    if post["lifecycleState"].as_str() != Some("PUBLISHED") {
        return unprocessable("/lifecycleState: must be PUBLISHED");
    }
    let media = match super::images::take_for_post(st, &author, &post["content"]) {
        Ok(media) => media,
        Err(response) => return *response,
    };
    if let Some(response) = daily_limit(st) {
        return response;
    }
    let id = format!("urn:li:share:{}", 7_300_000_000_000_000_000_u64 + st.nets.published.len() as u64 + 1);
    st.nets.record("linkedin", &author, &id, commentary, media);
    let mut response = StatusCode::CREATED.into_response();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HeaderName::from_static("x-restli-id"), value);
    }
    response
}

/// Counts a post against the member's and the application's daily limits; LinkedIn's 429 when
/// either is spent.
fn daily_limit(st: &mut SandboxState) -> Option<Response> {
    let member = person_urn(&st.nets.linkedin_seed);
    let day = std::time::Duration::from_secs(86_400);
    let now = std::time::Instant::now();
    let times = &mut st.nets.li_post_times;
    times.retain(|(_, at)| now.duration_since(*at) < day);
    let seed = &st.nets.linkedin_seed;
    let mine = times.iter().filter(|(m, _)| *m == member).count();
    let which = if times.len() >= usize::try_from(seed.app_daily_posts).unwrap_or(usize::MAX) {
        "APPLICATION"
    } else if mine >= usize::try_from(seed.member_daily_posts).unwrap_or(usize::MAX) {
        "MEMBER"
    } else {
        times.push((member, now));
        return None;
    };
    Some(linkedin_error(
        StatusCode::TOO_MANY_REQUESTS,
        Some(101),
        Some("TOO_MANY_REQUESTS"),
        &format!("Resource level throttle {which} DAY limit for calls to this resource is reached."),
    ))
}

/// Milliseconds since the epoch, as LinkedIn writes times.
fn epoch_ms(at: std::time::SystemTime) -> u64 {
    at.duration_since(std::time::UNIX_EPOCH).map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)).unwrap_or(0)
}

/// `GET /linkedin/api/rest/posts?q=author&author={urn}[&count&start&sortBy]`: the author's
/// posts, newest first.
pub(super) async fn posts_by_author(
    State(shared): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInPostsList).await {
        return response;
    }
    if let Err(response) = versioned(&headers) {
        return *response;
    }
    let params = Params::from_query(q.as_deref());
    let st = lock(&shared);
    let auth = match authenticate(&st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    if params.get("q") != Some("author") {
        return linkedin_error(
            StatusCode::BAD_REQUEST,
            None,
            Some("ILLEGAL_ARGUMENT"),
            "Invalid query parameters passed to request: q must be author",
        );
    }
    let Some(author) = params.get("author") else {
        return linkedin_error(
            StatusCode::BAD_REQUEST,
            None,
            Some("ILLEGAL_ARGUMENT"),
            "Missing required parameter: author",
        );
    };
    let readable = if author.starts_with("urn:li:organization:") {
        auth.has("r_organization_social") && auth.consent.accounts.iter().any(|a| a == author)
    } else {
        author == person_urn(&st.nets.linkedin_seed) && auth.has("r_member_social")
    };
    if !readable {
        return access_denied(&format!("posts.FINDER-author.{author}"));
    }
    let count = match params.get("count").map(str::parse::<usize>) {
        None => 10,
        Some(Ok(n)) if n <= 100 => n,
        Some(_) => {
            return linkedin_error(StatusCode::BAD_REQUEST, None, Some("ILLEGAL_ARGUMENT"), "count must be at most 100")
        }
    };
    let start = params.get("start").and_then(|s| s.parse::<usize>().ok()).unwrap_or(0);
    let all = st.nets.published_by("linkedin", author);
    let elements: Vec<Value> = all
        .iter()
        .skip(start)
        .take(count)
        .map(|p| {
            let at = epoch_ms(p.at);
            json!({
                "id": p.id,
                "author": p.author,
                "commentary": p.text,
                "visibility": "PUBLIC",
                "lifecycleState": "PUBLISHED",
                "distribution": { "feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": [] },
                "isReshareDisabledByAuthor": false,
                "createdAt": at,
                "publishedAt": at,
                "lastModifiedAt": at,
            })
        })
        .collect();
    http::json(
        StatusCode::OK,
        &json!({ "paging": { "start": start, "count": count, "links": [], "total": all.len() }, "elements": elements }),
    )
}
