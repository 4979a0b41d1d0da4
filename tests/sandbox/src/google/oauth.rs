//! Google OAuth 2.0: authorize (with consent page), token, revoke.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::json;
use sha2::{Digest as _, Sha256};
use url::{Host, Url};

use super::{CONSENT_PATH, SCOPE_BUSINESS_MANAGE};
use crate::config::{AutoConsent, Endpoint, GoogleSeed};
use crate::consent_page::{self, ConsentAccount, ConsentView};
use crate::faults::gate;
use crate::http::{self, Params, Rejection};
use crate::state::{lock, ConsentRequest, Shared, State as SandboxState};

/// The name the consent screen shows for the OAuth client.
const CLIENT_NAME: &str = "Herald";

fn error_page(status: StatusCode, error: &str, reason: &str) -> Response {
    http::html(status, consent_page::error_page(status.as_u16(), error, reason))
}

fn bad_request_page(error: &str, reason: &str) -> Response {
    error_page(StatusCode::BAD_REQUEST, error, reason)
}

/// `http://127.0.0.1[:port]/…`, `http://[::1][:port]/…` or `http://localhost[:port]/…`: what
/// Google accepts for a "Desktop app" client, on any port.
fn is_loopback_redirect(uri: &str) -> bool {
    let Ok(url) = Url::parse(uri) else {
        return false;
    };
    let loopback_host = match url.host() {
        Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    url.scheme() == "http"
        && loopback_host
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none()
}

/// RFC 7636: 43–128 characters of `[A-Za-z0-9-._~]`.
fn is_pkce_value(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Validates an authorization request the way Google does: client and redirect problems are
/// shown as a page (never redirected), as are malformed requests.
fn validate_authorize(seed: &GoogleSeed, params: &Params) -> Result<ConsentRequest, Rejection> {
    let missing =
        |name: &str| Box::new(bad_request_page("invalid_request", &format!("Missing required parameter: {name}")));
    let client_id = params.get("client_id").ok_or_else(|| missing("client_id"))?;
    if client_id != seed.client_id {
        return Err(Box::new(error_page(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The OAuth client was not found.",
        )));
    }
    let redirect_uri = params.get("redirect_uri").ok_or_else(|| missing("redirect_uri"))?;
    if !is_loopback_redirect(redirect_uri) {
        return Err(Box::new(bad_request_page(
            "redirect_uri_mismatch",
            &format!(
                "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 \
                 policy. Desktop clients must use a loopback redirect_uri \
                 (http://127.0.0.1:{{port}}/…); got: {redirect_uri}"
            ),
        )));
    }
    match params.get("response_type") {
        None => return Err(missing("response_type")),
        Some("code") => {}
        Some(other) => {
            return Err(Box::new(bad_request_page(
                "invalid_request",
                &format!("Invalid response_type: {other}. This client supports only \"code\"."),
            )))
        }
    }
    let scope = params.get("scope").ok_or_else(|| missing("scope"))?;
    if !scope.split(' ').any(|s| s == SCOPE_BUSINESS_MANAGE) {
        return Err(Box::new(bad_request_page(
            "invalid_scope",
            &format!("Some requested scopes were invalid: this sandbox requires {SCOPE_BUSINESS_MANAGE}"),
        )));
    }
    let code_challenge = params.get("code_challenge").ok_or_else(|| missing("code_challenge"))?;
    if params.get("code_challenge_method") != Some("S256") {
        return Err(Box::new(bad_request_page(
            "invalid_request",
            "Invalid code_challenge_method: this client requires S256.",
        )));
    }
    if !is_pkce_value(code_challenge) {
        return Err(Box::new(bad_request_page(
            "invalid_request",
            "Invalid code_challenge: expected 43 to 128 characters of [A-Za-z0-9-._~].",
        )));
    }
    let offline = match params.get("access_type") {
        None | Some("online") => false,
        Some("offline") => true,
        Some(other) => {
            return Err(Box::new(bad_request_page("invalid_request", &format!("Invalid access_type: {other}"))))
        }
    };
    Ok(ConsentRequest {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: params.get("state").map(str::to_owned),
        scope: scope.to_owned(),
        code_challenge: code_challenge.to_owned(),
        offline,
        created: Instant::now(),
    })
}

/// Seeded location names, in seed order, restricted to `only` when given.
fn select_locations(seed: &GoogleSeed, only: Option<&[String]>) -> Vec<String> {
    seed.accounts
        .iter()
        .flat_map(|a| a.locations.iter())
        .filter(|l| only.is_none_or(|names| names.contains(&l.name)))
        .map(|l| l.name.clone())
        .collect()
}

fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return bad_request_page("redirect_uri_mismatch", "Invalid redirect_uri.");
    };
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in pairs {
            query.append_pair(key, value);
        }
    }
    http::redirect(url.as_str())
}

