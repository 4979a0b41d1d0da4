//! Facebook Login and the Graph API calls Herald makes, over real HTTP (redirects not followed).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::facebook::{
    assert_graph_error, code, dialog, exchange, get_json, graph, long_lived, user_token, PAGE_1, PAGE_2,
};
use common::{client, location_header, query_param, start, start_approving};
use herald_sandbox::{
    AutoConsent, Endpoint, Fault, DEMO_FACEBOOK_CLIENT_ID, DEMO_FACEBOOK_CLIENT_SECRET, DEMO_FACEBOOK_REDIRECT_URI,
};
use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

#[tokio::test]
async fn connect_list_pages_publish_and_deauthorize() {
    let sb = start(Some(AutoConsent::Approve { locations: None })).await;
    let http = client();
    let code = code(&sb, &http).await;
    let (status, short) = exchange(&sb, &http, &code, DEMO_FACEBOOK_CLIENT_SECRET, DEMO_FACEBOOK_REDIRECT_URI).await;
    assert_eq!(status, StatusCode::OK, "{short}");
    assert_eq!(short["token_type"], "bearer");
    assert_eq!(short["expires_in"], 5400);
    let (status, long) = long_lived(&sb, &http, short["access_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(long["expires_in"], 5_184_000);
    let user = long["access_token"].as_str().unwrap();

    let fields = "id,name,access_token,tasks,picture,instagram_business_account";
    let (status, pages) =
        get_json(&http, &format!("{}?fields={fields}&access_token={user}", graph(&sb, "/me/accounts"))).await;
    assert_eq!(status, StatusCode::OK, "{pages}");
    let data = pages["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["id"], PAGE_1);
    assert_eq!(data[0]["name"], "Forno Rossi");
    assert_eq!(data[0]["instagram_business_account"]["id"], "17841400000000001");
    assert!(data[0]["tasks"].as_array().unwrap().iter().any(|t| t == "CREATE_CONTENT"));
    assert!(data[0]["picture"]["data"]["url"].is_string());
    assert!(data[1].get("instagram_business_account").is_none());
    assert!(pages["paging"]["cursors"]["after"].is_string());
    let page_token = data[0]["access_token"].as_str().unwrap();

    // The Authorization header works as well as the parameter.
    let response = http
        .get(format!("{}?fields=instagram_business_account,name", graph(&sb, &format!("/{PAGE_1}"))))
        .bearer_auth(page_token)
        .send()
        .await
        .unwrap();
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["instagram_business_account"]["id"], "17841400000000001");
    assert_eq!(page["id"], PAGE_1);

    let (_, permissions) = get_json(&http, &format!("{}?access_token={user}", graph(&sb, "/me/permissions"))).await;
    let granted: Vec<&str> = permissions["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "granted")
        .map(|p| p["permission"].as_str().unwrap())
        .collect();
    assert!(granted.contains(&"pages_manage_posts") && granted.contains(&"pages_show_list"));

    // Publishing needs the Page's own token.
    let feed = graph(&sb, &format!("/{PAGE_1}/feed"));
    let response = http.post(&feed).form(&[("message", "Pane caldo!"), ("access_token", user)]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_graph_error(&response.json().await.unwrap(), 200, None);
    let response =
        http.post(&feed).form(&[("message", "Pane caldo!"), ("access_token", page_token)]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let posted: Value = response.json().await.unwrap();
    assert!(posted["id"].as_str().unwrap().starts_with(&format!("{PAGE_1}_")));
    let published = sb.published();
    assert_eq!((published[0].network.as_str(), published[0].text.as_str()), ("facebook", "Pane caldo!"));

    let response = http.delete(format!("{}?access_token={user}", graph(&sb, "/me/permissions"))).send().await.unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["success"], true);
    assert!(sb.is_revoked(user) && sb.is_revoked(page_token));
    let (status, body) = get_json(&http, &format!("{}?access_token={user}", graph(&sb, "/me/accounts"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_graph_error(&body, 190, Some(458));

    let secrets = sb.issued_secrets();
    for secret in [code.as_str(), short["access_token"].as_str().unwrap(), user, page_token] {
        assert!(secrets.iter().any(|s| s == secret), "{secret} not recorded");
    }
    assert_eq!(sb.hits(Endpoint::FacebookToken), 2);
    assert_eq!(sb.hits(Endpoint::FacebookAccounts), 2);
}

#[tokio::test]
async fn dialog_refuses_unregistered_redirect_and_unknown_app_with_a_page() {
    let sb = start(Some(AutoConsent::Approve { locations: None })).await;
    let http = client();
    let response = http.get(dialog(&sb, "http://127.0.0.1:8123/callback")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("redirect_uri_mismatch"));

    let wrong = dialog(&sb, DEMO_FACEBOOK_REDIRECT_URI).as_str().replace(DEMO_FACEBOOK_CLIENT_ID, "999");
    let response = http.get(&wrong).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("Invalid App ID"));

    let bad_scope = dialog(&sb, DEMO_FACEBOOK_REDIRECT_URI).as_str().replace("pages_show_list", "manage_pages");
    let response = http.get(&bad_scope).send().await.unwrap();
    assert!(response.text().await.unwrap().contains("Invalid Scopes: manage_pages"));
}

#[tokio::test]
async fn code_exchange_errors_are_graph_shaped() {
    let sb = start(Some(AutoConsent::Approve { locations: None })).await;
    let http = client();
    let first = code(&sb, &http).await;
    let (status, body) = exchange(&sb, &http, &first, "wrong-secret", DEMO_FACEBOOK_REDIRECT_URI).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_graph_error(&body, 1, None);
    // A wrong secret never reaches the code: it is still good.
    let (status, _) = exchange(&sb, &http, &first, DEMO_FACEBOOK_CLIENT_SECRET, DEMO_FACEBOOK_REDIRECT_URI).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = exchange(&sb, &http, &first, DEMO_FACEBOOK_CLIENT_SECRET, DEMO_FACEBOOK_REDIRECT_URI).await;
    assert_graph_error(&body, 100, Some(36009));

    let second = code(&sb, &http).await;
    let (_, body) =
        exchange(&sb, &http, &second, DEMO_FACEBOOK_CLIENT_SECRET, "https://relay.herald.invalid/other").await;
    assert_graph_error(&body, 100, Some(36008));

    let (_, body) = get_json(&http, &graph(&sb, "/me/accounts")).await;
    assert_graph_error(&body, 2500, None);
    let (_, body) = get_json(&http, &format!("{}?access_token=EAAGforged", graph(&sb, "/me/accounts"))).await;
    assert_graph_error(&body, 190, None);
}

#[tokio::test]
async fn chosen_pages_and_declined_permission_are_reported() {
    let sb = start(Some(AutoConsent::Choose {
        accounts: Some(vec![PAGE_2.to_owned()]),
        declined_scopes: vec!["pages_manage_posts".to_owned()],
    }))
    .await;
    let http = client();
    let user = user_token(&sb, &http).await;
    let (_, pages) = get_json(&http, &format!("{}?access_token={user}", graph(&sb, "/me/accounts"))).await;
    let ids: Vec<&str> = pages["data"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [PAGE_2]);
    let (_, permissions) = get_json(&http, &format!("{}?access_token={user}", graph(&sb, "/me/permissions"))).await;
    assert!(permissions["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["permission"] == "pages_manage_posts" && p["status"] == "declined"));
    let page_token = pages["data"][0]["access_token"].as_str().unwrap();
    let response = http
        .post(graph(&sb, &format!("/{PAGE_2}/feed")))
        .form(&[("message", "ciao"), ("access_token", page_token)])
        .send()
        .await
        .unwrap();
    assert_graph_error(&response.json().await.unwrap(), 200, None);
    // A Page that was not chosen cannot be read.
    let (_, body) = get_json(&http, &format!("{}?access_token={user}", graph(&sb, &format!("/{PAGE_1}")))).await;
    assert_graph_error(&body, 100, Some(33));
}

#[tokio::test]
async fn expiry_faults_and_deny() {
    let sb = start_approving(|config| {
        config.facebook.short_lived_ttl_secs = 0;
    })
    .await;
    let http = client();
    let code = code(&sb, &http).await;
    let (_, short) = exchange(&sb, &http, &code, DEMO_FACEBOOK_CLIENT_SECRET, DEMO_FACEBOOK_REDIRECT_URI).await;
    let token = short["access_token"].as_str().unwrap();
    let (_, body) = get_json(&http, &format!("{}?access_token={token}", graph(&sb, "/me/accounts"))).await;
    assert_graph_error(&body, 190, Some(463));

    sb.inject(Endpoint::FacebookAccounts, Fault { status: Some(500), times: Some(1), ..Fault::default() });
    let (status, body) = get_json(&http, &format!("{}?access_token={token}", graph(&sb, "/me/accounts"))).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_graph_error(&body, 1, None);
    assert_eq!(body["error"]["is_transient"], true);

    sb.set_auto_consent(Some(AutoConsent::Deny));
    let redirect = location_header(&http.get(dialog(&sb, DEMO_FACEBOOK_REDIRECT_URI)).send().await.unwrap());
    assert_eq!(query_param(&redirect, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&redirect, "error_reason").as_deref(), Some("user_denied"));
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("fb-state"));
    assert!(query_param(&redirect, "code").is_none());
}

#[tokio::test]
async fn consent_page_lets_a_person_pick_pages_and_untick_permissions() {
    let sb = start(None).await;
    let http = client();
    let response = http.get(dialog(&sb, DEMO_FACEBOOK_REDIRECT_URI)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("Log in with Facebook") && page.contains("Forno Rossi — Pasticceria"));
    assert!(page.contains("value=\"pages_manage_posts\""));
    let request_id = common::request_id(&page);
    let response = http
        .post(format!("{}/facebook/www/dialog/oauth/consent", sb.base_url()))
        .form(&[
            ("request_id", request_id.as_str()),
            ("account", PAGE_1),
            ("scope", "pages_show_list"),
            ("scope", "pages_read_engagement"),
            ("decision", "allow"),
        ])
        .send()
        .await
        .unwrap();
    let redirect = location_header(&response);
    let code = query_param(&redirect, "code").unwrap();
    let (_, short) = exchange(&sb, &http, &code, DEMO_FACEBOOK_CLIENT_SECRET, DEMO_FACEBOOK_REDIRECT_URI).await;
    let token = short["access_token"].as_str().unwrap();
    let (_, pages) = get_json(&http, &format!("{}?access_token={token}", graph(&sb, "/me/accounts"))).await;
    assert_eq!(pages["data"].as_array().unwrap().len(), 1);
    let (_, permissions) = get_json(&http, &format!("{}?access_token={token}", graph(&sb, "/me/permissions"))).await;
    assert!(permissions["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["permission"] == "pages_manage_posts" && p["status"] == "declined"));
}

/// `/me/accounts` pages with cursors like Graph: `limit` (default 25), `after`, and
/// `paging.next` only while more remain, on the same listing with the same parameters.
#[tokio::test]
async fn the_page_listing_is_paged_with_cursors_and_a_next_link() {
    let sb = start_approving(|config| {
        let template = config.facebook.pages[0].clone();
        config.facebook.pages = (1..=30)
            .map(|i| herald_sandbox::FacebookPageSeed {
                id: format!("1050000000000{i:02}"),
                name: format!("Page {i}"),
                instagram_business_account: None,
                ..template.clone()
            })
            .collect();
    })
    .await;
    let http = client();
    let user = user_token(&sb, &http).await;

    let (_, first) =
        get_json(&http, &format!("{}?fields=id,name&access_token={user}", graph(&sb, "/me/accounts"))).await;
    assert_eq!(first["data"].as_array().unwrap().len(), 25, "Graph's default page size");
    let next = first["paging"]["next"].as_str().expect("more remain: a next link");
    let next_url = Url::parse(next).unwrap();
    assert_eq!(next_url.path(), "/facebook/graph/v25.0/me/accounts");
    assert!(next_url.query_pairs().any(|(k, v)| k == "fields" && v == "id,name"), "same parameters: {next}");
    let (_, second) = get_json(&http, next).await;
    let ids: Vec<&str> = second["data"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["105000000000026", "105000000000027", "105000000000028", "105000000000029", "105000000000030"]);
    assert!(second["paging"].get("next").is_none(), "no next link on the last page");

    let (_, all) = get_json(&http, &format!("{}?limit=100&access_token={user}", graph(&sb, "/me/accounts"))).await;
    assert_eq!(all["data"].as_array().unwrap().len(), 30);
    assert!(all["paging"].get("next").is_none());
    let (status, body) = get_json(&http, &format!("{}?limit=0&access_token={user}", graph(&sb, "/me/accounts"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_graph_error(&body, 100, None);
    let (_, body) = get_json(&http, &format!("{}?after=bm9wZQ&access_token={user}", graph(&sb, "/me/accounts"))).await;
    assert_graph_error(&body, 100, None);
}
