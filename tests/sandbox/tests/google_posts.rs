//! Google Business Profile local posts: create, list, validation, auth, per-minute quota, and the
//! stall / drop switch (a publish that lands while its caller never hears back).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{approve_all, client, connect, start};
use herald_sandbox::{AutoConsent, Endpoint, Fault, Sandbox, SandboxConfig};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const CENTRO: &str = "accounts/108000000001/locations/5550000001";
const STAZIONE: &str = "accounts/108000000001/locations/5550000002";

fn posts_url(sb: &Sandbox, location: &str) -> String {
    format!("{}/google/mybusiness/v4/{location}/localPosts", sb.base_url())
}

async fn create(sb: &Sandbox, http: &Client, token: &str, location: &str, body: &Value) -> (StatusCode, Value) {
    let response = http.post(posts_url(sb, location)).bearer_auth(token).json(body).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn list(sb: &Sandbox, http: &Client, token: &str, location: &str, query: &str) -> (StatusCode, Value) {
    let response = http.get(format!("{}{query}", posts_url(sb, location))).bearer_auth(token).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

/// A JPEG header (SOI, JFIF, SOF0 with the size), padded to `len` bytes.
fn jpeg(width: u16, height: u16, len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
    bytes.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9]);
    bytes.resize(len.max(bytes.len()), 0);
    bytes
}

/// Serve `bytes` at `/photo.jpg` on a loopback port (a media host stand-in: any web server).
async fn serve(bytes: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/photo.jpg", axum::routing::get(move || async move { bytes.clone() }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/photo.jpg")
}

fn label(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let hex: String = sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    format!("upload:{}:{hex}", bytes.len())
}

fn standard(summary: &str) -> Value {
    json!({ "languageCode": "it", "summary": summary, "topicType": "STANDARD" })
}

