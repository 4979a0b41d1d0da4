//! OAuth 2.0 Authorization Code + PKCE (S256) for a native app: the authorize URL, the code
//! exchange, refresh and revocation, built on the `oauth2` crate.
//!
//! Everything a network (or whatever answers in its place) sends back is read defensively: the
//! token endpoint's answer is capped at [`MAX_TOKEN_RESPONSE_BYTES`], its fields are bounded and
//! checked, and every unexpected shape becomes an [`Error`], never a panic. The exchange and
//! refresh run over any [`AsyncHttpClient`] (`*_with`), so tests and the fuzz target
//! (`core/fuzz`) drive the very code production runs, with answers of their choosing.

pub mod listener;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, Ordering};
use std::task::{ready, Context, Poll};
use std::time::Duration;

use chrono::Utc;
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AccessToken, AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    HttpClientError, PkceCodeChallenge, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{Error, Result};
use crate::secret::Sensitive;
use crate::vault::TokenSet;

pub use oauth2::{http, AsyncHttpClient, HttpRequest, HttpResponse, PkceCodeVerifier};

/// The largest token-endpoint answer Herald reads. Google's, with an `id_token`, is under 4 KiB.
pub const MAX_TOKEN_RESPONSE_BYTES: usize = 64 * 1024;
/// The longest access or refresh token Herald accepts (and stores in the keyring).
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// The longest token lifetime Herald believes (ten years); beyond it the expiry is unknown.
pub const MAX_EXPIRES_IN_SECS: u64 = 10 * 366 * 24 * 60 * 60;
/// How much of a network's error text reaches the user.
const MAX_DETAIL_CHARS: usize = 300;

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
    /// How the PKCE challenge is encoded (always S256).
    pub pkce: PkceStyle,
}

/// PKCE is always S256; networks differ in how the digest is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PkceStyle {
    /// RFC 7636: BASE64URL-NOPAD(SHA-256(verifier)).
    #[default]
    Base64Url,
    /// TikTok Login Kit for Desktop: lowercase hex of SHA-256(verifier).
    Hex,
}

/// The S256 challenge for `verifier`, written the way `style` says.
pub fn pkce_challenge(verifier: &PkceCodeVerifier, style: PkceStyle) -> String {
    match style {
        PkceStyle::Base64Url => PkceCodeChallenge::from_code_verifier_sha256(verifier).as_str().to_owned(),
        PkceStyle::Hex => {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(verifier.secret().as_bytes());
            digest.iter().map(|b| format!("{b:02x}")).collect()
        }
    }
}

/// A started authorization: the URL to open and what the app must keep to finish it.
pub struct Authorization {
    pub url: Url,
    pub state: Sensitive<String>,
    pub verifier: PkceCodeVerifier,
}

