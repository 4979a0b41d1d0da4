//! X (API v2): OAuth 2.0 with PKCE for a public client on a fixed, registered loopback port; the
//! refresh token rotates on every use. The signed-in user (`/2/users/me`) is the one candidate.
//!
//! - **Public client**: no secret; `client_id` travels in the token request's body (X uses HTTP
//!   Basic only for confidential clients), which is what [`crate::oauth`] sends without a secret.
//! - **Rotation**: every refresh answers a new refresh token and the one presented is spent;
//!   the newest is what the vault keeps (an answer without one keeps the stored one).
//! - **Errors** (X's problem JSON `{title, detail, type, status}`): 401 means the access is gone
//!   (Herald refreshes ahead of expiry, so a 401 comes after a successful refresh) → reconnect;
//!   `invalid_request` / `invalid_grant` from the token endpoint on refresh (X's answer to a
//!   spent or revoked refresh token) → reconnect; 429 (`x-rate-limit-reset`), 5xx and timeouts
//!   are transient; other 4xx are rejections that a reconnect would not fix.

use serde::{Deserialize, Serialize};
use url::Url;

use super::{
    join, ConnectFacts, Consented, Ctx, NetworkAvailability, NetworkId, NetworkSpec, OAuthEndpoints, RedirectMode,
    RedirectRule, SecretRule,
};
use crate::api::{AccountKind, Candidate};
use crate::error::{Error, Result};
use crate::net::{self, bounded_text, MAX_DETAIL_CHARS, MAX_NAME_CHARS};
use crate::oauth::PkceStyle;
use crate::secret::Sensitive;
use crate::vault::TokenSet;

pub const NAME: &str = "X";
/// The callback port X apps are usually registered with (`http://127.0.0.1:8080/callback`).
pub const DEFAULT_PORT: u16 = 8080;

