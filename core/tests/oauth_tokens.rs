//! Hostile token-endpoint answers, driven through the production parse path (`oauth2`'s response
//! handling, the size cap, Herald's token checks) with an in-memory HTTP client, plus the real
//! `reqwest` client against an endless answer. Every case ends in a clear `Error`, never a panic.
//! No keyring needed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io;
use std::sync::Mutex;
use std::time::Duration;

use common::oauth::{oauth_config, NETWORK};
use herald_core::api::ErrorCode;
use herald_core::oauth::{http, AsyncHttpClient, HttpRequest, HttpResponse};
use herald_core::{Error, Sensitive};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An HTTP client that answers every request with one canned response, and keeps the request.
struct Canned {
    status: u16,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    fail: bool,
    seen: Mutex<Option<(String, String)>>,
}

impl Canned {
    fn new(status: u16, content_type: Option<&'static str>, body: impl Into<Vec<u8>>) -> Self {
        Self { status, content_type, body: body.into(), fail: false, seen: Mutex::new(None) }
    }

    fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, Some("application/json; charset=utf-8"), body)
    }
}

impl<'c> AsyncHttpClient<'c> for Canned {
    type Error = io::Error;
    type Future = std::future::Ready<Result<HttpResponse, io::Error>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        let form = String::from_utf8_lossy(request.body()).into_owned();
        *self.seen.lock().unwrap() = Some((request.uri().to_string(), form));
        if self.fail {
            return std::future::ready(Err(io::Error::new(io::ErrorKind::ConnectionRefused, "refused")));
        }
        let mut response = http::Response::builder().status(self.status);
        if let Some(content_type) = self.content_type {
            response = response.header("content-type", content_type);
        }
        std::future::ready(response.body(self.body.clone()).map_err(io::Error::other))
    }
}

async fn exchange(client: &Canned) -> herald_core::Result<herald_core::vault::TokenSet> {
    let config = oauth_config();
    let authorization = config.authorize("http://127.0.0.1:4321/callback").unwrap();
    let code = Sensitive::new("4/0AbCd-code".to_owned());
    config.exchange_code_with(client, "http://127.0.0.1:4321/callback", code, authorization.verifier).await
}

async fn refresh(client: &Canned) -> herald_core::Result<herald_core::vault::TokenSet> {
    oauth_config().refresh_with(client, &Sensitive::new("1//old-refresh".to_owned())).await
}

/// The exchange fails with `TokenExchange`, and says something about `hint`.
async fn exchange_fails(client: Canned, hint: &str) -> Error {
    let err = exchange(&client).await.expect_err("the exchange must fail");
    assert_eq!(err.code(), ErrorCode::TokenExchangeFailed, "{err}");
    let message = err.to_string();
    assert!(message.contains(NETWORK) && message.contains(hint), "{message:?} should mention {hint:?}");
    assert!(message.len() < 600, "{} chars", message.len());
    err
}

const GOOGLE_TOKEN: &str = r#"{
  "access_token": "ya29.a0AfB_byC-good",
  "expires_in": 3599,
  "refresh_token": "1//0gGood-refresh",
  "scope": "https://www.googleapis.com/auth/business.manage",
  "token_type": "Bearer",
  "id_token": "eyJhbGciOiJSUzI1NiJ9.e30.sig"
}"#;