/// The HTTP client for token endpoints: no redirects (RFC 9700 §4.11), bounded time.
pub fn http_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("Herald/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Internal(format!("HTTP client: {e}")))
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
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.client(Some(redirect_uri))?;
        let mut request =
            client.authorize_url(CsrfToken::new_random).add_scopes(self.scopes.iter().cloned().map(Scope::new));
        request = match self.pkce {
            PkceStyle::Base64Url => request.set_pkce_challenge(challenge),
            PkceStyle::Hex => request
                .add_extra_param("code_challenge", pkce_challenge(&verifier, PkceStyle::Hex))
                .add_extra_param("code_challenge_method", "S256"),
        };
        for (name, value) in &self.extra_authorize_params {
            request = request.add_extra_param(*name, *value);
        }
        let (url, state) = request.url();
        Ok(Authorization { url, state: Sensitive::new(state.secret().clone()), verifier })
    }

    /// Mix-up defence (RFC 9207): an `iss` in the answer must be the expected issuer.
    pub fn check_issuer(&self, iss: Option<&str>) -> Result<()> {
        match (iss, &self.issuer) {
            (Some(got), Some(expected)) if got != expected => Err(Error::IssuerMismatch),
            _ => Ok(()),
        }
    }

    /// Exchange an authorization code for tokens over the network.
    pub async fn exchange_code(
        &self,
        http: &reqwest::Client,
        redirect_uri: &str,
        code: Sensitive<String>,
        verifier: PkceCodeVerifier,
    ) -> Result<TokenSet> {
        self.exchange_code_with(&LimitedReqwest(http), redirect_uri, code, verifier).await
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
            .map_err(|e| self.classify(e, capped.status(), true))?;
        self.token_set(&response, None, true)
    }

    /// Refresh; a network that does not rotate refresh tokens keeps the old one (never emptied).
    pub async fn refresh(&self, http: &reqwest::Client, refresh_token: &Sensitive<String>) -> Result<TokenSet> {
        self.refresh_with(&LimitedReqwest(http), refresh_token).await
    }

    /// [`Self::refresh`] over any HTTP client (see [`Self::exchange_code_with`]).
    pub async fn refresh_with<C>(&self, http: &C, refresh_token: &Sensitive<String>) -> Result<TokenSet>
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
            .map_err(|e| self.classify(e, capped.status(), false))?;
        self.token_set(&response, Some(refresh_token), false)
    }

    /// Revoke a token (RFC 7009). `Ok(false)` when the network has no revocation endpoint.
    /// Sent by hand: the `oauth2` crate refuses non-HTTPS revocation URLs, which the loopback
    /// sandbox needs; the request is the same form POST either way.
    pub async fn revoke(&self, http: &reqwest::Client, token: &Sensitive<String>) -> Result<bool> {
        let Some(url) = &self.revoke else {
            return Ok(false);
        };
        let mut form = vec![("token", token.expose().as_str()), ("client_id", self.client_id.as_str())];
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.expose().as_str()));
        }
        let network = self.network_name;
        let response = http
            .post(url.clone())
            .form(&form)
            .send()
            .await
            .map_err(|e| Error::Network { network, detail: crate::networks::google::describe_transport(&e) })?;
        let status = response.status();
        if status.is_success() {
            return Ok(true);
        }
        // The body only names the error; a huge or unreadable one is not worth more than the status.
        let body = read_limited(response, MAX_TOKEN_RESPONSE_BYTES).await.unwrap_or_default();
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
    ) -> Error {
        let network = self.network_name;
        match e {
            RequestTokenError::ServerResponse(body) => {
                let auth = matches!(
                    body.error(),
                    BasicErrorResponseType::InvalidGrant
                        | BasicErrorResponseType::InvalidClient
                        | BasicErrorResponseType::UnauthorizedClient
                );
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
        Ok(TokenSet { access_token: Sensitive::new(access_token.clone()), refresh_token, expires_at: expiry(response) })
    }
}

/// Why a token string cannot be used, if it cannot (RFC 6749 A.12: 1*VSCHAR).
fn token_problem(token: &str) -> Option<String> {
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

/// Text from the other side, fit to show a user: no control characters, at most `max` chars.
pub(crate) fn bounded_text(text: &str, max: usize) -> String {
    let mut kept = text.chars().filter(|c| !c.is_control());
    let mut out: String = kept.by_ref().take(max).collect();
    if kept.next().is_some() {
        out.push('…');
    }
    out
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

/// A token endpoint's successful answer (RFC 6749 §5.1). Like `oauth2`'s standard response,
/// except that `expires_in` is read leniently: a string of digits counts (some networks send
/// one); a negative, huge (over ten years) or non-numeric value means "unknown expiry" rather
/// than a failed sign-in. Wrong types anywhere else fail the parse.
#[derive(Clone, Debug, Deserialize, Serialize)]
struct TokenAnswer {
    access_token: AccessToken,
    #[serde(deserialize_with = "oauth2::helpers::deserialize_untagged_enum_case_insensitive")]
    token_type: BasicTokenType,
    #[serde(default, deserialize_with = "lenient_seconds", skip_serializing_if = "Option::is_none")]
    expires_in: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<RefreshToken>,
    #[serde(
        rename = "scope",
        default,
        deserialize_with = "oauth2::helpers::deserialize_space_delimited_vec",
        serialize_with = "oauth2::helpers::serialize_space_delimited_vec",
        skip_serializing_if = "Option::is_none"
    )]
    scopes: Option<Vec<Scope>>,
}

impl TokenResponse for TokenAnswer {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }
    fn expires_in(&self) -> Option<Duration> {
        self.expires_in.map(Duration::from_secs)
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scopes.as_ref()
    }
}

