//! Hostile input to the two places where the outside world talks to Herald's sign-in: the
//! loopback listener (driven over real loopback sockets) and the token endpoint's answers
//! (driven through the production parse path with an in-memory HTTP client). Every case ends
//! in a clear `Error` or an ignored request, never a panic. No keyring needed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

use herald_core::api::ErrorCode;
use herald_core::oauth::listener::{CallbackListener, MAX_CODE_BYTES, MAX_QUERY_BYTES};
use herald_core::oauth::{http, AsyncHttpClient, HttpRequest, HttpResponse, OAuthConfig};
use herald_core::{Error, Sensitive};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

// ---------------------------------------------------------------------------------------------
// The loopback listener
// ---------------------------------------------------------------------------------------------

const STATE: &str = "flow-state-Zq9";

struct Flow {
    addr: SocketAddr,
    task: JoinHandle<herald_core::Result<herald_core::oauth::listener::Callback>>,
}

async fn start() -> Flow {
    let listener = CallbackListener::bind().await.unwrap();
    let addr = listener.local_addr().unwrap();
    assert_eq!(listener.redirect_uri(), format!("http://127.0.0.1:{}/callback", addr.port()));
    let task = tokio::spawn(async move { listener.receive(STATE).await });
    Flow { addr, task }
}

impl Flow {
    /// The outcome, which must come promptly.
    async fn outcome(self) -> herald_core::Result<herald_core::oauth::listener::Callback> {
        tokio::time::timeout(Duration::from_secs(5), self.task).await.expect("the flow ended").expect("no panic")
    }

    async fn still_waiting(&self) -> bool {
        tokio::time::sleep(Duration::from_millis(50)).await;
        !self.task.is_finished()
    }
}