pub const SPEC: NetworkSpec = NetworkSpec {
    id: NetworkId::X,
    name: NAME,
    availability: NetworkAvailability::Available,
    client_secret: SecretRule::None,
    sends_issuer: false,
    connect: Some(ConnectFacts {
        scopes: &["tweet.read", "tweet.write", "users.read", "offline.access", "media.write"],
        required_scopes: &["tweet.read", "tweet.write", "users.read", "offline.access"],
        required_scopes_by_kind: &[],
        redirect: RedirectRule {
            allowed: &[RedirectMode::FixedPort],
            default: RedirectMode::FixedPort,
            default_port: DEFAULT_PORT,
        },
        extra_authorize_params: &[],
        pkce: PkceStyle::Base64Url,
        revoke_is_user_wide: false,
    }),
    posts: Some(super::PostLimits {
        max_chars: 280,
        counting: super::CharCounting::TwitterWeighted,
        media_required: false,
        max_hashtags: None,
        publish_ready: true,
        images: super::ImageLimits {
            max_count: 4,
            max_bytes: Some(5 * 1024 * 1024),
            formats: &[super::ImageFormat::Jpeg, super::ImageFormat::Png, super::ImageFormat::Gif],
            aspect_milli: None,
            upload_ready: true,
            fetches_url: false,
        },
    }),
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct XEndpoints {
    /// `https://x.com/i/oauth2/authorize`.
    pub authorize: Url,
    /// `https://api.x.com/2/oauth2/token` (code exchange and refresh).
    pub token: Url,
    /// `https://api.x.com/2/oauth2/revoke`.
    pub revoke: Url,
    /// Base of API v2, ending in `/2/`.
    pub api: Url,
}

impl XEndpoints {
    pub fn production() -> Self {
        let parse = |s: &str| Url::parse(s).unwrap_or_else(|_| unreachable!("constant URL {s}"));
        Self {
            authorize: parse("https://x.com/i/oauth2/authorize"),
            token: parse("https://api.x.com/2/oauth2/token"),
            revoke: parse("https://api.x.com/2/oauth2/revoke"),
            api: parse("https://api.x.com/2/"),
        }
    }

    pub fn sandbox(base: &str) -> Result<Self> {
        Ok(Self {
            authorize: join(base, "/x/www/i/oauth2/authorize")?,
            token: join(base, "/x/api/2/oauth2/token")?,
            revoke: join(base, "/x/api/2/oauth2/revoke")?,
            api: join(base, "/x/api/2/")?,
        })
    }

    pub fn urls(&self) -> Vec<(&'static str, &Url)> {
        vec![("authorize", &self.authorize), ("token", &self.token), ("revoke", &self.revoke), ("api", &self.api)]
    }
}

pub(crate) fn oauth_endpoints(endpoints: &XEndpoints) -> OAuthEndpoints {
    OAuthEndpoints {
        authorize: endpoints.authorize.clone(),
        token: endpoints.token.clone(),
        revoke: Some(endpoints.revoke.clone()),
        issuer: None,
    }
}

/// Token-endpoint error codes that, on refresh, mean the refresh token is dead (spent by
/// rotation, revoked, or expired): X answers `invalid_request` "Value passed for the token was
/// invalid." where other servers say `invalid_grant`.
const REFRESH_RECONNECT_ERRORS: &[&str] = &["invalid_request", "invalid_grant"];
/// The CDN host of X profile images; an avatar anywhere else is dropped.
const AVATAR_HOST: &str = "pbs.twimg.com";
/// Longest avatar URL kept.
const MAX_AVATAR_URL: usize = 2048;

/// The signed-in user (`/2/users/me?user.fields=profile_image_url`) is the one candidate; the
/// token answer's `scope` says what the person granted.
pub(crate) async fn after_consent(ctx: &Ctx<'_>, tokens: TokenSet) -> Result<Consented> {
    let user = users_me(ctx.http, &ctx.endpoints.x, &tokens.access_token).await?;
    let candidates = vec![user_candidate(user)?];
    let granted_scopes = tokens.granted_scopes.clone();
    Ok(Consented { tokens, candidates, granted_scopes })
}

/// Renew with the refresh token; the answer's (rotated) refresh token replaces the stored one.
/// `Ok(None)`: no refresh token (`offline.access` was not granted), so the user must reconnect.
pub(crate) async fn refresh(ctx: &Ctx<'_>, tokens: &TokenSet) -> Result<Option<TokenSet>> {
    let Some(refresh_token) = &tokens.refresh_token else {
        return Ok(None);
    };
    let mut fresh = ctx.oauth.refresh_reconnect_on(ctx.http, refresh_token, REFRESH_RECONNECT_ERRORS).await?;
    fresh.account_tokens = tokens.account_tokens.clone();
    Ok(Some(fresh))
}

/// `POST /2/oauth2/revoke` as X documents it: `token`, `token_type_hint` and, for a public
/// client, `client_id` in the form body. The refresh token is revoked when there is one (it
/// outlives the access token).
pub(crate) async fn revoke(ctx: &Ctx<'_>, tokens: &TokenSet) -> Result<bool> {
    let (token, hint) = match &tokens.refresh_token {
        Some(refresh) => (refresh, "refresh_token"),
        None => (&tokens.access_token, "access_token"),
    };
    let form =
        [("token", token.expose().as_str()), ("token_type_hint", hint), ("client_id", ctx.oauth.client_id.as_str())];
    let answer = ctx.http.send(NAME, ctx.http.post(ctx.endpoints.x.revoke.clone()).form(&form)).await?;
    if answer.status.is_success() {
        return Ok(true);
    }
    let detail = serde_json::from_slice::<OAuthErrorBody>(&answer.body)
        .ok()
        .map(|b| bounded_text(&format!("{} {}", b.error, b.error_description), MAX_DETAIL_CHARS))
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| format!("HTTP {}", answer.status));
    if answer.status.is_server_error() || answer.status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        Err(Error::Network { network: NAME, detail: format!("{detail}; try again later") })
    } else {
        Err(Error::Rejected { network: NAME, detail, auth: false })
    }
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

#[derive(Deserialize)]
struct UserAnswer {
    data: Option<XUser>,
}

#[derive(Deserialize)]
struct XUser {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    profile_image_url: Option<String>,
}

