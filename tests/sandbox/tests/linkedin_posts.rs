//! LinkedIn posts: the author finder (for reconciliation) and the daily limits.
//!
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::linkedin::{json_of, rest, this_month};
use common::{approve_all, client, start, start_approving};
use herald_sandbox::Sandbox;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const SCOPES: &str = "openid profile w_member_social w_organization_social r_organization_social";

/// Native PKCE with this file's scopes.
async fn native_connect(sb: &Sandbox, http: &Client) -> Value {
    common::linkedin::native_connect(sb, http, SCOPES).await
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
    let sb = start(approve_all()).await;
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
    let sb = start_approving(|config| {
        config.linkedin.member_daily_posts = 2;
    })
    .await;
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

    let sb = start_approving(|config| {
        config.linkedin.app_daily_posts = 1;
    })
    .await;
    let access = native_connect(&sb, &http).await["access_token"].as_str().unwrap().to_owned();
    assert_eq!(create(&sb, &http, &access, ORG, "uno").await.status(), StatusCode::CREATED);
    let body: Value = create(&sb, &http, &access, ORG, "due").await.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("APPLICATION DAY limit"), "{body}");
}
