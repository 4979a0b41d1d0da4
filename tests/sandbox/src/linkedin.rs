//! LinkedIn: OAuth 2.0 (standard 3-legged flow and the native PKCE flow), OpenID userinfo, and
//! the versioned Community Management APIs Herald calls.
//!
//! The real hosts become path prefixes under `/linkedin`, the real path kept after them:
//! `www.linkedin.com/oauth/…` → `/linkedin/www/oauth/…` (`v2/authorization`,
//! `native-pkce/authorization`, `v2/accessToken`, `v2/revoke`) and `api.linkedin.com/…` →
//! `/linkedin/api/…` (`v2/userinfo`, `rest/organizationAcls`, `rest/organizations`,
//! `rest/posts`). The consent page posts to the sandbox-only [`CONSENT_PATH`].
//!
//! Sources: 3-legged flow
//! <https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow>,
//! native PKCE (loopback IP, any port)
//! <https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow-native>,
//! refresh tokens <https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens>,
//! userinfo <https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2>,
//! organizationAcls (`X-Restli-Protocol-Version: 2.0.0` on finders)
//! <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-access-control-by-role>,
//! versioning (`LinkedIn-Version: YYYYMM`) <https://learn.microsoft.com/en-us/linkedin/marketing/versioning>,
//! posts (`x-restli-id`; the `q=author` finder, `count` default 10 and at most 100, `start`,
//! `sortBy`, which needs `r_organization_social` for an organization and the closed
//! `r_member_social` for a member)
//! <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api>,
//! daily limits (150 posts per member and 100,000 per application a day; 429 past them)
//! <https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits>,
//! errors <https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling>.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::config::{Endpoint, LinkedInSeed};
use crate::consent_page;
use crate::faults::gate;
use crate::grants::{self, Auth, Choice, Failure, Flavor, Kind, Net, Pending, Pkce};
use crate::http::{self, Params, Rejection};
use crate::shapes::{linkedin_error, oauth_error};
use crate::state::{lock, Shared, State as SandboxState};

/// Where the sandbox consent page posts the person's decision (sandbox-only).
pub const CONSENT_PATH: &str = "/linkedin/www/oauth/v2/authorization/consent";

/// Scopes a LinkedIn app of Herald's kind can be granted.
pub const KNOWN_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "w_member_social",
    "r_organization_social",
    "w_organization_social",
    "rw_organization_admin",
    "r_organization_admin",
];

/// Any of these lets the member read their organization roles.
const ACL_SCOPES: &[&str] =
    &["rw_organization_admin", "r_organization_admin", "w_organization_social", "r_organization_social"];

/// The scopes only the Community Management API product grants.
fn is_organization_scope(scope: &str) -> bool {
    scope.contains("_organization_")
}

const FLAVOR: Flavor = Flavor {
    net: Net::LinkedIn,
    brand: "LinkedIn",
    consent_path: CONSENT_PATH,
    code_prefix: "AQT",
    fragment: None,
    deny: &[("error", "user_cancelled_authorize"), ("error_description", "The user cancelled the authorization")],
    pick_accounts: false,
};

/// How many months a `LinkedIn-Version` stays active.
const ACTIVE_VERSION_MONTHS: i64 = 12;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/linkedin/www/oauth/v2/authorization", get(authorize_standard))
        .route("/linkedin/www/oauth/native-pkce/authorization", get(authorize_native))
        .route(CONSENT_PATH, post(consent))
        .route("/linkedin/www/oauth/v2/accessToken", post(access_token))
        .route("/linkedin/www/oauth/v2/revoke", post(revoke))
        .route("/linkedin/api/v2/userinfo", get(userinfo))
        .route("/linkedin/api/rest/organizationAcls", get(organization_acls))
        .route("/linkedin/api/rest/organizations", get(organizations_batch))
        .route("/linkedin/api/rest/organizations/{id}", get(organization))
        .route("/linkedin/api/rest/posts", post(posts).get(posts_by_author))
}

fn page(reason: &str) -> Response {
    http::html(StatusCode::BAD_REQUEST, consent_page::network_error_page("LinkedIn", 400, "invalid_request", reason))
}

