//! Instagram business and creator accounts through Instagram Login (relay page): the code
//! exchange, the 60-day token and its `ig_refresh_token` renewal.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use url::Url;

use super::facebook::{cdn_image, graph_failure, is_graph_id, GraphToken};
use super::{
    join, ConnectFacts, Consented, Ctx, NetworkAvailability, NetworkId, NetworkSpec, OAuthEndpoints, RedirectMode,
    RedirectRule, SecretRule,
};
use crate::api::{AccountKind, Candidate};
use crate::error::{Error, Result};
use crate::net::{self, bounded_text, MAX_DETAIL_CHARS, MAX_NAME_CHARS};
use crate::oauth::{PkceCodeVerifier, PkceStyle, MAX_TOKEN_RESPONSE_BYTES};
use crate::secret::Sensitive;
use crate::vault::TokenSet;

pub const NAME: &str = "Instagram";

pub const SPEC: NetworkSpec = NetworkSpec {
    id: NetworkId::Instagram,
    name: NAME,
    availability: NetworkAvailability::Available,
    client_secret: SecretRule::Required,
    sends_issuer: false,
    connect: Some(ConnectFacts {
        scopes: &["instagram_business_basic", "instagram_business_content_publish"],
        required_scopes: &["instagram_business_basic", "instagram_business_content_publish"],
        required_scopes_by_kind: &[],
        redirect: RedirectRule { allowed: &[RedirectMode::Relay], default: RedirectMode::Relay, default_port: 0 },
        extra_authorize_params: &[],
        // Instagram Login documents no PKCE (neither `code_challenge` nor `code_verifier`): a
        // challenge would be ignored, so none is sent and none is pretended.
        pkce: PkceStyle::NotSupported,
        revoke_is_user_wide: false,
    }),
    posts: Some(super::PostLimits {
        max_chars: 2_200,
        counting: super::CharCounting::Chars,
        media_required: true,
        max_hashtags: Some(30),
        publish_ready: true,
        images: super::ImageLimits {
            // One photo, or a carousel of up to 10.
            max_count: 10,
            max_bytes: Some(8 * 1024 * 1024),
            formats: &[super::ImageFormat::Jpeg],
            aspect_milli: Some((800, 1910)),
            upload_ready: true,
            fetches_url: true,
        },
    }),
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstagramEndpoints {
    /// `https://www.instagram.com/oauth/authorize`.
    pub authorize: Url,
    /// `https://api.instagram.com/oauth/access_token` (code → short-lived token, form POST).
    pub token: Url,
    /// Base of `graph.instagram.com`, ending in `/` (`access_token`, `refresh_access_token`, `me`).
    pub graph: Url,
}

impl InstagramEndpoints {
    pub fn production() -> Self {
        let parse = |s: &str| Url::parse(s).unwrap_or_else(|_| unreachable!("constant URL {s}"));
        Self {
            authorize: parse("https://www.instagram.com/oauth/authorize"),
            token: parse("https://api.instagram.com/oauth/access_token"),
            graph: parse("https://graph.instagram.com/"),
        }
    }

    pub fn sandbox(base: &str) -> Result<Self> {
        Ok(Self {
            authorize: join(base, "/instagram/www/oauth/authorize")?,
            token: join(base, "/instagram/api/oauth/access_token")?,
            graph: join(base, "/instagram/graph/")?,
        })
    }

    pub fn urls(&self) -> Vec<(&'static str, &Url)> {
        vec![("authorize", &self.authorize), ("token", &self.token), ("graph", &self.graph)]
    }
}

pub(crate) fn oauth_endpoints(endpoints: &InstagramEndpoints) -> OAuthEndpoints {
    OAuthEndpoints {
        authorize: endpoints.authorize.clone(),
        token: endpoints.token.clone(),
        revoke: None,
        issuer: None,
    }
}

/// A long-lived token younger than this cannot be refreshed (Instagram's rule).
pub const REFRESH_MIN_AGE: chrono::Duration = chrono::Duration::hours(24);
/// Hosts (with their subdomains) a profile picture may come from.
const AVATAR_HOSTS: &[&str] = &["cdninstagram.com", "fbcdn.net"];
/// The account types Instagram Login connects for publishing.
const PROFESSIONAL: &[&str] = &["BUSINESS", "MEDIA_CREATOR"];
/// Most permissions read from the code answer.
const MAX_PERMISSIONS: usize = 50;

/// The code answer: `{"data":[{"access_token","user_id","permissions"}]}` (Instagram Login), or
/// the same fields at the top level (older answers). `permissions` is a comma-separated string
/// or a list.
#[derive(Deserialize)]
struct CodeAnswer {
    #[serde(default)]
    data: Option<Vec<ShortToken>>,
    #[serde(flatten)]
    flat: Option<ShortToken>,
}

#[derive(Deserialize)]
struct ShortToken {
    access_token: String,
    #[serde(default)]
    permissions: Option<serde_json::Value>,
}

/// `{"error_type","code","error_message"}` of `api.instagram.com`.
#[derive(Deserialize)]
struct LegacyError {
    #[serde(default)]
    error_message: String,
}

/// Code → short-lived token (POST form) → 60-day token (`ig_exchange_token`). Granted scopes come
/// from the code answer's `permissions`. No PKCE verifier: Instagram takes none.
pub(crate) async fn exchange_code(
    ctx: &Ctx<'_>,
    code: Sensitive<String>,
    _verifier: PkceCodeVerifier,
) -> Result<TokenSet> {
    let secret = ctx.oauth.client_secret.as_ref().ok_or(Error::CredentialsMissing(NAME))?;
    let form = [
        ("client_id", ctx.oauth.client_id.as_str()),
        ("client_secret", secret.expose().as_str()),
        ("grant_type", "authorization_code"),
        ("redirect_uri", ctx.redirect_uri),
        ("code", code.expose().as_str()),
    ];
    let request = ctx.http.post(ctx.endpoints.instagram.token.clone()).form(&form);
    let answer = ctx.http.send_limited(NAME, request, MAX_TOKEN_RESPONSE_BYTES).await?;
    if answer.status.is_server_error() || answer.status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(Error::Network { network: NAME, detail: format!("HTTP {}. Try again later.", answer.status) });
    }
    if !answer.status.is_success() {
        let detail = serde_json::from_slice::<LegacyError>(&answer.body)
            .ok()
            .map(|e| bounded_text(&e.error_message, MAX_DETAIL_CHARS))
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| format!("HTTP {}", answer.status));
        return Err(Error::TokenExchange { network: NAME, detail });
    }
    let unreadable = || Error::TokenExchange {
        network: NAME,
        detail: "the token endpoint gave an answer Herald could not read".into(),
    };
    let parsed: CodeAnswer = serde_json::from_slice(&answer.body).map_err(|_| unreadable())?;
    let short = parsed.data.and_then(|d| d.into_iter().next()).or(parsed.flat).ok_or_else(unreadable)?;
    let granted = short.permissions.as_ref().map(permissions_of);
    let short = GraphToken::from_access_token(short.access_token).into_tokens(NAME)?;

    let mut url = net::join_resource(NAME, &ctx.endpoints.instagram.graph, "access_token", "")?;
    url.query_pairs_mut()
        .append_pair("grant_type", "ig_exchange_token")
        .append_pair("client_secret", secret.expose())
        .append_pair("access_token", short.access_token.expose());
    let mut long = graph_token(ctx, url, true).await?;
    long.granted_scopes = granted;
    Ok(long)
}