/// `expires_in` as whole seconds, or `None` when it is not a usable non-negative number.
fn lenient_seconds<'de, D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<u64>, D::Error> {
    // Bounded before the float-to-integer conversion, which then cannot saturate.
    let in_range = |f: f64| f.is_finite() && (0.0..=MAX_EXPIRES_IN_SECS as f64).contains(&f);
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| in_range(*f)).map(|f| f as u64)),
        serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    })
}

/// What went wrong below `oauth2`: the HTTP client's own failure, or an answer over the cap.
#[derive(Debug, thiserror::Error)]
enum TransportError<E: std::error::Error + 'static> {
    #[error("the token endpoint could not be reached")]
    Client(#[source] E),
    #[error("the token endpoint's answer is too large")]
    TooLarge,
}

/// Wraps the HTTP client of one token request: refuses answers over
/// [`MAX_TOKEN_RESPONSE_BYTES`] before `oauth2` parses them, and remembers the HTTP status so
/// an unreadable error page can be described.
struct Capped<'c, C> {
    inner: &'c C,
    status: AtomicU16,
}

impl<'c, C> Capped<'c, C> {
    fn new(inner: &'c C) -> Self {
        Self { inner, status: AtomicU16::new(0) }
    }

    fn status(&self) -> Option<u16> {
        Some(self.status.load(Ordering::Relaxed)).filter(|s| *s != 0)
    }
}

impl<'x, 'c, C> AsyncHttpClient<'x> for Capped<'c, C>
where
    C: AsyncHttpClient<'x>,
{
    type Error = TransportError<C::Error>;
    type Future = CappedCall<'x, C::Future>;

    fn call(&'x self, request: HttpRequest) -> Self::Future {
        let inner: &'x C = self.inner;
        CappedCall { pending: Box::pin(inner.call(request)), status: &self.status }
    }
}

/// The future of one [`Capped`] request. Written by hand rather than as an `async` block so
/// that whether it is `Send` depends only on the wrapped client's future.
struct CappedCall<'x, F> {
    pending: Pin<Box<F>>,
    status: &'x AtomicU16,
}

impl<F, E> Future for CappedCall<'_, F>
where
    F: Future<Output = std::result::Result<HttpResponse, E>>,
    E: std::error::Error + 'static,
{
    type Output = std::result::Result<HttpResponse, TransportError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let response = match ready!(this.pending.as_mut().poll(cx)) {
            Ok(response) => response,
            Err(e) => return Poll::Ready(Err(TransportError::Client(e))),
        };
        this.status.store(response.status().as_u16(), Ordering::Relaxed);
        if response.body().len() > MAX_TOKEN_RESPONSE_BYTES {
            return Poll::Ready(Err(TransportError::TooLarge));
        }
        Poll::Ready(Ok(response))
    }
}

/// The production HTTP client for token requests: `reqwest`, reading at most one byte more
/// than [`MAX_TOKEN_RESPONSE_BYTES`] (enough for [`Capped`] to refuse the answer) so a hostile
/// endpoint cannot make Herald buffer an endless body.
struct LimitedReqwest<'a>(&'a reqwest::Client);

