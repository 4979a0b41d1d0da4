//! The `/__sandbox/*` admin API and the server lifecycle, over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use herald_sandbox::{new_admin_token, Sandbox, SandboxConfig};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, RequestBuilder, StatusCode};

/// A sandbox whose admin API is served, and its token.
async fn start_with_admin() -> (Sandbox, String) {
    let token = new_admin_token();
    let config = SandboxConfig { admin_token: Some(token.clone()), ..SandboxConfig::demo() };
    (Sandbox::start(config).await.unwrap(), token)
}

/// An admin request as the e2e harness sends it: the token and a JSON body.
fn admin(request: RequestBuilder, token: &str, body: &str) -> RequestBuilder {
    request.bearer_auth(token).header(CONTENT_TYPE, "application/json").body(body.to_owned())
}

#[tokio::test]
async fn admin_routes_drive_the_sandbox() {
    let (sb, token) = start_with_admin().await;
    let http = client();
    let base = sb.base_url();
    let health = http.get(format!("{base}/__sandbox/health")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");

    let set = admin(
        http.post(format!("{base}/__sandbox/auto-consent")),
        &token,
        r#"{"approve":{"locations":["locations/5550000001"]}}"#,
    )
    .send()
    .await
    .unwrap();
    assert!(set.status().is_success());
    let fault = http
        .post(format!("{base}/__sandbox/faults"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"endpoint":"google_accounts","fault":{"status":503}}))
        .send()
        .await
        .unwrap();
    assert!(fault.status().is_success());

    let (access, _) = connect(&sb, &http).await;
    assert_eq!(accounts(&sb, &http, &access).await.0, StatusCode::SERVICE_UNAVAILABLE);
    let cleared = admin(http.delete(format!("{base}/__sandbox/faults")), &token, "").send().await.unwrap();
    assert!(cleared.status().is_success());
    let (_, body) = locations(&sb, &http, &access, "readMask=name").await;
    assert_eq!(location_names(&body), ["locations/5550000001"]);

    let secrets: Vec<String> =
        http.get(format!("{base}/__sandbox/secrets")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert!(secrets.contains(&access));

    let deny = admin(http.post(format!("{base}/__sandbox/auto-consent")), &token, r#""deny""#).send().await.unwrap();
    assert!(deny.status().is_success());
    let response = http.get(authorize_url(&sb, &verifier(), "d")).send().await.unwrap();
    let redirect = location_header(&response);
    assert_eq!(query_param(&redirect, "error").as_deref(), Some("access_denied"));

    let too_big =
        admin(http.post(format!("{base}/__sandbox/faults")), &token, &" ".repeat(70 * 1024)).send().await.unwrap();
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// `revoke` takes one network's grants and leaves the others' alone.
#[tokio::test]
async fn revoke_one_network_leaves_the_others_signed_in() {
    let (sb, token) = start_with_admin().await;
    let http = client();
    let base = sb.base_url();
    let consent =
        admin(http.post(format!("{base}/__sandbox/auto-consent")), &token, r#"{"approve":{"locations":null}}"#);
    assert!(consent.send().await.unwrap().status().is_success());
    let (access, _) = connect(&sb, &http).await;
    let revoke = |network: &str| {
        admin(http.post(format!("{base}/__sandbox/revoke")), &token, &format!(r#"{{"network":"{network}"}}"#)).send()
    };
    assert_eq!(revoke("x").await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(accounts(&sb, &http, &access).await.0, StatusCode::OK, "Google untouched by X's revoke");
    let unknown = revoke("myspace").await.unwrap();
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert!(unknown.text().await.unwrap().contains("unknown network"));
    assert_eq!(revoke("google").await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(accounts(&sb, &http, &access).await.0, StatusCode::UNAUTHORIZED);
}

/// What the app's in-process demo sandbox runs: no admin token, so no admin API at all.
#[tokio::test]
async fn without_an_admin_token_the_admin_api_does_not_exist() {
    let sb = start(None).await;
    let http = client();
    let base = sb.base_url();
    for path in ["health", "secrets", "hits"] {
        let response = http.get(format!("{base}/__sandbox/{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in ["auto-consent", "faults", "revoke-all"] {
        let response = admin(http.post(format!("{base}/__sandbox/{path}")), "guess", r#""deny""#).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    // Nothing was changed: the consent page is still shown to people.
    let page = http.get(authorize_url(&sb, &verifier(), "s")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}

#[tokio::test]
async fn admin_requests_without_the_right_token_are_refused() {
    let (sb, token) = start_with_admin().await;
    let http = client();
    let base = sb.base_url();
    let wrong = format!("{token}x");
    let attempts = [
        http.get(format!("{base}/__sandbox/secrets")),
        http.get(format!("{base}/__sandbox/secrets")).bearer_auth(&wrong),
        http.get(format!("{base}/__sandbox/secrets")).bearer_auth(&token[..token.len() - 1]),
        http.get(format!("{base}/__sandbox/secrets")).header(AUTHORIZATION, token.clone()),
        admin(http.post(format!("{base}/__sandbox/auto-consent")), &wrong, r#"{"approve":{}}"#),
        admin(http.post(format!("{base}/__sandbox/revoke-all")), "", ""),
    ];
    for attempt in attempts {
        let response = attempt.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body = response.text().await.unwrap();
        assert!(!body.contains(&token), "the answer must not reveal the token: {body}");
    }
    // The refused auto-consent did not take effect.
    let page = http.get(authorize_url(&sb, &verifier(), "s")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}

/// A web page can post a form (text/plain, urlencoded, multipart) to loopback without a CORS
/// preflight; even with the token such a body must change nothing.
#[tokio::test]
async fn admin_changes_accept_only_json_bodies() {
    let (sb, token) = start_with_admin().await;
    let http = client();
    let base = sb.base_url();
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""] {
        let mut request = http.post(format!("{base}/__sandbox/auto-consent")).bearer_auth(&token);
        if !content_type.is_empty() {
            request = request.header(CONTENT_TYPE, content_type);
        }
        let response = request.body(r#"{"approve":{"locations":null}}"#).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type:?}");
    }
    let revoke =
        http.post(format!("{base}/__sandbox/revoke-all")).bearer_auth(&token).header(CONTENT_TYPE, "text/plain");
    assert_eq!(revoke.send().await.unwrap().status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let page = http.get(authorize_url(&sb, &verifier(), "s")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "no auto-consent was set");
    // With a JSON content type (parameters allowed) the same request works.
    let ok = http
        .post(format!("{base}/__sandbox/auto-consent"))
        .bearer_auth(&token)
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .body(r#"{"approve":{"locations":null}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
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
