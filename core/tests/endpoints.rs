//! Where requests may go and what comes back: every endpoint is https or loopback http (checked
//! at load and at request time), URLs built from a network's answers keep the configured origin,
//! every answer is capped, and network text is cleaned and bounded before it is stored, shown or
//! logged. Also the RFC 9207 issuer: required where the network always sends it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use herald_core::api::ErrorCode;
use herald_core::{Config, Endpoints, Herald, NetworkId, Sensitive};
use herald_sandbox::{AutoConsent, Endpoint, Fault, SandboxConfig};
use tokio::net::TcpListener;

/// The sandbox's endpoints as an endpoints file would carry them, with `field` of Google's set to `value`.
fn endpoints_json_with(field: &str, value: &str) -> String {
    let endpoints = Endpoints::sandbox("http://127.0.0.1:4010").unwrap();
    let mut json = serde_json::to_value(&endpoints).unwrap();
    json["google"][field] = serde_json::Value::String(value.to_owned());
    json.to_string()
}

#[test]
fn an_endpoints_file_with_a_clear_text_or_odd_endpoint_is_refused_naming_the_entry() {
    for (field, bad) in [
        ("token", "http://oauth2.example.com/token"),
        ("revoke", "http://localhost:4010/google/revoke"),
        ("accounts", "http://192.168.1.20/v1/accounts"),
        ("business_information", "ftp://127.0.0.1/v1/"),
        ("authorize", "https://user:pw@accounts.example/auth"),
    ] {
        let err = Endpoints::from_json(&endpoints_json_with(field, bad)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{field}");
        assert!(err.to_string().contains(&format!("google.{field}")), "{field}: {err}");
    }
    // Loopback IP literals (the sandbox) and https are fine.
    assert!(Endpoints::from_json(&endpoints_json_with("token", "http://127.0.0.1:9/token")).is_ok());
    assert!(Endpoints::from_json(&endpoints_json_with("token", "https://oauth2.googleapis.com/token")).is_ok());
    // Google always names itself, so an empty issuer cannot be checked: refused too.
    let err = Endpoints::from_json(&endpoints_json_with("issuer", "")).unwrap_err();
    assert!(err.to_string().contains("google.issuer"), "{err}");
    // The sandbox constructor applies the same rule to its base.
    assert!(Endpoints::sandbox("http://sandbox.example:4010").is_err());
    assert!(Endpoints::default().validate().is_ok());
}

#[tokio::test]
async fn herald_refuses_to_start_with_an_endpoint_that_would_leak() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("data"));
    config.endpoints.google.token = url::Url::parse("http://oauth2.example.com/token").unwrap();
    let err = Herald::open(config).await.err().expect("refused");
    assert!(err.to_string().contains("google.token"), "{err}");
}

/// A port that counts the connections made to it: proof that nothing (and no bearer token) went there.
async fn trap() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((_stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    (port, hits)
}

#[tokio::test]
async fn the_http_client_refuses_clear_text_to_another_host_at_request_time() {
    let http = herald_core::oauth::http_client().unwrap();
    let started = Instant::now();
    // TEST-NET-1: a request that left would hang on connect; the refusal is immediate.
    let url = url::Url::parse("http://192.0.2.1/v1/accounts").unwrap();
    let err = http.send("Google Business Profile", http.get(url).bearer_auth("opaque-token")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("https"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2), "refused before connecting");

    // The token, refresh and revoke requests go through the same check, even when the
    // configuration was built by hand (skipping the load-time validation).
    let mut config = common::oauth::oauth_config();
    config.token = url::Url::parse("http://192.0.2.1/token").unwrap();
    config.revoke = Some(url::Url::parse("http://192.0.2.1/revoke").unwrap());
    let authorization = config.authorize("http://127.0.0.1:4321/callback").unwrap();
    let err = config
        .exchange_code(&http, "http://127.0.0.1:4321/callback", Sensitive::new("c".into()), authorization.verifier)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("https"), "{err}");
    let err = config.refresh(&http, &Sensitive::new("r".into())).await.unwrap_err();
    assert!(err.to_string().contains("https"), "{err}");
    let err = config.revoke(&http, &Sensitive::new("r".into())).await.unwrap_err();
    assert!(err.to_string().contains("https"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2), "nothing waited on a connection");
}

/// Sign in with consent given; return the error `connect_wait` ends with.
async fn connect_error(w: &World) -> herald_core::Error {
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    w.herald.connect_wait(&flow.flow_id).await.unwrap_err()
}

fn answer(endpoint: Endpoint, status: u16, body: String) -> (Endpoint, Fault) {
    (endpoint, Fault { status: Some(status), body: Some(body), times: Some(1), ..Fault::default() })
}

