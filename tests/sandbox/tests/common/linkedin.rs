//! LinkedIn for the sandbox tests: versioned REST calls and the native PKCE connection.

use herald_sandbox::{Sandbox, DEMO_LINKEDIN_CLIENT_ID};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::Value;
use url::Url;

use super::{challenge, location_header, query_param, verifier};

pub const LOOPBACK: &str = "http://127.0.0.1:53817/callback";

/// This month as `YYYYMM` (an active `LinkedIn-Version`).
pub fn this_month() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    // Good enough for a test: 30.44-day months from 1970.
    let months = (secs as f64 / 86_400.0 / 30.436_875) as i64;
    format!("{}{:02}", 1970 + months / 12, months % 12 + 1)
}

/// A `GET` of the versioned REST API with both headers it needs.
pub fn rest(http: &Client, sb: &Sandbox, path: &str, token: &str) -> RequestBuilder {
    http.get(format!("{}/linkedin/api/rest{path}", sb.base_url()))
        .bearer_auth(token)
        .header("LinkedIn-Version", this_month())
        .header("X-Restli-Protocol-Version", "2.0.0")
}

pub fn native_url(sb: &Sandbox, verifier: &str, scope: &str) -> Url {
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

pub async fn token(sb: &Sandbox, http: &Client, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response =
        http.post(format!("{}/linkedin/www/oauth/v2/accessToken", sb.base_url())).form(form).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

/// Native PKCE with `scopes` (auto-consent); returns the token answer.
pub async fn native_connect(sb: &Sandbox, http: &Client, scopes: &str) -> Value {
    let verifier = verifier();
    let redirect = location_header(&http.get(native_url(sb, &verifier, scopes)).send().await.unwrap());
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

pub async fn json_of(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}