/// X's problem JSON (`title`, `detail`), with the `errors` list of a 400.
#[derive(Deserialize, Default)]
struct Problem {
    #[serde(default)]
    title: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    errors: Vec<ProblemItem>,
}

#[derive(Deserialize)]
struct ProblemItem {
    #[serde(default)]
    message: String,
}

async fn users_me(http: &net::Client, endpoints: &XEndpoints, access_token: &Sensitive<String>) -> Result<XUser> {
    let mut url =
        endpoints.api.join("users/me").map_err(|e| Error::InvalidInput(format!("bad endpoint x.api: {e}")))?;
    url.query_pairs_mut().append_pair("user.fields", "profile_image_url");
    let answer = http.send(NAME, http.get(url).bearer_auth(access_token.expose())).await?;
    if !answer.status.is_success() {
        return Err(classify(&answer));
    }
    let parsed: UserAnswer = serde_json::from_slice(&answer.body).map_err(|e| Error::Network {
        network: NAME,
        detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
    })?;
    parsed.data.ok_or_else(|| Error::Network {
        network: NAME,
        detail: format!("the profile was missing from the answer ({})", problem_text(&answer.body)),
    })
}

/// The cheap check: `GET /2/users/me` with the access token, judged by [`classify`].
pub(crate) async fn probe(ctx: &super::PublishCtx<'_>, tokens: &TokenSet) -> Result<super::Probe> {
    let url =
        ctx.endpoints.x.api.join("users/me").map_err(|e| Error::InvalidInput(format!("bad endpoint x.api: {e}")))?;
    let answer = ctx.http.send(NAME, ctx.http.get(url).bearer_auth(tokens.access_token.expose())).await?;
    super::probe_verdict(answer.status, || classify(&answer))
}

/// The user as a candidate, checked: the id becomes the external id (and later part of API
/// URLs), so it must be X's numeric id; the name is cleaned and bounded; the avatar is kept
/// only on X's image CDN.
fn user_candidate(user: XUser) -> Result<Candidate> {
    let id_ok = (1..=20).contains(&user.id.len())
        && user.id.bytes().all(|b| b.is_ascii_digit())
        && user.id.parse::<u64>().is_ok_and(|id| id > 0);
    if !id_ok {
        return Err(Error::Network {
            network: NAME,
            detail: format!("the answer named a user Herald cannot use ({})", bounded_text(&user.id, 40)),
        });
    }
    let username_ok = (1..=15).contains(&user.username.len())
        && user.username.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let name = bounded_text(&user.name, MAX_NAME_CHARS);
    let display_name = match (name.is_empty(), username_ok) {
        (false, true) => bounded_text(&format!("{name} (@{})", user.username), MAX_NAME_CHARS),
        (true, true) => format!("@{}", user.username),
        (false, false) => name,
        (true, false) => format!("X user {}", user.id),
    };
    Ok(Candidate {
        external_id: user.id,
        kind: AccountKind::Profile,
        display_name,
        avatar_url: user.profile_image_url.filter(|u| is_x_avatar(u)),
        already_connected: false,
        parent_id: None,
    })
}

/// `https://pbs.twimg.com/…` on the default port, without user info or control characters.
fn is_x_avatar(address: &str) -> bool {
    if address.len() > MAX_AVATAR_URL || address.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    let Ok(url) = Url::parse(address) else {
        return false;
    };
    url.scheme() == "https"
        && url.host_str() == Some(AVATAR_HOST)
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
}

/// A problem body in a line: `title: detail` and the first error message, cleaned and bounded.
pub(super) fn problem_text(body: &[u8]) -> String {
    let problem = serde_json::from_slice::<Problem>(body).unwrap_or_default();
    let mut parts: Vec<&str> = Vec::new();
    for part in [problem.title.as_str(), problem.detail.as_str()] {
        if !part.is_empty() && !parts.contains(&part) {
            parts.push(part);
        }
    }
    if let Some(first) = problem.errors.first().filter(|e| !e.message.is_empty()) {
        parts.push(first.message.as_str());
    }
    bounded_text(&parts.join(": "), MAX_DETAIL_CHARS)
}

