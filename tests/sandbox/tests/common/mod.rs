//! Helpers shared by the sandbox integration tests.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

pub mod facebook;
pub mod linkedin;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use herald_sandbox::{AutoConsent, Sandbox, SandboxConfig, DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use url::Url;

pub const REDIRECT: &str = "http://127.0.0.1:49152/callback";
pub const SCOPE: &str = "https://www.googleapis.com/auth/business.manage";
pub const ACCOUNT: &str = "accounts/108000000001";

pub fn client() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub fn verifier() -> String {
    format!("verifier-{}", "x".repeat(40)) + &rand_suffix()
}

pub fn rand_suffix() -> String {
    use rand::Rng as _;
    let n: u64 = rand::thread_rng().gen();
    format!("{n:x}")
}

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub async fn start(auto: Option<AutoConsent>) -> Sandbox {
    let config = SandboxConfig { auto_consent: auto, ..SandboxConfig::demo() };
    Sandbox::start(config).await.unwrap()
}

pub fn approve_all() -> Option<AutoConsent> {
    Some(AutoConsent::Approve { locations: None })
}

/// A sandbox approving every consent, its demo configuration changed by `configure`.
pub async fn start_approving(configure: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut config = SandboxConfig { auto_consent: approve_all(), ..SandboxConfig::demo() };
    configure(&mut config);
    Sandbox::start(config).await.unwrap()
}

pub fn authorize_url(sb: &Sandbox, verifier: &str, state: &str) -> Url {
    let mut url = Url::parse(&format!("{}/google/o/oauth2/v2/auth", sb.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", DEMO_GOOGLE_CLIENT_ID)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("response_type", "code")
        .append_pair("scope", SCOPE)
        .append_pair("state", state)
        .append_pair("code_challenge", &challenge(verifier))
        .append_pair("code_challenge_method", "S256")
        .append_pair("access_type", "offline")
        .append_pair("prompt", "consent");
    url
}

pub fn query_param(url: &Url, key: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

pub fn location_header(response: &reqwest::Response) -> Url {
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap();
    Url::parse(location).unwrap()
}

/// Authorize with auto-consent; returns the code.
pub async fn get_code(sb: &Sandbox, http: &Client, verifier: &str) -> String {
    let response = http.get(authorize_url(sb, verifier, "st-1")).send().await.unwrap();
    let redirect = location_header(&response);
    assert!(redirect.as_str().starts_with(REDIRECT));
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("st-1"));
    assert_eq!(query_param(&redirect, "scope").as_deref(), Some(SCOPE));
    query_param(&redirect, "code").unwrap()
}

pub async fn exchange(sb: &Sandbox, http: &Client, code: &str, verifier: &str) -> (StatusCode, Value) {
    let response = http
        .post(format!("{}/google/token", sb.base_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", verifier),
            ("redirect_uri", REDIRECT),
            ("client_id", DEMO_GOOGLE_CLIENT_ID),
            ("client_secret", DEMO_GOOGLE_CLIENT_SECRET),
        ])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

pub async fn refresh(sb: &Sandbox, http: &Client, refresh_token: &str) -> (StatusCode, Value) {
    let response = http
        .post(format!("{}/google/token", sb.base_url()))
        .basic_auth(DEMO_GOOGLE_CLIENT_ID, Some(DEMO_GOOGLE_CLIENT_SECRET))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token)])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

pub async fn api_get(http: &Client, url: &str, token: &str) -> (StatusCode, Value) {
    let response = http.get(url).bearer_auth(token).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

pub async fn accounts(sb: &Sandbox, http: &Client, token: &str) -> (StatusCode, Value) {
    let url = format!("{}/google/mybusinessaccountmanagement/v1/accounts", sb.base_url());
    api_get(http, &url, token).await
}

pub async fn locations(sb: &Sandbox, http: &Client, token: &str, query: &str) -> (StatusCode, Value) {
    let url = format!("{}/google/mybusinessbusinessinformation/v1/{ACCOUNT}/locations?{query}", sb.base_url());
    api_get(http, &url, token).await
}

pub fn location_names(body: &Value) -> Vec<String> {
    body["locations"]
        .as_array()
        .map(|list| list.iter().map(|l| l["name"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// Authorize + exchange; returns (access, refresh).
pub async fn connect(sb: &Sandbox, http: &Client) -> (String, String) {
    let verifier = verifier();
    let code = get_code(sb, http, &verifier).await;
    let (status, body) = exchange(sb, http, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (body["access_token"].as_str().unwrap().to_owned(), body["refresh_token"].as_str().unwrap().to_owned())
}

pub fn request_id(page: &str) -> String {
    let marker = "name=\"request_id\" value=\"";
    let start = page.find(marker).unwrap() + marker.len();
    let end = start + page[start..].find('"').unwrap();
    page[start..end].to_owned()
}

pub async fn consent_page(sb: &Sandbox, http: &Client, verifier: &str) -> String {
    let response = http.get(authorize_url(sb, verifier, "person")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}
