//! OAuth 2.0 Authorization Code + PKCE (S256) for a native app: the authorize URL, the code
//! exchange, refresh and revocation, built on the `oauth2` crate.

pub mod listener;

use std::time::Duration;

use chrono::Utc;
use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use url::Url;

use crate::error::{Error, Result};
use crate::secret::Sensitive;
use crate::vault::TokenSet;

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
    fn client(
        &self,
        redirect_uri: Option<&str>,
    ) -> Result<
        BasicClient<
            oauth2::EndpointSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointSet,
        >,
    > {
        let mut client = BasicClient::new(ClientId::new(self.client_id.clone()))
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
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(self.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge);
        for (name, value) in &self.extra_authorize_params {
            request = request.add_extra_param(*name, *value);
        }
        let (url, state) = request.url();
        Ok(Authorization { url, state: Sensitive::new(state.secret().clone()), verifier })
    }

    pub async fn exchange_code(
        &self,
        http: &reqwest::Client,
        redirect_uri: &str,
        code: Sensitive<String>,
        verifier: PkceCodeVerifier,
    ) -> Result<TokenSet> {
        let client = self.client(Some(redirect_uri))?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.into_inner()))
            .set_pkce_verifier(verifier)
            .request_async(http)
            .await
            .map_err(|e| self.classify(e, true))?;
        Ok(token_set(&response, None))
    }

    /// Refresh; a network that does not rotate refresh tokens keeps the old one (never emptied).
    pub async fn refresh(&self, http: &reqwest::Client, refresh_token: &Sensitive<String>) -> Result<TokenSet> {
        let client = self.client(None)?;
        let token = RefreshToken::new(refresh_token.expose().clone());
        let response = client
            .exchange_refresh_token(&token)
            .request_async(http)
            .await
            .map_err(|e| self.classify(e, false))?;
        Ok(token_set(&response, Some(refresh_token)))
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
        let body = response.text().await.unwrap_or_default();
        let detail = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
            .map_or_else(|| format!("HTTP {status}"), |code| format!("HTTP {status} ({code})"));
        if status.is_server_error() {
            Err(Error::Network { network, detail })
        } else {
            Err(Error::Rejected { network, detail, auth: false })
        }
    }

    fn classify<RE: std::error::Error + 'static>(
        &self,
        e: RequestTokenError<RE, oauth2::basic::BasicErrorResponse>,
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
                let detail = body.to_string();
                if exchanging {
                    Error::TokenExchange { network, detail }
                } else if auth {
                    Error::Rejected { network, detail, auth: true }
                } else {
                    Error::Network { network, detail }
                }
            }
            other if exchanging => Error::TokenExchange { network, detail: transport_detail(&other) },
            other => Error::Network { network, detail: transport_detail(&other) },
        }
    }
}

fn transport_detail<RE: std::error::Error + 'static, T: oauth2::ErrorResponse + 'static>(
    e: &RequestTokenError<RE, T>,
) -> String {
    match e {
        RequestTokenError::ServerResponse(body) => body.to_string(),
        RequestTokenError::Request(_) => "the token endpoint could not be reached".to_owned(),
        RequestTokenError::Parse(_, _) => "the token endpoint gave an answer Herald could not read".to_owned(),
        RequestTokenError::Other(what) => format!("the token endpoint answered unexpectedly ({what})"),
    }
}

fn token_set(response: &oauth2::basic::BasicTokenResponse, previous_refresh: Option<&Sensitive<String>>) -> TokenSet {
    let refresh_token = response
        .refresh_token()
        .map(|t| t.secret().clone())
        .filter(|t| !t.is_empty())
        .map(Sensitive::new)
        .or_else(|| previous_refresh.cloned());
    let expires_at = response
        .expires_in()
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .map(|d| Utc::now() + d);
    TokenSet { access_token: Sensitive::new(response.access_token().secret().clone()), refresh_token, expires_at }
}
