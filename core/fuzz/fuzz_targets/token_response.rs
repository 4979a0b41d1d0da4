//! Arbitrary token-endpoint answers (HTTP status, Content-Type, body) fed through the very
//! code production runs for a code exchange or a refresh: `oauth2`'s response handling, the
//! size cap, Herald's checks of the tokens and the classification into an `Error`. Only the
//! network is replaced, by an in-memory client that answers at once.
//!
//! Input layout: byte 0 picks the status, byte 1 the Content-Type (low 3 bits) and exchange or
//! refresh (bit 3); the rest is the body.
#![no_main]

use std::future::Future;
use std::pin::pin;
use std::sync::OnceLock;
use std::task::{Context, Poll, Waker};

use herald_core::api::ErrorCode;
use herald_core::oauth::{
    http, AsyncHttpClient, HttpRequest, HttpResponse, OAuthConfig, PkceCodeVerifier, MAX_EXPIRES_IN_SECS,
    MAX_TOKEN_BYTES,
};
use herald_core::Sensitive;
use libfuzzer_sys::fuzz_target;

const OTHER_STATUSES: [u16; 12] = [400, 401, 403, 404, 429, 500, 502, 503, 201, 204, 301, 418];
const CONTENT_TYPES: [Option<&str>; 6] = [
    Some("application/json"),
    Some("application/json; charset=utf-8"),
    None,
    Some("text/html; charset=UTF-8"),
    Some("APPLICATION/JSON"),
    Some("text/plain"),
];

struct Canned {
    status: u16,
    content_type: Option<&'static str>,
    body: Vec<u8>,
}

impl<'c> AsyncHttpClient<'c> for Canned {
    type Error = std::io::Error;
    type Future = std::future::Ready<Result<HttpResponse, std::io::Error>>;

    fn call(&'c self, _request: HttpRequest) -> Self::Future {
        let mut response = http::Response::builder().status(self.status);
        if let Some(content_type) = self.content_type {
            response = response.header("content-type", content_type);
        }
        std::future::ready(response.body(self.body.clone()).map_err(std::io::Error::other))
    }
}

fn config() -> &'static OAuthConfig {
    static CONFIG: OnceLock<OAuthConfig> = OnceLock::new();
    CONFIG.get_or_init(|| OAuthConfig {
        network_name: "Fuzz Network",
        client_id: "fuzz-client".into(),
        client_secret: Some(Sensitive::new("fuzz-secret".into())),
        authorize: "https://auth.example/authorize".parse().expect("URL"),
        token: "https://auth.example/token".parse().expect("URL"),
        revoke: None,
        scopes: vec!["scope".into()],
        extra_authorize_params: Vec::new(),
        issuer: None,
        issuer_required: false,
        pkce: herald_core::oauth::PkceStyle::default(),
    })
}

/// Drive a future that never waits (the in-memory client answers at once) to completion.
fn complete<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..64 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("the token request waited on nothing");
}

fuzz_target!(|data: &[u8]| {
    let (status_byte, mode, body) = match data {
        [a, b, rest @ ..] => (*a, *b, rest),
        _ => return,
    };
    let status = if status_byte & 0x80 == 0 {
        200
    } else {
        OTHER_STATUSES[usize::from(status_byte & 0x7f) % OTHER_STATUSES.len()]
    };
    let client = Canned {
        status,
        content_type: CONTENT_TYPES[usize::from(mode & 0x07) % CONTENT_TYPES.len()],
        body: body.to_vec(),
    };
    let refreshing = mode & 0x08 != 0;
    let config = config();
    let outcome = if refreshing {
        complete(config.refresh_with(&client, &Sensitive::new("1//previous".to_owned())))
    } else {
        let verifier = PkceCodeVerifier::new("v".repeat(43));
        complete(config.exchange_code_with(
            &client,
            "http://127.0.0.1:1/callback",
            Sensitive::new("code".into()),
            verifier,
        ))
    };
    match outcome {
        Ok(tokens) => {
            assert_eq!(status, 200, "tokens from an HTTP {status} answer");
            let access = tokens.access_token.expose();
            assert!(!access.is_empty() && access.len() <= MAX_TOKEN_BYTES);
            if let Some(refresh) = &tokens.refresh_token {
                assert!(!refresh.expose().is_empty() && refresh.expose().len() <= MAX_TOKEN_BYTES);
            }
            if let Some(expires_at) = tokens.expires_at {
                let lifetime = expires_at - chrono::Utc::now();
                assert!(lifetime.num_seconds() <= i64::try_from(MAX_EXPIRES_IN_SECS).unwrap_or(i64::MAX) + 60);
            }
        }
        Err(error) => {
            let expected: &[ErrorCode] = if refreshing {
                &[ErrorCode::NetworkError, ErrorCode::NetworkRejected]
            } else {
                &[ErrorCode::TokenExchangeFailed]
            };
            assert!(expected.contains(&error.code()), "unexpected {:?} ({error})", error.code());
            assert!(error.to_string().chars().count() < 1000, "a message of {} chars", error.to_string().len());
        }
    }
});