fn with_expires_in(value: &str) -> String {
    format!(r#"{{"access_token":"ya29.t","token_type":"Bearer","expires_in":{value}}}"#)
}

#[tokio::test]
async fn a_good_answer_gives_tokens_with_an_expiry() {
    let client = Canned::json(200, GOOGLE_TOKEN);
    let before = chrono::Utc::now();
    let tokens = exchange(&client).await.unwrap();
    assert_eq!(tokens.access_token.expose(), "ya29.a0AfB_byC-good");
    assert_eq!(tokens.refresh_token.as_ref().unwrap().expose(), "1//0gGood-refresh");
    let expires_at = tokens.expires_at.expect("an expiry");
    let lifetime = (expires_at - before).num_seconds();
    assert!((3595..=3600).contains(&lifetime), "{lifetime}");
    // What went out is a real code exchange (PKCE verifier, redirect URI, to the token URL).
    let (uri, form) = client.seen.lock().unwrap().clone().unwrap();
    assert_eq!(uri, "https://oauth2.example/token");
    for field in ["grant_type=authorization_code", "code=4%2F0AbCd-code", "code_verifier=", "redirect_uri="] {
        assert!(form.contains(field), "{field} in {form}");
    }
}

#[tokio::test]
async fn a_missing_access_token_is_a_clear_error() {
    exchange_fails(Canned::json(200, r#"{"token_type":"Bearer","expires_in":3599}"#), "could not read").await;
}

#[tokio::test]
async fn an_access_token_of_the_wrong_type_is_a_clear_error() {
    exchange_fails(Canned::json(200, r#"{"access_token":12345,"token_type":"Bearer"}"#), "could not read").await;
    exchange_fails(Canned::json(200, r#"{"access_token":["a"],"token_type":"Bearer"}"#), "could not read").await;
    exchange_fails(Canned::json(200, r#"{"access_token":"a","token_type":7}"#), "could not read").await;
    exchange_fails(
        Canned::json(200, r#"{"access_token":"a","token_type":"Bearer","refresh_token":{}}"#),
        "could not read",
    )
    .await;
}

#[tokio::test]
async fn an_empty_access_token_is_a_clear_error() {
    exchange_fails(Canned::json(200, r#"{"access_token":"","token_type":"Bearer"}"#), "empty").await;
}

#[tokio::test]
async fn oversized_or_odd_tokens_are_clear_errors() {
    let long = "t".repeat(8 * 1024 + 1);
    exchange_fails(
        Canned::json(200, format!(r#"{{"access_token":"{long}","token_type":"Bearer"}}"#)),
        "longer than 8 KiB",
    )
    .await;
    exchange_fails(
        Canned::json(200, format!(r#"{{"access_token":"a","refresh_token":"{long}","token_type":"Bearer"}}"#)),
        "longer than 8 KiB",
    )
    .await;
    exchange_fails(Canned::json(200, r#"{"access_token":"a\r\nX-Evil: 1","token_type":"Bearer"}"#), "characters").await;
}

#[tokio::test]
async fn a_huge_body_is_refused_unread() {
    let mut body = String::from(r#"{"access_token":"a","token_type":"Bearer","pad":""#);
    body.push_str(&"x".repeat(5 * 1024 * 1024));
    body.push_str(r#""}"#);
    exchange_fails(Canned::json(200, body), "larger than 64 KiB").await;
    exchange_fails(Canned::new(502, Some("text/html"), vec![b'<'; 5 * 1024 * 1024]), "larger than 64 KiB").await;
}

#[tokio::test]
async fn an_html_error_page_is_a_clear_error() {
    let page =
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>";
    exchange_fails(Canned::new(502, Some("text/html; charset=UTF-8"), page), "HTTP 502").await;
    exchange_fails(Canned::new(200, Some("text/html"), page), "Content-Type").await;
    exchange_fails(Canned::new(503, None, ""), "HTTP 503").await;
}

#[tokio::test]
async fn a_network_error_answer_is_reported() {
    let err = exchange_fails(
        Canned::json(400, r#"{"error":"invalid_grant","error_description":"Bad Request"}"#),
        "invalid_grant",
    )
    .await;
    assert!(err.to_string().contains("Bad Request"), "{err}");
    let chatty = format!(r#"{{"error":"invalid_request","error_description":"{}"}}"#, "blah ".repeat(2000));
    exchange_fails(Canned::json(400, chatty), "invalid_request").await;
}

#[tokio::test]
async fn empty_and_non_json_answers_are_clear_errors() {
    exchange_fails(Canned::json(200, "{}"), "could not read").await;
    exchange_fails(Canned::json(200, "[]"), "could not read").await;
    exchange_fails(Canned::json(200, "null"), "could not read").await;
    exchange_fails(Canned::json(200, "ok"), "could not read").await;
    exchange_fails(Canned::json(200, &b"\xff\xfe{\x00"[..]), "could not read").await;
    exchange_fails(Canned::json(200, ""), "empty").await;
    exchange_fails(Canned::new(200, None, "access_token=a&token_type=bearer"), "could not read").await;
    let deep = format!("{}{}", "[".repeat(30_000), "]".repeat(30_000));
    exchange_fails(Canned::json(200, deep), "could not read").await;
    let deep_field = format!(
        r#"{{"access_token":"a","token_type":"Bearer","expires_in":{}1{}}}"#,
        "[".repeat(30_000),
        "]".repeat(30_000)
    );
    exchange_fails(Canned::json(200, deep_field), "could not read").await;
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_clear_error() {
    let mut client = Canned::json(200, GOOGLE_TOKEN);
    client.fail = true;
    exchange_fails(client, "could not be reached").await;
}

#[tokio::test]
async fn an_insane_expires_in_means_unknown_expiry() {
    for value in
        ["-5", "1e30", "-1e30", "18446744073709551615", "9000000000000000", "400000000", "\"soon\"", "null", "{}"]
    {
        let tokens = exchange(&Canned::json(200, with_expires_in(value))).await.unwrap();
        assert_eq!(tokens.expires_at, None, "expires_in: {value}");
    }
    // A number as a string, or a float, is still a lifetime.
    for value in ["\"3600\"", "3600.0", "3600"] {
        let tokens = exchange(&Canned::json(200, with_expires_in(value))).await.unwrap();
        assert!(tokens.expires_at.is_some(), "expires_in: {value}");
    }
    // Out of JSON's range altogether: not parseable.
    exchange_fails(Canned::json(200, with_expires_in("1e400")), "could not read").await;
}

#[tokio::test]
async fn refresh_answers_are_read_the_same_way() {
    // No rotation: the old refresh token stays.
    let tokens = refresh(&Canned::json(200, r#"{"access_token":"ya29.new","token_type":"Bearer","expires_in":3599}"#))
        .await
        .unwrap();
    assert_eq!(tokens.refresh_token.unwrap().expose(), "1//old-refresh");
    // invalid_grant needs a reconnect; the rest is a network problem that changes no status.
    let err = refresh(&Canned::json(400, r#"{"error":"invalid_grant"}"#)).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NetworkRejected);
    for client in [
        Canned::new(502, Some("text/html"), "<html>Bad Gateway</html>"),
        Canned::json(200, r#"{"access_token":"","token_type":"Bearer"}"#),
        Canned::json(200, vec![b' '; 1024 * 1024]),
        Canned::json(200, "{}"),
    ] {
        let err = refresh(&client).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::NetworkError, "{err}");
    }
}

/// The production client (reqwest) against a token endpoint that never stops talking: Herald
/// reads a bounded prefix and gives up, instead of buffering the endless body.
#[tokio::test]
async fn the_real_client_stops_reading_an_endless_answer() {
    let server = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr().unwrap();
    let serving = tokio::spawn(async move {
        let (mut stream, _) = server.accept().await.unwrap();
        let mut request = vec![0u8; 8192];
        let _ = stream.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"access_token\":\"";
        stream.write_all(head.as_bytes()).await.unwrap();
        let chunk = vec![b'a'; 64 * 1024];
        let mut sent = 0usize;
        // Until Herald hangs up (or an absurd 1 GiB, which would mean it never did).
        while sent < 1 << 30 {
            if stream.write_all(&chunk).await.is_err() {
                break;
            }
            sent += chunk.len();
        }
        sent
    });
    let mut config = oauth_config();
    config.token = url::Url::parse(&format!("http://{addr}/token")).unwrap();
    let authorization = config.authorize("http://127.0.0.1:4321/callback").unwrap();
    let http = herald_core::oauth::http_client().unwrap();
    let err = config
        .exchange_code(&http, "http://127.0.0.1:4321/callback", Sensitive::new("4/c".into()), authorization.verifier)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenExchangeFailed);
    assert!(err.to_string().contains("larger than 64 KiB"), "{err}");
    let sent = tokio::time::timeout(Duration::from_secs(10), serving).await.unwrap().unwrap();
    assert!(sent < 64 * 1024 * 1024, "Herald kept reading: {sent} bytes");
}