#[tokio::test]
async fn account_names_from_the_network_cannot_send_the_token_elsewhere() {
    let w = world().await;
    let (port, trapped) = trap().await;
    for name in [
        format!("//127.0.0.1:{port}/v1/accounts/1"),
        format!("http://127.0.0.1:{port}/v1/accounts/1"),
        "https://evil.example/v1/accounts/1".to_owned(),
        "accounts/../../../evil".to_owned(),
        "/accounts/1".to_owned(),
        "accounts/1?x=1".to_owned(),
    ] {
        let body = serde_json::json!({ "accounts": [{ "name": name, "accountName": "x" }] }).to_string();
        let (endpoint, fault) = answer(Endpoint::GoogleAccounts, 200, body);
        w.sandbox.inject(endpoint, fault);
        let err = connect_error(&w).await;
        assert_eq!(err.code(), ErrorCode::NetworkError, "{name}: {err}");
        assert!(err.to_string().contains("will not follow"), "{name}: {err}");
    }
    assert_eq!(trapped.load(Ordering::SeqCst), 0, "no request reached the trap");
    assert_eq!(w.sandbox.hits(Endpoint::GoogleLocations), 0, "no location listing was requested");
    assert!(w.herald.accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn location_names_must_be_location_ids() {
    let w = world().await;
    let body = serde_json::json!({ "locations": [{ "name": "../../evil", "title": "x" }] }).to_string();
    let (endpoint, fault) = answer(Endpoint::GoogleLocations, 200, body);
    w.sandbox.inject(endpoint, fault);
    let err = connect_error(&w).await;
    assert!(err.to_string().contains("location Herald cannot use"), "{err}");
}

#[tokio::test]
async fn a_50_mib_answer_is_refused_without_reading_it_all() {
    let w = world().await;
    let huge = format!("{{\"accounts\":[],\"pad\":\"{}\"}}", "a".repeat(50 * 1024 * 1024));
    for status in [200, 500] {
        let (endpoint, fault) = answer(Endpoint::GoogleAccounts, status, huge.clone());
        w.sandbox.inject(endpoint, fault);
        let err = connect_error(&w).await;
        assert_eq!(err.code(), ErrorCode::NetworkError, "{status}");
        assert!(err.to_string().contains("larger than 2 MiB"), "{status}: {err}");
    }
}

/// No control character, no ANSI escape remnant, bounded.
fn assert_clean(text: &str, max_chars: usize) {
    assert!(!text.chars().any(char::is_control), "control characters in {text:?}");
    assert!(!text.contains("[31m") && !text.contains("]0;"), "escape remnants in {text:?}");
    assert!(text.chars().count() <= max_chars, "{} chars", text.chars().count());
}

const HOSTILE: &str = "first line\nsecond line\r\n\u{1b}[31mred\u{1b}[0m \u{1b}]0;window title\u{7}\u{202e}reversed";

#[tokio::test]
async fn network_error_messages_are_cleaned_and_bounded_before_the_user_sees_them() {
    let w = world().await;
    for message in [HOSTILE.to_owned(), format!("{HOSTILE} {}", "x".repeat(100 * 1024))] {
        let body = serde_json::json!({ "error": { "code": 403, "message": message, "status": "PERMISSION_DENIED" } });
        let (endpoint, fault) = answer(Endpoint::GoogleAccounts, 403, body.to_string());
        w.sandbox.inject(endpoint, fault);
        let err = connect_error(&w).await;
        assert_eq!(err.code(), ErrorCode::NetworkRejected);
        let shown = err.to_string();
        assert!(shown.contains("first line second line red"), "{shown}");
        assert_clean(&shown, 400);
    }
}

#[tokio::test]
async fn names_from_the_network_are_cleaned_and_bounded_before_they_are_stored() {
    let w = world().await;
    let title = format!("Forno\n\u{1b}[1mRossi\u{1b}[0m {}", "y".repeat(100 * 1024));
    let body = serde_json::json!({ "locations": [{ "name": "locations/5550000001", "title": title }] }).to_string();
    let (endpoint, fault) = answer(Endpoint::GoogleLocations, 200, body);
    w.sandbox.inject(endpoint, fault);
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    let candidates = w.herald.connect_wait(&flow.flow_id).await.unwrap();
    assert!(candidates[0].display_name.starts_with("Forno Rossi y"), "{}", &candidates[0].display_name[..40]);
    assert_clean(&candidates[0].display_name, 201);
    let stored = w.herald.connect_finish(&flow.flow_id, &[candidates[0].external_id.clone()]).await.unwrap();
    assert_clean(&stored[0].display_name, 201);
}

#[tokio::test]
async fn a_refresh_error_is_stored_cleaned_and_bounded() {
    let w = world_with(SandboxConfig::demo(), |c| c.refresh_margin = chrono::Duration::hours(2)).await;
    connect(&w, None).await;
    // Under the 64 KiB token-answer cap, so the description itself must be bounded.
    let description = format!("{HOSTILE} {}", "z".repeat(50 * 1024));
    let body = serde_json::json!({ "error": "temporarily_unavailable", "error_description": description });
    let (endpoint, fault) = answer(Endpoint::GoogleToken, 503, body.to_string());
    w.sandbox.inject(endpoint, fault);
    let checked = w.herald.check_accounts().await.unwrap();
    let stored = checked[0].last_error.as_deref().expect("the failure is recorded");
    assert!(stored.contains("first line second line"), "{stored}");
    assert_clean(stored, 500);
}

#[tokio::test]
async fn google_always_sends_iss_so_an_answer_without_it_is_refused() {
    let w = world().await;
    w.sandbox.set_issuer(None);
    let err = connect_error(&w).await;
    assert_eq!(err.code(), ErrorCode::StateMismatch);
    assert!(err.to_string().contains("issuer"), "{err}");
    assert_eq!(w.sandbox.hits(Endpoint::GoogleToken), 0, "the code was not exchanged");

    // With the issuer back, the same sign-in works.
    w.sandbox.set_issuer(Some(w.sandbox.base_url()));
    connect(&w, None).await;
}