fn approve(st: &mut SandboxState, request: &ConsentRequest, locations: Vec<String>) -> Response {
    let code = st.issue_code(request, locations);
    let mut pairs = Vec::with_capacity(3);
    if let Some(state) = &request.state {
        pairs.push(("state", state.as_str()));
    }
    pairs.push(("code", code.as_str()));
    pairs.push(("scope", request.scope.as_str()));
    if let Some(issuer) = &st.issuer {
        pairs.push(("iss", issuer.as_str()));
    }
    redirect_with(&request.redirect_uri, &pairs)
}

fn deny(st: &SandboxState, request: &ConsentRequest) -> Response {
    let mut pairs = vec![("error", "access_denied")];
    if let Some(state) = &request.state {
        pairs.push(("state", state.as_str()));
    }
    if let Some(issuer) = &st.issuer {
        pairs.push(("iss", issuer.as_str()));
    }
    redirect_with(&request.redirect_uri, &pairs)
}

/// `GET /google/o/oauth2/v2/auth`
pub(super) async fn authorize(State(shared): State<Shared>, RawQuery(query): RawQuery) -> Response {
    if let Some(response) = gate(&shared, Endpoint::GoogleAuthorize).await {
        return response;
    }
    let params = Params::from_query(query.as_deref());
    let mut st = lock(&shared);
    let request = match validate_authorize(&st.google_seed, &params) {
        Ok(request) => request,
        Err(page) => return *page,
    };
    let request_id = st.add_consent_request(request.clone());
    match st.auto_consent.clone() {
        Some(AutoConsent::Approve { locations } | AutoConsent::Choose { accounts: locations, .. }) => {
            st.take_consent_request(&request_id);
            let granted = select_locations(&st.google_seed, locations.as_deref());
            approve(&mut st, &request, granted)
        }
        Some(AutoConsent::Deny) => {
            st.take_consent_request(&request_id);
            deny(&st, &request)
        }
        None => {
            let origin =
                Url::parse(&request.redirect_uri).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
            let view = ConsentView {
                request_id: &request_id,
                form_action: CONSENT_PATH,
                client_name: CLIENT_NAME,
                client_id: &request.client_id,
                redirect_origin: &origin,
                accounts: st
                    .google_seed
                    .accounts
                    .iter()
                    .map(|a| ConsentAccount {
                        account_name: &a.account_name,
                        locations: a.locations.iter().map(|l| (l.name.as_str(), l.title.as_str())).collect(),
                    })
                    .collect(),
            };
            http::html(StatusCode::OK, consent_page::consent(&view))
        }
    }
}

/// `POST /google/o/oauth2/v2/consent` (form: `request_id`, `decision`, repeated `location`).
pub(super) async fn consent(State(shared): State<Shared>, body: Bytes) -> Response {
    let params = Params::parse(&body);
    let Some(request_id) = params.get("request_id") else {
        return bad_request_page("invalid_request", "Missing required parameter: request_id");
    };
    let decision = params.get("decision");
    if !matches!(decision, Some("allow" | "deny")) {
        return bad_request_page("invalid_request", "decision must be \"allow\" or \"deny\".");
    }
    let mut st = lock(&shared);
    let Some(request) = st.take_consent_request(request_id) else {
        return bad_request_page(
            "invalid_request",
            "This sign-in request has expired or was already answered. Start again from the app.",
        );
    };
    if decision == Some("deny") {
        return deny(&st, &request);
    }
    let chosen: Vec<String> = params.all("location").map(str::to_owned).collect();
    let granted = select_locations(&st.google_seed, Some(&chosen));
    approve(&mut st, &request, granted)
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    http::json_no_store(status, &json!({ "error": error, "error_description": description }))
}

