//! LinkedIn: the native PKCE flow on a loopback port when LinkedIn enabled it for the user's
//! app, otherwise the standard flow through the relay with the client secret; then the member
//! profile (OpenID `userinfo`) and the organizations the member administers (`organizationAcls`).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use super::{
    join, ConnectFacts, Consented, Ctx, NetworkAvailability, NetworkId, NetworkSpec, OAuthEndpoints, RedirectMode,
    RedirectRule, SecretRule,
};
use crate::api::{AccountKind, Candidate};
use crate::error::{Error, Result};
use crate::net::{bounded_text, MAX_DETAIL_CHARS, MAX_NAME_CHARS};
use crate::oauth::{PkceCodeVerifier, PkceStyle};
use crate::secret::Sensitive;
use crate::store::Store;
use crate::vault::TokenSet;

pub const NAME: &str = "LinkedIn";

/// The `LinkedIn-Version` of every `/rest` call. LinkedIn serves each monthly version for at
/// least a year; past that it answers 426 `NONEXISTENT_VERSION` and Herald must move on.
pub const API_VERSION: &str = "202610";
/// The Rest.li protocol of the versioned API (finders and batch gets need it).
const RESTLI_PROTOCOL: &str = "2.0.0";

/// The scopes only the Community Management API product grants: an app without it gets
/// `unauthorized_scope_error` for asking.
pub const ORGANIZATION_SCOPES: &[&str] = &["r_organization_social", "w_organization_social", "rw_organization_admin"];
/// Any of these lets a member read their organization roles (`organizationAcls`).
const ACL_SCOPES: &[&str] =
    &["rw_organization_admin", "r_organization_admin", "w_organization_social", "r_organization_social"];

/// `organizationAcls` page size, and the most pages followed.
const ACL_PAGE_SIZE: usize = 100;
const MAX_ACL_PAGES: usize = 20;
/// Organizations named per batch get.
const ORGANIZATIONS_PER_BATCH: usize = 50;
/// Right after consent LinkedIn sometimes answers 401 REVOKED_ACCESS_TOKEN for a token it has
/// just issued; the call is repeated once after this pause before Herald believes it.
const SPURIOUS_REVOKE_PAUSE: Duration = Duration::from_millis(700);
/// LinkedIn's service error codes for an unusable access token.
const AUTH_SERVICE_CODES: [i64; 4] = [65600, 65601, 65602, 65604];
const REVOKED_ACCESS_TOKEN: i64 = 65601;
/// Where member pictures are served (`https://media.licdn.com/dms/image/...`).
const PICTURE_HOST: &str = "media.licdn.com";