/// The member and the organizations: what a grant reaches.
fn choices(seed: &LinkedInSeed) -> Vec<Choice> {
    std::iter::once((person_urn(seed), format!("{} {}", seed.given_name, seed.family_name)))
        .chain(seed.organizations.iter().map(|o| (org_urn(o.id), o.localized_name.clone())))
        .collect()
}

fn person_urn(seed: &LinkedInSeed) -> String {
    format!("urn:li:person:{}", seed.member_id)
}

fn org_urn(id: u64) -> String {
    format!("urn:li:organization:{id}")
}

fn validate_authorize(seed: &LinkedInSeed, params: &Params, native: bool) -> Result<Pending, Rejection> {
    if params.get("client_id") != Some(seed.client_id.as_str()) {
        return Err(Box::new(page("The client_id is invalid: this application was not found.")));
    }
    if native && !seed.native_pkce {
        return Err(Box::new(page("The native PKCE flow is not enabled for this application.")));
    }
    let redirect_uri = params.get("redirect_uri").unwrap_or_default();
    let registered = if native {
        grants::is_loopback_ip_redirect(redirect_uri)
    } else {
        seed.redirect_uris.iter().any(|r| r == redirect_uri)
    };
    if !registered {
        return Err(Box::new(page("The redirect_uri does not match the registered value")));
    }
    if params.get("response_type") != Some("code") {
        return Err(Box::new(page("Invalid response_type: it must be code.")));
    }
    let pkce = if native {
        let Some(challenge) = params.get("code_challenge").filter(|c| grants::is_pkce_value(c)) else {
            return Err(Box::new(page("A valid code_challenge is required.")));
        };
        if params.get("code_challenge_method") != Some("S256") {
            return Err(Box::new(page("code_challenge_method must be S256.")));
        }
        Some(Pkce { challenge: challenge.to_owned(), s256: true })
    } else {
        None
    };
    let scopes = grants::split_scopes(params.get("scope").unwrap_or_default(), &[' ']);
    Ok(Pending {
        client_id: seed.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: params.get("state").map(str::to_owned),
        scopes,
        pkce,
        created: std::time::Instant::now(),
    })
}

async fn authorize_flow(shared: &Shared, q: Option<&str>, native: bool) -> Response {
    if let Some(response) = gate(shared, Endpoint::LinkedInAuthorize).await {
        return response;
    }
    let params = Params::from_query(q);
    let mut st = lock(shared);
    let pending = match validate_authorize(&st.nets.linkedin_seed, &params, native) {
        Ok(pending) => pending,
        Err(page) => return *page,
    };
    // Scope problems come back to the app as a redirect, not as a page. Fidelity note: an app
    // without the Community Management API is refused the organization scopes the same way as
    // scopes LinkedIn does not know.
    let seed = &st.nets.linkedin_seed;
    let unknown = pending
        .scopes
        .iter()
        .find(|s| !KNOWN_SCOPES.contains(&s.as_str()) || (!seed.organization_products && is_organization_scope(s)));
    if pending.scopes.is_empty() || unknown.is_some() {
        let description = match unknown {
            Some(scope) => format!("Scope \"{scope}\" is not authorized for your application"),
            None => "The scope parameter is required".to_owned(),
        };
        let mut pairs = vec![("error", "unauthorized_scope_error"), ("error_description", description.as_str())];
        if let Some(state) = &pending.state {
            pairs.push(("state", state.as_str()));
        }
        return grants::redirect_with(&pending.redirect_uri, &pairs, None);
    }
    let choices = choices(&st.nets.linkedin_seed);
    grants::ask(&mut st, &FLAVOR, pending, &choices)
}

/// `GET /linkedin/www/oauth/v2/authorization` (standard flow, exact registered redirect)
async fn authorize_standard(State(shared): State<Shared>, RawQuery(q): RawQuery) -> Response {
    authorize_flow(&shared, q.as_deref(), false).await
}

/// `GET /linkedin/www/oauth/native-pkce/authorization` (loopback on any port, PKCE S256)
async fn authorize_native(State(shared): State<Shared>, RawQuery(q): RawQuery) -> Response {
    authorize_flow(&shared, q.as_deref(), true).await
}

