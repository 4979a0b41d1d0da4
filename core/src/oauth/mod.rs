//! OAuth 2.0 Authorization Code + PKCE (S256) for a native app: the authorize URL, the code
//! exchange, refresh and revocation, built on the `oauth2` crate.
//!
//! Everything a network (or whatever answers in its place) sends back is read defensively: the
//! token endpoint's answer is capped at [`MAX_TOKEN_RESPONSE_BYTES`], its fields are bounded and
//! checked, and every unexpected shape becomes an [`Error`], never a panic. The exchange and
//! refresh run over any [`AsyncHttpClient`] (`*_with`), so tests and the fuzz target
//! (`core/fuzz`) drive the very code production runs, with answers of their choosing.

pub mod listener;
mod pkce;
mod transport;

use chrono::Utc;
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken, TokenResponse,
    TokenUrl,
};
use url::Url;

use crate::error::{Error, Result};
use crate::secret::Sensitive;
use crate::vault::TokenSet;
use transport::{Capped, LimitedReqwest, TokenAnswer, TransportError};

pub(crate) use crate::net::bounded_text;
use crate::net::{self, MAX_DETAIL_CHARS};

pub use oauth2::{http, AsyncHttpClient, HttpRequest, HttpResponse, PkceCodeVerifier};
pub use pkce::{pkce_challenge, PkceStyle};

/// The largest token-endpoint answer Herald reads. Google's, with an `id_token`, is under 4 KiB.
pub const MAX_TOKEN_RESPONSE_BYTES: usize = 64 * 1024;
/// The longest access or refresh token Herald accepts (and stores in the keyring).
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// The longest token lifetime Herald believes (ten years); beyond it the expiry is unknown.
pub const MAX_EXPIRES_IN_SECS: u64 = 10 * 366 * 24 * 60 * 60;

/// How to talk OAuth to one network (data; built from the network module and the credentials).
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    pub network_name: &'static str,
    pub client_id: String,
    pub client_secret: Option<Sensitive<String>>,
    pub authorize: Url,
    pub token: Url,
    pub revoke: Option<Url>,
    pub scopes: Vec<String>,
    pub extra_authorize_params: Vec<(&'static str, &'static str)>,
    /// Expected `iss` of authorization responses (RFC 9207), when the network publishes one.
    pub issuer: Option<String>,
    /// The network always sends `iss` in its authorization responses, so an answer without one
    /// is refused (network data: [`crate::networks::NetworkSpec::sends_issuer`]).
    pub issuer_required: bool,
    /// How the PKCE challenge is encoded (always S256).
    pub pkce: PkceStyle,
}

/// A started authorization: the URL to open and what the app must keep to finish it.
pub struct Authorization {
    pub url: Url,
    pub state: Sensitive<String>,
    pub verifier: PkceCodeVerifier,
}

/// The HTTP client for token endpoints (and every other request): see [`net::Client`].
pub fn http_client() -> Result<net::Client> {
    net::Client::new()
}