impl<'x> AsyncHttpClient<'x> for LimitedReqwest<'_> {
    type Error = HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = std::result::Result<HttpResponse, Self::Error>> + Send + 'x>>;

    fn call(&'x self, request: HttpRequest) -> Self::Future {
        let client: &'x reqwest::Client = self.0;
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(Box::new)?;
            let response = client.execute(request).await.map_err(Box::new)?;
            let mut builder = http::Response::builder().status(response.status()).version(response.version());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = read_limited(response, MAX_TOKEN_RESPONSE_BYTES + 1).await.map_err(Box::new)?;
            builder.body(body).map_err(HttpClientError::Http)
        })
    }
}

/// Read at most `limit` bytes of a body (the rest is dropped with the connection).
async fn read_limited(mut response: reqwest::Response, limit: usize) -> std::result::Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while body.len() < limit {
        let Some(chunk) = response.chunk().await? else { break };
        let room = limit - body.len();
        body.extend(chunk.iter().take(room));
    }
    Ok(body)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bounded_text_drops_control_characters_and_cuts() {
        assert_eq!(bounded_text("a\nb\u{7}c", 10), "abc");
        assert_eq!(bounded_text("abcdef", 3), "abc…");
        assert_eq!(bounded_text("abc", 3), "abc");
    }

    #[test]
    fn expires_in_is_read_leniently() {
        let parse = |json: &str| serde_json::from_str::<TokenAnswer>(json).map(|a| a.expires_in);
        let base = r#""access_token":"a","token_type":"Bearer""#;
        assert_eq!(parse(&format!("{{{base},\"expires_in\":3599}}")).ok(), Some(Some(3599)));
        assert_eq!(parse(&format!("{{{base},\"expires_in\":\"3599\"}}")).ok(), Some(Some(3599)));
        assert_eq!(parse(&format!("{{{base},\"expires_in\":-5}}")).ok(), Some(None));
        assert_eq!(parse(&format!("{{{base},\"expires_in\":1e30}}")).ok(), Some(None));
        assert_eq!(parse(&format!("{{{base},\"expires_in\":null}}")).ok(), Some(None));
        assert_eq!(parse(&format!("{{{base}}}")).ok(), Some(None));
        assert!(parse(r#"{"access_token":5,"token_type":"Bearer"}"#).is_err());
    }

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

#[cfg(test)]
mod pkce_tests {
    use super::*;

    /// RFC 7636 Appendix B: the verifier and its S256 challenge.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn s256_base64url_matches_rfc_7636() {
        let verifier = PkceCodeVerifier::new(VERIFIER.to_owned());
        assert_eq!(pkce_challenge(&verifier, PkceStyle::Base64Url), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn s256_hex_for_tiktok_is_the_hex_digest_of_the_same_verifier() {
        let verifier = PkceCodeVerifier::new(VERIFIER.to_owned());
        // The same 32 bytes as E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM, written in hex.
        assert_eq!(
            pkce_challenge(&verifier, PkceStyle::Hex),
            "13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3"
        );
    }

    #[test]
    fn the_authorize_url_carries_the_challenge_in_the_network_style() {
        for style in [PkceStyle::Base64Url, PkceStyle::Hex] {
            let config = OAuthConfig {
                network_name: "Test",
                client_id: "client".into(),
                client_secret: None,
                authorize: Url::parse("https://auth.example/authorize").unwrap_or_else(|_| unreachable!()),
                token: Url::parse("https://auth.example/token").unwrap_or_else(|_| unreachable!()),
                revoke: None,
                scopes: vec!["a".into()],
                extra_authorize_params: vec![],
                issuer: None,
                pkce: style,
            };
            let Ok(auth) = config.authorize("http://127.0.0.1:1/callback") else { panic!("authorize") };
            let query: Vec<(String, String)> = auth.url.query_pairs().into_owned().collect();
            let get = |k: &str| query.iter().filter(|(key, _)| key == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
            assert_eq!(get("code_challenge"), vec![pkce_challenge(&auth.verifier, style)], "{style:?}");
            assert_eq!(get("code_challenge_method"), vec!["S256".to_owned()]);
        }
    }
}