/// `"a,b"` or `["a","b"]`, cleaned and bounded.
fn permissions_of(value: &serde_json::Value) -> Vec<String> {
    let names: Vec<String> = match value {
        serde_json::Value::String(s) => s.split([',', ' ']).map(str::to_owned).collect(),
        serde_json::Value::Array(items) => items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    };
    names.iter().map(|n| bounded_text(n, MAX_NAME_CHARS)).filter(|n| !n.is_empty()).take(MAX_PERMISSIONS).collect()
}

/// A GET to a graph.instagram.com token endpoint (`access_token`, `refresh_access_token`),
/// parameters in the query as documented. While signing in, a refusal is a failed sign-in;
/// while refreshing it is classified like any Graph error (190 → reconnect).
async fn graph_token(ctx: &Ctx<'_>, url: Url, signing_in: bool) -> Result<TokenSet> {
    let answer = ctx.http.send_limited(NAME, ctx.http.get(url), MAX_TOKEN_RESPONSE_BYTES).await?;
    if !answer.status.is_success() {
        let error = graph_failure(NAME, answer.status, &answer.body, None);
        return Err(match error {
            Error::Rejected { detail, .. } if signing_in => Error::TokenExchange { network: NAME, detail },
            other => other,
        });
    }
    let token: GraphToken = serde_json::from_slice(&answer.body).map_err(|_| Error::Network {
        network: NAME,
        detail: "the token endpoint gave an answer Herald could not read".to_owned(),
    })?;
    let mut tokens = token.into_tokens(NAME)?;
    tokens.issued_at = Some(Utc::now());
    Ok(tokens)
}

