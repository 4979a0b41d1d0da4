//! LinkedIn OAuth (native PKCE and standard), userinfo, organizationAcls with the versioned
//! headers, organizations, posts and revocation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::linkedin::{json_of, native_url, rest, this_month, token, LOOPBACK};
use common::{approve_all, client, location_header, query_param, start, start_approving, verifier};
use herald_sandbox::{
    AutoConsent, Endpoint, Fault, Sandbox, DEMO_LINKEDIN_CLIENT_ID, DEMO_LINKEDIN_CLIENT_SECRET,
    DEMO_LINKEDIN_REDIRECT_URI,
};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use url::Url;

const SCOPES: &str = "openid profile w_member_social w_organization_social rw_organization_admin";

fn standard_url(sb: &Sandbox, redirect_uri: &str) -> Url {
    let mut url = Url::parse(&format!("{}/linkedin/www/oauth/v2/authorization", sb.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", DEMO_LINKEDIN_CLIENT_ID)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", "li-state")
        .append_pair("scope", SCOPES);
    url
}

/// Native PKCE with this file's scopes.
async fn native_connect(sb: &Sandbox, http: &Client) -> Value {
    common::linkedin::native_connect(sb, http, SCOPES).await
}

#[tokio::test]
async fn native_pkce_userinfo_organizations_post_and_revoke() {
    let sb = start(approve_all()).await;
    let http = client();
    let tokens = native_connect(&sb, &http).await;
    assert_eq!(tokens["expires_in"], 5_184_000);
    assert_eq!(tokens["refresh_token_expires_in"], 31_536_000);
    assert_eq!(tokens["token_type"], "Bearer");
    let access = tokens["access_token"].as_str().unwrap();

    let userinfo = http.get(format!("{}/linkedin/api/v2/userinfo", sb.base_url())).bearer_auth(access);
    let (status, me) = json_of(userinfo).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["sub"], "gR0ss1Sbx7");
    assert_eq!(me["name"], "Giulia Rossi");

    let acls = "/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED";
    let (status, body) = json_of(rest(&http, &sb, acls, access)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let orgs: Vec<&str> =
        body["elements"].as_array().unwrap().iter().map(|e| e["organization"].as_str().unwrap()).collect();
    assert_eq!(orgs, ["urn:li:organization:90000001", "urn:li:organization:90000002"]);
    assert_eq!(body["elements"][0]["roleAssignee"], "urn:li:person:gR0ss1Sbx7");
    assert_eq!(body["paging"]["total"], 2);

    let (_, org) = json_of(rest(&http, &sb, "/organizations/90000001", access)).await;
    assert_eq!(org["localizedName"], "Forno Rossi S.r.l.");
    let (_, batch) = json_of(rest(&http, &sb, "/organizations?ids=List(90000001,90000002)", access)).await;
    assert_eq!(batch["results"]["90000002"]["localizedName"], "Rossi Catering");

    let post = json!({
        "author": "urn:li:organization:90000001",
        "commentary": "Nuovo forno a legna!",
        "visibility": "PUBLIC",
        "distribution": { "feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": [] },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": false,
    });
    let response = http
        .post(format!("{}/linkedin/api/rest/posts", sb.base_url()))
        .bearer_auth(access)
        .header("LinkedIn-Version", this_month())
        .header("X-Restli-Protocol-Version", "2.0.0")
        .json(&post)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(response.headers()["x-restli-id"].to_str().unwrap().starts_with("urn:li:share:"));
    assert_eq!(sb.published()[0].author, "urn:li:organization:90000001");

    let response = http
        .post(format!("{}/linkedin/www/oauth/v2/revoke", sb.base_url()))
        .form(&[
            ("client_id", DEMO_LINKEDIN_CLIENT_ID),
            ("client_secret", DEMO_LINKEDIN_CLIENT_SECRET),
            ("token", access),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (status, body) = json_of(rest(&http, &sb, acls, access)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"status":401,"serviceErrorCode":65601,"code":"REVOKED_ACCESS_TOKEN","message":"The token used in the request has been revoked by the user"})
    );
    assert!(sb.issued_secrets().iter().any(|s| s == access));
    assert_eq!(sb.hits(Endpoint::LinkedInOrganizationAcls), 2);
}

#[tokio::test]
async fn versioned_calls_need_both_headers() {
    let sb = start(approve_all()).await;
    let http = client();
    let access = native_connect(&sb, &http).await["access_token"].as_str().unwrap().to_owned();
    let url = format!("{}/linkedin/api/rest/organizationAcls?q=roleAssignee", sb.base_url());

    let (status, body) =
        json_of(http.get(&url).bearer_auth(&access).header("X-Restli-Protocol-Version", "2.0.0")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "VERSION_MISSING");
    assert_eq!(body["status"], 400);

    let (status, body) = json_of(
        http.get(&url)
            .bearer_auth(&access)
            .header("LinkedIn-Version", "202201")
            .header("X-Restli-Protocol-Version", "2.0.0"),
    )
    .await;
    assert_eq!(status, StatusCode::UPGRADE_REQUIRED);
    assert_eq!(body["code"], "NONEXISTENT_VERSION");

    let (status, body) = json_of(http.get(&url).bearer_auth(&access).header("LinkedIn-Version", this_month())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("X-Restli-Protocol-Version"));

    let (status, body) =
        json_of(http.get(&url).header("LinkedIn-Version", this_month()).header("X-Restli-Protocol-Version", "2.0.0"))
            .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "EMPTY_ACCESS_TOKEN");
}