fn invalid_request(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

fn invalid_grant(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

/// Client authentication: HTTP Basic or form `client_id`/`client_secret`. A desktop client may
/// omit the secret; a secret that is present must match.
fn authenticate_client(seed: &GoogleSeed, headers: &HeaderMap, params: &Params) -> Result<String, Rejection> {
    let (client_id, secret) = match http::basic_auth(headers) {
        Some((id, secret)) => (Some(id), Some(secret).filter(|s| !s.is_empty())),
        None => (params.get("client_id").map(str::to_owned), params.get("client_secret").map(str::to_owned)),
    };
    let Some(client_id) = client_id.filter(|id| !id.is_empty()) else {
        return Err(Box::new(invalid_request("Could not determine client ID from request.")));
    };
    if client_id != seed.client_id {
        return Err(Box::new(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The OAuth client was not found.",
        )));
    }
    if secret.is_some_and(|s| s != seed.client_secret) {
        return Err(Box::new(oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Unauthorized")));
    }
    Ok(client_id)
}

/// `POST /google/token`
pub(super) async fn token(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::GoogleToken).await {
        return response;
    }
    let params = Params::parse(&body);
    let mut st = lock(&shared);
    let client_id = match authenticate_client(&st.google_seed, &headers, &params) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    match params.get("grant_type") {
        None => invalid_request("Missing required parameter: grant_type"),
        Some("authorization_code") => exchange_code(&mut st, &client_id, &params),
        Some("refresh_token") => refresh(&mut st, &client_id, &params),
        Some(other) => {
            oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", &format!("Invalid grant_type: {other}"))
        }
    }
}

fn exchange_code(st: &mut SandboxState, client_id: &str, params: &Params) -> Response {
    let Some(code) = params.get("code") else {
        return invalid_request("Missing required parameter: code");
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return invalid_request("Missing required parameter: redirect_uri");
    };
    let Some(entry) = st.google.codes.get_mut(code) else {
        return invalid_grant("Bad Request");
    };
    if entry.consumed {
        // RFC 6749 §4.1.2: a replayed code revokes what it produced.
        if let Some(grant) = entry.grant {
            st.revoke_grant(grant);
        }
        return invalid_grant("Bad Request");
    }
    // Any attempt uses the code up, successful or not.
    entry.consumed = true;
    if Instant::now() >= entry.expires_at || entry.client_id != client_id || entry.redirect_uri != redirect_uri {
        return invalid_grant("Bad Request");
    }
    let Some(verifier) = params.get("code_verifier") else {
        return invalid_grant("Missing code verifier.");
    };
    if !is_pkce_value(verifier) || s256(verifier) != entry.code_challenge {
        return invalid_grant("Bad Request");
    }
    let scope = entry.scope.clone();
    let offline = entry.offline;
    let locations = entry.locations.clone();
    let grant = st.new_grant(client_id, &scope, locations);
    if let Some(entry) = st.google.codes.get_mut(code) {
        entry.grant = Some(grant);
    }
    let access_token = st.issue_access_token(grant);
    let mut body = json!({
        "access_token": access_token,
        "expires_in": st.access_token_ttl_secs,
        "scope": scope,
        "token_type": "Bearer",
    });
    if offline {
        body["refresh_token"] = json!(st.issue_refresh_token(grant));
    }
    http::json_no_store(StatusCode::OK, &body)
}

fn refresh(st: &mut SandboxState, client_id: &str, params: &Params) -> Response {
    let Some(refresh_token) = params.get("refresh_token") else {
        return invalid_request("Missing required parameter: refresh_token");
    };
    let Some(grant) = st.grant_id_for_refresh_token(refresh_token) else {
        return invalid_grant("Token has been expired or revoked.");
    };
    let Some((grant_client, scope)) = st.google.grants.get(&grant).map(|g| (g.client_id.clone(), g.scope.clone()))
    else {
        return invalid_grant("Bad Request");
    };
    if grant_client != client_id {
        return invalid_grant("Bad Request");
    }
    let access_token = st.issue_access_token(grant);
    // Google does not rotate refresh tokens: no `refresh_token` here.
    http::json_no_store(
        StatusCode::OK,
        &json!({
            "access_token": access_token,
            "expires_in": st.access_token_ttl_secs,
            "scope": scope,
            "token_type": "Bearer",
        }),
    )
}

/// `POST /google/revoke` (form or query `token=`): revokes the whole grant.
pub(super) async fn revoke(State(shared): State<Shared>, RawQuery(query): RawQuery, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::GoogleRevoke).await {
        return response;
    }
    let form = Params::parse(&body);
    let query = Params::from_query(query.as_deref());
    let Some(token) = form.get("token").or_else(|| query.get("token")) else {
        return invalid_request("Bad Request");
    };
    let mut st = lock(&shared);
    match st.grant_id_for_any_token(token) {
        Some(grant) => {
            st.revoke_grant(grant);
            http::json(StatusCode::OK, &json!({}))
        }
        None => oauth_error(StatusCode::BAD_REQUEST, "invalid_token", "Token expired or revoked"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_only() {
        assert!(is_loopback_redirect("http://127.0.0.1:8123/callback"));
        assert!(is_loopback_redirect("http://localhost:9/cb?x=1"));
        assert!(is_loopback_redirect("http://[::1]:9/"));
        assert!(!is_loopback_redirect("https://127.0.0.1:8123/callback"));
        assert!(!is_loopback_redirect("http://127.0.0.2:8123/callback"));
        assert!(!is_loopback_redirect("http://example.com/callback"));
        assert!(!is_loopback_redirect("http://localhost.example.com/cb"));
        assert!(!is_loopback_redirect("http://127.0.0.1:1/cb#frag"));
    }

    #[test]
    fn s256_matches_rfc7636_example() {
        assert_eq!(s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }
}