#[derive(Deserialize)]
struct Me {
    #[serde(default)]
    user_id: Option<serde_json::Value>,
    #[serde(default)]
    username: String,
    #[serde(default)]
    account_type: String,
    #[serde(default)]
    profile_picture_url: Option<String>,
}

/// The signed-in professional account (`/me`) is the one candidate; a personal account is
/// refused with what to do about it.
pub(crate) async fn after_consent(ctx: &Ctx<'_>, tokens: TokenSet) -> Result<Consented> {
    let mut url = net::join_resource(NAME, &ctx.endpoints.instagram.graph, "me", "")?;
    url.query_pairs_mut().append_pair("fields", "user_id,username,account_type,profile_picture_url");
    let answer = ctx.http.send(NAME, ctx.http.get(url).bearer_auth(tokens.access_token.expose())).await?;
    if !answer.status.is_success() {
        return Err(graph_failure(NAME, answer.status, &answer.body, None));
    }
    let me: Me = serde_json::from_slice(&answer.body).map_err(|e| Error::Network {
        network: NAME,
        detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
    })?;
    let user_id = match &me.user_id {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    if !is_graph_id(&user_id) {
        return Err(Error::Network {
            network: NAME,
            detail: format!("the answer named an account Herald cannot use ({})", bounded_text(&user_id, 80)),
        });
    }
    let username = bounded_text(&me.username, MAX_NAME_CHARS);
    let shown = if username.is_empty() { user_id.clone() } else { format!("@{username}") };
    if !PROFESSIONAL.contains(&me.account_type.as_str()) {
        return Err(Error::Rejected {
            network: NAME,
            detail: format!(
                "{shown} is not a business or creator account, and Instagram lets apps publish only to those. \
                 Switch it to a professional account in the Instagram app (Settings → Account type and tools), \
                 then connect again."
            ),
            auth: false,
        });
    }
    let candidate = Candidate {
        display_name: shown,
        external_id: user_id,
        kind: AccountKind::Profile,
        avatar_url: me.profile_picture_url.as_deref().and_then(|u| cdn_image(u, AVATAR_HOSTS)),
        already_connected: false,
        parent_id: None,
    };
    let granted_scopes = tokens.granted_scopes.clone();
    Ok(Consented { tokens, candidates: vec![candidate], granted_scopes })
}

/// The cheap check: `GET /me?fields=user_id` with the token, judged by [`graph_failure`].
pub(crate) async fn probe(ctx: &super::PublishCtx<'_>, tokens: &TokenSet) -> Result<super::Probe> {
    let mut url = net::join_resource(NAME, &ctx.endpoints.instagram.graph, "me", "")?;
    url.query_pairs_mut().append_pair("fields", "user_id");
    let answer = ctx.http.send(NAME, ctx.http.get(url).bearer_auth(tokens.access_token.expose())).await?;
    super::probe_verdict(answer.status, || graph_failure(NAME, answer.status, &answer.body, None))
}

/// Graph version of the media listing's path (graph.instagram.com takes the same `vN.M`).
const MEDIA_VERSION: &str = super::facebook::GRAPH_VERSION;

/// The account's recent media, newest first (`GET /{ig-id}/media?fields=id,caption,timestamp,permalink`),
/// for reconciliation.
pub(crate) async fn recent_posts(
    ctx: &super::PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
) -> Result<Vec<super::RecentPost>> {
    #[derive(Deserialize)]
    struct Listing {
        #[serde(default)]
        data: Vec<Media>,
    }
    #[derive(Deserialize)]
    struct Media {
        id: String,
        #[serde(default)]
        caption: String,
        timestamp: Option<String>,
        permalink: Option<String>,
    }
    let user = account.external_id.as_str();
    if !is_graph_id(user) {
        return Err(Error::InvalidInput(format!("\"{}\" is not an Instagram account id", bounded_text(user, 40))));
    }
    let mut url =
        net::join_resource(NAME, &ctx.endpoints.instagram.graph, &format!("{MEDIA_VERSION}/{user}/media"), "")?;
    url.query_pairs_mut()
        .append_pair("fields", "id,caption,timestamp,permalink")
        .append_pair("limit", &super::RECENT_POSTS.to_string());
    let answer = ctx.http.send(NAME, ctx.http.get(url).bearer_auth(tokens.access_token.expose())).await?;
    if !answer.status.is_success() {
        return Err(graph_failure(NAME, answer.status, &answer.body, Some(&account.display_name)));
    }
    let listing: Listing = serde_json::from_slice(&answer.body).map_err(|e| Error::Network {
        network: NAME,
        detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
    })?;
    Ok(listing
        .data
        .into_iter()
        .filter_map(|m| {
            let id = super::clean_listed(&m.id, 40, false).filter(|id| is_graph_id(id))?;
            Some(super::RecentPost {
                permalink: m.permalink.as_deref().and_then(|l| super::clean_listed(l, 300, true)),
                id,
                text: m.caption,
                at: m.timestamp.as_deref().and_then(super::parse_network_time),
            })
        })
        .collect())
}

/// `ig_refresh_token`: a token at least 24 h old and unexpired gets another 60 days. A younger
/// token (issued or refreshed less than [`REFRESH_MIN_AGE`] ago) is returned unchanged without
/// asking: Instagram would refuse it.
pub(crate) async fn refresh(ctx: &Ctx<'_>, tokens: &TokenSet) -> Result<TokenSet> {
    if tokens.issued_at.is_some_and(|at| Utc::now() - at < REFRESH_MIN_AGE) {
        return Ok(tokens.clone());
    }
    let mut url = net::join_resource(NAME, &ctx.endpoints.instagram.graph, "refresh_access_token", "")?;
    url.query_pairs_mut()
        .append_pair("grant_type", "ig_refresh_token")
        .append_pair("access_token", tokens.access_token.expose());
    graph_token(ctx, url, false).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn permissions_come_as_a_string_or_a_list() {
        let both = ["instagram_business_basic", "instagram_business_content_publish"];
        assert_eq!(
            permissions_of(&serde_json::json!("instagram_business_basic,instagram_business_content_publish")),
            both
        );
        assert_eq!(permissions_of(&serde_json::json!(both)), both);
        assert!(permissions_of(&serde_json::json!(5)).is_empty());
    }

    #[test]
    fn the_code_answer_is_read_in_both_shapes() {
        let wrapped: CodeAnswer =
            serde_json::from_str(r#"{"data":[{"access_token":"IGAA1","user_id":"1","permissions":"a,b"}]}"#).unwrap();
        assert_eq!(wrapped.data.unwrap()[0].access_token, "IGAA1");
        let flat: CodeAnswer =
            serde_json::from_str(r#"{"access_token":"IGAA2","user_id":1,"permissions":["a"]}"#).unwrap();
        assert_eq!(flat.flat.unwrap().access_token, "IGAA2");
    }
}
