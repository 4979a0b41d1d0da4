//! End-to-end tests of the Google emulation over real HTTP, redirects disabled (as the app sees
//! them: the browser follows the 302 to the loopback listener).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use herald_sandbox::{Endpoint, Fault, Sandbox, SandboxConfig, DEMO_GOOGLE_CLIENT_ID};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn happy_path_authorize_token_accounts_locations() {
    let sb = start(approve_all()).await;
    let http = client();
    let verifier = verifier();
    let code = get_code(&sb, &http, &verifier).await;
    let (status, token) = exchange(&sb, &http, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    let access = token["access_token"].as_str().unwrap();
    let refresh_token = token["refresh_token"].as_str().unwrap();
    assert!(access.starts_with("ya29.") && access.len() >= 37);
    assert!(refresh_token.starts_with("1//"));
    assert_eq!(token["expires_in"], 3599);
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], SCOPE);

    let (status, body) = accounts(&sb, &http, access).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["accounts"][0]["name"], ACCOUNT);
    assert_eq!(body["accounts"][0]["accountName"], "Forno Rossi S.r.l.");
    assert_eq!(body["accounts"][0]["type"], "LOCATION_GROUP");
    assert_eq!(body["accounts"][0]["verificationState"], "VERIFIED");
    assert!(body.get("nextPageToken").is_none());

    let (status, body) = locations(&sb, &http, access, "readMask=name,title").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(location_names(&body), ["locations/5550000001", "locations/5550000002"]);
    assert_eq!(body["locations"][0]["title"], "Forno Rossi — Centro");
    assert!(body.get("nextPageToken").is_none());

    let (_, body) = locations(&sb, &http, access, "readMask=title").await;
    assert!(body["locations"][0].get("name").is_none());

    let secrets = sb.issued_secrets();
    for secret in [code.as_str(), access, refresh_token] {
        assert!(secrets.iter().any(|s| s == secret));
    }
    assert_eq!(sb.hits(Endpoint::GoogleAuthorize), 1);
    assert_eq!(sb.hits(Endpoint::GoogleToken), 1);
    assert_eq!(sb.hits(Endpoint::GoogleLocations), 2);
    sb.shutdown().await;
}

#[tokio::test]
async fn pkce_verifier_mismatch_is_invalid_grant() {
    let sb = start(approve_all()).await;
    let http = client();
    let right = verifier();
    let code = get_code(&sb, &http, &right).await;
    let (status, body) = exchange(&sb, &http, &code, &verifier()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "Bad Request");
}

