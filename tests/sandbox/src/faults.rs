//! Fault injection: every emulated endpoint calls [`gate`] before doing its work.

use std::cell::Cell;
use std::io;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use crate::config::Endpoint;
use crate::consent_page;
use crate::http;
use crate::shapes;
use crate::state::{lock, Shared};

/// How an endpoint reports errors, so a fault without a body still looks like the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ErrorStyle {
    /// A page shown in the browser (authorize endpoints).
    Html,
    /// RFC 6749 `{"error": "...", "error_description": "..."}` (token/revoke endpoints).
    OAuth,
    /// Google API `{"error": {"code", "message", "status"}}`.
    GoogleApi,
    /// Graph API `{"error": {"message", "type", "code", "fbtrace_id"}}` (Facebook, Instagram).
    Graph,
    /// `{"error_type", "code", "error_message"}` (Instagram Login code exchange).
    InstagramLegacy,
    /// LinkedIn `{"status", "serviceErrorCode", "code", "message"}`.
    LinkedIn,
    /// X problem `{"title", "type", "status", "detail"}`.
    XProblem,
}

fn style(endpoint: Endpoint) -> ErrorStyle {
    use Endpoint as E;
    match endpoint {
        E::GoogleAuthorize | E::FacebookAuthorize | E::InstagramAuthorize | E::LinkedInAuthorize | E::XAuthorize => {
            ErrorStyle::Html
        }
        E::GoogleToken | E::GoogleRevoke | E::LinkedInToken | E::LinkedInRevoke | E::XToken | E::XRevoke => {
            ErrorStyle::OAuth
        }
        E::GoogleAccounts | E::GoogleLocations | E::GoogleLocalPosts | E::GoogleLocalPostsList => ErrorStyle::GoogleApi,
        E::FacebookToken
        | E::FacebookAccounts
        | E::FacebookPermissions
        | E::FacebookRevoke
        | E::FacebookNode
        | E::FacebookFeed
        | E::FacebookPhotos
        | E::FacebookFeedList
        | E::InstagramMedia
        | E::InstagramContainer
        | E::InstagramMediaPublish
        | E::InstagramMediaList
        | E::InstagramPublishingLimit
        | E::InstagramExchange
        | E::InstagramRefresh
        | E::InstagramMe => ErrorStyle::Graph,
        E::InstagramToken => ErrorStyle::InstagramLegacy,
        E::LinkedInUserinfo
        | E::LinkedInOrganizationAcls
        | E::LinkedInOrganizations
        | E::LinkedInPosts
        | E::LinkedInPostsList
        | E::LinkedInImages => ErrorStyle::LinkedIn,
        E::XUsersMe | E::XTweets | E::XUserTweets | E::XMediaUpload => ErrorStyle::XProblem,
    }
}

/// What happens after an endpoint did its work: a stall, then maybe a dropped connection.
#[derive(Clone, Copy, Debug, Default)]
struct After {
    stall_ms: u64,
    drop: bool,
}

tokio::task_local! {
    /// Set by [`gate`] for the request being served, read by [`after_work`].
    static AFTER: Cell<After>;
}

/// Middleware around every route: applies the "after the work" part of a fault that [`gate`]
/// found for this request (see [`crate::Fault::stall_ms`] and [`crate::Fault::drop`]).
pub(crate) async fn after_work(request: Request, next: Next) -> Response {
    let (response, after) = AFTER
        .scope(Cell::new(After::default()), async {
            let response = next.run(request).await;
            (response, AFTER.with(Cell::get))
        })
        .await;
    if after.stall_ms > 0 {
        tokio::time::sleep(Duration::from_millis(after.stall_ms)).await;
    }
    if after.drop {
        tracing::debug!("sandbox: dropping the connection without answering");
        // A body that fails before its first byte makes hyper abort the connection before the
        // buffered status line is flushed: the client sees the connection close, no response.
        return Response::new(Body::from_stream(futures_util::stream::once(async {
            Err::<Bytes, io::Error>(io::Error::new(io::ErrorKind::ConnectionAborted, "sandbox: dropped"))
        })));
    }
    response
}

/// Counts the hit, applies the endpoint's fault (delay, then maybe a canned response).
/// `Some(response)` means the endpoint must answer with it instead of doing its work.
pub(crate) async fn gate(shared: &Shared, endpoint: Endpoint) -> Option<Response> {
    let fault = lock(shared).hit(endpoint)?;
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    if fault.status.is_none() && (fault.stall_ms > 0 || fault.drop) {
        let _ = AFTER.try_with(|after| after.set(After { stall_ms: fault.stall_ms, drop: fault.drop }));
    }
    let status = fault.status?;
    tracing::debug!(?endpoint, status, "sandbox: injected fault");
    Some(match fault.body {
        Some(body) => http::raw(status, body),
        None => generic_error(endpoint, status),
    })
}

/// The message of Google's 401 for a bad access token.
pub(crate) const UNAUTHENTICATED_MESSAGE: &str = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.";

/// Google's canonical `google.rpc.Code` name and a typical message for an HTTP status.
pub(crate) fn google_rpc_status(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("INVALID_ARGUMENT", "Request contains an invalid argument."),
        401 => ("UNAUTHENTICATED", UNAUTHENTICATED_MESSAGE),
        403 => ("PERMISSION_DENIED", "The caller does not have permission"),
        404 => ("NOT_FOUND", "Requested entity was not found."),
        409 => ("ABORTED", "The operation was aborted."),
        429 => (
            "RESOURCE_EXHAUSTED",
            "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service 'mybusinessbusinessinformation.googleapis.com'.",
        ),
        501 => ("UNIMPLEMENTED", "Operation is not implemented, or supported, or enabled."),
        503 => ("UNAVAILABLE", "The service is currently unavailable."),
        504 => ("DEADLINE_EXCEEDED", "The request deadline was exceeded."),
        s if s >= 500 => ("INTERNAL", "Internal error encountered."),
        _ => ("UNKNOWN", "Unknown error."),
    }
}

fn oauth_error_code(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("invalid_request", "Bad Request"),
        401 => ("invalid_client", "Unauthorized"),
        403 => ("access_denied", "Forbidden"),
        429 => ("rate_limit_exceeded", "Rate Limit Exceeded"),
        503 => ("temporarily_unavailable", "Service Unavailable"),
        s if s >= 500 => ("internal_failure", "Backend Error"),
        _ => ("invalid_request", "Bad Request"),
    }
}

fn generic_error(endpoint: Endpoint, status: u16) -> Response {
    let code = http::status(status);
    let mut response = match style(endpoint) {
        ErrorStyle::Html => {
            let reason = code.canonical_reason().unwrap_or("Error");
            http::html(code, consent_page::error_page(code.as_u16(), "server_error", reason))
        }
        ErrorStyle::OAuth => {
            let (error, description) = oauth_error_code(status);
            http::json(code, &json!({ "error": error, "error_description": description }))
        }
        ErrorStyle::GoogleApi => {
            let (rpc, message) = google_rpc_status(status);
            http::json(code, &json!({ "error": { "code": code.as_u16(), "message": message, "status": rpc } }))
        }
        ErrorStyle::Graph => {
            let (graph_code, message) = shapes::graph_generic(status);
            shapes::graph_error(code, graph_code, None, message)
        }
        ErrorStyle::InstagramLegacy => shapes::instagram_legacy_error(code, code.canonical_reason().unwrap_or("Error")),
        ErrorStyle::LinkedIn => shapes::linkedin_generic(status),
        ErrorStyle::XProblem => shapes::x_generic(status),
    };
    if status == 429 || status == 503 {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}
