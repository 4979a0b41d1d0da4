//! Facebook publishing: photos (upload, URL, unpublished + attached_media), feed listing for
//! reconciliation, "posting too fast" and injected throttling codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::facebook::{assert_graph_error, get_json, graph, user_token, PAGE_1, PAGE_2};
use common::{client, start, start_approving};
use herald_sandbox::{AutoConsent, Endpoint, Sandbox};
use reqwest::{Client, StatusCode};
use serde_json::Value;

async fn page_token(sb: &Sandbox, http: &Client) -> String {
    let user = user_token(sb, http).await;
    let (status, pages) = get_json(http, &format!("{}?access_token={user}", graph(sb, "/me/accounts"))).await;
    assert_eq!(status, StatusCode::OK, "{pages}");
    pages["data"].as_array().unwrap().iter().find(|p| p["id"] == PAGE_1).unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A JPEG header claiming 800×600, padded to `len` bytes.
fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
    bytes.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20]);
    bytes.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9]);
    bytes.resize(len.max(bytes.len()), 0);
    bytes
}

/// A `multipart/form-data` body: text fields, then the file as `source`.
fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----herald-sandbox-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"source\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(sb: &Sandbox, http: &Client, fields: &[(&str, &str)], file: &[u8]) -> (StatusCode, Value) {
    let (content_type, body) = multipart(fields, file);
    let response = http
        .post(graph(sb, &format!("/{PAGE_1}/photos")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn image_server() -> String {
    use axum::routing::get;
    let app = axum::Router::new()
        .route("/photo.jpg", get(|| async { jpeg(4096) }))
        .route("/page.html", get(|| async { "<html>not an image</html>" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn photos_upload_url_unpublished_and_attached_media() {
    let sb = start(Some(AutoConsent::Approve { locations: None })).await;
    let http = client();
    let token = page_token(&sb, &http).await;
    let photo = jpeg(64 * 1024);
    let (status, body) = upload(&sb, &http, &[("message", "Pane del giorno"), ("access_token", &token)], &photo).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["id"].is_string());
    let post_id = body["post_id"].as_str().unwrap().to_owned();
    assert!(post_id.starts_with(&format!("{PAGE_1}_")));
    let published = sb.published();
    assert_eq!(published[0].text, "Pane del giorno");
    assert!(published[0].media[0].starts_with(&format!("upload:{}:", photo.len())), "{:?}", published[0].media);

    let images = image_server().await;
    let url = format!("{images}/photo.jpg");
    let response = http
        .post(graph(&sb, &format!("/{PAGE_1}/photos")))
        .form(&[("url", url.as_str()), ("message", "Da URL"), ("access_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(sb.published()[1].media, [url.as_str()]);

    // Two unpublished photos, then one feed post carrying both.
    let mut fbids = Vec::new();
    for _ in 0..2 {
        let (status, body) = upload(&sb, &http, &[("published", "false"), ("access_token", &token)], &photo).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.get("post_id").is_none(), "an unpublished photo makes no post: {body}");
        fbids.push(body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(sb.published().len(), 2, "unpublished photos are not publishes");
    let media0 = format!(r#"{{"media_fbid":"{}"}}"#, fbids[0]);
    let media1 = format!(r#"{{"media_fbid":"{}"}}"#, fbids[1]);
    let response = http
        .post(graph(&sb, &format!("/{PAGE_1}/feed")))
        .form(&[
            ("message", "Due foto"),
            ("attached_media[0]", media0.as_str()),
            ("attached_media[1]", media1.as_str()),
            ("access_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let last = sb.published().pop().unwrap();
    assert_eq!(last.media.len(), 2);
    let response = http
        .post(graph(&sb, &format!("/{PAGE_1}/feed")))
        .form(&[("attached_media[0]", r#"{"media_fbid":"999"}"#), ("access_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_graph_error(&response.json().await.unwrap(), 100, None);
}

#[tokio::test]
async fn photo_refusals() {
    let sb = start(Some(AutoConsent::Approve { locations: None })).await;
    let http = client();
    let token = page_token(&sb, &http).await;
    let (status, body) = upload(&sb, &http, &[("access_token", &token)], &jpeg(4 * 1024 * 1024)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "4 MB is too large");
    assert_graph_error(&body, 100, None);
    let (status, _) = upload(&sb, &http, &[("access_token", &token)], &jpeg(4 * 1024 * 1024 - 1)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = upload(&sb, &http, &[("access_token", &token)], b"GIF89a not allowed here").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_graph_error(&body, 324, None);
    let images = image_server().await;
    for url in [format!("{images}/page.html"), format!("{images}/missing.jpg")] {
        let response = http
            .post(graph(&sb, &format!("/{PAGE_1}/photos")))
            .form(&[("url", url.as_str()), ("access_token", &token)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{url}");
        assert_graph_error(&response.json().await.unwrap(), 324, None);
    }
    let response = http
        .post(graph(&sb, &format!("/{PAGE_1}/photos")))
        .form(&[("message", "no photo"), ("access_token", &token)])
        .send()
        .await
        .unwrap();
    assert_graph_error(&response.json().await.unwrap(), 324, None);
    let user = user_token(&sb, &http).await;
    let (status, body) = upload(&sb, &http, &[("access_token", &user)], &jpeg(1024)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "needs the Page token");
    assert_graph_error(&body, 200, None);
    assert_eq!(sb.published().len(), 1);
}

#[tokio::test]
async fn feed_listing_posting_too_fast_and_throttle_faults() {
    let sb = start_approving(|config| {
        config.facebook.posts_per_minute = 3;
    })
    .await;
    let http = client();
    let token = page_token(&sb, &http).await;
    let feed = graph(&sb, &format!("/{PAGE_1}/feed"));
    for i in 0..3 {
        let response = http
            .post(&feed)
            .form(&[("message", format!("post {i}").as_str()), ("access_token", &token)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let response = http.post(&feed).form(&[("message", "troppo"), ("access_token", &token)]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_graph_error(&response.json().await.unwrap(), 368, Some(1_390_008));

    for path in ["feed", "published_posts"] {
        let url = format!(
            "{}?fields=id,message,created_time,permalink_url&access_token={token}",
            graph(&sb, &format!("/{PAGE_1}/{path}"))
        );
        let (status, body) = get_json(&http, &url).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let messages: Vec<&str> =
            body["data"].as_array().unwrap().iter().map(|p| p["message"].as_str().unwrap()).collect();
        assert_eq!(messages, ["post 2", "post 1", "post 0"], "newest first");
        assert!(body["data"][0]["created_time"].as_str().unwrap().ends_with("+0000"));
        assert!(body["data"][0]["permalink_url"].as_str().unwrap().starts_with("https://www.facebook.com/"));
    }
    let (_, limited) = get_json(&http, &format!("{feed}?limit=1&access_token={token}")).await;
    assert_eq!(limited["data"].as_array().unwrap().len(), 1);
    let (status, body) = get_json(&http, &graph(&sb, &format!("/{PAGE_2}/feed?access_token={token}"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "another Page's token");
    assert_graph_error(&body, 100, Some(33));

    for code in [4, 17, 32] {
        sb.inject(Endpoint::FacebookPhotos, herald_sandbox::facebook::throttle_fault(code).times(1));
        let (status, body) = upload(&sb, &http, &[("access_token", &token)], &jpeg(1024)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_graph_error(&body, u64::from(code), None);
        assert_eq!(body["error"]["is_transient"], true);
    }
    assert_eq!(sb.published().len(), 3);
}