/// `POST /linkedin/www/oauth/v2/authorization/consent` (sandbox consent page form)
async fn consent(State(shared): State<Shared>, body: Bytes) -> Response {
    let mut st = lock(&shared);
    let choices = choices(&st.nets.linkedin_seed);
    grants::answer(&mut st, &FLAVOR, &body, &choices)
}

fn invalid_client() -> Response {
    oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client authentication failed")
}

/// `POST /linkedin/www/oauth/v2/accessToken` (form): `authorization_code` (with `client_secret`,
/// or `code_verifier` for a native PKCE code) and `refresh_token`.
async fn access_token(State(shared): State<Shared>, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInToken).await {
        return response;
    }
    let params = Params::parse(&body);
    let mut guard = lock(&shared);
    let st = &mut *guard;
    let seed = st.nets.linkedin_seed.clone();
    if params.get("client_id") != Some(seed.client_id.as_str()) {
        return invalid_client();
    }
    let secret = params.get("client_secret");
    if secret.is_some_and(|s| s != seed.client_secret) {
        return invalid_client();
    }
    match params.get("grant_type") {
        Some("authorization_code") => exchange_code(st, &seed, &params),
        Some("refresh_token") => refresh(st, &seed, &params),
        None => {
            oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "A required parameter \"grant_type\" is missing")
        }
        Some(other) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("The grant_type \"{other}\" is not supported"),
        ),
    }
}

fn missing(name: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &format!("A required parameter \"{name}\" is missing"))
}

fn exchange_code(st: &mut SandboxState, seed: &LinkedInSeed, params: &Params) -> Response {
    let Some(code) = params.get("code") else {
        return missing("code");
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return missing("redirect_uri");
    };
    let verifier = params.get("code_verifier");
    // The standard flow authenticates with the secret; a native PKCE code with the verifier.
    if verifier.is_none() && params.get("client_secret").is_none() {
        return missing("client_secret");
    }
    let grant = match st.nets.linkedin.redeem(code, &seed.client_id, Some(redirect_uri), verifier) {
        Ok(grant) => grant,
        Err(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists",
            )
        }
    };
    let access =
        st.nets.linkedin.issue(&mut st.issued, grant, Kind::Access, false, "AQV", Some(seed.access_token_ttl_secs));
    let scope = st.nets.linkedin.grant(grant).map(|g| g.consent.granted.join(",")).unwrap_or_default();
    let mut body = json!({
        "access_token": access,
        "expires_in": seed.access_token_ttl_secs,
        "scope": scope,
        "token_type": "Bearer",
    });
    if seed.refresh_tokens {
        let refresh = st.nets.linkedin.issue(
            &mut st.issued,
            grant,
            Kind::Refresh,
            false,
            "AQX",
            Some(seed.refresh_token_ttl_secs),
        );
        body["refresh_token"] = json!(refresh);
        body["refresh_token_expires_in"] = json!(seed.refresh_token_ttl_secs);
    }
    http::json_no_store(StatusCode::OK, &body)
}

/// A new access token; the refresh token stays the same and keeps its original deadline (not
/// sliding).
fn refresh(st: &mut SandboxState, seed: &LinkedInSeed, params: &Params) -> Response {
    let Some(refresh_token) = params.get("refresh_token") else {
        return missing("refresh_token");
    };
    let auth = match st.nets.linkedin.check(refresh_token) {
        Ok(auth) if auth.kind == Kind::Refresh => auth,
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "The provided authorization grant or refresh token is invalid, expired or revoked.",
            )
        }
    };
    let access = st.nets.linkedin.issue(
        &mut st.issued,
        auth.grant,
        Kind::Access,
        false,
        "AQV",
        Some(seed.access_token_ttl_secs),
    );
    http::json_no_store(
        StatusCode::OK,
        &json!({
            "access_token": access,
            "expires_in": seed.access_token_ttl_secs,
            "refresh_token": refresh_token,
            "refresh_token_expires_in": auth.secs_left().unwrap_or(0),
            "scope": auth.consent.granted.join(","),
            "token_type": "Bearer",
        }),
    )
}

