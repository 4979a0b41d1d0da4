//! Google Business Profile: OAuth endpoints, scope, the account/location listing (each
//! location keeps the `accounts/{id}` it was listed under), and publishing local posts
//! (`POST v4/accounts/{a}/locations/{l}/localPosts`).

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

pub const NAME: &str = "Google Business Profile";
pub const SCOPE: &str = "https://www.googleapis.com/auth/business.manage";

/// A "Desktop app" OAuth client: loopback redirect on any port, PKCE, no secret needed. Google
/// names itself (`iss`) in its authorization responses.
pub const SPEC: NetworkSpec = NetworkSpec {
    id: NetworkId::GoogleBusiness,
    name: NAME,
    availability: NetworkAvailability::Available,
    client_secret: SecretRule::Optional,
    sends_issuer: true,
    connect: Some(ConnectFacts {
        scopes: &[SCOPE],
        required_scopes: &[SCOPE],
        required_scopes_by_kind: &[],
        redirect: RedirectRule { allowed: &[RedirectMode::Loopback], default: RedirectMode::Loopback, default_port: 0 },
        extra_authorize_params: &[("access_type", "offline"), ("prompt", "consent")],
        pkce: PkceStyle::Base64Url,
        // Revoking a Google grant ends access for every location of that user.
        revoke_is_user_wide: true,
    }),
    posts: Some(super::PostLimits {
        max_chars: 1_500,
        counting: super::CharCounting::Chars,
        media_required: false,
        max_hashtags: None,
        publish_ready: true,
        images: super::ImageLimits {
            max_count: 1,
            max_bytes: Some(5 * 1024 * 1024),
            formats: &[super::ImageFormat::Jpeg, super::ImageFormat::Png],
            aspect_milli: None,
            upload_ready: true,
            fetches_url: true,
        },
    }),
};

pub(crate) fn oauth_endpoints(endpoints: &GoogleEndpoints) -> OAuthEndpoints {
    OAuthEndpoints {
        authorize: endpoints.authorize.clone(),
        token: endpoints.token.clone(),
        revoke: Some(endpoints.revoke.clone()),
        issuer: endpoints.issuer.clone(),
    }
}

/// The locations the user granted become the candidates; Google's token answer says which
/// scopes were granted (the person can untick the one Herald needs).
pub(crate) async fn after_consent(ctx: &Ctx<'_>, tokens: TokenSet) -> Result<Consented> {
    let candidates = list_locations(ctx.http, &ctx.endpoints.google, &tokens.access_token).await?;
    let granted_scopes = tokens.granted_scopes.clone();
    Ok(Consented { tokens, candidates, granted_scopes })
}
/// Largest page the Business Information API serves.
const LOCATIONS_PAGE_SIZE: u32 = 100;
/// Upper bound on pages followed, so a misbehaving server cannot loop us forever.
const MAX_PAGES: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoogleEndpoints {
    pub authorize: Url,
    pub token: Url,
    pub revoke: Url,
    /// `.../v1/accounts` of the Account Management API.
    pub accounts: Url,
    /// Base of the Business Information API, ending in `/v1/`.
    pub business_information: Url,
    /// Base of the My Business API v4 (local posts), ending in `/v4/`.
    #[serde(default = "default_my_business")]
    pub my_business: Url,
    /// The authorization server's issuer: an `iss` in the browser's answer must equal it
    /// (RFC 9207) when both are known.
    #[serde(default)]
    pub issuer: Option<String>,
}

impl GoogleEndpoints {
    pub fn production() -> Self {
        // Constant, well-formed URLs: parsing cannot fail.
        let parse = |s: &str| Url::parse(s).unwrap_or_else(|_| unreachable!("constant URL {s}"));
        Self {
            authorize: parse("https://accounts.google.com/o/oauth2/v2/auth"),
            token: parse("https://oauth2.googleapis.com/token"),
            revoke: parse("https://oauth2.googleapis.com/revoke"),
            accounts: parse("https://mybusinessaccountmanagement.googleapis.com/v1/accounts"),
            business_information: parse("https://mybusinessbusinessinformation.googleapis.com/v1/"),
            my_business: default_my_business(),
            issuer: Some("https://accounts.google.com".to_owned()),
        }
    }

    /// Each endpoint with its name in the endpoints file.
    pub fn urls(&self) -> Vec<(&'static str, &Url)> {
        vec![
            ("authorize", &self.authorize),
            ("token", &self.token),
            ("revoke", &self.revoke),
            ("accounts", &self.accounts),
            ("business_information", &self.business_information),
            ("my_business", &self.my_business),
        ]
    }