impl OAuthConfig {
    fn client(&self, redirect_uri: Option<&str>) -> Result<HeraldClient> {
        let mut client = BareClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(self.authorize.clone()))
            .set_token_uri(TokenUrl::from_url(self.token.clone()))
            .set_auth_type(AuthType::RequestBody);
        if let Some(secret) = &self.client_secret {
            client = client.set_client_secret(ClientSecret::new(secret.expose().clone()));
        }
        if let Some(uri) = redirect_uri {
            let uri = RedirectUrl::new(uri.to_owned()).map_err(|e| Error::Internal(format!("redirect URI: {e}")))?;
            client = client.set_redirect_uri(uri);
        }
        Ok(client)
    }

    /// Build the authorize URL with a fresh `state` and PKCE S256 challenge.
    pub fn authorize(&self, redirect_uri: &str) -> Result<Authorization> {
        self.authorize_with_state_prefix(redirect_uri, None)
    }

    /// [`Self::authorize`] with `state` = `{prefix}.{random}`: the relay reads the loopback port
    /// from the prefix. The whole state is still checked exactly when the answer arrives.
    pub fn authorize_with_state_prefix(&self, redirect_uri: &str, prefix: Option<&str>) -> Result<Authorization> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.client(Some(redirect_uri))?;
        let state = || match prefix {
            Some(prefix) => CsrfToken::new(format!("{prefix}.{}", CsrfToken::new_random().secret())),
            None => CsrfToken::new_random(),
        };
        let mut request = client.authorize_url(state).add_scopes(self.scopes.iter().cloned().map(Scope::new));
        request = match self.pkce {
            PkceStyle::Base64Url => request.set_pkce_challenge(challenge),
            PkceStyle::Hex => request
                .add_extra_param("code_challenge", pkce_challenge(&verifier, PkceStyle::Hex).unwrap_or_default())
                .add_extra_param("code_challenge_method", "S256"),
            // The verifier is still made, and never sent: nothing would check it.
            PkceStyle::NotSupported => request,
        };
        for (name, value) in &self.extra_authorize_params {
            request = request.add_extra_param(*name, *value);
        }
        let (url, state) = request.url();
        Ok(Authorization { url, state: Sensitive::new(state.secret().clone()), verifier })
    }

    /// Mix-up defence (RFC 9207): an `iss` in the answer must be the expected issuer, and a
    /// network that always sends one must have sent it.
    pub fn check_issuer(&self, iss: Option<&str>) -> Result<()> {
        match (iss, &self.issuer) {
            (Some(got), Some(expected)) if got != expected => Err(Error::IssuerMismatch),
            (None, _) if self.issuer_required => Err(Error::IssuerMismatch),
            // Required but nothing to compare with: the endpoint set-up is incomplete.
            (Some(_), None) if self.issuer_required => Err(Error::IssuerMismatch),
            _ => Ok(()),
        }
    }

    /// Exchange an authorization code for tokens over the network.
    pub async fn exchange_code(
        &self,
        http: &net::Client,
        redirect_uri: &str,
        code: Sensitive<String>,
        verifier: PkceCodeVerifier,
    ) -> Result<TokenSet> {
        net::check_endpoint(self.network_name, &self.token)?;
        self.exchange_code_with(&LimitedReqwest::new(http, self.network_name), redirect_uri, code, verifier).await
    }

    /// [`Self::exchange_code`] over any HTTP client: the same request, the same size limit and
    /// the same reading of the answer (`oauth2`'s response handling, then Herald's checks).
    /// Tests and the fuzz target pass an in-memory client that answers whatever they like.
    pub async fn exchange_code_with<C>(
        &self,
        http: &C,
        redirect_uri: &str,
        code: Sensitive<String>,
        verifier: PkceCodeVerifier,
    ) -> Result<TokenSet>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        let client = self.client(Some(redirect_uri))?;
        let capped = Capped::new(http);
        let response = client
            .exchange_code(AuthorizationCode::new(code.into_inner()))
            .set_pkce_verifier(verifier)
            .request_async(&capped)
            .await
            .map_err(|e| self.classify(e, capped.status(), true, &[]))?;
        self.token_set(&response, None, true)
    }

    /// Refresh; a network that does not rotate refresh tokens keeps the old one (never emptied).
    pub async fn refresh(&self, http: &net::Client, refresh_token: &Sensitive<String>) -> Result<TokenSet> {
        net::check_endpoint(self.network_name, &self.token)?;
        self.refresh_with(&LimitedReqwest::new(http, self.network_name), refresh_token).await
    }

    /// [`Self::refresh`] over any HTTP client (see [`Self::exchange_code_with`]).
    pub async fn refresh_with<C>(&self, http: &C, refresh_token: &Sensitive<String>) -> Result<TokenSet>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        self.refresh_inner(http, refresh_token, &[]).await
    }

    /// [`Self::refresh`] for a network that answers a dead refresh token with an error code
    /// other than `invalid_grant` (X: `invalid_request`): those codes, too, mean "reconnect".
    pub(crate) async fn refresh_reconnect_on(
        &self,
        http: &net::Client,
        refresh_token: &Sensitive<String>,
        reconnect_errors: &[&str],
    ) -> Result<TokenSet> {
        net::check_endpoint(self.network_name, &self.token)?;
        self.refresh_inner(&LimitedReqwest::new(http, self.network_name), refresh_token, reconnect_errors).await
    }

    async fn refresh_inner<C>(
        &self,
        http: &C,
        refresh_token: &Sensitive<String>,
        reconnect_errors: &[&str],
    ) -> Result<TokenSet>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        let client = self.client(None)?;
        let token = RefreshToken::new(refresh_token.expose().clone());
        let capped = Capped::new(http);
        let response = client
            .exchange_refresh_token(&token)
            .request_async(&capped)
            .await
            .map_err(|e| self.classify(e, capped.status(), false, reconnect_errors))?;
        self.token_set(&response, Some(refresh_token), false)
    }

    /// Revoke a token (RFC 7009). `Ok(false)` when the network has no revocation endpoint.
    /// Sent by hand: the `oauth2` crate refuses non-HTTPS revocation URLs, which the loopback
    /// sandbox needs; the request is the same form POST either way.
    pub async fn revoke(&self, http: &net::Client, token: &Sensitive<String>) -> Result<bool> {
        let Some(url) = &self.revoke else {
            return Ok(false);
        };
        let mut form = vec![("token", token.expose().as_str()), ("client_id", self.client_id.as_str())];
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.expose().as_str()));
        }
        let network = self.network_name;
        let request = http
            .post(url.clone())
            .form(&form)
            .build()
            .map_err(|e| Error::Internal(format!("revocation request: {}", net::describe_transport(&e))))?;
        let response = http.execute(network, request).await?;
        let status = response.status();
        if status.is_success() {
            return Ok(true);
        }
        // The body only names the error; a huge or unreadable one is not worth more than the status.
        let body = net::read_limited(response, MAX_TOKEN_RESPONSE_BYTES).await.unwrap_or_default();
        let detail = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(|e| bounded_text(e, MAX_DETAIL_CHARS)))
            .map_or_else(|| format!("HTTP {status}"), |code| format!("HTTP {status} ({code})"));
        if status.is_server_error() {
            Err(Error::Network { network, detail })
        } else {
            Err(Error::Rejected { network, detail, auth: false })
        }
    }

    fn classify<E: std::error::Error + 'static>(
        &self,
        e: RequestTokenError<TransportError<E>, BasicErrorResponse>,
        status: Option<u16>,
        exchanging: bool,
        reconnect_errors: &[&str],
    ) -> Error {
        let network = self.network_name;
        match e {
            RequestTokenError::ServerResponse(body) => {
                let auth = matches!(
                    body.error(),
                    BasicErrorResponseType::InvalidGrant
                        | BasicErrorResponseType::InvalidClient
                        | BasicErrorResponseType::UnauthorizedClient
                ) || reconnect_errors.contains(&body.error().as_ref());
                let detail = bounded_text(&body.to_string(), MAX_DETAIL_CHARS);
                if exchanging {
                    Error::TokenExchange { network, detail }
                } else if auth {
                    Error::Rejected { network, detail, auth: true }
                } else {
                    Error::Network { network, detail }
                }
            }
            other => self.unreadable(transport_detail(&other, status), exchanging),
        }
    }

    /// An answer Herald cannot use: a failed sign-in while exchanging, a (retryable, not
    /// reconnect-worthy) network error while refreshing.
    fn unreadable(&self, detail: String, exchanging: bool) -> Error {
        let network = self.network_name;
        if exchanging {
            Error::TokenExchange { network, detail }
        } else {
            Error::Network { network, detail }
        }
    }

    /// Check a parsed token answer and turn it into what the vault keeps.
    fn token_set(
        &self,
        response: &TokenAnswer,
        previous_refresh: Option<&Sensitive<String>>,
        exchanging: bool,
    ) -> Result<TokenSet> {
        let access_token = response.access_token().secret();
        if let Some(problem) = token_problem(access_token) {
            return Err(self.unreadable(format!("the access token in the answer {problem}"), exchanging));
        }
        let fresh_refresh = response.refresh_token().map(|t| t.secret()).filter(|t| !t.is_empty());
        if let Some(problem) = fresh_refresh.and_then(|t| token_problem(t)) {
            return Err(self.unreadable(format!("the refresh token in the answer {problem}"), exchanging));
        }
        let refresh_token = fresh_refresh.cloned().map(Sensitive::new).or_else(|| previous_refresh.cloned());
        let mut tokens = TokenSet::new(Sensitive::new(access_token.clone()), refresh_token, expiry(response));
        tokens.granted_scopes =
            response.scopes().map(|scopes| scopes.iter().map(|s| bounded_text(s, MAX_DETAIL_CHARS)).collect());
        Ok(tokens)
    }
}