/// `POST /linkedin/www/oauth/v2/revoke` (form: `client_id`, `client_secret`, `token`): the
/// member's grant to the app ends.
async fn revoke(State(shared): State<Shared>, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInRevoke).await {
        return response;
    }
    let params = Params::parse(&body);
    let mut st = lock(&shared);
    let seed = &st.nets.linkedin_seed;
    if params.get("client_id") != Some(seed.client_id.as_str())
        || params.get("client_secret") != Some(seed.client_secret.as_str())
    {
        return invalid_client();
    }
    let Some(token) = params.get("token") else {
        return missing("token");
    };
    match st.nets.linkedin.check(token) {
        Ok(auth) => {
            st.nets.linkedin.revoke_grant(auth.grant);
            StatusCode::OK.into_response()
        }
        Err(_) => oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "The token is invalid, expired or revoked"),
    }
}

fn token_failure(failure: Failure) -> Response {
    match failure {
        Failure::Unknown => {
            linkedin_error(StatusCode::UNAUTHORIZED, Some(65600), Some("INVALID_ACCESS_TOKEN"), "Invalid access token")
        }
        Failure::Expired => linkedin_error(
            StatusCode::UNAUTHORIZED,
            Some(65602),
            Some("EXPIRED_ACCESS_TOKEN"),
            "The token used in the request has expired",
        ),
        Failure::Revoked => linkedin_error(
            StatusCode::UNAUTHORIZED,
            Some(65601),
            Some("REVOKED_ACCESS_TOKEN"),
            "The token used in the request has been revoked by the user",
        ),
    }
}

/// The bearer access token (never a refresh token).
fn authenticate(st: &SandboxState, headers: &HeaderMap) -> Result<Auth, Rejection> {
    let Some(token) = http::bearer(headers) else {
        return Err(Box::new(linkedin_error(
            StatusCode::UNAUTHORIZED,
            Some(65604),
            Some("EMPTY_ACCESS_TOKEN"),
            "Empty oauth2_access_token",
        )));
    };
    match st.nets.linkedin.check(token) {
        Ok(auth) if auth.kind == Kind::Access => Ok(auth),
        Ok(_) => Err(Box::new(token_failure(Failure::Unknown))),
        Err(failure) => Err(Box::new(token_failure(failure))),
    }
}

