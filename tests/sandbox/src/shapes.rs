//! Error bodies in each network's own shape, shared by the handlers and by injected faults.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use rand::Rng as _;
use serde_json::json;

use crate::http;

/// A Graph API `fbtrace_id`: 11 URL-safe characters.
fn fbtrace_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut rng = rand::thread_rng();
    (0..11).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect()
}

/// Graph API error (Facebook and graph.instagram.com):
/// `{"error":{"message","type","code","error_subcode"?,"fbtrace_id"}}`.
/// Shape: <https://developers.facebook.com/docs/graph-api/guides/error-handling/>.
pub(crate) fn graph_error(status: StatusCode, code: u32, subcode: Option<u32>, message: &str) -> Response {
    let mut error = json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": fbtrace_id(),
    });
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    if matches!(code, 1 | 2 | 4 | 17 | 32) {
        error["is_transient"] = json!(true);
    }
    let mut response = http::json(status, &json!({ "error": error }));
    if code == 190 {
        // Graph names the token problem in WWW-Authenticate as well.
        let value = format!("OAuth \"Facebook Platform\" \"invalid_token\" \"{}\"", message.replace('"', "'"));
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
    }
    response
}

/// The Graph code and message a fault without a body answers with for an HTTP status.
pub(crate) fn graph_generic(status: u16) -> (u32, &'static str) {
    match status {
        400 => (100, "(#100) Invalid parameter"),
        401 => (190, "Invalid OAuth access token - Cannot parse access token"),
        403 => (200, "(#200) Permissions error"),
        429 => (4, "(#4) Application request limit reached"),
        503 => (2, "An unexpected error has occurred. Please retry your request later."),
        _ => (1, "An unknown error has occurred."),
    }
}

/// The error shape of `POST api.instagram.com/oauth/access_token` (Instagram Login code
/// exchange): `{"error_type":"OAuthException","code":400,"error_message":"…"}`.
/// Shape: <https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login>.
pub(crate) fn instagram_legacy_error(status: StatusCode, message: &str) -> Response {
    http::json(status, &json!({ "error_type": "OAuthException", "code": status.as_u16(), "error_message": message }))
}

/// LinkedIn API error: `{"status","serviceErrorCode"?,"code"?,"message"}`.
/// Shape: <https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling>.
pub(crate) fn linkedin_error(
    status: StatusCode,
    service_error_code: Option<u32>,
    code: Option<&str>,
    message: &str,
) -> Response {
    let mut body = json!({ "status": status.as_u16(), "message": message });
    if let Some(service) = service_error_code {
        body["serviceErrorCode"] = json!(service);
    }
    if let Some(code) = code {
        body["code"] = json!(code);
    }
    http::json(status, &body)
}

/// LinkedIn's answer to a fault without a body.
pub(crate) fn linkedin_generic(status: u16) -> Response {
    let code = http::status(status);
    match status {
        401 => linkedin_error(code, Some(65600), Some("INVALID_ACCESS_TOKEN"), "Invalid access token"),
        403 => linkedin_error(code, Some(100), Some("ACCESS_DENIED"), "Not enough permissions to access this resource"),
        429 => linkedin_error(
            code,
            Some(101),
            None,
            "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
        ),
        _ => linkedin_error(code, None, None, code.canonical_reason().unwrap_or("Error")),
    }
}

/// X API v2 problem: `{"title","type","status","detail"}` (RFC 7807 style).
/// Shape: <https://docs.x.com/x-api/fundamentals/response-codes-and-errors>.
pub(crate) fn x_problem(status: StatusCode, title: &str, problem_type: &str, detail: &str) -> Response {
    let mut response = http::json(
        status,
        &json!({ "title": title, "type": problem_type, "status": status.as_u16(), "detail": detail }),
    );
    if status == StatusCode::TOO_MANY_REQUESTS {
        let reset = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() + 60)
            .unwrap_or_default();
        let headers = response.headers_mut();
        headers.insert(HeaderName::from_static("x-rate-limit-limit"), HeaderValue::from_static("100"));
        headers.insert(HeaderName::from_static("x-rate-limit-remaining"), HeaderValue::from_static("0"));
        if let Ok(value) = HeaderValue::from_str(&reset.to_string()) {
            headers.insert(HeaderName::from_static("x-rate-limit-reset"), value);
        }
    }
    response
}

/// X's answer to a fault without a body: title and detail are the reason phrase.
pub(crate) fn x_generic(status: u16) -> Response {
    let code = http::status(status);
    let reason = code.canonical_reason().unwrap_or("Error");
    x_problem(code, reason, "about:blank", reason)
}

/// X's 401 for a missing, unknown, expired or revoked bearer token.
pub(crate) fn x_unauthorized() -> Response {
    x_problem(StatusCode::UNAUTHORIZED, "Unauthorized", "about:blank", "Unauthorized")
}

/// An RFC 6749 §5.2 error body, never cached.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    http::json_no_store(status, &json!({ "error": error, "error_description": description }))
}