/// Send raw bytes as one request; the HTTP status of the answer (`None`: no answer).
async fn send(addr: SocketAddr, bytes: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    // The server may stop reading early (an oversized request); what it answers still counts.
    let _ = stream.write_all(bytes).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    answer.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

async fn get(addr: SocketAddr, target: &str) -> Option<u16> {
    send(addr, format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/html\r\n\r\n").as_bytes()).await
}

fn good_callback() -> String {
    format!("/callback?code=4%2F0AbCd-good_code&scope=x&state={STATE}&iss=https%3A%2F%2Faccounts.google.com")
}

async fn refused(addr: SocketAddr) -> bool {
    TcpStream::connect(addr).await.is_err()
}

fn error_code(outcome: herald_core::Result<herald_core::oauth::listener::Callback>) -> ErrorCode {
    outcome.expect_err("the flow must fail").code()
}

#[tokio::test]
async fn the_listener_binds_loopback_only() {
    let listener = CallbackListener::bind().await.unwrap();
    let addr = listener.local_addr().unwrap();
    assert_eq!(addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_ne!(addr.port(), 0);
    assert!(TcpStream::connect(addr).await.is_ok(), "reachable on 127.0.0.1");
    assert!(TcpStream::connect(("::1", addr.port())).await.is_err(), "not on IPv6 loopback");
    // The machine's outward address, if it has one (a UDP "connect" sends nothing).
    let outward = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    match outward {
        Some(ip) => {
            // Refused, or (behind a dropping firewall) never answered: either way not reached.
            let attempt = tokio::time::timeout(Duration::from_secs(3), TcpStream::connect((ip, addr.port()))).await;
            assert!(!matches!(attempt, Ok(Ok(_))), "the listener must not be reachable on {ip}");
        }
        None => eprintln!("no non-loopback address on this machine; skipped that part"),
    }
}

#[tokio::test]
async fn a_good_callback_completes_the_flow_and_closes_the_port() {
    let flow = start().await;
    let addr = flow.addr;
    assert_eq!(get(addr, &good_callback()).await, Some(200));
    let callback = flow.outcome().await.unwrap();
    assert_eq!(callback.code.expose(), "4/0AbCd-good_code");
    assert_eq!(callback.iss.as_deref(), Some("https://accounts.google.com"));
    assert!(refused(addr).await, "a second request after the answer finds the port closed");
}

#[tokio::test]
async fn a_wrong_path_gets_404_and_the_right_callback_still_completes() {
    let flow = start().await;
    assert_eq!(get(flow.addr, "/favicon.ico").await, Some(404));
    assert_eq!(get(flow.addr, "/").await, Some(404));
    assert_eq!(get(flow.addr, &format!("/callback/?code=a&state={STATE}")).await, Some(404));
    assert_eq!(get(flow.addr, &format!("/%63allback?code=a&state={STATE}")).await, Some(404));
    assert_eq!(get(flow.addr, &format!("http://{}/callback?code=a&state={STATE}", flow.addr)).await, Some(404));
    assert!(flow.still_waiting().await);
    assert_eq!(get(flow.addr, &good_callback()).await, Some(200));
    assert!(flow.outcome().await.is_ok());
}

#[tokio::test]
async fn a_wrong_state_ends_the_flow_with_state_mismatch() {
    let flow = start().await;
    assert_eq!(get(flow.addr, "/callback?code=4%2Fforged&state=not-this-flow").await, Some(400));
    assert_eq!(error_code(flow.outcome().await), ErrorCode::StateMismatch);
}

#[tokio::test]
async fn a_missing_state_ends_the_flow_with_state_mismatch() {
    let flow = start().await;
    assert_eq!(get(flow.addr, "/callback?code=4%2Fforged").await, Some(400));
    assert_eq!(error_code(flow.outcome().await), ErrorCode::StateMismatch);
}

#[tokio::test]
async fn a_state_that_only_shares_a_prefix_is_a_mismatch() {
    let flow = start().await;
    let target = format!("/callback?code=a&state={}", &STATE[..STATE.len() - 1]);
    assert_eq!(get(flow.addr, &target).await, Some(400));
    assert_eq!(error_code(flow.outcome().await), ErrorCode::StateMismatch);
}

#[tokio::test]
async fn a_duplicated_state_is_ambiguous_and_refused() {
    let flow = start().await;
    let target = format!("/callback?code=a&state={STATE}&state=attacker");
    assert_eq!(get(flow.addr, &target).await, Some(400));
    assert_eq!(error_code(flow.outcome().await), ErrorCode::StateMismatch);
}

#[tokio::test]
async fn a_duplicated_code_is_ambiguous_and_refused() {
    let flow = start().await;
    let target = format!("/callback?code=a&code=b&state={STATE}");
    assert_eq!(get(flow.addr, &target).await, Some(400));
    assert_eq!(error_code(flow.outcome().await), ErrorCode::StateMismatch);
}

#[tokio::test]
async fn a_missing_or_empty_code_is_invalid_input() {
    for query in [format!("state={STATE}"), format!("code=&state={STATE}")] {
        let flow = start().await;
        assert_eq!(get(flow.addr, &format!("/callback?{query}")).await, Some(400));
        assert_eq!(error_code(flow.outcome().await), ErrorCode::InvalidInput, "{query}");
    }
}

#[tokio::test]
async fn a_huge_code_is_invalid_input() {
    let flow = start().await;
    let target = format!("/callback?code={}&state={STATE}", "c".repeat(MAX_CODE_BYTES + 1));
    assert_eq!(get(flow.addr, &target).await, Some(400));
    assert_eq!(error_code(flow.outcome().await), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn a_code_with_control_characters_is_invalid_input() {
    for code in ["4%2Fab%0D%0ASet-Cookie%3A+x", "a%00b", "%FF%FE"] {
        let flow = start().await;
        assert_eq!(get(flow.addr, &format!("/callback?code={code}&state={STATE}")).await, Some(400));
        assert_eq!(error_code(flow.outcome().await), ErrorCode::InvalidInput, "{code}");
    }
}

#[tokio::test]
async fn a_denied_consent_says_so() {
    let flow = start().await;
    let target = format!("/callback?error=access_denied&error_description=The+user+said+no&state={STATE}");
    assert_eq!(get(flow.addr, &target).await, Some(200));
    let err = flow.outcome().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConsentDenied);
    assert!(err.to_string().contains("access_denied: The user said no"), "{err}");
}

#[tokio::test]
async fn a_huge_error_description_is_cut_for_the_user() {
    let flow = start().await;
    let target = format!("/callback?error=access_denied&error_description={}%0A&state={STATE}", "x".repeat(4000));
    assert_eq!(get(flow.addr, &target).await, Some(200));
    let err = flow.outcome().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConsentDenied);
    assert!(err.to_string().len() < 600, "{} chars", err.to_string().len());
}

#[tokio::test]
async fn a_fragment_is_refused_and_the_flow_goes_on() {
    let flow = start().await;
    assert_eq!(get(flow.addr, &format!("{}#frag", good_callback())).await, Some(400));
    assert!(flow.still_waiting().await);
    assert_eq!(get(flow.addr, &good_callback()).await, Some(200));
    assert!(flow.outcome().await.is_ok());
}

#[tokio::test]
async fn an_oversized_head_is_refused_and_the_flow_goes_on() {
    let flow = start().await;
    let head = format!("GET {} HTTP/1.1\r\nX-Padding: {}\r\n\r\n", good_callback(), "p".repeat(20 * 1024));
    assert_eq!(send(flow.addr, head.as_bytes()).await, Some(431));
    assert!(flow.still_waiting().await);
    assert_eq!(get(flow.addr, &good_callback()).await, Some(200));
    assert!(flow.outcome().await.is_ok());
}

#[tokio::test]
async fn an_oversized_query_is_refused_and_the_flow_goes_on() {
    let flow = start().await;
    let target = format!("{}&pad={}", good_callback(), "q".repeat(MAX_QUERY_BYTES));
    assert_eq!(get(flow.addr, &target).await, Some(414));
    assert!(flow.still_waiting().await);
    assert_eq!(get(flow.addr, &good_callback()).await, Some(200));
    assert!(flow.outcome().await.is_ok());
}

#[tokio::test]
async fn other_methods_and_garbage_are_ignored() {
    let flow = start().await;
    let target = good_callback();
    for method in ["POST", "HEAD", "PUT", "OPTIONS", "get"] {
        let request = format!("{method} {target} HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(send(flow.addr, request.as_bytes()).await, Some(405), "{method}");
    }
    for junk in [
        &b"\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET /callback HTTP/2.0\r\n\r\n",
        b"GET /call\x00back HTTP/1.1\r\n\r\n",
        b"\xff\xfe\xfd\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello\r\n\r\n",
    ] {
        assert_eq!(send(flow.addr, junk).await, Some(400), "{:?}", String::from_utf8_lossy(junk));
    }
    // A client that stops sending (half-closes) before finishing its head.
    let mut stream = TcpStream::connect(flow.addr).await.unwrap();
    stream.write_all(format!("GET /callback?code=a&state={STATE}").as_bytes()).await.unwrap();
    stream.shutdown().await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await.unwrap().unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 400 "), "{}", String::from_utf8_lossy(&answer));
    assert!(flow.still_waiting().await);
    assert_eq!(get(flow.addr, &target).await, Some(200));
    assert!(flow.outcome().await.is_ok());
}

#[tokio::test]
async fn stalled_connections_do_not_hold_up_the_browser() {
    let flow = start().await;
    // Slowloris: several clients that start a request and never finish it.
    let mut stalled = Vec::new();
    for _ in 0..8 {
        let mut stream = TcpStream::connect(flow.addr).await.unwrap();
        stream.write_all(format!("GET /callback?code=slow&state={STATE}").as_bytes()).await.unwrap();
        stalled.push(stream);
    }
    let mut silent = TcpStream::connect(flow.addr).await.unwrap();
    let started = std::time::Instant::now();
    assert_eq!(get(flow.addr, &good_callback()).await, Some(200));
    let callback = flow.outcome().await.unwrap();
    assert_eq!(callback.code.expose(), "4/0AbCd-good_code");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    // The flow is over: the stalled connections are closed too.
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(2), silent.read(&mut buf)).await.expect("closed promptly");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
}

#[tokio::test]
async fn two_answers_at_once_end_the_flow_once() {
    let flow = start().await;
    let request = format!("GET {} HTTP/1.1\r\n\r\n", good_callback());
    let (a, b) = tokio::join!(send(flow.addr, request.as_bytes()), send(flow.addr, request.as_bytes()));
    let winners = [a, b].iter().filter(|s| **s == Some(200)).count();
    assert_eq!(winners, 1, "{a:?} {b:?}");
    assert!(flow.outcome().await.is_ok());
}

#[tokio::test]
async fn the_listener_closes_when_the_flow_is_cancelled_or_times_out() {
    // Timeout: the caller stops waiting (what `connect_begin`'s select! does).
    let listener = CallbackListener::bind().await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut stalled = TcpStream::connect(addr).await.unwrap();
    stalled.write_all(b"GET /callback").await.unwrap();
    let waited = tokio::time::timeout(Duration::from_millis(200), listener.receive(STATE)).await;
    assert!(waited.is_err(), "nothing answered");
    assert!(refused(addr).await, "the port is closed after the timeout");
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(2), stalled.read(&mut buf)).await.expect("closed promptly");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");

    // Cancel: the task is aborted.
    let flow = start().await;
    assert!(flow.still_waiting().await);
    flow.task.abort();
    let _ = flow.task.await;
    assert!(refused(flow.addr).await, "the port is closed after cancel");
}

#[tokio::test]
async fn an_issuer_mismatch_is_rejected_when_the_network_sends_one() {
    let config = oauth_config();
    let flow = start().await;
    let target = format!("/callback?code=a&state={STATE}&iss=https%3A%2F%2Fevil.example");
    assert_eq!(get(flow.addr, &target).await, Some(200));
    let callback = flow.outcome().await.unwrap();
    let err = config.check_issuer(callback.iss.as_deref()).unwrap_err();
    assert!(matches!(err, Error::IssuerMismatch));
    assert_eq!(err.code(), ErrorCode::StateMismatch);
    // The right issuer, or none (Google does not always send `iss`), passes.
    assert!(config.check_issuer(Some("https://accounts.google.com")).is_ok());
    assert!(config.check_issuer(None).is_ok());
    // Two issuers cannot be checked: ambiguous, refused.
    let flow = start().await;
    let target = format!("/callback?code=a&state={STATE}&iss=https%3A%2F%2Faccounts.google.com&iss=https%3A%2F%2Fevil");
    assert_eq!(get(flow.addr, &target).await, Some(400));
    assert_eq!(error_code(flow.outcome().await), ErrorCode::StateMismatch);
}

// ---------------------------------------------------------------------------------------------
// Token endpoint answers
// ---------------------------------------------------------------------------------------------

const NETWORK: &str = "Google Business Profile";

fn oauth_config() -> OAuthConfig {
    OAuthConfig {
        network_name: NETWORK,
        client_id: "client-id.apps.example".into(),
        client_secret: Some(Sensitive::new("client-secret".into())),
        authorize: url::Url::parse("https://accounts.example/o/oauth2/v2/auth").unwrap(),
        token: url::Url::parse("https://oauth2.example/token").unwrap(),
        revoke: None,
        scopes: vec!["https://www.googleapis.com/auth/business.manage".into()],
        extra_authorize_params: vec![("access_type", "offline")],
        issuer: Some("https://accounts.google.com".into()),
        pkce: herald_core::oauth::PkceStyle::default(),
    }
}

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