fn fields(body: &Value) -> Vec<(u64, String)> {
    body["error"]["details"][0]["errorDetails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_u64().unwrap(), d["field"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn create_answers_the_local_post_lists_it_and_records_it() {
    let sb = start(approve_all()).await;
    let http = client();
    let (token, _) = connect(&sb, &http).await;
    let photo = jpeg(800, 600, 40_000);
    let url = serve(photo.clone()).await;
    let body = json!({
        "languageCode": "it",
        "summary": "Pane caldo alle 7",
        "topicType": "STANDARD",
        "callToAction": { "actionType": "LEARN_MORE", "url": "https://forno.example/pane" },
        "media": [{ "mediaFormat": "PHOTO", "sourceUrl": url }],
    });
    let (status, post) = create(&sb, &http, &token, CENTRO, &body).await;
    assert_eq!(status, StatusCode::OK, "{post}");
    let name = post["name"].as_str().unwrap();
    assert!(name.starts_with(&format!("{CENTRO}/localPosts/")), "{name}");
    assert_eq!(post["state"], "LIVE");
    assert_eq!(post["summary"], "Pane caldo alle 7");
    assert_eq!(post["topicType"], "STANDARD");
    assert_eq!(post["callToAction"]["actionType"], "LEARN_MORE");
    assert!(post["searchUrl"].as_str().unwrap().starts_with("https://local.google.com/place?"));
    assert!(post["createTime"].as_str().unwrap().ends_with('Z'));
    assert_eq!(post["media"][0]["mediaFormat"], "PHOTO");
    assert!(post["media"][0]["googleUrl"].is_string());

    let (_, second) = create(&sb, &http, &token, CENTRO, &standard("Cornetti")).await;
    let (status, listed) = list(&sb, &http, &token, CENTRO, "").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> =
        listed["localPosts"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, [second["name"].as_str().unwrap(), name], "newest first");
    let (_, paged) = list(&sb, &http, &token, CENTRO, "?pageSize=1").await;
    assert_eq!(paged["localPosts"].as_array().unwrap().len(), 1);
    assert!(paged["nextPageToken"].is_string());
    let (_, other) = list(&sb, &http, &token, STAZIONE, "").await;
    assert_eq!(other, json!({}), "another location has no posts");

    let published = sb.published();
    assert_eq!(published.len(), 2);
    assert_eq!(published[0].network, "google");
    assert_eq!(published[0].author, "locations/5550000001");
    assert_eq!(published[0].id, name);
    assert_eq!(published[0].text, "Pane caldo alle 7");
    assert_eq!(published[0].media, [label(&photo)], "the photo Google fetched, byte for byte");
}

#[tokio::test]
async fn a_photo_google_cannot_fetch_or_use_refuses_the_post() {
    let sb = start(approve_all()).await;
    let http = client();
    let (token, _) = connect(&sb, &http).await;
    let post = |url: &str| {
        json!({ "languageCode": "it", "summary": "Foto", "topicType": "STANDARD",
                "media": [{ "mediaFormat": "PHOTO", "sourceUrl": url }] })
    };
    let closed = format!("http://127.0.0.1:{}/gone.jpg", {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    });
    let tiny = serve(jpeg(800, 600, 2_000)).await;
    let small = serve(jpeg(200, 200, 40_000)).await;
    for url in [closed.as_str(), tiny.as_str(), small.as_str()] {
        let (status, body) = create(&sb, &http, &token, CENTRO, &post(url)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
        assert_eq!(fields(&body), [(3, "media.source_url".to_owned())], "{url}");
    }
    assert!(sb.published().is_empty(), "nothing was posted");
}

#[tokio::test]
async fn validation_errors_are_google_shaped() {
    let sb = start(approve_all()).await;
    let http = client();
    let (token, _) = connect(&sb, &http).await;

    let (status, body) = create(&sb, &http, &token, CENTRO, &json!({ "summary": "x" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(body["error"]["details"][0]["@type"], "type.googleapis.com/google.mybusiness.v4.ValidationError");
    assert_eq!(fields(&body), [(2, "topic_type".to_owned())]);
    assert_eq!(body["error"]["details"][0]["errorDetails"][0]["message"], "Topic type is required for post creation.");

    let (status, body) = create(&sb, &http, &token, CENTRO, &standard(&"a".repeat(1501))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&body), [(3, "summary".to_owned())]);
    let (status, _) = create(&sb, &http, &token, CENTRO, &standard(&"à".repeat(1500))).await;
    assert_eq!(status, StatusCode::OK, "1,500 characters (not bytes) is the limit");

    let bad = json!({
        "summary": "x", "topicType": "STANDARD",
        "callToAction": { "actionType": "ORDER" },
        "media": [{ "mediaFormat": "PHOTO" }],
    });
    let (_, body) = create(&sb, &http, &token, CENTRO, &bad).await;
    assert_eq!(fields(&body), [(2, "call_to_action.url".to_owned()), (2, "media.source_url".to_owned())]);

    let response = http.post(posts_url(&sb, CENTRO)).bearer_auth(&token).body("not json").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(sb.published().len(), 1, "only the valid post landed");
}

#[tokio::test]
async fn auth_errors_401_403_404() {
    let config = SandboxConfig {
        auto_consent: Some(AutoConsent::Approve { locations: Some(vec!["locations/5550000001".to_owned()]) }),
        ..SandboxConfig::demo()
    };
    let sb = Sandbox::start(config).await.unwrap();
    let http = client();
    let (token, _) = connect(&sb, &http).await;

    let response = http.post(posts_url(&sb, CENTRO)).json(&standard("x")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().contains_key("www-authenticate"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
    let (status, body) = create(&sb, &http, "ya29.bogus", CENTRO, &standard("x")).await;
    assert_eq!((status, body["error"]["status"].as_str()), (StatusCode::UNAUTHORIZED, Some("UNAUTHENTICATED")));

    let (status, body) = create(&sb, &http, &token, STAZIONE, &standard("x")).await;
    assert_eq!((status, body["error"]["status"].as_str()), (StatusCode::FORBIDDEN, Some("PERMISSION_DENIED")));
    let (status, _) = list(&sb, &http, &token, STAZIONE, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = create(&sb, &http, &token, "accounts/108000000001/locations/999", &standard("x")).await;
    assert_eq!((status, body["error"]["status"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));
    assert!(sb.published().is_empty());
}

#[tokio::test]
async fn edits_per_minute_per_profile_quota() {
    let mut config = SandboxConfig { auto_consent: approve_all(), ..SandboxConfig::demo() };
    config.google.edits_per_minute = 2;
    let sb = Sandbox::start(config).await.unwrap();
    let http = client();
    let (token, _) = connect(&sb, &http).await;
    for i in 0..2 {
        let (status, _) = create(&sb, &http, &token, CENTRO, &standard(&format!("post {i}"))).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, body) = create(&sb, &http, &token, CENTRO, &standard("one too many")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["status"], "RESOURCE_EXHAUSTED");
    assert_eq!(body["error"]["details"][0]["reason"], "RATE_LIMIT_EXCEEDED");
    let (status, _) = create(&sb, &http, &token, STAZIONE, &standard("other profile")).await;
    assert_eq!(status, StatusCode::OK, "the quota is per profile");
    assert_eq!(sb.published().len(), 3);
}

#[tokio::test]
async fn stall_lands_the_post_but_answers_late() {
    let sb = start(approve_all()).await;
    let http = client();
    let (token, _) = connect(&sb, &http).await;
    sb.inject(Endpoint::GoogleLocalPosts, Fault::stall(2_000).times(1));
    let started = Instant::now();
    let result = http
        .post(posts_url(&sb, CENTRO))
        .bearer_auth(&token)
        .json(&standard("stalled"))
        .timeout(Duration::from_millis(500))
        .send()
        .await;
    let error = result.expect_err("the answer comes after the client gave up");
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(1_500));
    let published = sb.published();
    assert_eq!(published.len(), 1, "the post landed although the caller timed out");
    assert_eq!(published[0].text, "stalled");
    let (_, listed) = list(&sb, &http, &token, CENTRO, "").await;
    assert_eq!(listed["localPosts"][0]["summary"], "stalled", "reconciliation finds it");

    // A patient client gets the answer after the stall.
    sb.inject(Endpoint::GoogleLocalPosts, Fault::stall(300).times(1));
    let started = Instant::now();
    let (status, _) = create(&sb, &http, &token, CENTRO, &standard("patient")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn drop_lands_the_post_and_closes_the_connection_unanswered() {
    let sb = start(approve_all()).await;
    let http = client();
    let (token, _) = connect(&sb, &http).await;
    sb.inject(Endpoint::GoogleLocalPosts, Fault::drop_connection().times(1));
    let result = http
        .post(posts_url(&sb, CENTRO))
        .bearer_auth(&token)
        .json(&standard("dropped"))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    let error = result.expect_err("no response at all");
    assert!(!error.is_timeout() && error.status().is_none(), "closed, not answered: {error:?}");
    assert_eq!(sb.published().len(), 1, "the post landed");
    assert_eq!(sb.hits(Endpoint::GoogleLocalPosts), 1);

    // The fault was for one request: the next publish is answered normally.
    let (status, _) = create(&sb, &http, &token, CENTRO, &standard("after")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, listed) = list(&sb, &http, &token, CENTRO, "").await;
    assert_eq!(listed["localPosts"].as_array().unwrap().len(), 2);
}
