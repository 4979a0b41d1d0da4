//! LinkedIn posts: the author finder (for reconciliation) and the daily limits.
//!
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{challenge, client, location_header, query_param, verifier};
use herald_sandbox::{AutoConsent, Sandbox, SandboxConfig, DEMO_LINKEDIN_CLIENT_ID};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use url::Url;

const SCOPES: &str = "openid profile w_member_social w_organization_social r_organization_social";
const LOOPBACK: &str = "http://127.0.0.1:53817/callback";

async fn start() -> Sandbox {
    let config =
        SandboxConfig { auto_consent: Some(AutoConsent::Approve { locations: None }), ..SandboxConfig::demo() };
    Sandbox::start(config).await.unwrap()
}

/// This month as `YYYYMM` (an active `LinkedIn-Version`).
fn this_month() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    // Good enough for a test: 30.44-day months from 1970.
    let months = (secs as f64 / 86_400.0 / 30.436_875) as i64;
    format!("{}{:02}", 1970 + months / 12, months % 12 + 1)
}

fn rest(http: &Client, sb: &Sandbox, path: &str, token: &str) -> RequestBuilder {
    http.get(format!("{}/linkedin/api/rest{path}", sb.base_url()))
        .bearer_auth(token)
        .header("LinkedIn-Version", this_month())
        .header("X-Restli-Protocol-Version", "2.0.0")
}

fn native_url(sb: &Sandbox, verifier: &str, scope: &str) -> Url {
    let mut url = Url::parse(&format!("{}/linkedin/www/oauth/native-pkce/authorization", sb.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", DEMO_LINKEDIN_CLIENT_ID)
        .append_pair("redirect_uri", LOOPBACK)
        .append_pair("state", "li-state")
        .append_pair("scope", scope)
        .append_pair("code_challenge", &challenge(verifier))
        .append_pair("code_challenge_method", "S256");
    url
}

async fn token(sb: &Sandbox, http: &Client, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response =
        http.post(format!("{}/linkedin/www/oauth/v2/accessToken", sb.base_url())).form(form).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn native_connect(sb: &Sandbox, http: &Client) -> Value {
    let verifier = verifier();
    let redirect = location_header(&http.get(native_url(sb, &verifier, SCOPES)).send().await.unwrap());
    assert!(redirect.as_str().starts_with(LOOPBACK));
    let code = query_param(&redirect, "code").unwrap();
    let (status, body) = token(
        sb,
        http,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", LOOPBACK),
            ("client_id", DEMO_LINKEDIN_CLIENT_ID),
            ("code_verifier", verifier.as_str()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn json_of(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

const ORG: &str = "urn:li:organization:90000001";

fn commentary_post(author: &str, text: &str) -> Value {
    json!({
        "author": author,
        "commentary": text,
        "visibility": "PUBLIC",
        "distribution": { "feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": [] },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": false,
    })
}

async fn create(sb: &Sandbox, http: &Client, access: &str, author: &str, text: &str) -> reqwest::Response {
    http.post(format!("{}/linkedin/api/rest/posts", sb.base_url()))
        .bearer_auth(access)
        .header("LinkedIn-Version", this_month())
        .header("X-Restli-Protocol-Version", "2.0.0")
        .json(&commentary_post(author, text))
        .send()
        .await
        .unwrap()
}

fn by_author(author: &str, extra: &str) -> String {
    format!(
        "/posts?q=author&author={}{extra}",
        url::form_urlencoded::byte_serialize(author.as_bytes()).collect::<String>()
    )
}

#[tokio::test]
async fn the_author_finder_lists_newest_first_with_paging() {
    let sb = start().await;
    let http = client();
    let access = native_connect(&sb, &http).await["access_token"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for text in ["primo", "secondo", "terzo"] {
        let response = create(&sb, &http, &access, ORG, text).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.push(response.headers()["x-restli-id"].to_str().unwrap().to_owned());
    }
    let (status, body) = json_of(
        rest(&http, &sb, &by_author(ORG, "&count=2&sortBy=LAST_MODIFIED"), &access).header("X-RestLi-Method", "FINDER"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got: Vec<&str> = body["elements"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(got, [ids[2].as_str(), ids[1].as_str()]);
    assert_eq!(body["elements"][0]["commentary"], "terzo");
    assert_eq!(body["elements"][0]["author"], ORG);
    assert!(body["elements"][0]["createdAt"].as_u64().unwrap() > 1_700_000_000_000);
    assert_eq!(
        (body["paging"]["start"].as_u64(), body["paging"]["count"].as_u64(), body["paging"]["total"].as_u64()),
        (Some(0), Some(2), Some(3))
    );
    let (_, rest_page) = json_of(rest(&http, &sb, &by_author(ORG, "&count=2&start=2"), &access)).await;
    assert_eq!(rest_page["elements"][0]["id"], ids[0].as_str());

    // Without the versioned headers, or for the member (r_member_social is closed), refused.
    let bare = http
        .get(format!("{}/linkedin/api/rest{}", sb.base_url(), by_author(ORG, "")))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::BAD_REQUEST);
    let (status, body) = json_of(rest(&http, &sb, &by_author("urn:li:person:gR0ss1Sbx7", ""), &access)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("ACCESS_DENIED")));
    let (status, _) = json_of(rest(&http, &sb, "/posts?author=x", &access)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "q=author is required");
}

#[tokio::test]
async fn daily_limits_per_member_and_application() {
    let mut config =
        SandboxConfig { auto_consent: Some(AutoConsent::Approve { locations: None }), ..SandboxConfig::demo() };
    config.linkedin.member_daily_posts = 2;
    let sb = Sandbox::start(config).await.unwrap();
    let http = client();
    let access = native_connect(&sb, &http).await["access_token"].as_str().unwrap().to_owned();
    assert_eq!(create(&sb, &http, &access, ORG, "uno").await.status(), StatusCode::CREATED);
    assert_eq!(create(&sb, &http, &access, ORG, "due").await.status(), StatusCode::CREATED);
    let refused = create(&sb, &http, &access, ORG, "tre").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["status"], 429);
    assert!(body["message"].as_str().unwrap().contains("MEMBER DAY limit"), "{body}");
    assert_eq!(sb.published().len(), 2);

    let mut config =
        SandboxConfig { auto_consent: Some(AutoConsent::Approve { locations: None }), ..SandboxConfig::demo() };
    config.linkedin.app_daily_posts = 1;
    let sb = Sandbox::start(config).await.unwrap();
    let access = native_connect(&sb, &http).await["access_token"].as_str().unwrap().to_owned();
    assert_eq!(create(&sb, &http, &access, ORG, "uno").await.status(), StatusCode::CREATED);
    let body: Value = create(&sb, &http, &access, ORG, "due").await.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("APPLICATION DAY limit"), "{body}");
}