    pub fn sandbox(base: &str) -> Result<Self> {
        Ok(Self {
            authorize: join(base, "/google/o/oauth2/v2/auth")?,
            token: join(base, "/google/token")?,
            revoke: join(base, "/google/revoke")?,
            accounts: join(base, "/google/mybusinessaccountmanagement/v1/accounts")?,
            business_information: join(base, "/google/mybusinessbusinessinformation/v1/")?,
            my_business: join(base, "/google/mybusiness/v4/")?,
            issuer: Some(base.trim_end_matches('/').to_owned()),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountsPage {
    #[serde(default)]
    accounts: Vec<GoogleAccount>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct GoogleAccount {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LocationsPage {
    #[serde(default)]
    locations: Vec<GoogleLocation>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct GoogleLocation {
    name: String,
    #[serde(default)]
    title: String,
}

#[derive(Deserialize)]
struct ApiErrorBody {
    error: ApiError,
}

#[derive(Deserialize)]
struct ApiError {
    #[serde(default)]
    message: String,
    #[serde(default)]
    status: String,
}

/// Every location the signed-in user granted, across all their Business Profile accounts.
pub async fn list_locations(
    http: &net::Client,
    endpoints: &GoogleEndpoints,
    access_token: &Sensitive<String>,
) -> Result<Vec<Candidate>> {
    let mut accounts = Vec::new();
    let mut page_token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut url = endpoints.accounts.clone();
        if let Some(token) = &page_token {
            url.query_pairs_mut().append_pair("pageToken", token);
        }
        let page: AccountsPage = get_json(http, url, access_token).await?;
        accounts.extend(page.accounts);
        page_token = page.next_page_token.filter(|t| !t.is_empty());
        if page_token.is_none() {
            break;
        }
    }

    let mut candidates = Vec::new();
    for account in accounts {
        // `name` comes from the network: it may only name a resource under the configured base.
        let base = net::join_resource(NAME, &endpoints.business_information, &account.name, "/locations")?;
        let mut page_token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut url = base.clone();
            url.query_pairs_mut()
                .append_pair("readMask", "name,title")
                .append_pair("pageSize", &LOCATIONS_PAGE_SIZE.to_string());
            if let Some(token) = &page_token {
                url.query_pairs_mut().append_pair("pageToken", token);
            }
            let page: LocationsPage = get_json(http, url, access_token).await?;
            for location in page.locations {
                let mut candidate = location_candidate(location)?;
                // Kept only in the shape publishing puts into a URL.
                candidate.parent_id = is_resource(&account.name, "accounts/").then(|| account.name.clone());
                candidates.push(candidate);
            }
            page_token = page.next_page_token.filter(|t| !t.is_empty());
            if page_token.is_none() {
                break;
            }
        }
    }
    candidates.dedup_by(|a, b| a.external_id == b.external_id);
    Ok(candidates)
}

/// The cheap check: the account list with a page size of 1, classified as every Google call.
pub(crate) async fn probe(ctx: &super::PublishCtx<'_>, tokens: &TokenSet) -> Result<super::Probe> {
    let mut url = ctx.endpoints.google.accounts.clone();
    url.query_pairs_mut().append_pair("pageSize", "1");
    match get_json::<serde_json::Value>(ctx.http, url, &tokens.access_token).await {
        Ok(_) => Ok(super::Probe::Fine),
        Err(e @ Error::Rejected { auth: true, .. }) => Ok(super::Probe::SignInRejected(e)),
        Err(e) => Err(e),
    }
}

/// A location from the listing, checked: its resource name becomes the account's external id
/// (and later part of publishing URLs), so it must be exactly `locations/<digits>`; its title is
/// cleaned and bounded.
fn location_candidate(location: GoogleLocation) -> Result<Candidate> {
    if !is_resource(&location.name, "locations/") {
        return Err(Error::Network {
            network: NAME,
            detail: format!("the answer listed a location Herald cannot use ({})", bounded_text(&location.name, 80)),
        });
    }
    let title = bounded_text(&location.title, MAX_NAME_CHARS);
    Ok(Candidate {
        display_name: if title.is_empty() { location.name.clone() } else { title },
        external_id: location.name,
        kind: AccountKind::Location,
        avatar_url: None,
        already_connected: false,
        parent_id: None,
    })
}

async fn get_json<T: serde::de::DeserializeOwned>(
    http: &net::Client,
    url: Url,
    access_token: &Sensitive<String>,
) -> Result<T> {
    let answer = http.send(NAME, http.get(url).bearer_auth(access_token.expose())).await?;
    let status = answer.status;
    let body = answer.body;
    if status.is_success() {
        return serde_json::from_slice(&body).map_err(|e| Error::Network {
            network: NAME,
            detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
        });
    }
    let detail = serde_json::from_slice::<ApiErrorBody>(&body)
        .map(|b| bounded_text(&format!("{} {}", b.error.status, b.error.message), MAX_DETAIL_CHARS))
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| format!("HTTP {status}"));
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(Error::Network { network: NAME, detail });
    }
    let auth = matches!(status.as_u16(), 401 | 403);
    Err(Error::Rejected { network: NAME, detail, auth })
}

fn default_my_business() -> Url {
    Url::parse("https://mybusiness.googleapis.com/v4/").unwrap_or_else(|_| unreachable!("constant URL"))
}

/// `prefix` + 1 to 32 digits: a resource name Herald puts into URLs.
fn is_resource(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix).is_some_and(|id| (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()))
}

/// The `accounts/{id}` that lists `location`, walking the signed-in user's accounts (for
/// locations connected before Herald kept it). `None`: no account lists it any more.
pub(crate) async fn account_of_location(
    http: &net::Client,
    endpoints: &GoogleEndpoints,
    access_token: &Sensitive<String>,
    location: &str,
) -> Result<Option<String>> {
    let candidates = list_locations(http, endpoints, access_token).await?;
    Ok(candidates.into_iter().find(|c| c.external_id == location).and_then(|c| c.parent_id))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LocalPost {
    name: String,
    #[serde(default)]
    search_url: Option<String>,
}

/// `POST {my_business}/accounts/{a}/locations/{l}/localPosts` — a STANDARD post with the text as
/// `summary`, the link, if any, as a "Learn more" button, and its photo by address. The new post's resource name is
/// its id and its `searchUrl` the permalink. 400 → rejected with Google's field messages,
/// 401/403 → reconnect, 429 → rate limited, 5xx → doubt.
pub(crate) async fn publish(
    ctx: &super::PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
    post: &super::PostContent<'_>,
) -> std::result::Result<super::PublishedPost, super::PublishFailure> {
    use super::PublishFailure as F;
    let location = account.external_id.as_str();
    if !is_resource(location, "locations/") {
        return Err(F::Rejected(format!("\"{}\" is not a location", bounded_text(location, 40))));
    }
    let Some(parent) = account.parent_id.as_deref().filter(|p| is_resource(p, "accounts/")) else {
        return Err(F::NotSent("the Business Profile account of this location is not known yet".into()));
    };
    let url =
        net::join_resource(NAME, &ctx.endpoints.google.my_business, &format!("{parent}/{location}"), "/localPosts")
            .map_err(|e| F::NotSent(e.to_string()))?;
    let mut body = serde_json::json!({
        "languageCode": "en",
        "summary": post.text,
        "topicType": "STANDARD",
    });
    if let Some(link) = post.link {
        body["callToAction"] = serde_json::json!({ "actionType": "LEARN_MORE", "url": link });
    }
    // Local posts take a photo only by address: the LocalPost reference says `sourceUrl` is the
    // only supported field of a LocalPost's MediaItem (the `dataRef` upload path of
    // `locations.media` is for the location's gallery, not for posts). Google fetches it when
    // the post is created.
    match post.images {
        [] => {}
        [image] => {
            let Some(source) = &image.url else {
                return Err(F::NotSent("no media host address for the photo".into()));
            };
            body["media"] = serde_json::json!([{ "mediaFormat": "PHOTO", "sourceUrl": source.as_str() }]);
        }
        _ => return Err(F::Rejected("a Google local post carries one photo".into())),
    }
    let request = ctx.http.post(url).bearer_auth(tokens.access_token.expose()).json(&body);
    let answer = ctx.http.send_unrepeatable(NAME, request).await?;
    let status = answer.status;
    if status.is_success() {
        let created = serde_json::from_slice::<LocalPost>(&answer.body)
            .ok()
            .filter(|p| p.name.len() <= 200 && p.name.starts_with(&format!("{parent}/{location}/localPosts/")));
        return match created {
            Some(p) => Ok(super::PublishedPost {
                permalink: p
                    .search_url
                    .filter(|u| crate::posts::validate::is_web_link(u))
                    .map(|u| bounded_text(&u, 2048)),
                id: p.name,
            }),
            None => Err(F::Doubt { timed_out: false, detail: "Google accepted the post but sent no post name".into() }),
        };
    }
    let detail = google_words(&answer.body).unwrap_or_else(|| format!("HTTP {status}"));
    Err(match status.as_u16() {
        401 | 403 => F::Reconnect(detail),
        429 => F::RateLimited { detail, reset: None },
        500..=599 => F::Doubt { timed_out: false, detail },
        _ => F::Rejected(detail),
    })
}

/// The location's recent local posts, newest first
/// (`GET {my_business}/accounts/{a}/locations/{l}/localPosts?pageSize=100`), for reconciliation:
/// each post's resource name, `summary`, `createTime` and `searchUrl`.
pub(crate) async fn recent_posts(
    ctx: &super::PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
) -> Result<Vec<super::RecentPost>> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Listing {
        #[serde(default)]
        local_posts: Vec<Listed>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Listed {
        name: String,
        #[serde(default)]
        summary: String,
        create_time: Option<String>,
        search_url: Option<String>,
    }
    let location = account.external_id.as_str();
    if !is_resource(location, "locations/") {
        return Err(Error::InvalidInput(format!("\"{}\" is not a location", bounded_text(location, 40))));
    }
    let Some(parent) = account.parent_id.as_deref().filter(|p| is_resource(p, "accounts/")) else {
        return Err(Error::InvalidInput("the Business Profile account of this location is not known yet".into()));
    };
    let mut url =
        net::join_resource(NAME, &ctx.endpoints.google.my_business, &format!("{parent}/{location}"), "/localPosts")?;
    url.query_pairs_mut().append_pair("pageSize", &super::RECENT_POSTS.to_string());
    let answer = ctx.http.send(NAME, ctx.http.get(url).bearer_auth(tokens.access_token.expose())).await?;
    if !answer.status.is_success() {
        let detail = google_words(&answer.body).unwrap_or_else(|| format!("HTTP {}", answer.status));
        return Err(Error::Network { network: NAME, detail });
    }
    let listing: Listing = serde_json::from_slice(&answer.body).map_err(|e| Error::Network {
        network: NAME,
        detail: format!("unexpected answer: {}", bounded_text(&e.to_string(), MAX_DETAIL_CHARS)),
    })?;
    let own = format!("{parent}/{location}/localPosts/");
    Ok(listing
        .local_posts
        .into_iter()
        .filter(|p| p.name.len() <= 200 && p.name.starts_with(&own))
        .map(|p| super::RecentPost {
            permalink: p.search_url.as_deref().and_then(|l| super::clean_listed(l, 2048, true)),
            id: p.name,
            text: p.summary,
            at: p.create_time.as_deref().and_then(super::parse_network_time),
        })
        .collect())
}

/// What Google said: its status and message, then each field a validation failed on.
fn google_words(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let error = &v["error"];
    let mut words =
        format!("{} {}", error["status"].as_str().unwrap_or_default(), error["message"].as_str().unwrap_or_default());
    for detail in error["details"].as_array().into_iter().flatten() {
        for item in detail["errorDetails"].as_array().into_iter().flatten() {
            words.push_str(&format!(
                "; {}: {}",
                item["field"].as_str().unwrap_or_default(),
                item["message"].as_str().unwrap_or_default()
            ));
        }
    }
    let words = bounded_text(words.trim(), MAX_DETAIL_CHARS);
    (!words.is_empty()).then_some(words)
}

impl crate::Herald {
    /// A Google location connected before Herald kept its account gets it looked up once (and
    /// stored); other accounts are returned as they are. A failed lookup leaves it unknown (the
    /// publish then fails as not sent, retryable).
    pub(crate) async fn with_google_parent(
        &self,
        mut account: crate::api::Account,
        tokens: &TokenSet,
    ) -> crate::api::Account {
        if account.network != NetworkId::GoogleBusiness || account.parent_id.is_some() {
            return account;
        }
        let found = account_of_location(
            &self.http,
            &self.config().endpoints.google,
            &tokens.access_token,
            &account.external_id,
        )
        .await;
        match found {
            Ok(Some(parent)) => {
                if let Err(e) = self.store().set_account_parent(&account.id, &parent).await {
                    tracing::warn!("could not keep the location's account: {e}");
                }
                account.parent_id = Some(parent);
            }
            Ok(None) => tracing::warn!(account = %account.id, "no Business Profile account lists this location"),
            Err(e) => tracing::warn!(account = %account.id, "looking up the location's account: {e}"),
        }
        account
    }
}