/// Why a token string cannot be used, if it cannot (RFC 6749 A.12: 1*VSCHAR).
pub(crate) fn token_problem(token: &str) -> Option<String> {
    if token.is_empty() {
        Some("is empty".to_owned())
    } else if token.len() > MAX_TOKEN_BYTES {
        Some(format!("is longer than {} KiB", MAX_TOKEN_BYTES / 1024))
    } else if !is_vschar(token) {
        Some("contains characters a token cannot have".to_owned())
    } else {
        None
    }
}

/// Visible ASCII and space: what RFC 6749 allows in codes and tokens.
pub(crate) fn is_vschar(text: &str) -> bool {
    text.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// When the access token expires; `None` (unknown) when the answer gives no sane lifetime.
fn expiry(response: &TokenAnswer) -> Option<chrono::DateTime<Utc>> {
    let lifetime = response.expires_in().filter(|d| d.as_secs() <= MAX_EXPIRES_IN_SECS)?;
    Utc::now().checked_add_signed(chrono::Duration::from_std(lifetime).ok()?)
}

fn transport_detail<E: std::error::Error + 'static>(
    e: &RequestTokenError<TransportError<E>, BasicErrorResponse>,
    status: Option<u16>,
) -> String {
    let status = status.filter(|s| *s != 200);
    match (e, status) {
        (RequestTokenError::ServerResponse(body), _) => bounded_text(&body.to_string(), MAX_DETAIL_CHARS),
        (RequestTokenError::Request(TransportError::TooLarge), _) => {
            format!("the token endpoint's answer was larger than {} KiB", MAX_TOKEN_RESPONSE_BYTES / 1024)
        }
        (RequestTokenError::Request(TransportError::Client(_)), _) => {
            "the token endpoint could not be reached".to_owned()
        }
        (RequestTokenError::Parse(_, _), Some(status)) => {
            format!("the token endpoint answered HTTP {status} with a body Herald could not read")
        }
        (RequestTokenError::Parse(_, _), None) => "the token endpoint gave an answer Herald could not read".to_owned(),
        (RequestTokenError::Other(what), Some(status)) => {
            format!("the token endpoint answered HTTP {status} ({})", bounded_text(what, MAX_DETAIL_CHARS))
        }
        (RequestTokenError::Other(what), None) => {
            format!("the token endpoint answered unexpectedly ({})", bounded_text(what, MAX_DETAIL_CHARS))
        }
    }
}

/// [`HeraldClient`] before its endpoints are set.
type BareClient = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
>;

/// The `oauth2` client Herald uses: the basic one, with a more forgiving token answer.
type HeraldClient = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_bounded_and_visible_ascii() {
        assert!(token_problem("ya29.a0-_~+/=").is_none());
        assert!(token_problem("").is_some());
        assert!(token_problem("a\nb").is_some());
        assert!(token_problem("é").is_some());
        assert!(token_problem(&"x".repeat(MAX_TOKEN_BYTES + 1)).is_some());
        assert!(token_problem(&"x".repeat(MAX_TOKEN_BYTES)).is_none());
    }
}
