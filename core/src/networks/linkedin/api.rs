//! GETs on LinkedIn's API with the member's token, and LinkedIn's errors classified.

use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::{API_VERSION, NAME, RESTLI_PROTOCOL};
use crate::error::{Error, Result};
use crate::net::{bounded_text, MAX_DETAIL_CHARS};
use crate::networks::Ctx;
use crate::secret::Sensitive;

/// Right after consent LinkedIn sometimes answers 401 REVOKED_ACCESS_TOKEN for a token it has
/// just issued; the call is repeated once after this pause before Herald believes it.
const SPURIOUS_REVOKE_PAUSE: Duration = Duration::from_millis(700);
/// LinkedIn's service error codes for an unusable access token.
pub(super) const AUTH_SERVICE_CODES: [i64; 4] = [65600, 65601, 65602, 65604];
const REVOKED_ACCESS_TOKEN: i64 = 65601;

pub(super) fn join_api(ctx: &Ctx<'_>, path: &str) -> Result<Url> {
    ctx.endpoints.linkedin.api.join(path).map_err(|e| Error::Internal(format!("LinkedIn endpoint {path}: {e}")))
}

/// GET with the member's token (and the versioned headers for `/rest`), classified. A 401
/// REVOKED_ACCESS_TOKEN is asked again once: LinkedIn sends it spuriously right after consent.
pub(super) async fn get_json<T: serde::de::DeserializeOwned>(
    ctx: &Ctx<'_>,
    url: Url,
    token: &Sensitive<String>,
    versioned: bool,
) -> Result<T> {
    let mut retried = false;
    loop {
        let mut request = ctx.http.get(url.clone()).bearer_auth(token.expose());
        if versioned {
            request =
                request.header("LinkedIn-Version", API_VERSION).header("X-Restli-Protocol-Version", RESTLI_PROTOCOL);
        }
        let answer = ctx.http.send(NAME, request).await?;
        if answer.status.is_success() {
            return serde_json::from_slice(&answer.body).map_err(|e| Error::Network {
                network: NAME,
                detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
            });
        }
        let problem = ApiProblem::read(answer.status.as_u16(), &answer.body);
        if problem.service_code == Some(REVOKED_ACCESS_TOKEN) && !retried {
            retried = true;
            tracing::info!("LinkedIn answered REVOKED_ACCESS_TOKEN right after consent; asking once more");
            tokio::time::sleep(SPURIOUS_REVOKE_PAUSE).await;
            continue;
        }
        return Err(problem.into_error());
    }
}

/// The cheap check: `GET /v2/userinfo` with the member's token, classified as every call.
pub(crate) async fn probe(
    ctx: &crate::networks::PublishCtx<'_>,
    tokens: &crate::vault::TokenSet,
) -> Result<crate::networks::Probe> {
    let url = ctx
        .endpoints
        .linkedin
        .api
        .join("v2/userinfo")
        .map_err(|e| Error::Internal(format!("LinkedIn endpoint: {e}")))?;
    let answer = ctx.http.send(NAME, ctx.http.get(url).bearer_auth(tokens.access_token.expose())).await?;
    let status = answer.status;
    crate::networks::probe_verdict(status, || ApiProblem::read(status.as_u16(), &answer.body).into_error())
}

/// LinkedIn's error body: `{"status", "serviceErrorCode"?, "code"?, "message"}`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default)]
    service_error_code: Option<i64>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

pub(super) struct ApiProblem {
    pub(super) status: u16,
    pub(super) service_code: Option<i64>,
    code: String,
    message: String,
}

impl ApiProblem {
    pub(super) fn read(status: u16, body: &[u8]) -> Self {
        let body: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
        Self {
            status,
            service_code: body.service_error_code,
            code: bounded_text(body.code.as_deref().unwrap_or_default(), 60),
            message: bounded_text(body.message.as_deref().unwrap_or_default(), MAX_DETAIL_CHARS),
        }
    }

    /// What LinkedIn said: `message (code)`, either alone, or the HTTP status when neither came.
    pub(super) fn said(&self) -> String {
        match (self.message.is_empty(), self.code.is_empty()) {
            (false, false) => format!("{} ({})", self.message, self.code),
            (false, true) => self.message.clone(),
            (true, false) => self.code.clone(),
            (true, true) => format!("HTTP {}", self.status),
        }
    }

    /// Reconnect for a dead token, transient for 5xx and 429, a clear word for an outdated
    /// version, rejected for the rest.
    pub(super) fn into_error(self) -> Error {
        let what = self.said();
        if self.status == 426 || self.code == "NONEXISTENT_VERSION" {
            return Error::Rejected {
                network: NAME,
                detail: format!(
                    "Herald's LinkedIn version ({API_VERSION}) is too old: LinkedIn no longer serves it. \
                     Update Herald to keep using LinkedIn."
                ),
                auth: false,
            };
        }
        if self.status >= 500 || self.status == 429 {
            return Error::Network { network: NAME, detail: format!("{what}. Try again in a few minutes.") };
        }
        if self.status == 401 || self.service_code.is_some_and(|c| AUTH_SERVICE_CODES.contains(&c)) {
            return Error::Rejected {
                network: NAME,
                detail: format!("the sign-in is no longer valid: {what}. Sign in to LinkedIn again."),
                auth: true,
            };
        }
        Error::Rejected { network: NAME, detail: what, auth: false }
    }
}
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classified() {
        let auth = |status: u16, body: &str| match ApiProblem::read(status, body.as_bytes()).into_error() {
            Error::Rejected { auth, .. } => Some(auth),
            Error::Network { .. } => None,
            other => panic!("{other:?}"),
        };
        assert_eq!(auth(401, r#"{"status":401,"serviceErrorCode":65601,"code":"REVOKED_ACCESS_TOKEN"}"#), Some(true));
        assert_eq!(auth(401, r#"{"status":401,"serviceErrorCode":65602,"code":"EXPIRED_ACCESS_TOKEN"}"#), Some(true));
        assert_eq!(auth(403, r#"{"status":403,"serviceErrorCode":100,"code":"ACCESS_DENIED"}"#), Some(false));
        assert_eq!(auth(422, "not json"), Some(false));
        assert_eq!(auth(500, ""), None);
        assert_eq!(auth(503, r#"{"status":503}"#), None);
        assert_eq!(auth(429, r#"{"status":429,"code":"TOO_MANY_REQUESTS"}"#), None);
        let old = ApiProblem::read(426, br#"{"status":426,"code":"NONEXISTENT_VERSION"}"#).into_error();
        assert!(old.to_string().contains("too old") && old.to_string().contains(API_VERSION), "{old}");
    }

    #[test]
    fn what_linkedin_said_reads_the_same_for_every_caller() {
        let said = |status: u16, body: &str| ApiProblem::read(status, body.as_bytes()).said();
        assert_eq!(
            said(403, r#"{"message":"Not enough permissions","code":"ACCESS_DENIED"}"#),
            "Not enough permissions (ACCESS_DENIED)"
        );
        assert_eq!(said(403, r#"{"message":"Not enough permissions"}"#), "Not enough permissions");
        assert_eq!(said(403, r#"{"code":"ACCESS_DENIED"}"#), "ACCESS_DENIED");
        assert_eq!(said(422, "not json"), "HTTP 422");
    }
}
