//! X OAuth 2.0 (public client, PKCE), refresh token rotation, users/me and tweets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{approve_all, challenge, client, location_header, query_param, start, start_approving, verifier};
use herald_sandbox::{AutoConsent, Endpoint, Sandbox, DEMO_X_CLIENT_ID, DEMO_X_REDIRECT_URI};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use url::Url;

const SCOPES: &str = "tweet.read tweet.write users.read offline.access";

fn authorize_url(sb: &Sandbox, redirect_uri: &str, challenge: &str, method: &str) -> Url {
    let mut url = Url::parse(&format!("{}/x/www/i/oauth2/authorize", sb.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", DEMO_X_CLIENT_ID)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", SCOPES)
        .append_pair("state", "x-state")
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", method);
    url
}

async fn code(sb: &Sandbox, http: &Client, verifier: &str) -> String {
    let url = authorize_url(sb, DEMO_X_REDIRECT_URI, &challenge(verifier), "S256");
    let redirect = location_header(&http.get(url).send().await.unwrap());
    assert!(redirect.as_str().starts_with(DEMO_X_REDIRECT_URI));
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("x-state"));
    query_param(&redirect, "code").unwrap()
}

async fn token(sb: &Sandbox, http: &Client, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = http.post(format!("{}/x/api/2/oauth2/token", sb.base_url())).form(form).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn exchange(sb: &Sandbox, http: &Client, code: &str, verifier: &str) -> (StatusCode, Value) {
    token(
        sb,
        http,
        &[
            ("code", code),
            ("grant_type", "authorization_code"),
            ("client_id", DEMO_X_CLIENT_ID),
            ("redirect_uri", DEMO_X_REDIRECT_URI),
            ("code_verifier", verifier),
        ],
    )
    .await
}

async fn refresh(sb: &Sandbox, http: &Client, refresh_token: &str) -> (StatusCode, Value) {
    token(
        sb,
        http,
        &[("refresh_token", refresh_token), ("grant_type", "refresh_token"), ("client_id", DEMO_X_CLIENT_ID)],
    )
    .await
}

async fn me(sb: &Sandbox, http: &Client, access: &str, query: &str) -> (StatusCode, Value) {
    let response =
        http.get(format!("{}/x/api/2/users/me{query}", sb.base_url())).bearer_auth(access).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn connect(sb: &Sandbox, http: &Client) -> (String, String) {
    let verifier = verifier();
    let code = code(sb, http, &verifier).await;
    let (status, body) = exchange(sb, http, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (body["access_token"].as_str().unwrap().to_owned(), body["refresh_token"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn connect_profile_and_revoke() {
    let sb = start(approve_all()).await;
    let http = client();
    let verifier = verifier();
    let code = code(&sb, &http, &verifier).await;
    let (status, body) = exchange(&sb, &http, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 7200);
    assert_eq!(body["scope"], SCOPES);
    let access = body["access_token"].as_str().unwrap();
    let refresh_token = body["refresh_token"].as_str().unwrap();

    let (status, user) = me(&sb, &http, access, "?user.fields=profile_image_url").await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["data"]["username"], "FornoRossi");
    assert_eq!(user["data"]["id"], "1500000000000000001");
    assert!(user["data"]["profile_image_url"].is_string());

    let (status, body) = me(&sb, &http, access, "?user.fields=avatar").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["title"], "Invalid Request");
    assert_eq!(body["errors"][0]["parameters"]["user.fields"][0], "avatar");

    let response = http
        .post(format!("{}/x/api/2/oauth2/revoke", sb.base_url()))
        .form(&[("token", refresh_token), ("token_type_hint", "refresh_token"), ("client_id", DEMO_X_CLIENT_ID)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["revoked"], true);
    let (status, body) = me(&sb, &http, access, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}));
    assert_eq!(refresh(&sb, &http, refresh_token).await.1["error"], "invalid_request");
    for secret in [code.as_str(), access, refresh_token] {
        assert!(sb.issued_secrets().iter().any(|s| s == secret));
    }
    assert_eq!(sb.hits(Endpoint::XToken), 2);
}

#[tokio::test]
async fn refresh_rotates_and_the_previous_token_works_once_more_only() {
    let sb = start(approve_all()).await;
    let http = client();
    let (_, first) = connect(&sb, &http).await;
    let (status, body) = refresh(&sb, &http, &first).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second = body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    assert_eq!(me(&sb, &http, body["access_token"].as_str().unwrap(), "").await.0, StatusCode::OK);

    let (status, _) = refresh(&sb, &http, &first).await;
    assert_eq!(status, StatusCode::OK, "the previous refresh token is accepted once more");
    let (status, body) = refresh(&sb, &http, &first).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"error":"invalid_request","error_description":"Value passed for the token was invalid."}));
    let (status, _) = refresh(&sb, &http, &second).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn authorize_and_token_refusals() {
    let sb = start(approve_all()).await;
    let http = client();
    let v = verifier();
    // Only the registered callback: another port is refused with a page, no redirect.
    let response =
        http.get(authorize_url(&sb, "http://127.0.0.1:8081/callback", &challenge(&v), "S256")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let without_pkce: Vec<(String, String)> = authorize_url(&sb, DEMO_X_REDIRECT_URI, &challenge(&v), "S256")
        .query_pairs()
        .filter(|(k, _)| k != "code_challenge")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut url = Url::parse(&format!("{}/x/www/i/oauth2/authorize", sb.base_url())).unwrap();
    url.query_pairs_mut().extend_pairs(without_pkce);
    assert_eq!(http.get(url).send().await.unwrap().status(), StatusCode::BAD_REQUEST);

    // plain PKCE is allowed.
    let redirect =
        location_header(&http.get(authorize_url(&sb, DEMO_X_REDIRECT_URI, &v, "plain")).send().await.unwrap());
    let plain_code = query_param(&redirect, "code").unwrap();
    assert_eq!(exchange(&sb, &http, &plain_code, &v).await.0, StatusCode::OK);

    let code = code(&sb, &http, &v).await;
    let (status, body) = exchange(&sb, &http, &code, &verifier()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_request");
    let (_, body) = token(&sb, &http, &[("grant_type", "authorization_code"), ("code", "x")]).await;
    assert_eq!(body["error_description"], "Missing required parameter [client_id].");
    let code = self::code(&sb, &http, &v).await;
    let (_, body) = token(
        &sb,
        &http,
        &[
            ("code", code.as_str()),
            ("grant_type", "authorization_code"),
            ("client_id", DEMO_X_CLIENT_ID),
            ("redirect_uri", DEMO_X_REDIRECT_URI),
        ],
    )
    .await;
    assert_eq!(body["error_description"], "Missing required parameter [code_verifier].");
}

#[tokio::test]
async fn tweets_are_recorded_and_duplicates_refused() {
    let sb = start(approve_all()).await;
    let http = client();
    let (access, _) = connect(&sb, &http).await;
    let url = format!("{}/x/api/2/tweets", sb.base_url());
    let response =
        http.post(&url).bearer_auth(&access).json(&json!({"text": "Focaccia appena sfornata"})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["text"], "Focaccia appena sfornata");
    assert_eq!(body["data"]["edit_history_tweet_ids"][0], body["data"]["id"]);
    assert_eq!(sb.published()[0].network, "x");
    let response =
        http.post(&url).bearer_auth(&access).json(&json!({"text": "Focaccia appena sfornata"})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"], "You are not allowed to create a Tweet with duplicate content.");
}

#[tokio::test]
async fn signing_in_as_another_account_gives_that_account() {
    let sb = start(approve_all()).await;
    let http = client();
    sb.set_auto_consent(Some(AutoConsent::Choose {
        accounts: Some(vec!["1500000000000000002".to_owned()]),
        declined_scopes: vec![],
    }));
    let (access, _) = connect(&sb, &http).await;
    let (status, user) = me(&sb, &http, &access, "?user.fields=profile_image_url").await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["data"]["id"], "1500000000000000002");
    assert_eq!(user["data"]["username"], "RossiCatering");
    let response = http
        .post(format!("{}/x/api/2/tweets", sb.base_url()))
        .bearer_auth(&access)
        .json(&json!({"text": "Catering per eventi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(sb.published()[0].author, "1500000000000000002");

    // The consent page and plain approval sign in as the seeded user.
    sb.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let (access, _) = connect(&sb, &http).await;
    assert_eq!(me(&sb, &http, &access, "").await.1["data"]["id"], "1500000000000000001");
}

async fn post_tweet(sb: &Sandbox, http: &Client, access: &str, text: &str) -> reqwest::Response {
    http.post(format!("{}/x/api/2/tweets", sb.base_url()))
        .bearer_auth(access)
        .json(&json!({"text": text}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn user_tweets_list_newest_first_with_paging_and_created_at() {
    let sb = start(approve_all()).await;
    let http = client();
    let (access, _) = connect(&sb, &http).await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let body: Value = post_tweet(&sb, &http, &access, &format!("post {i}")).await.json().await.unwrap();
        ids.push(body["data"]["id"].as_str().unwrap().to_owned());
    }
    let url = format!("{}/x/api/2/users/1500000000000000001/tweets", sb.base_url());
    let page = |query: String| {
        let http = http.clone();
        let access = access.clone();
        let url = url.clone();
        async move {
            let response = http.get(format!("{url}{query}")).bearer_auth(&access).send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, first) = page("?max_results=5&tweet.fields=created_at".to_owned()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let got: Vec<&str> = first["data"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(got, ids.iter().rev().take(5).map(String::as_str).collect::<Vec<_>>());
    assert_eq!(first["data"][0]["text"], "post 6");
    assert!(first["data"][0]["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(first["meta"]["result_count"], 5);
    assert_eq!(first["meta"]["newest_id"], ids[6].as_str());
    let next = first["meta"]["next_token"].as_str().unwrap().to_owned();
    let (_, second) = page(format!("?max_results=5&pagination_token={next}")).await;
    assert_eq!(second["meta"]["result_count"], 2);
    assert!(second["data"][0].get("created_at").is_none(), "only with tweet.fields");
    assert!(second["meta"].get("next_token").is_none());

    let (status, body) = page("?max_results=3".to_owned()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["parameters"]["max_results"][0], "3");
    let other = http
        .get(format!("{}/x/api/2/users/1500000000000000002/tweets", sb.base_url()))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(other.json::<Value>().await.unwrap(), json!({"meta": {"result_count": 0}}));
    let response = http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn tweet_window_spent_is_429_with_reset() {
    let sb = start_approving(|config| {
        config.x.tweets_per_window = 2;
        config.x.tweet_window_secs = 600;
    })
    .await;
    let http = client();
    let (access, _) = connect(&sb, &http).await;
    let first = post_tweet(&sb, &http, &access, "uno").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(first.headers()["x-rate-limit-limit"], "2");
    assert_eq!(first.headers()["x-rate-limit-remaining"], "1");
    assert_eq!(post_tweet(&sb, &http, &access, "due").await.headers()["x-rate-limit-remaining"], "0");
    let refused = post_tweet(&sb, &http, &access, "tre").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let reset: u64 = refused.headers()["x-rate-limit-reset"].to_str().unwrap().parse().unwrap();
    assert!((now + 590..=now + 601).contains(&reset), "reset {reset} is when the window frees up (now {now})");
    assert_eq!(refused.headers()["x-rate-limit-remaining"], "0");
    let body: Value = refused.json().await.unwrap();
    assert_eq!((body["title"].as_str(), body["status"].as_u64()), (Some("Too Many Requests"), Some(429)));
    assert_eq!(sb.published().len(), 2, "the refused post did not land");
}