/// `(year, month)` of today (UTC), from the system clock.
fn current_year_month() -> (i64, i64) {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let days = i64::try_from(secs / 86_400).unwrap_or_default();
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

/// Whether `version` (`YYYYMM` or `YYYYMM.RR`) is one of the active monthly versions.
fn is_active_version(version: &str, (year, month): (i64, i64)) -> bool {
    let base = version.split_once('.').map_or(version, |(base, rev)| {
        if rev.len() == 2 && rev.bytes().all(|b| b.is_ascii_digit()) {
            base
        } else {
            ""
        }
    });
    if base.len() != 6 || !base.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (Ok(y), Ok(m)) = (base[..4].parse::<i64>(), base[4..].parse::<i64>()) else {
        return false;
    };
    if !(1..=12).contains(&m) {
        return false;
    }
    let asked = y * 12 + (m - 1);
    let now = year * 12 + (month - 1);
    asked <= now && now - asked < ACTIVE_VERSION_MONTHS
}

/// The headers every `/rest` call needs: `LinkedIn-Version` (active) and
/// `X-Restli-Protocol-Version: 2.0.0`. Returns the version.
fn versioned(headers: &HeaderMap) -> Result<String, Rejection> {
    let Some(version) = headers.get("linkedin-version").and_then(|v| v.to_str().ok()).map(str::trim) else {
        return Err(Box::new(linkedin_error(
            StatusCode::BAD_REQUEST,
            None,
            Some("VERSION_MISSING"),
            "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
        )));
    };
    if !is_active_version(version, current_year_month()) {
        return Err(Box::new(linkedin_error(
            StatusCode::UPGRADE_REQUIRED,
            None,
            Some("NONEXISTENT_VERSION"),
            &format!("Requested version {version} is not active"),
        )));
    }
    let protocol = headers.get("x-restli-protocol-version").and_then(|v| v.to_str().ok()).map(str::trim);
    if protocol != Some("2.0.0") {
        return Err(Box::new(linkedin_error(
            StatusCode::BAD_REQUEST,
            None,
            None,
            "This request requires the header X-Restli-Protocol-Version: 2.0.0",
        )));
    }
    Ok(version.to_owned())
}

fn access_denied(resource: &str) -> Response {
    linkedin_error(
        StatusCode::FORBIDDEN,
        Some(100),
        Some("ACCESS_DENIED"),
        &format!("Not enough permissions to access: {resource}"),
    )
}

/// `GET /linkedin/api/v2/userinfo` (OpenID Connect; needs `openid`).
async fn userinfo(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInUserinfo).await {
        return response;
    }
    let st = lock(&shared);
    let auth = match authenticate(&st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    if !auth.has("openid") {
        return access_denied("userinfo.GET.NO_VERSION");
    }
    let seed = &st.nets.linkedin_seed;
    let mut body = json!({ "sub": seed.member_id });
    if auth.has("profile") {
        body["name"] = json!(format!("{} {}", seed.given_name, seed.family_name));
        body["given_name"] = json!(seed.given_name);
        body["family_name"] = json!(seed.family_name);
        body["picture"] = json!(seed.picture_url);
        body["locale"] = json!({ "country": "IT", "language": "it" });
    }
    if auth.has("email") {
        body["email"] = json!("giulia@fornorossi.invalid");
        body["email_verified"] = json!(true);
    }
    http::json(StatusCode::OK, &body)
}

/// `GET /linkedin/api/rest/organizationAcls?q=roleAssignee[&role=ADMINISTRATOR][&state=APPROVED]`
async fn organization_acls(State(shared): State<Shared>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInOrganizationAcls).await {
        return response;
    }
    let version = match versioned(&headers) {
        Ok(version) => version,
        Err(response) => return *response,
    };
    let params = Params::from_query(q.as_deref());
    let st = lock(&shared);
    let auth = match authenticate(&st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    match params.get("q") {
        Some("roleAssignee") => {}
        Some(other) => {
            return linkedin_error(
                StatusCode::BAD_REQUEST,
                None,
                None,
                &format!("Finder '{other}' is not supported on organizationAcls"),
            )
        }
        None => return linkedin_error(StatusCode::BAD_REQUEST, None, None, "Missing required query parameter: q"),
    }
    if !ACL_SCOPES.iter().any(|s| auth.has(s)) {
        return access_denied(&format!("organizationAcls.FINDER-roleAssignee.{version}"));
    }
    let seed = &st.nets.linkedin_seed;
    let role_ok = params.get("role").is_none_or(|r| r == "ADMINISTRATOR");
    let state_ok = params.get("state").is_none_or(|s| s == "APPROVED");
    let elements: Vec<Value> = seed
        .organizations
        .iter()
        .filter(|o| role_ok && state_ok && auth.consent.accounts.contains(&org_urn(o.id)))
        .map(|o| {
            json!({
                "roleAssignee": person_urn(seed),
                "state": "APPROVED",
                "role": "ADMINISTRATOR",
                "organization": org_urn(o.id),
            })
        })
        .collect();
    let count: usize = params.get("count").and_then(|c| c.parse().ok()).unwrap_or(10);
    let start: usize = params.get("start").and_then(|c| c.parse().ok()).unwrap_or(0);
    let total = elements.len();
    let page: Vec<Value> = elements.into_iter().skip(start).take(count).collect();
    http::json(
        StatusCode::OK,
        &json!({
            "paging": { "start": start, "count": count, "links": [], "total": total },
            "elements": page,
        }),
    )
}

fn render_org(seed: &LinkedInSeed, id: u64) -> Option<Value> {
    let org = seed.organizations.iter().find(|o| o.id == id)?;
    Some(json!({
        "id": org.id,
        "localizedName": org.localized_name,
        "vanityName": org.vanity_name,
        "name": {
            "localized": { "it_IT": org.localized_name },
            "preferredLocale": { "country": "IT", "language": "it" },
        },
    }))
}

fn org_not_found(id: &str) -> Response {
    linkedin_error(StatusCode::NOT_FOUND, None, None, &format!("Organization {id} not found"))
}

/// `GET /linkedin/api/rest/organizations/{id}`
async fn organization(State(shared): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInOrganizations).await {
        return response;
    }
    if let Err(response) = versioned(&headers) {
        return *response;
    }
    let st = lock(&shared);
    if let Err(response) = authenticate(&st, &headers) {
        return *response;
    }
    match id.parse().ok().and_then(|n| render_org(&st.nets.linkedin_seed, n)) {
        Some(org) => http::json(StatusCode::OK, &org),
        None => org_not_found(&id),
    }
}

