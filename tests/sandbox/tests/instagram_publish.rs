//! Instagram content publishing: container → status → media_publish, the real fetch of
//! `image_url` (from a loopback image server here) and its refusals, caption rules, the 24-hour
//! publishing limit, and the recent-media listing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::routing::get;
use axum::Router;
use common::{api_get, client, location_header, query_param, start_approving};
use herald_sandbox::{
    Endpoint, Fault, Sandbox, SandboxConfig, DEMO_INSTAGRAM_CLIENT_ID, DEMO_INSTAGRAM_CLIENT_SECRET,
    DEMO_INSTAGRAM_REDIRECT_URI,
};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use url::Url;

const IG: &str = "17841400000000001";

/// A minimal JPEG header (SOI, JFIF APP0, SOF0 with the size, EOI), padded to `len` bytes.
fn jpeg(width: u16, height: u16, len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
    bytes.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9]);
    bytes.resize(len.max(bytes.len()), 0);
    bytes
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

/// Serves test images on loopback; returns its base URL.
async fn image_server() -> String {
    let app = Router::new()
        .route("/square.jpg", get(|| async { jpeg(1080, 1080, 2048) }))
        .route("/portrait.jpg", get(|| async { jpeg(1080, 1350, 2048) }))
        .route("/landscape.jpg", get(|| async { jpeg(1910, 1000, 2048) }))
        .route("/story.jpg", get(|| async { jpeg(1080, 1920, 2048) }))
        .route("/wide.jpg", get(|| async { jpeg(2000, 1000, 2048) }))
        .route("/huge.jpg", get(|| async { jpeg(1080, 1080, 8 * 1024 * 1024 + 1) }))
        .route("/image.png", get(|| async { png(1080, 1080) }))
        .route(
            "/slow.jpg",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                jpeg(1080, 1080, 2048)
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn start(configure: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    start_approving(|config| {
        config.instagram.container_processing_ms = 100;
        config.instagram.fetch_timeout_ms = 1_000;
        configure(config);
    })
    .await
}

async fn connect(sb: &Sandbox, http: &Client, scope: &str) -> String {
    let mut url = Url::parse(&format!("{}/instagram/www/oauth/authorize", sb.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", DEMO_INSTAGRAM_CLIENT_ID)
        .append_pair("redirect_uri", DEMO_INSTAGRAM_REDIRECT_URI)
        .append_pair("response_type", "code")
        .append_pair("scope", scope);
    let redirect = location_header(&http.get(url).send().await.unwrap());
    let code = query_param(&redirect, "code").unwrap();
    let response = http
        .post(format!("{}/instagram/api/oauth/access_token", sb.base_url()))
        .form(&[
            ("client_id", DEMO_INSTAGRAM_CLIENT_ID),
            ("client_secret", DEMO_INSTAGRAM_CLIENT_SECRET),
            ("grant_type", "authorization_code"),
            ("redirect_uri", DEMO_INSTAGRAM_REDIRECT_URI),
            ("code", &code),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    body["data"][0]["access_token"].as_str().unwrap().to_owned()
}

fn graph(sb: &Sandbox, path: &str) -> String {
    format!("{}/instagram/graph/v25.0/{path}", sb.base_url())
}

async fn create(sb: &Sandbox, http: &Client, token: &str, image_url: &str, caption: &str) -> (StatusCode, Value) {
    let response = http
        .post(graph(sb, &format!("{IG}/media")))
        .form(&[("image_url", image_url), ("caption", caption), ("access_token", token)])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn status(sb: &Sandbox, http: &Client, token: &str, container: &str) -> Value {
    let url = graph(sb, &format!("{container}?fields=status_code,status"));
    http.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}

/// Polls the container until it leaves `IN_PROGRESS`; returns its last status.
async fn settle(sb: &Sandbox, http: &Client, token: &str, container: &str) -> Value {
    for _ in 0..100 {
        let body = status(sb, http, token, container).await;
        if body["status_code"] != "IN_PROGRESS" {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("container {container} stayed IN_PROGRESS");
}

async fn publish(sb: &Sandbox, http: &Client, token: &str, container: &str) -> (StatusCode, Value) {
    let url = graph(sb, &format!("{IG}/media_publish?creation_id={container}"));
    let response = http.post(url).bearer_auth(token).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

const SCOPES: &str = "instagram_business_basic,instagram_business_content_publish";

#[tokio::test]
async fn container_status_publish_and_listing() {
    let images = image_server().await;
    let sb = start(|c| c.instagram.container_processing_ms = 400).await;
    let http = client();
    let token = connect(&sb, &http, SCOPES).await;
    let (code, body) = create(&sb, &http, &token, &format!("{images}/square.jpg"), "Buongiorno #pane").await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let container = body["id"].as_str().unwrap().to_owned();
    assert_eq!(status(&sb, &http, &token, &container).await["status_code"], "IN_PROGRESS");

    let (code, body) = publish(&sb, &http, &token, &container).await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "not ready yet");
    assert_eq!((body["error"]["code"].as_i64(), body["error"]["error_subcode"].as_u64()), (Some(9007), Some(2207027)));
    assert!(sb.published().is_empty());

    assert_eq!(settle(&sb, &http, &token, &container).await["status_code"], "FINISHED");
    let (code, body) = publish(&sb, &http, &token, &container).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let media = body["id"].as_str().unwrap().to_owned();
    assert_eq!(status(&sb, &http, &token, &container).await["status_code"], "PUBLISHED");
    let (code, _) = publish(&sb, &http, &token, &container).await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "a container publishes once");

    let published = sb.published();
    assert_eq!(published.len(), 1);
    assert_eq!((published[0].network.as_str(), published[0].author.as_str()), ("instagram", IG));
    assert_eq!(published[0].text, "Buongiorno #pane");
    use sha2::Digest as _;
    let square = jpeg(1080, 1080, 2048);
    let hex: String = sha2::Sha256::digest(&square).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(published[0].media, [format!("upload:2048:{hex}")], "the photo Instagram fetched, byte for byte");

    let url = graph(&sb, &format!("{IG}/media?fields=id,caption,permalink,timestamp"));
    let listed: Value = http.get(url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["data"][0]["id"], media.as_str());
    assert_eq!(listed["data"][0]["caption"], "Buongiorno #pane");
    assert!(listed["data"][0]["permalink"].as_str().unwrap().starts_with("https://www.instagram.com/p/"));
    assert!(listed["data"][0]["timestamp"].as_str().unwrap().ends_with("+0000"));
    let (_, one) = api_get(&http, &graph(&sb, &format!("{media}?fields=id,permalink")), &token).await;
    assert_eq!(one["permalink"], listed["data"][0]["permalink"]);
}

#[tokio::test]
async fn images_that_instagram_refuses_put_the_container_in_error() {
    let images = image_server().await;
    let sb = start(|_| {}).await;
    let http = client();
    let token = connect(&sb, &http, SCOPES).await;
    for good in ["portrait.jpg", "landscape.jpg"] {
        let (_, body) = create(&sb, &http, &token, &format!("{images}/{good}"), "ok").await;
        let settled = settle(&sb, &http, &token, body["id"].as_str().unwrap()).await;
        assert_eq!(settled["status_code"], "FINISHED", "{good} is within 4:5…1.91:1");
    }
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/gone.jpg")
    };
    let cases = [
        (dead, 9004, 2207052),
        (format!("{images}/missing.jpg"), 9004, 2207052),
        (format!("{images}/image.png"), 36001, 2207005),
        (format!("{images}/huge.jpg"), 36000, 2207004),
        (format!("{images}/story.jpg"), 36003, 2207009),
        (format!("{images}/wide.jpg"), 36003, 2207009),
        (format!("{images}/slow.jpg"), -2, 2207003),
    ];
    for (url, code, subcode) in cases {
        let (created, body) = create(&sb, &http, &token, &url, "no").await;
        assert_eq!(created, StatusCode::OK, "the container is accepted first: {body}");
        let container = body["id"].as_str().unwrap().to_owned();
        let settled = settle(&sb, &http, &token, &container).await;
        assert_eq!(settled["status_code"], "ERROR", "{url}");
        assert_eq!(settled["status"], format!("Error: Media upload has failed with error code {subcode}"));
        let (status, body) = publish(&sb, &http, &token, &container).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            (body["error"]["code"].as_i64(), body["error"]["error_subcode"].as_u64()),
            (Some(code), Some(subcode)),
            "{url}: {body}"
        );
    }
    assert!(sb.published().is_empty());
}

#[tokio::test]
async fn caption_rules_scope_and_token() {
    let images = image_server().await;
    let sb = start(|_| {}).await;
    let http = client();
    let token = connect(&sb, &http, SCOPES).await;
    let square = format!("{images}/square.jpg");
    let (code, body) = create(&sb, &http, &token, &square, &"a".repeat(2201)).await;
    assert_eq!((code, body["error"]["code"].as_u64()), (StatusCode::BAD_REQUEST, Some(100)));
    let (code, _) = create(&sb, &http, &token, &square, &"à".repeat(2200)).await;
    assert_eq!(code, StatusCode::OK);
    let tags: String = (0..31).map(|i| format!("#tag{i} ")).collect();
    let (code, body) = create(&sb, &http, &token, &square, &tags).await;
    assert_eq!((code, body["error"]["code"].as_u64()), (StatusCode::BAD_REQUEST, Some(100)), "{body}");
    let tags: String = (0..30).map(|i| format!("#tag{i} ")).collect();
    assert_eq!(create(&sb, &http, &token, &square, &tags).await.0, StatusCode::OK);
    let response = http
        .post(graph(&sb, &format!("{IG}/media")))
        .form(&[("caption", "x")])
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "image_url is required");

    let (code, body) = create(&sb, &http, "IGAAbogus", &square, "x").await;
    assert_eq!((code, body["error"]["code"].as_u64()), (StatusCode::BAD_REQUEST, Some(190)));
    let basic_only = connect(&sb, &http, "instagram_business_basic").await;
    let (code, body) = create(&sb, &http, &basic_only, &square, "x").await;
    assert_eq!((code, body["error"]["code"].as_u64()), (StatusCode::FORBIDDEN, Some(10)));
    let (code, _) = publish(&sb, &http, &token, "17999999").await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "unknown container");
}

#[tokio::test]
async fn publishing_limit_and_its_endpoint() {
    let images = image_server().await;
    let sb = start(|c| {
        c.instagram.publish_limit = 2;
        c.instagram.container_processing_ms = 0;
    })
    .await;
    let http = client();
    let token = connect(&sb, &http, SCOPES).await;
    let limit_url = graph(&sb, &format!("{IG}/content_publishing_limit?fields=quota_usage,config"));
    let usage = |http: Client, token: String, url: String| async move {
        http.get(url).bearer_auth(token).send().await.unwrap().json::<Value>().await.unwrap()
    };
    let body = usage(http.clone(), token.clone(), limit_url.clone()).await;
    assert_eq!(body["data"][0]["quota_usage"], 0);
    assert_eq!(body["data"][0]["config"]["quota_total"], 2);
    assert_eq!(body["data"][0]["config"]["quota_duration"], 86_400);
    for i in 0..3 {
        let (_, body) = create(&sb, &http, &token, &format!("{images}/square.jpg"), &format!("post {i}")).await;
        let container = body["id"].as_str().unwrap().to_owned();
        settle(&sb, &http, &token, &container).await;
        let (code, body) = publish(&sb, &http, &token, &container).await;
        if i < 2 {
            assert_eq!(code, StatusCode::OK, "{body}");
        } else {
            assert_eq!(code, StatusCode::BAD_REQUEST);
            assert_eq!(
                (body["error"]["code"].as_u64(), body["error"]["error_subcode"].as_u64()),
                (Some(9), Some(2207042))
            );
        }
    }
    assert_eq!(usage(http.clone(), token.clone(), limit_url).await["data"][0]["quota_usage"], 2);
    assert_eq!(sb.published().len(), 2);
}

#[tokio::test]
async fn expired_containers_and_dropped_publish() {
    let images = image_server().await;
    let sb = start(|c| {
        c.instagram.container_ttl_secs = 0;
    })
    .await;
    let http = client();
    let token = connect(&sb, &http, SCOPES).await;
    let (_, body) = create(&sb, &http, &token, &format!("{images}/square.jpg"), "old").await;
    let container = body["id"].as_str().unwrap().to_owned();
    assert_eq!(status(&sb, &http, &token, &container).await["status_code"], "EXPIRED");
    let (code, body) = publish(&sb, &http, &token, &container).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["error_subcode"], 2207020);

    let sb = start(|c| c.instagram.container_processing_ms = 0).await;
    let token = connect(&sb, &http, SCOPES).await;
    let (_, body) = create(&sb, &http, &token, &format!("{images}/square.jpg"), "dropped").await;
    let container = body["id"].as_str().unwrap().to_owned();
    settle(&sb, &http, &token, &container).await;
    sb.inject(Endpoint::InstagramMediaPublish, Fault::drop_connection().times(1));
    let url = graph(&sb, &format!("{IG}/media_publish?creation_id={container}"));
    let error = http.post(url).bearer_auth(&token).send().await.expect_err("no answer");
    assert!(!error.is_timeout(), "{error:?}");
    assert_eq!(sb.published().len(), 1, "the post landed");
    let (_, listed) = api_get(&http, &graph(&sb, &format!("{IG}/media?fields=caption")), &token).await;
    assert_eq!(listed["data"][0]["caption"], "dropped");
}