#[tokio::test]
async fn standard_flow_needs_exact_redirect_and_secret_and_refreshes() {
    let sb = start(approve_all()).await;
    let http = client();
    let response = http.get(standard_url(&sb, LOOPBACK)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "loopback is for the native flow only");
    assert!(response.text().await.unwrap().contains("does not match the registered value"));

    let redirect = location_header(&http.get(standard_url(&sb, DEMO_LINKEDIN_REDIRECT_URI)).send().await.unwrap());
    let code = query_param(&redirect, "code").unwrap();
    let base = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", DEMO_LINKEDIN_REDIRECT_URI),
        ("client_id", DEMO_LINKEDIN_CLIENT_ID),
    ];
    let (status, body) = token(&sb, &http, &base).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_description"], "A required parameter \"client_secret\" is missing");
    let mut with_secret = base.to_vec();
    with_secret.push(("client_secret", DEMO_LINKEDIN_CLIENT_SECRET));
    let (status, tokens) = token(&sb, &http, &with_secret).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", DEMO_LINKEDIN_CLIENT_ID),
        ("client_secret", DEMO_LINKEDIN_CLIENT_SECRET),
    ];
    let (status, body) = token(&sb, &http, &refresh).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["refresh_token"], refresh_token, "LinkedIn refresh tokens are not rotated");
    assert_ne!(body["access_token"], tokens["access_token"]);
    // A replayed code is refused and ends the grant it produced.
    let (status, body) = token(&sb, &http, &with_secret).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a code is single-use");
    assert_eq!(body["error"], "invalid_request");
    let (status, body) = token(&sb, &http, &refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn native_refusals_scope_errors_and_faults() {
    let sb = start(approve_all()).await;
    let http = client();
    let verifier = verifier();
    let redirect = location_header(&http.get(native_url(&sb, &verifier, SCOPES)).send().await.unwrap());
    let code = query_param(&redirect, "code").unwrap();
    let wrong = common::verifier();
    let (status, body) = token(
        &sb,
        &http,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", LOOPBACK),
            ("client_id", DEMO_LINKEDIN_CLIENT_ID),
            ("code_verifier", wrong.as_str()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error_description"].as_str().unwrap().contains("code verifier does not match"));

    let redirect = location_header(&http.get(native_url(&sb, &verifier, "openid r_liteprofile")).send().await.unwrap());
    assert_eq!(query_param(&redirect, "error").as_deref(), Some("unauthorized_scope_error"));
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("li-state"));

    sb.set_auto_consent(Some(AutoConsent::Deny));
    let redirect = location_header(&http.get(native_url(&sb, &verifier, SCOPES)).send().await.unwrap());
    assert_eq!(query_param(&redirect, "error").as_deref(), Some("user_cancelled_authorize"));

    sb.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let access = native_connect(&sb, &http).await["access_token"].as_str().unwrap().to_owned();
    sb.inject(Endpoint::LinkedInOrganizationAcls, Fault { status: Some(503), times: Some(1), ..Fault::default() });
    let (status, body) = json_of(rest(&http, &sb, "/organizationAcls?q=roleAssignee", &access)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], 503);
    assert_eq!(json_of(rest(&http, &sb, "/organizationAcls?q=roleAssignee", &access)).await.0, StatusCode::OK);
}

/// An app without the Community Management API may not ask for organization scopes: LinkedIn
/// answers `unauthorized_scope_error` naming the scope; member scopes alone still work.
#[tokio::test]
async fn organization_scopes_need_the_community_management_product() {
    let sb = start_approving(|config| {
        config.linkedin.organization_products = false;
    })
    .await;
    let http = client();
    let verifier = verifier();

    let redirect = location_header(&http.get(native_url(&sb, &verifier, SCOPES)).send().await.unwrap());
    assert_eq!(query_param(&redirect, "error").as_deref(), Some("unauthorized_scope_error"));
    let description = query_param(&redirect, "error_description").unwrap();
    assert!(description.contains("\"w_organization_social\""), "{description}");
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("li-state"));

    let redirect =
        location_header(&http.get(native_url(&sb, &verifier, "openid profile w_member_social")).send().await.unwrap());
    assert!(query_param(&redirect, "code").is_some(), "{redirect}");
}

/// Rest.li 2.0 batch gets: `ids=List(1,2)` with the list's parentheses and commas literal.
#[tokio::test]
async fn batch_gets_need_a_literal_restli_list() {
    let sb = start(approve_all()).await;
    let http = client();
    let access = native_connect(&sb, &http).await["access_token"].as_str().unwrap().to_owned();
    let (status, batch) = json_of(rest(&http, &sb, "/organizations?ids=List(90000001)", &access)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(batch["results"]["90000001"]["localizedName"], "Forno Rossi S.r.l.");
    let (status, _) = json_of(rest(&http, &sb, "/organizations?ids=List%2890000001%29", &access)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
