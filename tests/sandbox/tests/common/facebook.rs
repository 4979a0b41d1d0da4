//! Facebook Login for the sandbox tests: the dialog, the code exchange and a long-lived user token.

use herald_sandbox::{Sandbox, DEMO_FACEBOOK_CLIENT_ID, DEMO_FACEBOOK_CLIENT_SECRET, DEMO_FACEBOOK_REDIRECT_URI};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use url::Url;

use super::{location_header, query_param};

pub const SCOPES: &str = "pages_show_list,pages_manage_posts,pages_read_engagement";
pub const PAGE_1: &str = "104000000000001";
pub const PAGE_2: &str = "104000000000002";

pub fn graph(sb: &Sandbox, path: &str) -> String {
    format!("{}/facebook/graph/v25.0{path}", sb.base_url())
}

pub fn dialog(sb: &Sandbox, redirect_uri: &str) -> Url {
    let mut url = Url::parse(&format!("{}/facebook/www/v25.0/dialog/oauth", sb.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", DEMO_FACEBOOK_CLIENT_ID)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", "fb-state")
        .append_pair("response_type", "code")
        .append_pair("scope", SCOPES);
    url
}

pub async fn get_json(http: &Client, url: &str) -> (StatusCode, Value) {
    let response = http.get(url).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

/// Through the dialog (auto-consent); returns the code.
pub async fn code(sb: &Sandbox, http: &Client) -> String {
    let redirect = location_header(&http.get(dialog(sb, DEMO_FACEBOOK_REDIRECT_URI)).send().await.unwrap());
    assert!(redirect.as_str().starts_with(DEMO_FACEBOOK_REDIRECT_URI));
    assert_eq!(redirect.fragment(), Some("_=_"));
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("fb-state"));
    query_param(&redirect, "code").unwrap()
}

pub async fn exchange(sb: &Sandbox, http: &Client, code: &str, secret: &str, redirect: &str) -> (StatusCode, Value) {
    let mut url = Url::parse(&graph(sb, "/oauth/access_token")).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", DEMO_FACEBOOK_CLIENT_ID)
        .append_pair("redirect_uri", redirect)
        .append_pair("client_secret", secret)
        .append_pair("code", code);
    get_json(http, url.as_str()).await
}

pub async fn long_lived(sb: &Sandbox, http: &Client, short: &str) -> (StatusCode, Value) {
    let mut url = Url::parse(&graph(sb, "/oauth/access_token")).unwrap();
    url.query_pairs_mut()
        .append_pair("grant_type", "fb_exchange_token")
        .append_pair("client_id", DEMO_FACEBOOK_CLIENT_ID)
        .append_pair("client_secret", DEMO_FACEBOOK_CLIENT_SECRET)
        .append_pair("fb_exchange_token", short);
    get_json(http, url.as_str()).await
}

/// Code → short-lived → long-lived user token.
pub async fn user_token(sb: &Sandbox, http: &Client) -> String {
    let code = code(sb, http).await;
    let (status, short) = exchange(sb, http, &code, DEMO_FACEBOOK_CLIENT_SECRET, DEMO_FACEBOOK_REDIRECT_URI).await;
    assert_eq!(status, StatusCode::OK, "{short}");
    let (status, long) = long_lived(sb, http, short["access_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{long}");
    long["access_token"].as_str().unwrap().to_owned()
}

/// A Graph error body: `OAuthException` with `code`, `error_subcode` and a trace id.
pub fn assert_graph_error(body: &Value, code: u64, subcode: Option<u64>) {
    let error = &body["error"];
    assert_eq!(error["type"], "OAuthException", "{body}");
    assert_eq!(error["code"], code, "{body}");
    assert_eq!(error["error_subcode"].as_u64(), subcode, "{body}");
    assert!(error["message"].is_string() && error["fbtrace_id"].is_string(), "{body}");
}
