//! Instagram Login: code → 1-hour token → 60-day token → refresh (24-hour rule), and `/me`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{client, location_header, query_param, start_approving};
use herald_sandbox::{
    AutoConsent, Endpoint, Sandbox, DEMO_INSTAGRAM_CLIENT_ID, DEMO_INSTAGRAM_CLIENT_SECRET, DEMO_INSTAGRAM_REDIRECT_URI,
};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use url::Url;

fn authorize_url(sb: &Sandbox, redirect_uri: &str) -> Url {
    let mut url = Url::parse(&format!("{}/instagram/www/oauth/authorize", sb.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", DEMO_INSTAGRAM_CLIENT_ID)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scope", "instagram_business_basic,instagram_business_content_publish")
        .append_pair("state", "ig-state");
    url
}

async fn code(sb: &Sandbox, http: &Client) -> String {
    let redirect = location_header(&http.get(authorize_url(sb, DEMO_INSTAGRAM_REDIRECT_URI)).send().await.unwrap());
    assert_eq!(redirect.fragment(), Some("_"));
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("ig-state"));
    query_param(&redirect, "code").unwrap()
}

async fn short_token(sb: &Sandbox, http: &Client, code: &str, secret: &str) -> (StatusCode, Value) {
    let response = http
        .post(format!("{}/instagram/api/oauth/access_token", sb.base_url()))
        .form(&[
            ("client_id", DEMO_INSTAGRAM_CLIENT_ID),
            ("client_secret", secret),
            ("grant_type", "authorization_code"),
            ("redirect_uri", DEMO_INSTAGRAM_REDIRECT_URI),
            ("code", code),
        ])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn get_json(http: &Client, url: String) -> (StatusCode, Value) {
    let response = http.get(url).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn long_token(sb: &Sandbox, http: &Client, short: &str) -> (StatusCode, Value) {
    let url = format!(
        "{}/instagram/graph/access_token?grant_type=ig_exchange_token&client_secret={DEMO_INSTAGRAM_CLIENT_SECRET}&access_token={short}",
        sb.base_url()
    );
    get_json(http, url).await
}

async fn refresh(sb: &Sandbox, http: &Client, token: &str) -> (StatusCode, Value) {
    let url = format!(
        "{}/instagram/graph/refresh_access_token?grant_type=ig_refresh_token&access_token={token}",
        sb.base_url()
    );
    get_json(http, url).await
}

async fn connect(sb: &Sandbox, http: &Client) -> String {
    let code = code(sb, http).await;
    let (status, body) = short_token(sb, http, &code, DEMO_INSTAGRAM_CLIENT_SECRET).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, long) = long_token(sb, http, body["data"][0]["access_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{long}");
    long["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn login_exchange_and_profile() {
    let sb = start_approving(|_| {}).await;
    let http = client();
    let code = code(&sb, &http).await;
    let (status, body) = short_token(&sb, &http, &code, DEMO_INSTAGRAM_CLIENT_SECRET).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let entry = &body["data"][0];
    assert_eq!(entry["user_id"], "17841400000000001");
    assert_eq!(entry["permissions"], "instagram_business_basic,instagram_business_content_publish");
    let short = entry["access_token"].as_str().unwrap();

    let (status, long) = long_token(&sb, &http, short).await;
    assert_eq!(status, StatusCode::OK, "{long}");
    assert_eq!(long["token_type"], "bearer");
    assert_eq!(long["expires_in"], 5_184_000);
    let token = long["access_token"].as_str().unwrap();

    let fields = "user_id,username,account_type,profile_picture_url";
    let (status, me) =
        get_json(&http, format!("{}/instagram/graph/v25.0/me?fields={fields}&access_token={token}", sb.base_url()))
            .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user_id"], "17841400000000001");
    assert_eq!(me["username"], "fornorossi");
    assert_eq!(me["account_type"], "BUSINESS");
    assert!(me["profile_picture_url"].is_string() && me["id"].is_string());
    let (_, body) =
        get_json(&http, format!("{}/instagram/graph/me?fields=followers,id&access_token={token}", sb.base_url())).await;
    assert_eq!(body["error"]["code"], 100);

    for secret in [code.as_str(), short, token] {
        assert!(sb.issued_secrets().iter().any(|s| s == secret));
    }
    assert_eq!(sb.hits(Endpoint::InstagramToken), 1);
    assert_eq!(sb.hits(Endpoint::InstagramExchange), 1);
}

#[tokio::test]
async fn refresh_refuses_a_token_younger_than_24_hours() {
    let sb = start_approving(|_| {}).await;
    let http = client();
    let token = connect(&sb, &http).await;
    let (status, body) = refresh(&sb, &http, &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["type"], "OAuthException");
    assert_eq!(body["error"]["code"], 100);
    assert!(body["error"]["message"].as_str().unwrap().contains("24 hours"));
}

#[tokio::test]
async fn refresh_of_an_old_enough_token_gives_a_new_60_day_token() {
    let sb = start_approving(|c| c.instagram.refresh_min_age_secs = 0).await;
    let http = client();
    let token = connect(&sb, &http).await;
    let (status, body) = refresh(&sb, &http, &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["expires_in"], 5_184_000);
    let fresh = body["access_token"].as_str().unwrap();
    assert_ne!(fresh, token);
    assert!(sb.issued_secrets().iter().any(|s| s == fresh));
    // A short-lived token is not refreshable, whatever its age.
    let code = code(&sb, &http).await;
    let (_, short) = short_token(&sb, &http, &code, DEMO_INSTAGRAM_CLIENT_SECRET).await;
    let (status, _) = refresh(&sb, &http, short["data"][0]["access_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn exchange_errors_and_expiry() {
    let sb = start_approving(|c| c.instagram.long_lived_ttl_secs = 0).await;
    let http = client();
    let first = code(&sb, &http).await;
    let (status, body) = short_token(&sb, &http, &first, "wrong").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_type"], "OAuthException");
    assert_eq!(body["code"], 400);
    assert_eq!(body["error_message"], "Error validating client secret.");
    let (status, _) = short_token(&sb, &http, &first, DEMO_INSTAGRAM_CLIENT_SECRET).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = short_token(&sb, &http, &first, DEMO_INSTAGRAM_CLIENT_SECRET).await;
    assert_eq!(body["error_message"], "Matching code was not found or was already used");

    let token = connect(&sb, &http).await;
    let (_, body) = get_json(&http, format!("{}/instagram/graph/me?access_token={token}", sb.base_url())).await;
    assert_eq!((body["error"]["code"].as_u64(), body["error"]["error_subcode"].as_u64()), (Some(190), Some(463)));

    let response = http.get(authorize_url(&sb, "https://evil.example/cb")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    sb.set_auto_consent(Some(AutoConsent::Deny));
    let redirect = location_header(&http.get(authorize_url(&sb, DEMO_INSTAGRAM_REDIRECT_URI)).send().await.unwrap());
    assert_eq!(query_param(&redirect, "error_reason").as_deref(), Some("user_denied"));
}
