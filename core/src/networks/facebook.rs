//! Facebook Pages: Facebook Login (manual flow) through the relay page, the long-lived user
//! token, and the Pages the user manages (`/me/accounts`), each with its own Page token.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use url::Url;

use super::{
    join, ConnectFacts, Consented, Ctx, NetworkAvailability, NetworkId, NetworkSpec, OAuthEndpoints, RedirectMode,
    RedirectRule, SecretRule,
};
use crate::api::{AccountKind, Candidate};
use crate::error::{Error, Result};
use crate::net::{self, bounded_text, MAX_DETAIL_CHARS, MAX_NAME_CHARS};
use crate::oauth::{token_problem, PkceCodeVerifier, PkceStyle, MAX_EXPIRES_IN_SECS, MAX_TOKEN_RESPONSE_BYTES};
use crate::secret::Sensitive;
use crate::vault::TokenSet;

pub const NAME: &str = "Facebook";
/// The Graph API version Herald speaks.
pub const GRAPH_VERSION: &str = "v25.0";

/// Business Pages only (never personal profiles); an exact HTTPS redirect and the app secret.
pub const SPEC: NetworkSpec = NetworkSpec {
    id: NetworkId::Facebook,
    name: NAME,
    availability: NetworkAvailability::Available,
    client_secret: SecretRule::Required,
    sends_issuer: false,
    connect: Some(ConnectFacts {
        scopes: &["pages_show_list", "pages_manage_posts", "pages_read_engagement", "business_management"],
        required_scopes: &["pages_show_list", "pages_manage_posts"],
        required_scopes_by_kind: &[],
        redirect: RedirectRule { allowed: &[RedirectMode::Relay], default: RedirectMode::Relay, default_port: 0 },
        extra_authorize_params: &[],
        pkce: PkceStyle::Base64Url,
        revoke_is_user_wide: true,
    }),
    posts: Some(super::PostLimits {
        max_chars: 63_206,
        counting: super::CharCounting::Chars,
        media_required: false,
        max_hashtags: None,
        publish_ready: true,
    }),
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacebookEndpoints {
    /// The login dialog, `https://www.facebook.com/{v}/dialog/oauth`.
    pub authorize: Url,
    /// `https://graph.facebook.com/{v}/oauth/access_token` (code exchange and `fb_exchange_token`).
    pub token: Url,
    /// Base of the Graph API, ending in `/{v}/`.
    pub graph: Url,
}

impl FacebookEndpoints {
    pub fn production() -> Self {
        let parse = |s: &str| Url::parse(s).unwrap_or_else(|_| unreachable!("constant URL {s}"));
        Self {
            authorize: parse("https://www.facebook.com/v25.0/dialog/oauth"),
            token: parse("https://graph.facebook.com/v25.0/oauth/access_token"),
            graph: parse("https://graph.facebook.com/v25.0/"),
        }
    }

    pub fn sandbox(base: &str) -> Result<Self> {
        Ok(Self {
            authorize: join(base, &format!("/facebook/www/{GRAPH_VERSION}/dialog/oauth"))?,
            token: join(base, &format!("/facebook/graph/{GRAPH_VERSION}/oauth/access_token"))?,
            graph: join(base, &format!("/facebook/graph/{GRAPH_VERSION}/"))?,
        })
    }

    pub fn urls(&self) -> Vec<(&'static str, &Url)> {
        vec![("authorize", &self.authorize), ("token", &self.token), ("graph", &self.graph)]
    }
}

pub(crate) fn oauth_endpoints(endpoints: &FacebookEndpoints) -> OAuthEndpoints {
    OAuthEndpoints {
        authorize: endpoints.authorize.clone(),
        token: endpoints.token.clone(),
        revoke: None,
        issuer: None,
    }
}

/// Pages asked for per `/me/accounts` request (Graph's default is 25).
const PAGES_PER_REQUEST: u32 = 100;
/// Upper bound on `/me/accounts` pages followed, so a misbehaving server cannot loop us forever.
const MAX_PAGES: usize = 20;
/// Most permissions read from `/me/permissions` (Facebook has a few dozen).
const MAX_PERMISSIONS: usize = 200;
/// Hosts (with their subdomains) a Page picture may come from.
const AVATAR_HOSTS: &[&str] = &["fbcdn.net"];

/// Code → short-lived user token (GET, with the app secret and the PKCE verifier) → long-lived
/// user token (`grant_type=fb_exchange_token`, ~60 days, no refresh token).
pub(crate) async fn exchange_code(
    ctx: &Ctx<'_>,
    code: Sensitive<String>,
    verifier: PkceCodeVerifier,
) -> Result<TokenSet> {
    let secret = ctx.oauth.client_secret.as_ref().ok_or(Error::CredentialsMissing(NAME))?;
    let mut url = ctx.endpoints.facebook.token.clone();
    url.query_pairs_mut()
        .append_pair("client_id", &ctx.oauth.client_id)
        .append_pair("redirect_uri", ctx.redirect_uri)
        .append_pair("client_secret", secret.expose())
        .append_pair("code", code.expose())
        .append_pair("code_verifier", verifier.secret());
    let short = token_request(ctx, NAME, url).await?;

    let mut url = ctx.endpoints.facebook.token.clone();
    url.query_pairs_mut()
        .append_pair("grant_type", "fb_exchange_token")
        .append_pair("client_id", &ctx.oauth.client_id)
        .append_pair("client_secret", secret.expose())
        .append_pair("fb_exchange_token", short.access_token.expose());
    let mut long = token_request(ctx, NAME, url).await?;
    long.issued_at = Some(Utc::now());
    Ok(long)
}

/// A Graph token answer (`{"access_token","token_type","expires_in"}`), checked like every token.
#[derive(Deserialize)]
pub(crate) struct GraphToken {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

impl GraphToken {
    /// A token that came without a lifetime (Instagram's short-lived code answer).
    pub(crate) fn from_access_token(access_token: String) -> Self {
        Self { access_token, expires_in: None }
    }

    /// Refuses a token Herald could not store or send; the lifetime is read leniently.
    pub(crate) fn into_tokens(self, network: &'static str) -> Result<TokenSet> {
        if let Some(problem) = token_problem(&self.access_token) {
            return Err(Error::TokenExchange { network, detail: format!("the access token in the answer {problem}") });
        }
        let expires_at = self.expires_in.as_ref().and_then(lifetime_end);
        Ok(TokenSet::new(Sensitive::new(self.access_token), None, expires_at))
    }
}

/// `expires_in` (a number, or digits in a string) as an instant; `None` when absent or absurd.
fn lifetime_end(value: &serde_json::Value) -> Option<DateTime<Utc>> {
    let secs = match value {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
    .filter(|s| *s > 0 && *s <= MAX_EXPIRES_IN_SECS)?;
    Utc::now().checked_add_signed(chrono::Duration::seconds(i64::try_from(secs).ok()?))
}

/// A GET to a Graph token endpoint (parameters in the query, as Graph wants them). A refusal is
/// a failed sign-in; a transient failure stays a network error.
async fn token_request(ctx: &Ctx<'_>, network: &'static str, url: Url) -> Result<TokenSet> {
    let answer = ctx.http.send_limited(network, ctx.http.get(url), MAX_TOKEN_RESPONSE_BYTES).await?;
    if !answer.status.is_success() {
        return Err(match graph_failure(network, answer.status, &answer.body, None) {
            Error::Rejected { detail, .. } => Error::TokenExchange { network, detail },
            other => other,
        });
    }
    let token: GraphToken = serde_json::from_slice(&answer.body).map_err(|_| Error::TokenExchange {
        network,
        detail: "the token endpoint gave an answer Herald could not read".to_owned(),
    })?;
    token.into_tokens(network)
}

#[derive(Deserialize)]
struct GraphErrorBody {
    error: GraphError,
}

#[derive(Deserialize)]
struct GraphError {
    #[serde(default)]
    message: String,
    #[serde(default)]
    code: i64,
    #[serde(default)]
    error_subcode: Option<i64>,
    #[serde(default)]
    is_transient: bool,
}

/// A Graph error code meaning "try again later": unknown/service errors and the rate limits
/// (app 4, user 17, Page 32, custom 613, business use case 80000–80014).
fn is_transient_code(code: i64) -> bool {
    matches!(code, 1 | 2 | 4 | 17 | 32 | 341 | 368 | 613) || (80_000..=80_014).contains(&code)
}

/// Classify a failed Graph call (Facebook or graph.instagram.com), from the Graph error object
/// `{"error":{"message","code","error_subcode","is_transient"}}`:
/// - code 190 (any subcode: 458 app removed, 460 password changed, 463 expired, 467 invalid)
///   or 102 → the sign-in is gone: `Rejected { auth: true }` (reconnect needed);
/// - a rate limit or service error, `is_transient`, 5xx or 429 → `Network` (try again later);
/// - anything else → `Rejected { auth: false }` (the request itself was refused).
///
/// `page` names the Page the call was about: a 500 there usually means the person lost their
/// admin role on the Page, and the message says so.
pub(crate) fn graph_failure(network: &'static str, status: StatusCode, body: &[u8], page: Option<&str>) -> Error {
    let parsed = serde_json::from_slice::<GraphErrorBody>(body).ok().map(|b| b.error);
    let mut detail = parsed
        .as_ref()
        .map(|e| {
            let code = match e.error_subcode {
                Some(sub) => format!(" (code {}, subcode {sub})", e.code),
                None => format!(" (code {})", e.code),
            };
            format!("{}{code}", bounded_text(&e.message, MAX_DETAIL_CHARS))
        })
        .filter(|d| !d.starts_with(" ("))
        .unwrap_or_else(|| format!("HTTP {status}"));
    let code = parsed.as_ref().map_or(0, |e| e.code);
    if matches!(code, 190 | 102) {
        return Error::Rejected { network, detail, auth: true };
    }
    let transient = parsed.as_ref().is_some_and(|e| e.is_transient || is_transient_code(e.code))
        || status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS;
    if transient {
        if let (Some(page), true) = (page, status == StatusCode::INTERNAL_SERVER_ERROR) {
            detail = format!(
                "{detail}. If this keeps happening, check that the Page \"{}\" still grants you admin permissions.",
                bounded_text(page, MAX_NAME_CHARS)
            );
        } else {
            detail = format!("{detail}. Herald will try again later.");
        }
        return Error::Network { network, detail };
    }
    Error::Rejected { network, detail, auth: false }
}

/// GET a Graph resource with the user token (as a bearer header); the answer's JSON or a
/// classified error.
async fn graph_get<T: serde::de::DeserializeOwned>(
    http: &net::Client,
    url: Url,
    token: &Sensitive<String>,
) -> Result<T> {
    let answer = http.send(NAME, http.get(url).bearer_auth(token.expose())).await?;
    if !answer.status.is_success() {
        return Err(graph_failure(NAME, answer.status, &answer.body, None));
    }
    serde_json::from_slice(&answer.body).map_err(|e| Error::Network {
        network: NAME,
        detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
    })
}

#[derive(Deserialize)]
struct PermissionsPage {
    #[serde(default)]
    data: Vec<Permission>,
}

#[derive(Deserialize)]
struct Permission {
    permission: String,
    status: String,
}

#[derive(Deserialize)]
struct AccountsPage {
    #[serde(default)]
    data: Vec<PageEntry>,
    #[serde(default)]
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Paging {
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize)]
struct PageEntry {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    access_token: Option<String>,
    /// What the person may do on the Page; absent when Graph does not say.
    #[serde(default)]
    tasks: Option<Vec<String>>,
    #[serde(default)]
    picture: Option<Picture>,
}

#[derive(Deserialize)]
struct Picture {
    data: PictureData,
}

#[derive(Deserialize)]
struct PictureData {
    #[serde(default)]
    url: Option<String>,
}

/// The Pages the user manages (`/me/accounts`), each a candidate with its Page token in
/// `account_tokens`; granted scopes from `/me/permissions`. The person's own profile is never
/// a candidate: Herald publishes to Pages only.
pub(crate) async fn after_consent(ctx: &Ctx<'_>, mut tokens: TokenSet) -> Result<Consented> {
    let graph = &ctx.endpoints.facebook.graph;
    let permissions_url = net::join_resource(NAME, graph, "me/permissions", "")?;
    let permissions: PermissionsPage = graph_get(ctx.http, permissions_url, &tokens.access_token).await?;
    let granted: Vec<String> = permissions
        .data
        .into_iter()
        .take(MAX_PERMISSIONS)
        .filter(|p| p.status == "granted")
        .map(|p| bounded_text(&p.permission, MAX_NAME_CHARS))
        .collect();

    let accounts_url = net::join_resource(NAME, graph, "me/accounts", "")?;
    let mut url = accounts_url.clone();
    url.query_pairs_mut()
        .append_pair("fields", "id,name,access_token,tasks,picture")
        .append_pair("limit", &PAGES_PER_REQUEST.to_string());
    let mut candidates: Vec<Candidate> = Vec::new();
    for _ in 0..MAX_PAGES {
        let page: AccountsPage = graph_get(ctx.http, url.clone(), &tokens.access_token).await?;
        for entry in page.data {
            if let Some((candidate, token)) = page_candidate(entry)? {
                if !candidates.iter().any(|c| c.external_id == candidate.external_id) {
                    tokens.account_tokens.insert(candidate.external_id.clone(), token);
                    candidates.push(candidate);
                }
            }
        }
        match page.paging.and_then(|p| p.next).filter(|n| !n.is_empty()) {
            Some(next) => url = next_page(&accounts_url, &next)?,
            None => break,
        }
    }
    if candidates.is_empty() {
        let hint = if granted.iter().any(|p| p == "pages_show_list") {
            ""
        } else {
            " and allow Herald to see your Pages (pages_show_list)"
        };
        return Err(Error::Rejected {
            network: NAME,
            detail: format!(
                "no Page Herald can publish to was shared. Herald publishes to business Pages only, never to \
                 personal profiles: connect again and tick at least one Page you manage{hint}."
            ),
            auth: false,
        });
    }
    Ok(Consented { tokens, candidates, granted_scopes: Some(granted) })
}

/// `paging.next` is followed only to the same listing on the configured Graph host: same
/// origin, same path, no user info. Anything else is refused before the token could leave.
fn next_page(accounts: &Url, next: &str) -> Result<Url> {
    let refuse = || Error::Network {
        network: NAME,
        detail: format!("the list of Pages pointed to an address Herald will not follow ({})", bounded_text(next, 80)),
    };
    let url = Url::parse(next).map_err(|_| refuse())?;
    let same = url.scheme() == accounts.scheme()
        && url.host() == accounts.host()
        && url.port_or_known_default() == accounts.port_or_known_default()
        && url.path() == accounts.path()
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none();
    if same {
        Ok(url)
    } else {
        Err(refuse())
    }
}

/// A Page id: Graph ids are decimal digits.
pub(crate) fn is_graph_id(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

/// One listed Page, checked: a numeric id, a cleaned name, a usable Page token, and a role that
/// lets the person publish (`CREATE_CONTENT` or `MANAGE` when Graph lists the tasks). A Page
/// Herald could not publish to is left out (`Ok(None)`); a malformed one fails the listing.
fn page_candidate(entry: PageEntry) -> Result<Option<(Candidate, Sensitive<String>)>> {
    if !is_graph_id(&entry.id) {
        return Err(Error::Network {
            network: NAME,
            detail: format!("the answer listed a Page Herald cannot use ({})", bounded_text(&entry.id, 80)),
        });
    }
    let can_publish = entry.tasks.as_ref().is_none_or(|t| t.iter().any(|t| t == "CREATE_CONTENT" || t == "MANAGE"));
    let Some(token) = entry.access_token.filter(|t| token_problem(t).is_none()) else {
        tracing::info!(page = %entry.id, "Facebook listed a Page without a usable Page token: left out");
        return Ok(None);
    };
    if !can_publish {
        tracing::info!(page = %entry.id, "the person cannot publish on this Page: left out");
        return Ok(None);
    }
    let name = bounded_text(&entry.name, MAX_NAME_CHARS);
    let avatar_url = entry.picture.and_then(|p| p.data.url).and_then(|u| cdn_image(&u, AVATAR_HOSTS));
    let candidate = Candidate {
        display_name: if name.is_empty() { entry.id.clone() } else { name },
        external_id: entry.id,
        kind: AccountKind::Page,
        avatar_url,
        already_connected: false,
    };
    Ok(Some((candidate, Sensitive::new(token))))
}

/// `url` if it is an `https` image on one of `hosts` (or a subdomain), default port, no user
/// info; anything else is dropped (the UI would otherwise load it from wherever it points).
pub(crate) fn cdn_image(url: &str, hosts: &[&str]) -> Option<String> {
    if url.len() > 2048 {
        return None;
    }
    let parsed = Url::parse(url).ok()?;
    let Some(url::Host::Domain(host)) = parsed.host() else {
        return None;
    };
    let on_cdn = hosts.iter().any(|allowed| {
        host == *allowed || host.strip_suffix(allowed).is_some_and(|sub| sub.len() > 1 && sub.ends_with('.'))
    });
    (parsed.scheme() == "https"
        && parsed.port().is_none()
        && parsed.username().is_empty()
        && parsed.password().is_none()
        && on_cdn)
        .then(|| parsed.to_string())
}

/// `DELETE /me/permissions` with the user token: removes the app, and with it every token of the
/// grant (the Page tokens too).
pub(crate) async fn revoke(ctx: &Ctx<'_>, tokens: &TokenSet) -> Result<bool> {
    let url = net::join_resource(NAME, &ctx.endpoints.facebook.graph, "me/permissions", "")?;
    let request = ctx.http.reqwest().delete(url).bearer_auth(tokens.access_token.expose());
    let answer = ctx.http.send(NAME, request).await?;
    if answer.status.is_success() {
        Ok(true)
    } else {
        Err(graph_failure(NAME, answer.status, &answer.body, None))
    }
}

/// `POST /{page-id}/feed` (`message`, `link`) with the Page's own token (from
/// [`TokenSet::account_tokens`]); the answer's `id` is the new post's. Graph errors as
/// [`graph_failure`] classifies them, except that a 5xx leaves doubt (it may have published).
pub(crate) async fn publish(
    ctx: &super::PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
    post: &super::PostContent<'_>,
) -> std::result::Result<super::PublishedPost, super::PublishFailure> {
    use super::PublishFailure as F;
    let page = account.external_id.as_str();
    if !is_graph_id(page) {
        return Err(F::Rejected(format!("\"{}\" is not a Page id", bounded_text(page, 40))));
    }
    let Some(page_token) = tokens.account_tokens.get(page) else {
        return Err(F::Reconnect("the Page's own sign-in is missing".into()));
    };
    let url = ctx
        .endpoints
        .facebook
        .graph
        .join(&format!("{page}/feed"))
        .map_err(|e| F::NotSent(format!("bad endpoint: {e}")))?;
    let mut form: Vec<(&str, &str)> = vec![("message", post.text)];
    if let Some(link) = post.link {
        form.push(("link", link));
    }
    let request = ctx.http.post(url).bearer_auth(page_token.expose()).form(&form);
    let answer = ctx.http.send_unrepeatable(NAME, request).await?;
    if answer.status.is_success() {
        let id = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v["id"].as_str().map(str::to_owned))
            .filter(|id| id.len() <= 80 && id.bytes().all(|b| b.is_ascii_digit() || b == b'_'));
        return match id {
            Some(id) => Ok(super::PublishedPost { permalink: Some(format!("https://www.facebook.com/{id}")), id }),
            None => Err(F::Doubt { timed_out: false, detail: "Facebook accepted the post but sent no post id".into() }),
        };
    }
    let error = graph_failure(NAME, answer.status, &answer.body, Some(&account.display_name));
    let detail = match &error {
        Error::Rejected { detail, .. } | Error::Network { detail, .. } => detail.clone(),
        other => other.to_string(),
    };
    Err(match error {
        _ if answer.status.is_server_error() => F::Doubt { timed_out: false, detail },
        Error::Rejected { auth: true, .. } => F::Reconnect(detail),
        Error::Network { .. } => F::RateLimited { detail, reset: None },
        _ => F::Rejected(detail),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn classify(status: u16, body: &str, page: Option<&str>) -> Error {
        graph_failure(NAME, StatusCode::from_u16(status).unwrap(), body.as_bytes(), page)
    }

    #[test]
    fn graph_errors_are_classified_once() {
        for subcode in [
            "",
            r#","error_subcode":458"#,
            r#","error_subcode":460"#,
            r#","error_subcode":463"#,
            r#","error_subcode":467"#,
        ] {
            let body = format!(r#"{{"error":{{"message":"Error validating access token","code":190{subcode}}}}}"#);
            assert!(matches!(classify(400, &body, None), Error::Rejected { auth: true, .. }), "{body}");
        }
        for code in [4, 17, 32, 80001] {
            let body = format!(r#"{{"error":{{"message":"limit reached","code":{code}}}}}"#);
            assert!(matches!(classify(400, &body, None), Error::Network { .. }), "{code}");
        }
        assert!(matches!(classify(503, "<html>", None), Error::Network { .. }));
        assert!(matches!(classify(429, "", None), Error::Network { .. }));
        let content = classify(400, r#"{"error":{"message":"(#100) Missing message or attachment","code":100}}"#, None);
        assert!(matches!(content, Error::Rejected { auth: false, .. }), "{content:?}");
    }

    #[test]
    fn a_500_from_a_page_says_to_check_the_admin_role() {
        let body = r#"{"error":{"message":"An unknown error has occurred.","code":1}}"#;
        let err = classify(500, body, Some("Forno Rossi"));
        assert!(matches!(err, Error::Network { .. }), "{err:?}");
        assert!(
            err.to_string().contains("check that the Page \"Forno Rossi\" still grants you admin permissions"),
            "{err}"
        );
        assert!(!classify(500, body, None).to_string().contains("admin"));
    }

    #[test]
    fn only_https_pictures_on_the_cdn_are_kept() {
        let ok = "https://scontent.xx.fbcdn.net/v/t1/p50x50/1.png?oh=1";
        assert_eq!(cdn_image(ok, AVATAR_HOSTS).as_deref(), Some(ok));
        for bad in [
            "http://scontent.xx.fbcdn.net/1.png",
            "https://fbcdn.net.evil.example/1.png",
            "https://evilfbcdn.net/1.png",
            "https://user@scontent.fbcdn.net/1.png",
            "https://scontent.fbcdn.net:8443/1.png",
            "https://sandbox.herald.invalid/img/forno-rossi.png",
            "javascript:alert(1)",
        ] {
            assert_eq!(cdn_image(bad, AVATAR_HOSTS), None, "{bad}");
        }
    }

    fn entry(json: &str) -> PageEntry {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn listed_pages_are_checked_before_use() {
        let (page, token) = page_candidate(entry(
            r#"{"id":"104000000000001","name":"Forno\u001b[31m Rossi\u202e\n","access_token":"EAAGx","tasks":["MANAGE"]}"#,
        ))
        .unwrap()
        .unwrap();
        assert_eq!((page.external_id.as_str(), page.display_name.as_str()), ("104000000000001", "Forno Rossi"));
        assert_eq!(token.expose(), "EAAGx");
        for bad_id in ["../me", "104/feed", "", "1e5", "104000000000001?x=1"] {
            let json = format!(r#"{{"id":"{bad_id}","name":"x","access_token":"EAAGx"}}"#);
            assert!(page_candidate(entry(&json)).is_err(), "{bad_id}");
        }
        let no_token = r#"{"id":"1","name":"x","access_token":"bad\ntoken"}"#;
        assert!(page_candidate(entry(no_token)).unwrap().is_none(), "an unusable Page token leaves the Page out");
        let viewer = r#"{"id":"1","name":"x","access_token":"EAAGx","tasks":["ANALYZE"]}"#;
        assert!(page_candidate(entry(viewer)).unwrap().is_none(), "nothing to publish there");
        let long = format!(r#"{{"id":"1","name":"{}","access_token":"EAAGx"}}"#, "n".repeat(5000));
        let (page, _) = page_candidate(entry(&long)).unwrap().unwrap();
        assert!(page.display_name.chars().count() <= MAX_NAME_CHARS + 1);
    }

    #[test]
    fn paging_stays_on_the_listing() {
        let accounts = Url::parse("https://graph.facebook.com/v25.0/me/accounts").unwrap();
        assert!(next_page(&accounts, "https://graph.facebook.com/v25.0/me/accounts?after=QVFI&limit=100").is_ok());
        for bad in [
            "https://evil.example/v25.0/me/accounts?after=x",
            "http://graph.facebook.com/v25.0/me/accounts?after=x",
            "https://graph.facebook.com/v25.0/me/feed?after=x",
            "https://graph.facebook.com:444/v25.0/me/accounts",
            "https://a@graph.facebook.com/v25.0/me/accounts",
            "/v25.0/me/accounts?after=x",
        ] {
            assert!(next_page(&accounts, bad).is_err(), "{bad}");
        }
    }
}
