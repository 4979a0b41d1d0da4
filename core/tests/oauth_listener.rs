//! Hostile input to the loopback listener that receives the browser's sign-in answer, driven
//! over real loopback sockets. Every case ends in a clear `Error` or an ignored request, never a
//! panic. No keyring needed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use common::oauth::oauth_config;
use herald_core::api::ErrorCode;
use herald_core::oauth::listener::{CallbackListener, MAX_CODE_BYTES, MAX_CONNECTIONS, MAX_QUERY_BYTES};
use herald_core::Error;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

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

/// Answers that do not carry exactly this flow's `state`: each gets the "not this sign-in" page
/// (403) and the flow keeps waiting for the browser.
fn foreign_answers() -> Vec<String> {
    vec![
        "/callback?code=4%2Fforged&state=not-this-flow".into(),
        "/callback?code=4%2Fforged".into(),
        // What `<img src=http://127.0.0.1:N/callback>` on any web page sends.
        "/callback".into(),
        "/callback?".into(),
        format!("/callback?code=a&state={}", &STATE[..STATE.len() - 1]),
        format!("/callback?code=a&state={STATE}x"),
        format!("/callback?code=a&state={}", STATE.to_uppercase()),
        "/callback?code=a&state=".into(),
        // A forged refusal must not cancel the sign-in either.
        "/callback?error=access_denied&state=not-this-flow".into(),
        "/callback?error=access_denied".into(),
        // Ambiguous: which state, which code, which issuer?
        format!("/callback?code=a&state={STATE}&state=attacker"),
        format!("/callback?code=a&state=attacker&state={STATE}"),
        format!("/callback?code=a&state={STATE}&state={STATE}"),
        format!("/callback?code=a&code=b&state={STATE}"),
        format!("/callback?error=access_denied&error=x&state={STATE}"),
        format!("/callback?code=a&state={STATE}&iss=https%3A%2F%2Faccounts.google.com&iss=https%3A%2F%2Fevil"),
    ]
}

#[tokio::test]
async fn answers_without_this_flows_exact_state_are_ignored_and_the_flow_goes_on() {
    let flow = start().await;
    for target in foreign_answers() {
        assert_eq!(get(flow.addr, &target).await, Some(403), "{target}");
    }
    assert!(flow.still_waiting().await, "no foreign answer ends the flow");
    assert_eq!(get(flow.addr, &good_callback()).await, Some(200));
    let callback = flow.outcome().await.unwrap();
    assert_eq!(callback.code.expose(), "4/0AbCd-good_code");
}

#[tokio::test]
async fn a_hundred_wrong_states_then_the_right_one_completes() {
    let flow = start().await;
    for i in 0..100 {
        let target = format!("/callback?code=4%2Fforged-{i}&state=guess-{i}");
        assert_eq!(get(flow.addr, &target).await, Some(403), "attempt {i}");
    }
    assert!(flow.still_waiting().await);
    assert_eq!(get(flow.addr, &good_callback()).await, Some(200));
    assert_eq!(flow.outcome().await.unwrap().code.expose(), "4/0AbCd-good_code");
}

#[tokio::test]
async fn the_page_for_a_foreign_answer_says_it_was_ignored() {
    let flow = start().await;
    let mut stream = TcpStream::connect(flow.addr).await.unwrap();
    stream.write_all(b"GET /callback HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await.unwrap().unwrap();
    let answer = String::from_utf8(answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{answer}");
    assert!(answer.contains("Content-Security-Policy: default-src 'none'"), "{answer}");
    assert!(answer.contains("was ignored"), "{answer}");
    assert!(flow.still_waiting().await);
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
async fn more_idle_sockets_than_slots_cannot_starve_the_browser() {
    let flow = start().await;
    // Three times as many connections as the listener serves at once, all held open: silent
    // ones, and ones that started a request head and never finished it.
    let mut idle = Vec::new();
    for i in 0..3 * MAX_CONNECTIONS {
        let mut stream = TcpStream::connect(flow.addr).await.unwrap();
        if i % 2 == 1 {
            stream.write_all(format!("GET /callback?code=slow&state={STATE}").as_bytes()).await.unwrap();
        }
        idle.push(stream);
    }
    // Give the listener time to accept them all, so the browser comes last.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    assert_eq!(get(flow.addr, &good_callback()).await, Some(200), "the browser's request is answered");
    assert_eq!(flow.outcome().await.unwrap().code.expose(), "4/0AbCd-good_code");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    drop(idle);
}

#[tokio::test]
async fn slots_are_recycled_while_idle_sockets_keep_coming() {
    let flow = start().await;
    // An attacker that keeps the slots full: a new idle socket for each one dropped. Between
    // rounds the browser's requests (a favicon, then the callback) still get through.
    let mut idle = Vec::new();
    for round in 0..3 {
        for _ in 0..MAX_CONNECTIONS {
            idle.push(TcpStream::connect(flow.addr).await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        if round < 2 {
            assert_eq!(get(flow.addr, "/favicon.ico").await, Some(404), "round {round}");
        }
    }
    // The listener holds at most MAX_CONNECTIONS of them open; the others were closed.
    let mut closed = 0;
    for stream in &mut idle {
        let mut buf = [0u8; 16];
        let read = tokio::time::timeout(Duration::from_millis(20), stream.read(&mut buf)).await;
        if matches!(read, Ok(Ok(0) | Err(_))) {
            closed += 1;
        }
    }
    assert!(closed >= idle.len() - MAX_CONNECTIONS, "{closed} of {} closed", idle.len());
    assert_eq!(get(flow.addr, &good_callback()).await, Some(200));
    assert!(flow.outcome().await.is_ok());
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
    // Two issuers cannot be checked: ambiguous, ignored (the flow goes on).
    let flow = start().await;
    let target = format!("/callback?code=a&state={STATE}&iss=https%3A%2F%2Faccounts.google.com&iss=https%3A%2F%2Fevil");
    assert_eq!(get(flow.addr, &target).await, Some(403));
    assert!(flow.still_waiting().await);
}