/// An API error in Herald's terms (see the module documentation).
fn classify(answer: &net::Answer) -> Error {
    let status = answer.status;
    let said = problem_text(&answer.body);
    let said = if said.is_empty() { format!("HTTP {status}") } else { format!("HTTP {}, {said}", status.as_u16()) };
    match status.as_u16() {
        401 => Error::Rejected {
            network: NAME,
            detail: format!("X no longer accepts Herald's sign-in for this account ({said}). Reconnect the account."),
            auth: true,
        },
        403 => Error::Rejected {
            network: NAME,
            detail: format!(
                "X refused access ({said}). Check that the X app has read and write permission and that \
                 the account allowed everything Herald asked for, then reconnect."
            ),
            auth: false,
        },
        429 => {
            let reset = rate_limit_reset(&answer.headers);
            let when = match reset {
                Some(at) => format!("X accepts requests again at {} UTC", at.format("%H:%M")),
                None => "X accepts requests again in a few minutes".to_owned(),
            };
            Error::Network { network: NAME, detail: format!("rate limit reached ({said}); {when}. Herald will retry.") }
        }
        s if s >= 500 => Error::Network {
            network: NAME,
            detail: format!("X had a problem on its side ({said}). Herald will try again later."),
        },
        _ => Error::Rejected { network: NAME, detail: said, auth: false },
    }
}

/// `POST /2/tweets {text, media?}` (a link goes at the end of the text, where X counts it as
/// 23; photos are uploaded first, see [`super::x_media`]).
/// 201 → the new post's id and its permalink; 401 → reconnect; 429 → rate limited until
/// `x-rate-limit-reset`; 5xx → it may have been published; other 4xx (a duplicate is a 403) →
/// rejected.
pub(crate) async fn publish(
    ctx: &super::PublishCtx<'_>,
    tokens: &TokenSet,
    post: &super::PostContent<'_>,
) -> std::result::Result<super::PublishedPost, super::PublishFailure> {
    use super::PublishFailure as F;
    let text = match post.link {
        Some(link) => format!("{} {link}", post.text.trim_end()),
        None => post.text.to_owned(),
    };
    let url = ctx.endpoints.x.api.join("tweets").map_err(|e| F::NotSent(format!("bad endpoint x.api: {e}")))?;
    // Photos first: an upload publishes nothing, so a failure there leaves no doubt.
    let media_ids = super::x_media::upload_all(ctx, tokens, post).await?;
    let mut body = serde_json::json!({ "text": text });
    if !media_ids.is_empty() {
        body["media"] = serde_json::json!({ "media_ids": media_ids });
    }
    let request = ctx.http.post(url).bearer_auth(tokens.access_token.expose()).json(&body);
    let answer = ctx.http.send_unrepeatable(NAME, request).await?;
    let said = || {
        let text = problem_text(&answer.body);
        if text.is_empty() {
            format!("HTTP {}", answer.status.as_u16())
        } else {
            text
        }
    };
    match answer.status.as_u16() {
        200 | 201 => {
            let id = serde_json::from_slice::<serde_json::Value>(&answer.body)
                .ok()
                .and_then(|v| v["data"]["id"].as_str().map(str::to_owned))
                .filter(|id| (1..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()));
            match id {
                Some(id) => {
                    Ok(super::PublishedPost { permalink: Some(format!("https://x.com/i/web/status/{id}")), id })
                }
                None => Err(F::Doubt {
                    timed_out: false,
                    detail: "X accepted the post but its answer had no post id".into(),
                }),
            }
        }
        401 => Err(F::Reconnect(said())),
        429 => {
            let reset = rate_limit_reset(&answer.headers);
            Err(F::RateLimited { detail: said(), reset })
        }
        s if s >= 500 => Err(F::Doubt { timed_out: false, detail: said() }),
        _ => Err(F::Rejected(said())),
    }
}

