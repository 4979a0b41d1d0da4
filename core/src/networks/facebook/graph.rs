//! Graph API errors, classified once for Facebook and Instagram, and authenticated Graph GETs.

use reqwest::StatusCode;
use serde::Deserialize;
use url::Url;

use super::NAME;
use crate::error::{Error, Result};
use crate::net::{self, bounded_text, MAX_DETAIL_CHARS, MAX_NAME_CHARS};
use crate::secret::Sensitive;

#[derive(Deserialize)]
struct GraphErrorBody {
    error: GraphError,
}

#[derive(Deserialize)]
struct GraphError {
    #[serde(default)]
    message: String,
    #[serde(default)]
    code: i64,
    #[serde(default)]
    error_subcode: Option<i64>,
    #[serde(default)]
    is_transient: bool,
}

/// A Graph error code meaning "try again later": unknown/service errors and the rate limits
/// (app 4, user 17, Page 32, custom 613, business use case 80000–80014).
fn is_transient_code(code: i64) -> bool {
    matches!(code, 1 | 2 | 4 | 17 | 32 | 341 | 368 | 613) || (80_000..=80_014).contains(&code)
}

/// Classify a failed Graph call (Facebook or graph.instagram.com), from the Graph error object
/// `{"error":{"message","code","error_subcode","is_transient"}}`:
/// - code 190 (any subcode: 458 app removed, 460 password changed, 463 expired, 467 invalid)
///   or 102 → the sign-in is gone: `Rejected { auth: true }` (reconnect needed);
/// - a rate limit or service error, `is_transient`, 5xx or 429 → `Network` (try again later);
/// - anything else → `Rejected { auth: false }` (the request itself was refused).
///
/// `page` names the Page the call was about: a 500 there usually means the person lost their
/// admin role on the Page, and the message says so.
pub(crate) fn graph_failure(network: &'static str, status: StatusCode, body: &[u8], page: Option<&str>) -> Error {
    let parsed = serde_json::from_slice::<GraphErrorBody>(body).ok().map(|b| b.error);
    let mut detail = parsed
        .as_ref()
        .map(|e| {
            let code = match e.error_subcode {
                Some(sub) => format!(" (code {}, subcode {sub})", e.code),
                None => format!(" (code {})", e.code),
            };
            format!("{}{code}", bounded_text(&e.message, MAX_DETAIL_CHARS))
        })
        .filter(|d| !d.starts_with(" ("))
        .unwrap_or_else(|| format!("HTTP {status}"));
    let code = parsed.as_ref().map_or(0, |e| e.code);
    if matches!(code, 190 | 102) {
        return Error::Rejected { network, detail, auth: true };
    }
    let transient = parsed.as_ref().is_some_and(|e| e.is_transient || is_transient_code(e.code))
        || status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS;
    if transient {
        if let (Some(page), true) = (page, status == StatusCode::INTERNAL_SERVER_ERROR) {
            detail = format!(
                "{detail}. If this keeps happening, check that the Page \"{}\" still grants you admin permissions.",
                bounded_text(page, MAX_NAME_CHARS)
            );
        } else {
            detail = format!("{detail}. Herald will try again later.");
        }
        return Error::Network { network, detail };
    }
    Error::Rejected { network, detail, auth: false }
}
/// GET a Graph resource with the user token (as a bearer header); the answer's JSON or a
/// classified error.
pub(super) async fn graph_get<T: serde::de::DeserializeOwned>(
    http: &net::Client,
    url: Url,
    token: &Sensitive<String>,
) -> Result<T> {
    let answer = http.send(NAME, http.get(url).bearer_auth(token.expose())).await?;
    if !answer.status.is_success() {
        return Err(graph_failure(NAME, answer.status, &answer.body, None));
    }
    serde_json::from_slice(&answer.body).map_err(|e| Error::Network {
        network: NAME,
        detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
    })
}

/// The cheap check: `GET /me?fields=id` with the user token, judged by [`graph_failure`].
pub(crate) async fn probe(
    ctx: &crate::networks::PublishCtx<'_>,
    tokens: &crate::vault::TokenSet,
) -> Result<crate::networks::Probe> {
    let mut url = net::join_resource(NAME, &ctx.endpoints.facebook.graph, "me", "")?;
    url.query_pairs_mut().append_pair("fields", "id");
    let answer = ctx.http.send(NAME, ctx.http.get(url).bearer_auth(tokens.access_token.expose())).await?;
    crate::networks::probe_verdict(answer.status, || graph_failure(NAME, answer.status, &answer.body, None))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn classify(status: u16, body: &str, page: Option<&str>) -> Error {
        graph_failure(NAME, StatusCode::from_u16(status).unwrap(), body.as_bytes(), page)
    }

    #[test]
    fn graph_errors_are_classified_once() {
        for subcode in [
            "",
            r#","error_subcode":458"#,
            r#","error_subcode":460"#,
            r#","error_subcode":463"#,
            r#","error_subcode":467"#,
        ] {
            let body = format!(r#"{{"error":{{"message":"Error validating access token","code":190{subcode}}}}}"#);
            assert!(matches!(classify(400, &body, None), Error::Rejected { auth: true, .. }), "{body}");
        }
        for code in [4, 17, 32, 80001] {
            let body = format!(r#"{{"error":{{"message":"limit reached","code":{code}}}}}"#);
            assert!(matches!(classify(400, &body, None), Error::Network { .. }), "{code}");
        }
        assert!(matches!(classify(503, "<html>", None), Error::Network { .. }));
        assert!(matches!(classify(429, "", None), Error::Network { .. }));
        let content = classify(400, r#"{"error":{"message":"(#100) Missing message or attachment","code":100}}"#, None);
        assert!(matches!(content, Error::Rejected { auth: false, .. }), "{content:?}");
    }

    #[test]
    fn a_500_from_a_page_says_to_check_the_admin_role() {
        let body = r#"{"error":{"message":"An unknown error has occurred.","code":1}}"#;
        let err = classify(500, body, Some("Forno Rossi"));
        assert!(matches!(err, Error::Network { .. }), "{err:?}");
        assert!(
            err.to_string().contains("check that the Page \"Forno Rossi\" still grants you admin permissions"),
            "{err}"
        );
        assert!(!classify(500, body, None).to_string().contains("admin"));
    }
}
