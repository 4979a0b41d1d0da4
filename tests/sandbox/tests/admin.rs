//! The `/__sandbox/*` admin API and the server lifecycle, over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use herald_sandbox::{Sandbox, SandboxConfig};
use reqwest::{Client, StatusCode};

#[tokio::test]
async fn admin_routes_drive_the_sandbox() {
    let sb = start(None).await;
    let http = client();
    let base = sb.base_url();
    let health = http.get(format!("{base}/__sandbox/health")).send().await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");

    let set = http
        .post(format!("{base}/__sandbox/auto-consent"))
        .body(r#"{"approve":{"locations":["locations/5550000001"]}}"#)
        .send()
        .await
        .unwrap();
    assert!(set.status().is_success());
    let fault = http
        .post(format!("{base}/__sandbox/faults"))
        .json(&serde_json::json!({"endpoint":"google_accounts","fault":{"status":503}}))
        .send()
        .await
        .unwrap();
    assert!(fault.status().is_success());

    let (access, _) = connect(&sb, &http).await;
    assert_eq!(accounts(&sb, &http, &access).await.0, StatusCode::SERVICE_UNAVAILABLE);
    let cleared = http.delete(format!("{base}/__sandbox/faults")).send().await.unwrap();
    assert!(cleared.status().is_success());
    let (_, body) = locations(&sb, &http, &access, "readMask=name").await;
    assert_eq!(location_names(&body), ["locations/5550000001"]);

    let secrets: Vec<String> =
        http.get(format!("{base}/__sandbox/secrets")).send().await.unwrap().json().await.unwrap();
    assert!(secrets.contains(&access));

    let deny = http.post(format!("{base}/__sandbox/auto-consent")).body(r#""deny""#).send().await.unwrap();
    assert!(deny.status().is_success());
    let response = http.get(authorize_url(&sb, &verifier(), "d")).send().await.unwrap();
    let redirect = location_header(&response);
    assert_eq!(query_param(&redirect, "error").as_deref(), Some("access_denied"));

    let too_big = http.post(format!("{base}/__sandbox/faults")).body(vec![b' '; 70 * 1024]).send().await.unwrap();
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn refuses_non_loopback_and_drop_stops_server() {
    let addr = "0.0.0.0:0".parse().unwrap();
    let error = Sandbox::start_on(addr, SandboxConfig::demo()).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);

    let sb = start(None).await;
    let base = sb.base_url();
    assert!(base.starts_with("http://127.0.0.1:") && !base.ends_with('/'));
    drop(sb);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let result = Client::new().get(format!("{base}/__sandbox/health")).send().await;
    assert!(result.is_err());
}