/// `GET /linkedin/api/rest/organizations?ids=List(1,2)` (Rest.li 2.0 batch get).
async fn organizations_batch(State(shared): State<Shared>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInOrganizations).await {
        return response;
    }
    if let Err(response) = versioned(&headers) {
        return *response;
    }
    // Rest.li 2.0 keeps the list's structure literal: `List(`, `,` and `)` percent-encoded are
    // part of a value, not a list (fidelity note: a decoded match would accept `List%281%29`).
    let literal = q.as_deref().unwrap_or_default().split('&').any(|pair| pair.starts_with("ids=List("));
    let params = Params::from_query(q.as_deref());
    let st = lock(&shared);
    if let Err(response) = authenticate(&st, &headers) {
        return *response;
    }
    let Some(list) = params.get("ids").filter(|_| literal).and_then(|ids| ids.strip_prefix("List(")?.strip_suffix(')'))
    else {
        return linkedin_error(StatusCode::BAD_REQUEST, None, None, "Expected ids=List(…) (Rest.li protocol 2.0)");
    };
    let mut results = serde_json::Map::new();
    let mut statuses = serde_json::Map::new();
    let mut errors = serde_json::Map::new();
    for id in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match id.parse().ok().and_then(|n| render_org(&st.nets.linkedin_seed, n)) {
            Some(org) => {
                results.insert(id.to_owned(), org);
                statuses.insert(id.to_owned(), json!(200));
            }
            None => {
                statuses.insert(id.to_owned(), json!(404));
                errors
                    .insert(id.to_owned(), json!({ "status": 404, "message": format!("Organization {id} not found") }));
            }
        }
    }
    http::json(StatusCode::OK, &json!({ "results": results, "statuses": statuses, "errors": errors }))
}

fn unprocessable(message: &str) -> Response {
    linkedin_error(StatusCode::UNPROCESSABLE_ENTITY, None, None, message)
}

/// `POST /linkedin/api/rest/posts` (JSON): 201 with the new URN in `x-restli-id`.
async fn posts(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInPosts).await {
        return response;
    }
    if let Err(response) = versioned(&headers) {
        return *response;
    }
    let mut guard = lock(&shared);
    let st = &mut *guard;
    let auth = match authenticate(st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    let Ok(post) = serde_json::from_slice::<Value>(&body) else {
        return linkedin_error(StatusCode::BAD_REQUEST, None, None, "Request body is not valid JSON");
    };
    let author = post["author"].as_str().unwrap_or_default().to_owned();
    let seed = &st.nets.linkedin_seed;
    let (allowed, scope) = if author == person_urn(seed) {
        (true, "w_member_social")
    } else if auth.consent.accounts.contains(&author) && author.starts_with("urn:li:organization:") {
        (true, "w_organization_social")
    } else {
        (false, "")
    };
    if !allowed {
        return access_denied(&format!("posts.CREATE.{author}"));
    }
    if !auth.has(scope) {
        return access_denied("posts.CREATE");
    }
    let Some(commentary) = post["commentary"].as_str() else {
        return unprocessable("/commentary: field is required");
    };
    if post["visibility"].as_str().is_none() {
        return unprocessable("/visibility: field is required");
    }
    if post["distribution"]["feedDistribution"].as_str().is_none() {
        return unprocessable("/distribution/feedDistribution: field is required");
    }
    if post["lifecycleState"].as_str() != Some("PUBLISHED") {
        return unprocessable("/lifecycleState: must be PUBLISHED");
    }
    if let Some(response) = daily_limit(st) {
        return response;
    }
    let id = format!("urn:li:share:{}", 7_300_000_000_000_000_000_u64 + st.nets.published.len() as u64 + 1);
    st.nets.record("linkedin", &author, &id, commentary, Vec::new());
    let mut response = StatusCode::CREATED.into_response();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HeaderName::from_static("x-restli-id"), value);
    }
    response
}

