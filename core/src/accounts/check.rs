//! "Check" in Settings: does the network's authorize endpoint answer, and does it accept the
//! client id and the redirect address Herald would send?
//!
//! The authorize URL is built exactly as [`Herald::connect_begin`] builds it (same OAuth set-up,
//! same redirect mode, same `state` shape), but no listener is kept and no browser is opened:
//! one GET, redirects not followed. Networks show client and redirect problems on an error page
//! (never a redirect, so a bad client cannot bounce the browser anywhere), and send other
//! refusals back to the redirect address with `error=…`:
//!
//! - a 2xx page (sign-in or consent) or a redirect without `error` → fine;
//! - a redirect carrying `error` → [`CheckProblem::ErrorRedirect`] with the network's code;
//! - a 4xx page → what its visible text names: the redirect address, the client, or another
//!   problem;
//! - a 5xx, 429 or no answer → [`Error::Network`] (transient: try again later).

use url::Url;

use crate::api::{CheckProblem, ConnectCheck};
use crate::error::{Error, Result};
use crate::net::{self, MAX_DETAIL_CHARS};
use crate::networks::{NetworkId, RedirectMode};
use crate::oauth::listener::CallbackListener;
use crate::Herald;

/// How much of the authorize endpoint's page is read (sign-in pages are a few tens of KiB).
const MAX_PAGE_BYTES: usize = 512 * 1024;

/// Words by which networks' error pages name an unregistered redirect address.
const REDIRECT_WORDS: [&str; 5] = ["redirect_uri", "redirect uri", "redirect url", "callback url", "redirect failed"];
/// Words by which networks' error pages name an unknown client (app).
const CLIENT_WORDS: [&str; 7] =
    ["client_id", "client id", "invalid_client", "oauth client", "app id", "platform app", "application was not found"];

impl Herald {
    /// Check `network`'s sign-in set-up (saved client id, redirect mode, relay address) against
    /// its authorize endpoint. `Ok` with `ok: false` names what the network refused; an error
    /// means the check could not run (no client id, no relay address, the network unreachable).
    pub async fn connect_check(&self, network: NetworkId) -> Result<ConnectCheck> {
        let spec = network.spec();
        spec.connect.ok_or(Error::NetworkNotSupported(spec.name))?;
        let setup = self.connect_setup(network).await?;
        let oauth = self.oauth_config_for(network, &setup).await?;
        let port = match setup.mode {
            // Not bound: another program (or a sign-in in progress) may hold the port; what is
            // checked is whether the network accepts the address.
            RedirectMode::FixedPort => setup.port,
            // Bound and released at once: the address has the shape of a real sign-in's.
            RedirectMode::Loopback | RedirectMode::Relay => CallbackListener::bind().await?.local_addr()?.port(),
        };
        let (redirect_uri, state_prefix) = super::sign_in_address(&setup, spec.name, port)?;
        let authorization = oauth.authorize_with_state_prefix(&redirect_uri, state_prefix.as_deref())?;
        if !self.config().endpoints.is_authorize_url(authorization.url.as_str()) {
            return Err(Error::Internal(format!("the {} sign-in address is not a configured endpoint", spec.name)));
        }
        let answer =
            self.http.send_limited(spec.name, self.http.get(authorization.url.clone()), MAX_PAGE_BYTES).await?;
        let status = answer.status;
        tracing::info!(network = network.as_str(), status = status.as_u16(), "sign-in set-up checked");
        let location = answer
            .headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| authorization.url.join(v).ok());
        classify(network, status, location.as_ref(), &answer.body)
    }
}

/// Classify the authorize endpoint's answer (see the module documentation).
fn classify(
    network: NetworkId,
    status: reqwest::StatusCode,
    location: Option<&Url>,
    body: &[u8],
) -> Result<ConnectCheck> {
    let name = network.name();
    let found = |problem: Option<CheckProblem>, detail: Option<String>| ConnectCheck {
        network,
        ok: problem.is_none(),
        problem,
        status: status.as_u16(),
        detail,
    };
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(Error::Network {
            network: name,
            detail: format!("its sign-in page answered with HTTP {}; try the check again later", status.as_u16()),
        });
    }
    if status.is_success() {
        return Ok(found(None, None));
    }
    if status.is_redirection() {
        let Some(location) = location else {
            return Err(Error::Network {
                network: name,
                detail: format!("its sign-in page redirected (HTTP {}) without an address", status.as_u16()),
            });
        };
        let error = location.query_pairs().find(|(k, _)| k == "error").map(|(_, v)| v.into_owned());
        return Ok(match error {
            Some(error) => found(Some(CheckProblem::ErrorRedirect), Some(net::bounded_text(&error, MAX_DETAIL_CHARS))),
            None => found(None, None),
        });
    }
    let text = visible_text(body).to_lowercase();
    let problem = if REDIRECT_WORDS.iter().any(|w| text.contains(w)) {
        CheckProblem::RedirectRejected
    } else if CLIENT_WORDS.iter().any(|w| text.contains(w)) {
        CheckProblem::ClientIdRejected
    } else {
        CheckProblem::RequestRejected
    };
    Ok(found(Some(problem), None))
}

/// The text a person sees on an HTML page: tags, `<style>` and `<script>` contents removed.
fn visible_text(body: &[u8]) -> String {
    let html = String::from_utf8_lossy(body);
    let mut out = String::with_capacity(html.len());
    let mut rest: &str = &html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let tag = &rest[open..];
        let lower: String = tag.chars().take(8).collect::<String>().to_lowercase();
        let skip_to = if lower.starts_with("<style") {
            tag.to_lowercase().find("</style>").map(|i| i + "</style>".len())
        } else if lower.starts_with("<script") {
            tag.to_lowercase().find("</script>").map(|i| i + "</script>".len())
        } else {
            tag.find('>').map(|i| i + 1)
        };
        match skip_to {
            Some(n) => rest = &tag[n..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_drops_markup_styles_and_scripts() {
        let page = b"<html><style>.client_id{}</style><script>var redirect_uri;</script><p>Invalid <b>App ID</b></p>";
        let text = visible_text(page);
        assert!(!text.contains("client_id") && !text.contains("redirect_uri"), "{text}");
        assert!(text.contains("App ID"), "{text}");
    }

    #[test]
    fn redirects_and_pages_are_classified() {
        let ok =
            classify(NetworkId::X, reqwest::StatusCode::FOUND, Some(&Url::parse("https://x.com/login").unwrap()), b"")
                .unwrap();
        assert!(ok.ok);
        let error_back = Url::parse("http://127.0.0.1:8080/callback?error=invalid_scope&state=s").unwrap();
        let refused = classify(NetworkId::X, reqwest::StatusCode::FOUND, Some(&error_back), b"").unwrap();
        assert_eq!(refused.problem, Some(CheckProblem::ErrorRedirect));
        assert_eq!(refused.detail.as_deref(), Some("invalid_scope"));
        let busy = classify(NetworkId::X, reqwest::StatusCode::SERVICE_UNAVAILABLE, None, b"");
        assert!(matches!(busy, Err(Error::Network { .. })));
        let other = classify(NetworkId::X, reqwest::StatusCode::BAD_REQUEST, None, b"<p>Invalid scope</p>").unwrap();
        assert_eq!(other.problem, Some(CheckProblem::RequestRejected));
    }
}