pub const SPEC: NetworkSpec = NetworkSpec {
    id: NetworkId::Linkedin,
    name: NAME,
    availability: NetworkAvailability::Available,
    // The standard flow needs it; the native PKCE flow does not.
    client_secret: SecretRule::Optional,
    sends_issuer: false,
    connect: Some(ConnectFacts {
        scopes: &[
            "openid",
            "profile",
            "w_member_social",
            "r_organization_social",
            "w_organization_social",
            "rw_organization_admin",
        ],
        required_scopes: &["openid", "profile", "w_member_social"],
        required_scopes_by_kind: &[(AccountKind::Organization, &["w_organization_social"])],
        redirect: RedirectRule {
            allowed: &[RedirectMode::Relay, RedirectMode::Loopback],
            default: RedirectMode::Relay,
            default_port: 0,
        },
        extra_authorize_params: &[],
        pkce: PkceStyle::Base64Url,
        revoke_is_user_wide: true,
    }),
    posts: Some(super::PostLimits {
        max_chars: 3_000,
        counting: super::CharCounting::Chars,
        media_required: false,
        max_hashtags: None,
        publish_ready: true,
    }),
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedinEndpoints {
    /// Standard flow: `https://www.linkedin.com/oauth/v2/authorization`.
    pub authorize: Url,
    /// Native PKCE flow: `https://www.linkedin.com/oauth/native-pkce/authorization`.
    pub native_authorize: Url,
    /// `https://www.linkedin.com/oauth/v2/accessToken`.
    pub token: Url,
    /// `https://www.linkedin.com/oauth/v2/revoke`.
    pub revoke: Url,
    /// Base of `api.linkedin.com`, ending in `/` (`v2/userinfo`, `rest/...`).
    pub api: Url,
}

impl LinkedinEndpoints {
    pub fn production() -> Self {
        let parse = |s: &str| Url::parse(s).unwrap_or_else(|_| unreachable!("constant URL {s}"));
        Self {
            authorize: parse("https://www.linkedin.com/oauth/v2/authorization"),
            native_authorize: parse("https://www.linkedin.com/oauth/native-pkce/authorization"),
            token: parse("https://www.linkedin.com/oauth/v2/accessToken"),
            revoke: parse("https://www.linkedin.com/oauth/v2/revoke"),
            api: parse("https://api.linkedin.com/"),
        }
    }

    pub fn sandbox(base: &str) -> Result<Self> {
        Ok(Self {
            authorize: join(base, "/linkedin/www/oauth/v2/authorization")?,
            native_authorize: join(base, "/linkedin/www/oauth/native-pkce/authorization")?,
            token: join(base, "/linkedin/www/oauth/v2/accessToken")?,
            revoke: join(base, "/linkedin/www/oauth/v2/revoke")?,
            api: join(base, "/linkedin/api/")?,
        })
    }

    pub fn urls(&self) -> Vec<(&'static str, &Url)> {
        vec![
            ("authorize", &self.authorize),
            ("native_authorize", &self.native_authorize),
            ("token", &self.token),
            ("revoke", &self.revoke),
            ("api", &self.api),
        ]
    }
}

/// Loopback means LinkedIn's native PKCE flow; the relay means the standard flow.
pub(crate) fn oauth_endpoints(endpoints: &LinkedinEndpoints, mode: RedirectMode) -> OAuthEndpoints {
    let authorize = match mode {
        RedirectMode::Loopback => endpoints.native_authorize.clone(),
        RedirectMode::FixedPort | RedirectMode::Relay => endpoints.authorize.clone(),
    };
    OAuthEndpoints { authorize, token: endpoints.token.clone(), revoke: Some(endpoints.revoke.clone()), issuer: None }
}

/// Loopback runs LinkedIn's native PKCE flow, which authenticates the exchange with the PKCE
/// verifier alone: the client secret (kept for the standard flow and for revoking) is not sent.
pub(crate) async fn exchange_code(
    ctx: &Ctx<'_>,
    code: Sensitive<String>,
    verifier: PkceCodeVerifier,
) -> Result<TokenSet> {
    if is_native(ctx) {
        let mut public = ctx.oauth.clone();
        public.client_secret = None;
        return public.exchange_code(ctx.http, ctx.redirect_uri, code, verifier).await;
    }
    ctx.oauth.exchange_code(ctx.http, ctx.redirect_uri, code, verifier).await
}

fn is_native(ctx: &Ctx<'_>) -> bool {
    ctx.oauth.authorize == ctx.endpoints.linkedin.native_authorize
}

/// `POST /oauth/v2/revoke` with the access token; LinkedIn authenticates it with the client
/// secret, so without one (a native-only app) there is no way to revoke.
pub(crate) async fn revoke(ctx: &Ctx<'_>, tokens: &TokenSet) -> Result<bool> {
    if ctx.oauth.client_secret.is_none() {
        return Ok(false);
    }
    ctx.oauth.revoke(ctx.http, &tokens.access_token).await
}

/// The member (`/v2/userinfo`) and the organizations they administer
/// (`/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`, names looked up).
/// The member is offered when `openid` was granted, organizations when a scope reading roles was.
pub(crate) async fn after_consent(ctx: &Ctx<'_>, mut tokens: TokenSet) -> Result<Consented> {
    // LinkedIn separates the granted scopes with commas (`openid,profile,w_member_social`).
    let granted_scopes = tokens.granted_scopes.take().map(|scopes| split_scopes(&scopes));
    let granted = |scope: &str| granted_scopes.as_ref().is_none_or(|g| g.iter().any(|s| s == scope));
    let asked = |scope: &str| ctx.oauth.scopes.iter().any(|s| s == scope);

    let mut candidates = Vec::new();
    if granted("openid") {
        candidates.push(member(ctx, &tokens.access_token).await?);
    }
    if ACL_SCOPES.iter().any(|s| asked(s) && granted(s)) {
        candidates.extend(organizations(ctx, &tokens.access_token).await?);
    }
    tokens.granted_scopes = granted_scopes.clone();
    Ok(Consented { tokens, candidates, granted_scopes })
}

fn split_scopes(scopes: &[String]) -> Vec<String> {
    scopes
        .iter()
        .flat_map(|s| s.split([',', ' ']))
        .filter(|s| !s.is_empty())
        .map(|s| bounded_text(s, MAX_DETAIL_CHARS))
        .collect()
}

#[derive(Deserialize)]
struct UserInfo {
    sub: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    picture: Option<String>,
}

async fn member(ctx: &Ctx<'_>, token: &Sensitive<String>) -> Result<Candidate> {
    let url = join_api(ctx, "v2/userinfo")?;
    let info: UserInfo = get_json(ctx, url, token, false).await?;
    if !is_member_id(&info.sub) {
        return Err(Error::Network {
            network: NAME,
            detail: format!("the answer named a member Herald cannot use ({})", bounded_text(&info.sub, 80)),
        });
    }
    let external_id = format!("urn:li:person:{}", info.sub);
    let name = bounded_text(info.name.as_deref().unwrap_or_default(), MAX_NAME_CHARS);
    Ok(Candidate {
        display_name: if name.is_empty() { external_id.clone() } else { name },
        external_id,
        kind: AccountKind::Profile,
        avatar_url: info.picture.as_deref().and_then(picture_url),
        already_connected: false,
    })
}

/// OpenID `sub` is the member id of `urn:li:person:{id}`: letters, digits, `-` and `_`.
fn is_member_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A member picture, kept only when it is https on LinkedIn's image host.
fn picture_url(picture: &str) -> Option<String> {
    let url = Url::parse(picture).ok()?;
    let host_ok = url.host_str().is_some_and(|h| h == PICTURE_HOST || h.ends_with(&format!(".{PICTURE_HOST}")));
    let ok = url.scheme() == "https"
        && host_ok
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        && picture.len() <= 2048;
    ok.then(|| url.to_string())
}

#[derive(Deserialize)]
struct AclPage {
    #[serde(default)]
    elements: Vec<Acl>,
    #[serde(default)]
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Acl {
    #[serde(default)]
    organization: Option<String>,
}

#[derive(Deserialize)]
struct Paging {
    #[serde(default)]
    total: Option<usize>,
}

#[derive(Deserialize)]
struct OrganizationsBatch {
    #[serde(default)]
    results: std::collections::BTreeMap<String, Organization>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Organization {
    #[serde(default)]
    localized_name: Option<String>,
    #[serde(default)]
    vanity_name: Option<String>,
}

/// The organizations the member administers (approved), named.
async fn organizations(ctx: &Ctx<'_>, token: &Sensitive<String>) -> Result<Vec<Candidate>> {
    let mut ids: Vec<String> = Vec::new();
    for page in 0..MAX_ACL_PAGES {
        let start = page * ACL_PAGE_SIZE;
        let mut url = join_api(ctx, "rest/organizationAcls")?;
        url.query_pairs_mut()
            .append_pair("q", "roleAssignee")
            .append_pair("role", "ADMINISTRATOR")
            .append_pair("state", "APPROVED")
            .append_pair("start", &start.to_string())
            .append_pair("count", &ACL_PAGE_SIZE.to_string());
        let acls: AclPage = get_json(ctx, url, token, true).await?;
        let listed = acls.elements.len();
        for acl in acls.elements {
            let urn = acl.organization.unwrap_or_default();
            let id = organization_id(&urn).ok_or_else(|| Error::Network {
                network: NAME,
                detail: format!("the answer named an organization Herald cannot use ({})", bounded_text(&urn, 80)),
            })?;
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_owned());
            }
        }
        let total = acls.paging.and_then(|p| p.total).unwrap_or(0);
        if listed == 0 || start + listed >= total {
            break;
        }
    }

    let mut candidates = Vec::new();
    for chunk in ids.chunks(ORGANIZATIONS_PER_BATCH) {
        let mut url = join_api(ctx, "rest/organizations")?;
        // Rest.li 2.0: the list's parentheses and commas stay literal; the ids are digits.
        url.set_query(Some(&format!("ids=List({})", chunk.join(","))));
        let batch: OrganizationsBatch = get_json(ctx, url, token, true).await?;
        for id in chunk {
            let Some(org) = batch.results.get(id) else {
                tracing::warn!(organization = %id, "LinkedIn did not name an administered organization; not offered");
                continue;
            };
            let name = [&org.localized_name, &org.vanity_name]
                .into_iter()
                .flatten()
                .map(|n| bounded_text(n, MAX_NAME_CHARS))
                .find(|n| !n.is_empty());
            let external_id = format!("urn:li:organization:{id}");
            candidates.push(Candidate {
                display_name: name.unwrap_or_else(|| external_id.clone()),
                external_id,
                kind: AccountKind::Organization,
                avatar_url: None,
                already_connected: false,
            });
        }
    }
    Ok(candidates)
}

/// The numeric id of `urn:li:organization:{id}`, or `None` for anything else.
fn organization_id(urn: &str) -> Option<&str> {
    let id = urn.strip_prefix("urn:li:organization:")?;
    ((1..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

fn join_api(ctx: &Ctx<'_>, path: &str) -> Result<Url> {
    ctx.endpoints.linkedin.api.join(path).map_err(|e| Error::Internal(format!("LinkedIn endpoint {path}: {e}")))
}

/// GET with the member's token (and the versioned headers for `/rest`), classified. A 401
/// REVOKED_ACCESS_TOKEN is asked again once: LinkedIn sends it spuriously right after consent.
async fn get_json<T: serde::de::DeserializeOwned>(
    ctx: &Ctx<'_>,
    url: Url,
    token: &Sensitive<String>,
    versioned: bool,
) -> Result<T> {
    let mut retried = false;
    loop {
        let mut request = ctx.http.get(url.clone()).bearer_auth(token.expose());
        if versioned {
            request =
                request.header("LinkedIn-Version", API_VERSION).header("X-Restli-Protocol-Version", RESTLI_PROTOCOL);
        }
        let answer = ctx.http.send(NAME, request).await?;
        if answer.status.is_success() {
            return serde_json::from_slice(&answer.body).map_err(|e| Error::Network {
                network: NAME,
                detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
            });
        }
        let problem = ApiProblem::read(answer.status.as_u16(), &answer.body);
        if problem.service_code == Some(REVOKED_ACCESS_TOKEN) && !retried {
            retried = true;
            tracing::info!("LinkedIn answered REVOKED_ACCESS_TOKEN right after consent; asking once more");
            tokio::time::sleep(SPURIOUS_REVOKE_PAUSE).await;
            continue;
        }
        return Err(problem.into_error());
    }
}

/// LinkedIn's error body: `{"status", "serviceErrorCode"?, "code"?, "message"}`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default)]
    service_error_code: Option<i64>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

struct ApiProblem {
    status: u16,
    service_code: Option<i64>,
    code: String,
    message: String,
}

impl ApiProblem {
    fn read(status: u16, body: &[u8]) -> Self {
        let body: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
        Self {
            status,
            service_code: body.service_error_code,
            code: bounded_text(body.code.as_deref().unwrap_or_default(), 60),
            message: bounded_text(body.message.as_deref().unwrap_or_default(), MAX_DETAIL_CHARS),
        }
    }

    /// Reconnect for a dead token, transient for 5xx and 429, a clear word for an outdated
    /// version, rejected for the rest.
    fn into_error(self) -> Error {
        let what = match (self.code.is_empty(), self.message.is_empty()) {
            (false, false) => format!("{} ({})", self.message, self.code),
            (true, false) => self.message.clone(),
            (false, true) => self.code.clone(),
            (true, true) => format!("HTTP {}", self.status),
        };
        if self.status == 426 || self.code == "NONEXISTENT_VERSION" {
            return Error::Rejected {
                network: NAME,
                detail: format!(
                    "Herald's LinkedIn version ({API_VERSION}) is too old: LinkedIn no longer serves it. \
                     Update Herald to keep using LinkedIn."
                ),
                auth: false,
            };
        }
        if self.status >= 500 || self.status == 429 {
            return Error::Network { network: NAME, detail: format!("{what}. Try again in a few minutes.") };
        }
        if self.status == 401 || self.service_code.is_some_and(|c| AUTH_SERVICE_CODES.contains(&c)) {
            return Error::Rejected {
                network: NAME,
                detail: format!("the sign-in is no longer valid: {what}. Sign in to LinkedIn again."),
                auth: true,
            };
        }
        Error::Rejected { network: NAME, detail: what, auth: false }
    }
}

/// Settings key remembering, for one client id, that LinkedIn refused it the organization
/// scopes (the app lacks the Community Management API).
const ORGANIZATIONS_REFUSED_KEY: &str = "linkedin.organizations_refused_for";

/// Whether the next sign-in may ask for the organization scopes: not when LinkedIn refused them
/// to this very app before (saving LinkedIn's credentials again forgets that).
pub(crate) async fn may_ask_organizations(store: &Store, client_id: &str) -> Result<bool> {
    Ok(store.setting(ORGANIZATIONS_REFUSED_KEY).await?.as_deref() != Some(client_id))
}

/// Forget a refusal of the organization scopes (new or re-saved credentials).
pub(crate) async fn forget_organizations_refusal(store: &Store) -> Result<()> {
    store.set_setting(ORGANIZATIONS_REFUSED_KEY, None).await
}

/// Turn LinkedIn's `unauthorized_scope_error` from the authorize step into what the user can
/// act on. An organization scope refused means the app lacks the Community Management API:
/// Herald remembers it, and the next sign-in asks for the member profile only. Other answers
/// are returned as they were.
pub(crate) async fn authorize_refused(store: &Store, client_id: &str, error: Error) -> Error {
    let Error::ConsentDenied(reason) = &error else {
        return error;
    };
    let Some(description) = reason.strip_prefix("unauthorized_scope_error") else {
        return error;
    };
    let scope = description.split('"').nth(1).unwrap_or_default();
    if ORGANIZATION_SCOPES.contains(&scope) || scope == "r_organization_admin" {
        if let Err(e) = store.set_setting(ORGANIZATIONS_REFUSED_KEY, Some(client_id)).await {
            tracing::warn!("could not remember LinkedIn's refusal of the organization scopes: {e}");
        }
        return Error::Rejected {
            network: NAME,
            detail: format!(
                "your LinkedIn app may not post to organization pages (\"{scope}\" needs LinkedIn's Community \
                 Management API). Connect again: Herald will now ask only for your member profile. Once LinkedIn \
                 approves the app for organization pages, save its credentials again in Settings."
            ),
            auth: false,
        };
    }
    let scope = if scope.is_empty() { "a permission Herald needs".to_owned() } else { format!("\"{scope}\"") };
    Error::Rejected {
        network: NAME,
        detail: format!(
            "your LinkedIn app may not ask for {scope}. In the LinkedIn Developer Portal, add the products \
             \"Sign In with LinkedIn using OpenID Connect\" and \"Share on LinkedIn\" to the app, then connect again."
        ),
        auth: false,
    }
}

/// Characters LinkedIn's "little text" format reserves in `commentary`: unescaped, they start
/// mentions and other markup or cut the text short.
const LITTLE_TEXT_RESERVED: &[char] = &['\\', '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '*', '_', '~'];

/// `commentary` in LinkedIn's little text format: every reserved character backslash-escaped.
pub(crate) fn little_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if LITTLE_TEXT_RESERVED.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `POST /rest/posts` with the versioned headers and the documented body (author = the
/// member's or organization's URN, `PUBLIC`, `MAIN_FEED`, `PUBLISHED`); the new post's URN
/// comes back in `x-restli-id`. The link goes at the end of the commentary.
pub(crate) async fn publish(
    ctx: &super::PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
    post: &super::PostContent<'_>,
) -> std::result::Result<super::PublishedPost, super::PublishFailure> {
    use super::PublishFailure as F;
    let text = match post.link {
        Some(link) => format!("{}\n\n{link}", post.text.trim_end()),
        None => post.text.to_owned(),
    };
    let body = serde_json::json!({
        "author": account.external_id,
        "commentary": little_text(&text),
        "visibility": "PUBLIC",
        "distribution": { "feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": [] },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": false,
    });
    let url = ctx.endpoints.linkedin.api.join("rest/posts").map_err(|e| F::NotSent(format!("bad endpoint: {e}")))?;
    let request = ctx
        .http
        .post(url)
        .bearer_auth(tokens.access_token.expose())
        .header("LinkedIn-Version", API_VERSION)
        .header("X-Restli-Protocol-Version", RESTLI_PROTOCOL)
        .json(&body);
    let answer = ctx.http.send_unrepeatable(NAME, request).await?;
    if answer.status.is_success() {
        let id = answer
            .headers
            .get("x-restli-id")
            .and_then(|v| v.to_str().ok())
            .map(|v| bounded_text(v, 120))
            .filter(|v| v.starts_with("urn:li:") && !v.contains(char::is_whitespace));
        return match id {
            Some(id) => {
                Ok(super::PublishedPost { permalink: Some(format!("https://www.linkedin.com/feed/update/{id}/")), id })
            }
            None => Err(F::Doubt { timed_out: false, detail: "LinkedIn accepted the post but sent no post id".into() }),
        };
    }
    let problem = ApiProblem::read(answer.status.as_u16(), &answer.body);
    let said = match (problem.message.is_empty(), problem.code.is_empty()) {
        (false, false) => format!("{} ({})", problem.message, problem.code),
        (false, true) => problem.message.clone(),
        (true, false) => problem.code.clone(),
        (true, true) => format!("HTTP {}", problem.status),
    };
    Err(match problem.status {
        401 => F::Reconnect(said),
        _ if problem.service_code.is_some_and(|c| AUTH_SERVICE_CODES.contains(&c)) => F::Reconnect(said),
        429 => F::RateLimited { detail: said, reset: None },
        s if s >= 500 => F::Doubt { timed_out: false, detail: said },
        _ => F::Rejected(said),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_linkedin_are_checked_before_use() {
        assert_eq!(organization_id("urn:li:organization:90000001"), Some("90000001"));
        for bad in [
            "urn:li:organization:",
            "urn:li:organization:12/../x",
            "urn:li:organization:1?x=y",
            "urn:li:organization:1,2",
            "urn:li:organizationBrand:1",
            "urn:li:person:1",
            "urn:li:organization:123456789012345678901",
        ] {
            assert!(organization_id(bad).is_none(), "{bad}");
        }
        assert!(is_member_id("gR0ss1Sbx7") && is_member_id("a-b_c"));
        assert!(!is_member_id("") && !is_member_id("a/b") && !is_member_id("a b") && !is_member_id(&"x".repeat(65)));
    }

    #[test]
    fn only_https_pictures_on_linkedins_host_are_kept() {
        let ok = "https://media.licdn.com/dms/image/v2/D4E03AQ/profile-displayphoto-shrink_100_100/0/1?e=1&v=beta";
        assert_eq!(picture_url(ok).as_deref(), Some(ok));
        for bad in [
            "http://media.licdn.com/dms/image/x",
            "https://media.licdn.com.evil.example/x",
            "https://evilmedia.licdn.com/x",
            "https://user@media.licdn.com/x",
            "https://media.licdn.com:8443/x",
            "https://sandbox.herald.invalid/img/giulia-rossi.jpg",
            "javascript:alert(1)",
        ] {
            assert!(picture_url(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn errors_are_classified() {
        let auth = |status: u16, body: &str| match ApiProblem::read(status, body.as_bytes()).into_error() {
            Error::Rejected { auth, .. } => Some(auth),
            Error::Network { .. } => None,
            other => panic!("{other:?}"),
        };
        assert_eq!(auth(401, r#"{"status":401,"serviceErrorCode":65601,"code":"REVOKED_ACCESS_TOKEN"}"#), Some(true));
        assert_eq!(auth(401, r#"{"status":401,"serviceErrorCode":65602,"code":"EXPIRED_ACCESS_TOKEN"}"#), Some(true));
        assert_eq!(auth(403, r#"{"status":403,"serviceErrorCode":100,"code":"ACCESS_DENIED"}"#), Some(false));
        assert_eq!(auth(422, "not json"), Some(false));
        assert_eq!(auth(500, ""), None);
        assert_eq!(auth(503, r#"{"status":503}"#), None);
        assert_eq!(auth(429, r#"{"status":429,"code":"TOO_MANY_REQUESTS"}"#), None);
        let old = ApiProblem::read(426, br#"{"status":426,"code":"NONEXISTENT_VERSION"}"#).into_error();
        assert!(old.to_string().contains("too old") && old.to_string().contains(API_VERSION), "{old}");
    }

    #[test]
    fn granted_scopes_are_split_on_commas() {
        let got = split_scopes(&["openid,profile,w_member_social".to_owned()]);
        assert_eq!(got, ["openid", "profile", "w_member_social"]);
    }
}
