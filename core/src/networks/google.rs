//! Google Business Profile: OAuth endpoints, scope, and the account/location listing.

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
        publish_ready: false,
        images: super::ImageLimits {
            max_count: 1,
            max_bytes: Some(5 * 1024 * 1024),
            formats: &[super::ImageFormat::Jpeg, super::ImageFormat::Png],
            aspect_milli: None,
            upload_ready: false,
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
        ]
    }

    pub fn sandbox(base: &str) -> Result<Self> {
        Ok(Self {
            authorize: join(base, "/google/o/oauth2/v2/auth")?,
            token: join(base, "/google/token")?,
            revoke: join(base, "/google/revoke")?,
            accounts: join(base, "/google/mybusinessaccountmanagement/v1/accounts")?,
            business_information: join(base, "/google/mybusinessbusinessinformation/v1/")?,
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
                candidates.push(location_candidate(location)?);
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
    let id_ok = location
        .name
        .strip_prefix("locations/")
        .is_some_and(|id| (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()));
    if !id_ok {
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