/// Counts a post against the member's and the application's daily limits; LinkedIn's 429 when
/// either is spent.
fn daily_limit(st: &mut SandboxState) -> Option<Response> {
    let member = person_urn(&st.nets.linkedin_seed);
    let day = std::time::Duration::from_secs(86_400);
    let now = std::time::Instant::now();
    let times = &mut st.nets.li_post_times;
    times.retain(|(_, at)| now.duration_since(*at) < day);
    let seed = &st.nets.linkedin_seed;
    let mine = times.iter().filter(|(m, _)| *m == member).count();
    let which = if times.len() >= usize::try_from(seed.app_daily_posts).unwrap_or(usize::MAX) {
        "APPLICATION"
    } else if mine >= usize::try_from(seed.member_daily_posts).unwrap_or(usize::MAX) {
        "MEMBER"
    } else {
        times.push((member, now));
        return None;
    };
    Some(linkedin_error(
        StatusCode::TOO_MANY_REQUESTS,
        Some(101),
        Some("TOO_MANY_REQUESTS"),
        &format!("Resource level throttle {which} DAY limit for calls to this resource is reached."),
    ))
}

/// Milliseconds since the epoch, as LinkedIn writes times.
fn epoch_ms(at: std::time::SystemTime) -> u64 {
    at.duration_since(std::time::UNIX_EPOCH).map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)).unwrap_or(0)
}

/// `GET /linkedin/api/rest/posts?q=author&author={urn}[&count&start&sortBy]`: the author's
/// posts, newest first.
async fn posts_by_author(State(shared): State<Shared>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInPostsList).await {
        return response;
    }
    if let Err(response) = versioned(&headers) {
        return *response;
    }
    let params = Params::from_query(q.as_deref());
    let st = lock(&shared);
    let auth = match authenticate(&st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    if params.get("q") != Some("author") {
        return linkedin_error(
            StatusCode::BAD_REQUEST,
            None,
            Some("ILLEGAL_ARGUMENT"),
            "Invalid query parameters passed to request: q must be author",
        );
    }
    let Some(author) = params.get("author") else {
        return linkedin_error(
            StatusCode::BAD_REQUEST,
            None,
            Some("ILLEGAL_ARGUMENT"),
            "Missing required parameter: author",
        );
    };
    let readable = if author.starts_with("urn:li:organization:") {
        auth.has("r_organization_social") && auth.consent.accounts.iter().any(|a| a == author)
    } else {
        author == person_urn(&st.nets.linkedin_seed) && auth.has("r_member_social")
    };
    if !readable {
        return access_denied(&format!("posts.FINDER-author.{author}"));
    }
    let count = match params.get("count").map(str::parse::<usize>) {
        None => 10,
        Some(Ok(n)) if n <= 100 => n,
        Some(_) => {
            return linkedin_error(StatusCode::BAD_REQUEST, None, Some("ILLEGAL_ARGUMENT"), "count must be at most 100")
        }
    };
    let start = params.get("start").and_then(|s| s.parse::<usize>().ok()).unwrap_or(0);
    let all = st.nets.published_by("linkedin", author);
    let elements: Vec<Value> = all
        .iter()
        .skip(start)
        .take(count)
        .map(|p| {
            let at = epoch_ms(p.at);
            json!({
                "id": p.id,
                "author": p.author,
                "commentary": p.text,
                "visibility": "PUBLIC",
                "lifecycleState": "PUBLISHED",
                "distribution": { "feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": [] },
                "isReshareDisabledByAuthor": false,
                "createdAt": at,
                "publishedAt": at,
                "lastModifiedAt": at,
            })
        })
        .collect();
    http::json(
        StatusCode::OK,
        &json!({ "paging": { "start": start, "count": count, "links": [], "total": all.len() }, "elements": elements }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_active_for_twelve_months() {
        let now = (2026, 3);
        assert!(is_active_version("202603", now));
        assert!(is_active_version("202504", now));
        assert!(is_active_version("202510.01", now));
        assert!(!is_active_version("202503", now), "13 months old");
        assert!(!is_active_version("202604", now), "future");
        assert!(!is_active_version("2025-10", now) && !is_active_version("20251001", now));
        assert!(!is_active_version("202513", now));
    }

    #[test]
    fn civil_date_is_plausible() {
        let (year, month) = current_year_month();
        assert!(year >= 2025 && (1..=12).contains(&month));
    }
}
