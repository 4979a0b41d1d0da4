//! The token endpoint's answer and the HTTP plumbing under `oauth2`: the lenient token answer,
//! the size cap on what the endpoint sends back, and the bounded `reqwest` client production uses.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, Ordering};
use std::task::{ready, Context, Poll};
use std::time::Duration;

use oauth2::basic::BasicTokenType;
use oauth2::{AccessToken, HttpClientError, RefreshToken, Scope, TokenResponse};
use serde::{Deserialize, Serialize};

use crate::net;

use super::{http, AsyncHttpClient, HttpRequest, HttpResponse, MAX_EXPIRES_IN_SECS, MAX_TOKEN_RESPONSE_BYTES};

/// A token endpoint's successful answer (RFC 6749 §5.1). Like `oauth2`'s standard response,
/// except that `expires_in` is read leniently: a string of digits counts (some networks send
/// one); a negative, huge (over ten years) or non-numeric value means "unknown expiry" rather
/// than a failed sign-in. Wrong types anywhere else fail the parse.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub(super) struct TokenAnswer {
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
pub(super) enum TransportError<E: std::error::Error + 'static> {
    #[error("the token endpoint could not be reached")]
    Client(#[source] E),
    #[error("the token endpoint's answer is too large")]
    TooLarge,
}

/// Wraps the HTTP client of one token request: refuses answers over
/// [`MAX_TOKEN_RESPONSE_BYTES`] before `oauth2` parses them, and remembers the HTTP status so
/// an unreadable error page can be described.
pub(super) struct Capped<'c, C> {
    inner: &'c C,
    status: AtomicU16,
}

impl<'c, C> Capped<'c, C> {
    pub(super) fn new(inner: &'c C) -> Self {
        Self { inner, status: AtomicU16::new(0) }
    }

    pub(super) fn status(&self) -> Option<u16> {
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
pub(super) struct CappedCall<'x, F> {
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

/// The production HTTP client for token requests: Herald's [`net::Client`], refusing a URL that
/// breaks [`net::check_endpoint`] before anything is sent, and reading at most one byte more
/// than [`MAX_TOKEN_RESPONSE_BYTES`] (enough for [`Capped`] to refuse the answer) so a hostile
/// endpoint cannot make Herald buffer an endless body.
pub(super) struct LimitedReqwest<'a> {
    client: &'a net::Client,
    network: &'static str,
}

impl<'a> LimitedReqwest<'a> {
    pub(super) fn new(client: &'a net::Client, network: &'static str) -> Self {
        Self { client, network }
    }
}

impl<'x> AsyncHttpClient<'x> for LimitedReqwest<'_> {
    type Error = HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = std::result::Result<HttpResponse, Self::Error>> + Send + 'x>>;

    fn call(&'x self, request: HttpRequest) -> Self::Future {
        let client: &'x reqwest::Client = self.client.reqwest();
        let network = self.network;
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(Box::new)?;
            net::check_endpoint(network, request.url()).map_err(|e| HttpClientError::Other(e.to_string()))?;
            let response = client.execute(request).await.map_err(Box::new)?;
            let mut builder = http::Response::builder().status(response.status()).version(response.version());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = net::read_limited(response, MAX_TOKEN_RESPONSE_BYTES + 1).await.map_err(Box::new)?;
            builder.body(body).map_err(HttpClientError::Http)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