/// The user's timeline, newest first (`GET /2/users/{id}/tweets?max_results=100&tweet.fields=created_at`),
/// for reconciliation.
pub(crate) async fn recent_posts(
    ctx: &super::PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
) -> Result<Vec<super::RecentPost>> {
    #[derive(Deserialize)]
    struct Timeline {
        #[serde(default)]
        data: Vec<Tweet>,
    }
    #[derive(Deserialize)]
    struct Tweet {
        id: String,
        #[serde(default)]
        text: String,
        created_at: Option<String>,
    }
    let user = account.external_id.as_str();
    if !(1..=20).contains(&user.len()) || !user.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidInput(format!("\"{}\" is not an X user id", bounded_text(user, 40))));
    }
    let mut url = ctx
        .endpoints
        .x
        .api
        .join(&format!("users/{user}/tweets"))
        .map_err(|e| Error::InvalidInput(format!("bad endpoint x.api: {e}")))?;
    url.query_pairs_mut()
        .append_pair("max_results", &super::RECENT_POSTS.to_string())
        .append_pair("tweet.fields", "created_at");
    let answer = ctx.http.send(NAME, ctx.http.get(url).bearer_auth(tokens.access_token.expose())).await?;
    if !answer.status.is_success() {
        return Err(classify(&answer));
    }
    let timeline: Timeline = serde_json::from_slice(&answer.body).map_err(|e| Error::Network {
        network: NAME,
        detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
    })?;
    Ok(timeline
        .data
        .into_iter()
        .filter_map(|t| {
            let id = super::clean_listed(&t.id, 20, false).filter(|id| id.bytes().all(|b| b.is_ascii_digit()))?;
            Some(super::RecentPost {
                permalink: Some(format!("https://x.com/i/web/status/{id}")),
                id,
                text: t.text,
                at: t.created_at.as_deref().and_then(super::parse_network_time),
            })
        })
        .collect())
}

/// When X accepts requests again after a 429: `x-rate-limit-reset`, epoch seconds.
pub(super) fn rate_limit_reset(headers: &reqwest::header::HeaderMap) -> Option<chrono::DateTime<chrono::Utc>> {
    headers
        .get("x-rate-limit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn user(id: &str, name: &str, username: &str, avatar: Option<&str>) -> XUser {
        XUser {
            id: id.to_owned(),
            name: name.to_owned(),
            username: username.to_owned(),
            profile_image_url: avatar.map(str::to_owned),
        }
    }

    #[test]
    fn user_ids_must_be_numeric() {
        for bad in ["", "0", "12a", "../1", "1/2", "123456789012345678901", "-1", " 1"] {
            assert!(user_candidate(user(bad, "n", "u", None)).is_err(), "{bad:?}");
        }
        let ok = user_candidate(user("1500000000000000001", "Forno Rossi", "FornoRossi", None)).unwrap();
        assert_eq!(ok.external_id, "1500000000000000001");
        assert_eq!(ok.display_name, "Forno Rossi (@FornoRossi)");
        assert_eq!(ok.kind, AccountKind::Profile);
    }

    #[test]
    fn names_are_cleaned_and_odd_usernames_left_out() {
        let c = user_candidate(user("7", "Bad\u{1b}[31m\nName\u{202e}", "not valid!", None)).unwrap();
        assert_eq!(c.display_name, "Bad Name");
        let c = user_candidate(user("7", "", "ok_name", None)).unwrap();
        assert_eq!(c.display_name, "@ok_name");
        let long = "n".repeat(5000);
        let c = user_candidate(user("7", &long, "u", None)).unwrap();
        assert!(c.display_name.chars().count() <= MAX_NAME_CHARS + 1);
    }

    #[test]
    fn avatars_only_from_x_image_cdn_over_https() {
        let ok = "https://pbs.twimg.com/profile_images/1/abc_normal.jpg";
        assert!(is_x_avatar(ok));
        for bad in [
            "http://pbs.twimg.com/profile_images/1/a.jpg",
            "https://pbs.twimg.com.evil.example/a.jpg",
            "https://evil.example/pbs.twimg.com/a.jpg",
            "https://user@pbs.twimg.com/a.jpg",
            "https://pbs.twimg.com:8443/a.jpg",
            "https://sandbox.herald.invalid/img/a.jpg",
            "javascript:alert(1)",
            "https://pbs.twimg.com/a b.jpg",
        ] {
            assert!(!is_x_avatar(bad), "{bad}");
        }
    }
}