#[tokio::test]
async fn code_reuse_is_invalid_grant_and_revokes_first_tokens() {
    let sb = start(approve_all()).await;
    let http = client();
    let verifier = verifier();
    let code = get_code(&sb, &http, &verifier).await;
    let (status, first) = exchange(&sb, &http, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK);
    let access = first["access_token"].as_str().unwrap();
    let refresh_token = first["refresh_token"].as_str().unwrap();
    assert_eq!(accounts(&sb, &http, access).await.0, StatusCode::OK);

    let (status, body) = exchange(&sb, &http, &code, &verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert!(sb.is_revoked(access) && sb.is_revoked(refresh_token));
    let (status, body) = accounts(&sb, &http, access).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
    assert_eq!(refresh(&sb, &http, refresh_token).await.1["error"], "invalid_grant");
}

#[tokio::test]
async fn refresh_works_until_revoked() {
    let sb = start(approve_all()).await;
    let http = client();
    let (access, refresh_token) = connect(&sb, &http).await;

    let (status, body) = refresh(&sb, &http, &refresh_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new_access = body["access_token"].as_str().unwrap().to_owned();
    assert_ne!(new_access, access);
    assert!(body.get("refresh_token").is_none(), "Google does not rotate");
    assert_eq!(accounts(&sb, &http, &new_access).await.0, StatusCode::OK);

    let revoke = http
        .post(format!("{}/google/revoke", sb.base_url()))
        .form(&[("token", refresh_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::OK);
    assert!(sb.is_revoked(&refresh_token) && sb.is_revoked(&new_access));

    let (status, body) = refresh(&sb, &http, &refresh_token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(accounts(&sb, &http, &new_access).await.0, StatusCode::UNAUTHORIZED);

    let again = http
        .post(format!("{}/google/revoke", sb.base_url()))
        .form(&[("token", refresh_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");
}

#[tokio::test]
async fn revoke_all_for_tests_kills_refresh() {
    let sb = start(approve_all()).await;
    let http = client();
    let (_, refresh_token) = connect(&sb, &http).await;
    sb.revoke_all_for_tests();
    let (status, body) = refresh(&sb, &http, &refresh_token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn injected_500_once_then_success() {
    let sb = start(approve_all()).await;
    let http = client();
    let verifier = verifier();
    let code = get_code(&sb, &http, &verifier).await;
    sb.inject(Endpoint::GoogleToken, Fault { status: Some(500), times: Some(1), ..Fault::default() });
    let (status, body) = exchange(&sb, &http, &code, &verifier).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body["error"].is_string());
    // The faulted request never reached the code: it can still be exchanged.
    let (status, body) = exchange(&sb, &http, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(sb.hits(Endpoint::GoogleToken), 2);
}

#[tokio::test]
async fn fault_with_body_and_clear() {
    let sb = start(approve_all()).await;
    let http = client();
    let (access, _) = connect(&sb, &http).await;
    sb.inject(
        Endpoint::GoogleAccounts,
        Fault {
            status: Some(429),
            body: Some(r#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}"#.to_owned()),
            delay_ms: 10,
            times: None,
            ..Fault::default()
        },
    );
    for _ in 0..2 {
        let (status, body) = accounts(&sb, &http, &access).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["error"]["status"], "RESOURCE_EXHAUSTED");
    }
    sb.clear_faults();
    assert_eq!(accounts(&sb, &http, &access).await.0, StatusCode::OK);
}

#[tokio::test]
async fn consent_page_person_flow_grants_only_chosen_location() {
    let sb = start(None).await;
    let http = client();
    let verifier = verifier();
    let page = consent_page(&sb, &http, &verifier).await;
    assert!(page.contains("<title>Sign in with Google (Herald sandbox)</title>"));
    assert!(page.contains("Herald wants to manage your Business Profile"));
    assert!(page.contains("Forno Rossi S.r.l."));
    assert!(page.contains("Forno Rossi — Centro") && page.contains("Forno Rossi — Stazione"));
    assert!(page.contains(">Allow</button>") && page.contains(">Cancel</button>"));

    let response = http
        .post(format!("{}/google/o/oauth2/v2/consent", sb.base_url()))
        .form(&[
            ("request_id", request_id(&page).as_str()),
            ("location", "locations/5550000002"),
            ("decision", "allow"),
        ])
        .send()
        .await
        .unwrap();
    let redirect = location_header(&response);
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("person"));
    let code = query_param(&redirect, "code").unwrap();
    let (status, token) = exchange(&sb, &http, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK);
    let access = token["access_token"].as_str().unwrap();
    let (status, body) = locations(&sb, &http, access, "readMask=name,title").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(location_names(&body), ["locations/5550000002"]);
}

#[tokio::test]
async fn consent_cancel_and_zero_locations() {
    let sb = start(None).await;
    let http = client();
    let page = consent_page(&sb, &http, &verifier()).await;
    let consent = format!("{}/google/o/oauth2/v2/consent", sb.base_url());
    let response = http
        .post(&consent)
        .form(&[("request_id", request_id(&page).as_str()), ("decision", "deny")])
        .send()
        .await
        .unwrap();
    let redirect = location_header(&response);
    assert_eq!(query_param(&redirect, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("person"));
    assert!(query_param(&redirect, "code").is_none());

    let verifier = verifier();
    let page = consent_page(&sb, &http, &verifier).await;
    let response = http
        .post(&consent)
        .form(&[("request_id", request_id(&page).as_str()), ("decision", "allow")])
        .send()
        .await
        .unwrap();
    let code = query_param(&location_header(&response), "code").unwrap();
    let (_, token) = exchange(&sb, &http, &code, &verifier).await;
    let access = token["access_token"].as_str().unwrap();
    let (status, body) = accounts(&sb, &http, access).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("accounts").is_none(), "{body}");
    let (status, _) = locations(&sb, &http, access, "readMask=name").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pagination_with_page_size_one() {
    let sb = start(approve_all()).await;
    let http = client();
    let (access, _) = connect(&sb, &http).await;
    let (status, first) = locations(&sb, &http, &access, "readMask=name,title&pageSize=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(location_names(&first), ["locations/5550000001"]);
    let next = first["nextPageToken"].as_str().unwrap();
    let query = format!("readMask=name,title&pageSize=1&pageToken={next}");
    let (status, second) = locations(&sb, &http, &access, &query).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(location_names(&second), ["locations/5550000002"]);
    assert!(second.get("nextPageToken").is_none());

    let (status, body) = accounts(&sb, &http, &access).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["accounts"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn authorize_errors_are_pages_not_redirects() {
    let sb = start(approve_all()).await;
    let http = client();
    let v = verifier();
    let cases: [(&str, &str, StatusCode, &str); 4] = [
        ("client_id", "someone-else", StatusCode::UNAUTHORIZED, "Error 401: invalid_client"),
        ("redirect_uri", "https://evil.example/cb", StatusCode::BAD_REQUEST, "Error 400: redirect_uri_mismatch"),
        ("code_challenge_method", "plain", StatusCode::BAD_REQUEST, "Error 400: invalid_request"),
        ("response_type", "token", StatusCode::BAD_REQUEST, "Error 400: invalid_request"),
    ];
    for (key, value, status, text) in cases {
        let mut url = authorize_url(&sb, &v, "s");
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == key { value.to_owned() } else { v.into_owned() };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        let response = http.get(url).send().await.unwrap();
        assert_eq!(response.status(), status, "{key}");
        assert!(response.text().await.unwrap().contains(text), "{key}");
    }
    let mut url = authorize_url(&sb, &v, "s");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "code_challenge")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let response = http.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("code_challenge"));
}

#[tokio::test]
async fn token_and_api_errors_are_google_shaped() {
    let sb = start(approve_all()).await;
    let http = client();
    let token_url = format!("{}/google/token", sb.base_url());
    let response = http
        .post(&token_url)
        .form(&[("grant_type", "authorization_code"), ("client_id", "nobody")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(body["error_description"], "The OAuth client was not found.");

    let response = http
        .post(&token_url)
        .form(&[("grant_type", "authorization_code"), ("client_id", DEMO_GOOGLE_CLIENT_ID)])
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(body["error_description"], "Missing required parameter: code");

    let response = http
        .post(&token_url)
        .form(&[("grant_type", "password"), ("client_id", DEMO_GOOGLE_CLIENT_ID)])
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");

    let (access, _) = connect(&sb, &http).await;
    let (status, body) = locations(&sb, &http, &access, "pageSize=5").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    let url = format!("{}/google/mybusinessbusinessinformation/v1/accounts/999/locations?readMask=name", sb.base_url());
    let (status, body) = api_get(&http, &url, &access).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["status"], "PERMISSION_DENIED");
    let (status, body) = accounts(&sb, &http, "ya29.forged").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], 401);
}

#[tokio::test]
async fn expired_access_token_is_401_and_refresh_recovers() {
    let config = SandboxConfig { access_token_ttl_secs: 0, auto_consent: approve_all(), ..SandboxConfig::demo() };
    let sb = Sandbox::start(config).await.unwrap();
    let http = client();
    let (access, refresh_token) = connect(&sb, &http).await;
    assert_eq!(accounts(&sb, &http, &access).await.0, StatusCode::UNAUTHORIZED);
    assert!(!sb.is_revoked(&access));
    assert_eq!(refresh(&sb, &http, &refresh_token).await.0, StatusCode::OK);
}
