//! The networks Herald knows. Everything a network *is* (names, endpoints, scopes, lifetimes,
//! limits) is data here, overridable for the sandbox; code elsewhere reads it, never repeats it.

pub mod facebook;
pub mod google;
pub mod instagram;
mod instagram_publish;
pub mod linkedin;
pub mod x;
mod x_media;

use serde::{Deserialize, Serialize};
use specta::Type;
use url::Url;

use crate::api::{AccountKind, Candidate};
use crate::error::{Error, Result};
use crate::net;
use crate::oauth::{OAuthConfig, PkceCodeVerifier, PkceStyle};
use crate::secret::Sensitive;
use crate::vault::TokenSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NetworkId {
    Facebook,
    Instagram,
    Linkedin,
    GoogleBusiness,
    X,
    Tiktok,
    Wechat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NetworkAvailability {
    /// Connect works in this version.
    Available,
    /// Listed, but its connector ships in a later version of Herald.
    LaterVersion,
    /// Shown as "coming soon"; not clickable.
    ComingSoon,
    /// Existing links keep working; no new ones.
    Deprecated,
}

/// How a network lets a desktop app receive the browser's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RedirectMode {
    /// `http://127.0.0.1:{any port}/callback` (RFC 8252 §7.3); nothing to register.
    Loopback,
    /// `http://127.0.0.1:{port}/callback` on one port the user registered with the network.
    FixedPort,
    /// An HTTPS relay page registered with the network, forwarding to the loopback listener.
    Relay,
}

/// Which redirect modes a network accepts, and the default.
#[derive(Clone, Copy, Debug)]
pub struct RedirectRule {
    pub allowed: &'static [RedirectMode],
    pub default: RedirectMode,
    /// The port of [`RedirectMode::FixedPort`] until the user picks another.
    pub default_port: u16,
}

/// How Herald connects to a network: data read by the OAuth flow, the settings screen and the UI.
#[derive(Clone, Copy, Debug)]
pub struct ConnectFacts {
    /// Scopes asked for at consent.
    pub scopes: &'static [&'static str],
    /// Scopes without which Herald cannot publish: a consent that leaves one out is reported on
    /// the card (the account needs a reconnect) instead of failing later at publish time.
    pub required_scopes: &'static [&'static str],
    /// Where one kind of account needs other scopes than [`Self::required_scopes`] (LinkedIn: a
    /// member posts with `w_member_social`, an organization with `w_organization_social`).
    pub required_scopes_by_kind: &'static [(AccountKind, &'static [&'static str])],
    pub redirect: RedirectRule,
    /// Extra authorize parameters (e.g. Google's `access_type=offline`).
    pub extra_authorize_params: &'static [(&'static str, &'static str)],
    /// How the PKCE challenge is written (always S256).
    pub pkce: PkceStyle,
    /// Revoking one sign-in ends Herald's access for every account of that user at the network,
    /// so the revoke waits until the last account of the network is disconnected.
    pub revoke_is_user_wide: bool,
}

/// Whether a network's OAuth client has a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SecretRule {
    Required,
    Optional,
    None,
}

/// Static facts about a network.
#[derive(Clone, Copy, Debug)]
pub struct NetworkSpec {
    pub id: NetworkId,
    pub name: &'static str,
    pub availability: NetworkAvailability,
    pub client_secret: SecretRule,
    /// The authorization server always puts `iss` in its authorization responses (RFC 9207),
    /// so an answer without it is refused as a possible mix-up.
    pub sends_issuer: bool,
    /// How to connect; `None` for networks Herald cannot (or no longer) connect.
    pub connect: Option<ConnectFacts>,
    /// What a post may be there; `None`: Herald cannot publish to this network.
    pub posts: Option<PostLimits>,
}

/// How a network counts a post's characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CharCounting {
    /// Unicode characters (scalar values).
    Chars,
    /// twitter-text v3 weighting: most characters 1, CJK and emoji 2, every URL 23.
    TwitterWeighted,
}

/// What a post may be on a network: read by the validator and the composer's counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PostLimits {
    pub max_chars: u32,
    pub counting: CharCounting,
    /// Only posts with an image or video are accepted (Instagram).
    pub media_required: bool,
    pub max_hashtags: Option<u32>,
    /// Herald can publish there in this version.
    pub publish_ready: bool,
    /// What images a post may carry there.
    pub images: ImageLimits,
}

/// The image formats Herald reads and the networks take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    Jpeg,
    Png,
    Gif,
}

/// What images a post may carry on a network (checked from each file's header and size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageLimits {
    pub max_count: u32,
    /// Largest file the network takes, in bytes (`None`: no stated limit).
    pub max_bytes: Option<u32>,
    pub formats: &'static [ImageFormat],
    /// Narrowest and widest width/height ratio, × 1000 (Instagram: 800 … 1910).
    pub aspect_milli: Option<(u32, u32)>,
    /// Herald uploads images there in this version (else a post with images cannot be
    /// scheduled there yet; text-only posts can).
    pub upload_ready: bool,
    /// The network fetches images from a public address (Instagram, Google local posts), so
    /// they go through the media host first.
    pub fetches_url: bool,
}

impl ConnectFacts {
    /// The scopes an account of `kind` needs for Herald to publish there.
    pub fn required_for(&self, kind: AccountKind) -> &'static [&'static str] {
        self.required_scopes_by_kind.iter().find(|(k, _)| *k == kind).map_or(self.required_scopes, |(_, s)| *s)
    }
}

impl NetworkSpec {
    pub fn client_secret_required(&self) -> bool {
        self.client_secret == SecretRule::Required
    }

    /// Whether a sign-in in `mode` needs the client secret: always where the network requires
    /// one; an optional secret where the answer comes back through the relay, which is the
    /// network's standard web flow for confidential clients (LinkedIn's, unlike its native PKCE).
    pub fn client_secret_needed(&self, mode: RedirectMode) -> bool {
        match self.client_secret {
            SecretRule::Required => true,
            SecretRule::Optional => mode == RedirectMode::Relay,
            SecretRule::None => false,
        }
    }

    /// Whether Herald can revoke its access at the network when an account is disconnected
    /// (Instagram Login offers apps no revocation; WeChat and TikTok are not connectable).
    pub fn revocable(&self) -> bool {
        self.connect.is_some() && self.id != NetworkId::Instagram
    }
}

/// In the order the Connect popup lists them.
pub const ALL: [NetworkSpec; 7] = [
    instagram::SPEC,
    facebook::SPEC,
    linkedin::SPEC,
    google::SPEC,
    x::SPEC,
    NetworkSpec {
        id: NetworkId::Tiktok,
        name: "TikTok",
        availability: NetworkAvailability::ComingSoon,
        client_secret: SecretRule::Required,
        sends_issuer: false,
        connect: None,
        posts: None,
    },
    NetworkSpec {
        id: NetworkId::Wechat,
        name: "WeChat",
        availability: NetworkAvailability::Deprecated,
        client_secret: SecretRule::Required,
        sends_issuer: false,
        connect: None,
        posts: None,
    },
];

impl NetworkId {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Facebook => "facebook",
            Self::Instagram => "instagram",
            Self::Linkedin => "linkedin",
            Self::GoogleBusiness => "google_business",
            Self::X => "x",
            Self::Tiktok => "tiktok",
            Self::Wechat => "wechat",
        }
    }

    /// The network's key in an endpoints file (`google` for Google Business Profile).
    pub fn endpoints_key(self) -> &'static str {
        match self {
            Self::GoogleBusiness => "google",
            other => other.as_str(),
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ALL.iter().map(|spec| spec.id).find(|id| id.as_str() == s)
    }

    pub fn spec(self) -> NetworkSpec {
        // ALL lists every variant; the fallback is unreachable but keeps this total.
        ALL.iter().copied().find(|spec| spec.id == self).unwrap_or(ALL[3])
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

/// Where each network lives. Defaults are the real services; tests and demo mode point them at
/// the sandbox. Can be overridden from a JSON file (see [`Endpoints::from_json`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    pub google: google::GoogleEndpoints,
    pub facebook: facebook::FacebookEndpoints,
    pub instagram: instagram::InstagramEndpoints,
    pub linkedin: linkedin::LinkedinEndpoints,
    pub x: x::XEndpoints,
}

impl Default for Endpoints {
    fn default() -> Self {
        Self {
            google: google::GoogleEndpoints::production(),
            facebook: facebook::FacebookEndpoints::production(),
            instagram: instagram::InstagramEndpoints::production(),
            linkedin: linkedin::LinkedinEndpoints::production(),
            x: x::XEndpoints::production(),
        }
    }
}

impl Endpoints {
    /// Every network served by a herald-sandbox at `base` (e.g. `http://127.0.0.1:4123`).
    pub fn sandbox(base: &str) -> Result<Self> {
        let endpoints = Self {
            google: google::GoogleEndpoints::sandbox(base)?,
            facebook: facebook::FacebookEndpoints::sandbox(base)?,
            instagram: instagram::InstagramEndpoints::sandbox(base)?,
            linkedin: linkedin::LinkedinEndpoints::sandbox(base)?,
            x: x::XEndpoints::sandbox(base)?,
        };
        endpoints.validate()?;
        Ok(endpoints)
    }

    /// Every endpoint of every network, named as in the endpoints file (`google.token`).
    pub fn entries<'a>(&'a self) -> Vec<(String, &'a Url)> {
        let named = |network: &str, urls: Vec<(&'static str, &'a Url)>| {
            urls.into_iter().map(move |(name, url)| (format!("{network}.{name}"), url)).collect::<Vec<_>>()
        };
        let mut all = named("google", self.google.urls());
        all.extend(named("facebook", self.facebook.urls()));
        all.extend(named("instagram", self.instagram.urls()));
        all.extend(named("linkedin", self.linkedin.urls()));
        all.extend(named("x", self.x.urls()));
        all
    }

    /// Refuse a set-up that could send a code, a token or a secret in clear text: every endpoint
    /// must be `https`, or `http` to a loopback IP literal ([`net::check_endpoint`]); a network
    /// that always sends `iss` must have an issuer to compare it with. The message names the
    /// first bad entry.
    pub fn validate(&self) -> Result<()> {
        for (name, url) in self.entries() {
            net::check_endpoint(&name, url)?;
        }
        // A network that names itself in every answer needs an issuer to compare it with.
        for spec in ALL.iter().filter(|spec| spec.sends_issuer) {
            let mode = spec.connect.map_or(RedirectMode::Loopback, |c| c.redirect.default);
            let issuer = self.oauth(spec.id, mode).and_then(|urls| urls.issuer);
            if issuer.as_deref().is_none_or(str::is_empty) {
                return Err(Error::InvalidInput(format!(
                    "endpoint {}.issuer must be set: {} names itself (iss) in every sign-in answer",
                    spec.id.endpoints_key(),
                    spec.name
                )));
            }
        }
        Ok(())
    }

    /// The OAuth endpoints of `network` for a sign-in in `mode` (`None`: not connectable).
    pub(crate) fn oauth(&self, network: NetworkId, mode: RedirectMode) -> Option<OAuthEndpoints> {
        Some(match network {
            NetworkId::GoogleBusiness => google::oauth_endpoints(&self.google),
            NetworkId::Facebook => facebook::oauth_endpoints(&self.facebook),
            NetworkId::Instagram => instagram::oauth_endpoints(&self.instagram),
            NetworkId::Linkedin => linkedin::oauth_endpoints(&self.linkedin, mode),
            NetworkId::X => x::oauth_endpoints(&self.x),
            NetworkId::Tiktok | NetworkId::Wechat => return None,
        })
    }

    /// Whether the system browser may be sent to `url`: it must be an http(s) URL whose origin
    /// and path are exactly one of the configured authorize endpoints (no user info; plain http
    /// only on loopback, for the sandbox). Anything else — a string from a feed, a network's
    /// answer, a look-alike host — is refused.
    pub fn is_authorize_url(&self, url: &str) -> bool {
        let Ok(url) = Url::parse(url) else { return false };
        let loopback = matches!(url.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
            || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
        let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && loopback);
        if !scheme_ok || !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
            return false;
        }
        [
            &self.google.authorize,
            &self.facebook.authorize,
            &self.instagram.authorize,
            &self.linkedin.authorize,
            &self.linkedin.native_authorize,
            &self.x.authorize,
        ]
        .iter()
        .any(|endpoint| {
            endpoint.scheme() == url.scheme()
                && endpoint.host() == url.host()
                && endpoint.port_or_known_default() == url.port_or_known_default()
                && endpoint.path() == url.path()
        })
    }

    /// Read an endpoints file (`HERALD_ENDPOINTS_FILE`) and [`Self::validate`] it.
    pub fn from_json(json: &str) -> Result<Self> {
        let endpoints: Self =
            serde_json::from_str(json).map_err(|e| Error::InvalidInput(format!("endpoints file: {e}")))?;
        endpoints.validate().map_err(|e| match e {
            Error::InvalidInput(why) => Error::InvalidInput(format!("endpoints file: {why}")),
            other => other,
        })?;
        Ok(endpoints)
    }
}

/// The OAuth endpoints of one network for one redirect mode.
pub(crate) struct OAuthEndpoints {
    pub authorize: Url,
    pub token: Url,
    pub revoke: Option<Url>,
    pub issuer: Option<String>,
}

/// The OAuth set-up for `network` from its data, the endpoints, the saved credentials and the
/// redirect mode chosen for it.
pub(crate) fn oauth_config(
    network: NetworkId,
    endpoints: &Endpoints,
    client_id: String,
    client_secret: Option<Sensitive<String>>,
    mode: RedirectMode,
) -> Result<OAuthConfig> {
    let spec = network.spec();
    let facts = spec.connect.ok_or(Error::NetworkNotSupported(spec.name))?;
    let urls = endpoints.oauth(network, mode).ok_or(Error::NetworkNotSupported(spec.name))?;
    Ok(OAuthConfig {
        network_name: spec.name,
        client_id,
        client_secret: if spec.client_secret == SecretRule::None { None } else { client_secret },
        authorize: urls.authorize,
        token: urls.token,
        revoke: urls.revoke,
        scopes: facts.scopes.iter().map(|s| (*s).to_owned()).collect(),
        extra_authorize_params: facts.extra_authorize_params.to_vec(),
        issuer: urls.issuer,
        issuer_required: spec.sends_issuer,
        pkce: facts.pkce,
    })
}

/// What one connector call needs: the HTTP client, every endpoint, the OAuth set-up and the
/// redirect URI of the flow (the code exchange must repeat it).
pub(crate) struct Ctx<'a> {
    pub http: &'a net::Client,
    pub endpoints: &'a Endpoints,
    pub oauth: &'a OAuthConfig,
    pub redirect_uri: &'a str,
}

/// What a network let the user connect after consent.
pub(crate) struct Consented {
    /// The grant's tokens (after any exchange for a long-lived token), with per-account tokens
    /// (e.g. Facebook Page tokens) in [`TokenSet::account_tokens`].
    pub tokens: TokenSet,
    pub candidates: Vec<Candidate>,
    /// The scopes the user actually granted, when the network says (`None`: unknown, assume all).
    pub granted_scopes: Option<Vec<String>>,
}

/// Exchange the browser's code for the grant's tokens.
pub(crate) async fn exchange_code(
    network: NetworkId,
    ctx: &Ctx<'_>,
    code: Sensitive<String>,
    verifier: PkceCodeVerifier,
) -> Result<TokenSet> {
    match network {
        NetworkId::Facebook => facebook::exchange_code(ctx, code, verifier).await,
        NetworkId::Instagram => instagram::exchange_code(ctx, code, verifier).await,
        NetworkId::Linkedin => linkedin::exchange_code(ctx, code, verifier).await,
        _ => ctx.oauth.exchange_code(ctx.http, ctx.redirect_uri, code, verifier).await,
    }
}

/// After the exchange: turn the grant into what the user may connect.
pub(crate) async fn after_consent(network: NetworkId, ctx: &Ctx<'_>, tokens: TokenSet) -> Result<Consented> {
    match network {
        NetworkId::GoogleBusiness => google::after_consent(ctx, tokens).await,
        NetworkId::Facebook => facebook::after_consent(ctx, tokens).await,
        NetworkId::Instagram => instagram::after_consent(ctx, tokens).await,
        NetworkId::Linkedin => linkedin::after_consent(ctx, tokens).await,
        NetworkId::X => x::after_consent(ctx, tokens).await,
        NetworkId::Tiktok | NetworkId::Wechat => Err(Error::NetworkNotSupported(network.name())),
    }
}

/// Renew a grant's tokens. `Ok(None)`: this network's tokens cannot be renewed (the user must
/// reconnect before they expire). A rotated refresh token is in the answer; a network that
/// does not rotate keeps the old one (never emptied).
pub(crate) async fn refresh(network: NetworkId, ctx: &Ctx<'_>, tokens: &TokenSet) -> Result<Option<TokenSet>> {
    match network {
        NetworkId::Facebook => Ok(None),
        NetworkId::Instagram => instagram::refresh(ctx, tokens).await.map(Some),
        NetworkId::X => x::refresh(ctx, tokens).await,
        _ => match &tokens.refresh_token {
            Some(refresh_token) => {
                let mut fresh = ctx.oauth.refresh(ctx.http, refresh_token).await?;
                fresh.account_tokens = tokens.account_tokens.clone();
                Ok(Some(fresh))
            }
            None => Ok(None),
        },
    }
}

/// Revoke a grant at the network. `Ok(false)`: the network has no way to revoke.
pub(crate) async fn revoke(network: NetworkId, ctx: &Ctx<'_>, tokens: &TokenSet) -> Result<bool> {
    match network {
        NetworkId::Facebook => facebook::revoke(ctx, tokens).await,
        NetworkId::Instagram => Ok(false),
        NetworkId::X => x::revoke(ctx, tokens).await,
        NetworkId::Linkedin => linkedin::revoke(ctx, tokens).await,
        _ => {
            let token = tokens.refresh_token.as_ref().unwrap_or(&tokens.access_token);
            ctx.oauth.revoke(ctx.http, token).await
        }
    }
}

/// What a cheap check (one GET of the signed-in identity) says about a grant's access token.
/// Anything else — a timeout, a 5xx, a 429, an answer not recognised — is an `Err`: the check
/// failed, and the account's status must not change because of it.
#[derive(Debug)]
pub(crate) enum Probe {
    /// The token works.
    Fine,
    /// A recognised auth error (the network's own classification says so): reconnect.
    SignInRejected(Error),
    /// Refused for lack of a permission (HTTP 403 that is not an auth error): reconnect to grant it.
    PermissionLost(Error),
}

/// A probe's answer judged by the network's classification (`classified`, only called for a
/// failure): a recognised auth error or a 403 is a verdict; anything else is an error.
pub(crate) fn probe_verdict(status: reqwest::StatusCode, classified: impl FnOnce() -> Error) -> Result<Probe> {
    if status.is_success() {
        return Ok(Probe::Fine);
    }
    match classified() {
        e @ Error::Rejected { auth: true, .. } => Ok(Probe::SignInRejected(e)),
        e @ Error::Rejected { .. } if status == reqwest::StatusCode::FORBIDDEN => Ok(Probe::PermissionLost(e)),
        other => Err(other),
    }
}

/// The cheap check of a grant: one GET per network (Graph `/me?fields=id`, Instagram `/me`,
/// X `/2/users/me`, LinkedIn `userinfo`, Google's account list with a page size of 1).
pub(crate) async fn probe(network: NetworkId, ctx: &PublishCtx<'_>, tokens: &TokenSet) -> Result<Probe> {
    match network {
        NetworkId::Facebook => facebook::probe(ctx, tokens).await,
        NetworkId::Instagram => instagram::probe(ctx, tokens).await,
        NetworkId::X => x::probe(ctx, tokens).await,
        NetworkId::Linkedin => linkedin::probe(ctx, tokens).await,
        NetworkId::GoogleBusiness => google::probe(ctx, tokens).await,
        NetworkId::Tiktok | NetworkId::Wechat => Err(Error::NetworkNotSupported(network.name())),
    }
}

/// What publishing needs besides the post: the HTTP client and every endpoint.
pub(crate) struct PublishCtx<'a> {
    pub http: &'a net::Client,
    pub endpoints: &'a Endpoints,
}

/// The text (already the target's variant, if any), link and images to publish.
pub(crate) struct PostContent<'a> {
    pub text: &'a str,
    pub link: Option<&'a str>,
    pub images: &'a [PublishImage],
}

/// One image as it is sent: read and prepared before the first request (location data
/// removed), and, for the networks that fetch images from an address
/// ([`ImageLimits::fetches_url`]), already on the media host at `url`.
#[derive(Clone)]
pub(crate) struct PublishImage {
    /// A file name for multipart uploads (`photo-1.jpg`): never the user's own path.
    pub name: String,
    /// `image/jpeg`, `image/png` or `image/gif`.
    pub mime: &'static str,
    pub bytes: std::sync::Arc<[u8]>,
    pub width: u32,
    pub height: u32,
    /// Where the network fetches it (Instagram, Google): a time-limited address on the media
    /// host. `None` for the networks Herald uploads the bytes to.
    pub url: Option<Url>,
}

impl std::fmt::Debug for PublishImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The address may be presigned (a credential in its query): never printed.
        f.debug_struct("PublishImage")
            .field("name", &self.name)
            .field("mime", &self.mime)
            .field("bytes", &self.bytes.len())
            .field("width", &self.width)
            .field("height", &self.height)
            .field("url", &self.url.as_ref().map(|_| "…"))
            .finish()
    }
}

/// A post the network confirmed.
#[derive(Debug)]
pub(crate) struct PublishedPost {
    pub id: String,
    pub permalink: Option<String>,
}

/// Why a publish did not succeed, classified for the scheduler. Details are the network's own
/// words, bounded and cleaned.
#[derive(Debug)]
pub(crate) enum PublishFailure {
    /// The network refused the post itself; publishing it again would fail again.
    Rejected(String),
    /// The sign-in is no longer accepted: the account needs a reconnect.
    Reconnect(String),
    /// Over a rate limit; nothing was published. `reset`: when the network accepts again.
    RateLimited { detail: String, reset: Option<chrono::DateTime<chrono::Utc>> },
    /// The request surely did not reach the network.
    NotSent(String),
    /// It may have been published: a timeout, a dropped connection, a server error.
    Doubt { timed_out: bool, detail: String },
    /// The network publishes only posts with an image (Instagram, until the media issue).
    NeedsImage,
    /// Herald cannot publish there in this version.
    NotSupported,
}

impl From<net::Undelivered> for PublishFailure {
    fn from(e: net::Undelivered) -> Self {
        match e {
            net::Undelivered::NotSent(e) => Self::NotSent(e.to_string()),
            net::Undelivered::Unknown(e) => Self::Doubt { timed_out: true, detail: e.to_string() },
        }
    }
}

/// Publish `post` as `account` with the grant's `tokens`: one request (or, where a network
/// needs several, never the final one twice), through [`net::Client::send_unrepeatable`].
pub(crate) async fn publish(
    network: NetworkId,
    ctx: &PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
    post: &PostContent<'_>,
) -> std::result::Result<PublishedPost, PublishFailure> {
    let uploads_images = network.spec().posts.is_some_and(|p| p.images.upload_ready);
    if !post.images.is_empty() && !uploads_images {
        // Scheduling refuses such a post (images_not_yet_supported); never drop its images.
        return Err(PublishFailure::NotSupported);
    }
    match network {
        NetworkId::X => x::publish(ctx, tokens, post).await,
        NetworkId::Linkedin => linkedin::publish(ctx, account, tokens, post).await,
        NetworkId::Facebook => facebook::publish(ctx, account, tokens, post).await,
        NetworkId::Instagram => instagram_publish::publish(ctx, account, tokens, post).await,
        NetworkId::GoogleBusiness => google::publish(ctx, account, tokens, post).await,
        NetworkId::Tiktok | NetworkId::Wechat => Err(PublishFailure::NotSupported),
    }
}

/// One post found on the network, for reconciliation: its id, its text as the network keeps
/// it, when the network says it was created, and its public address when the answer has one.
#[derive(Clone, Debug)]
pub(crate) struct RecentPost {
    pub id: String,
    pub text: String,
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    pub permalink: Option<String>,
}

/// How many recent posts reconciliation reads per account (one page of each listing).
pub(crate) const RECENT_POSTS: usize = 100;

/// The account's most recent posts, newest first, in each network's own listing: X's user
/// timeline, LinkedIn's posts by author, a Facebook Page's feed, Instagram's media. Google's
/// local posts wait for its publishing (`Ok(None)`: nothing can be looked up there yet), as do
/// the networks Herald cannot publish to.
pub(crate) async fn recent_posts(
    network: NetworkId,
    ctx: &PublishCtx<'_>,
    account: &crate::api::Account,
    tokens: &TokenSet,
) -> Result<Option<Vec<RecentPost>>> {
    match network {
        NetworkId::X => x::recent_posts(ctx, account, tokens).await.map(Some),
        NetworkId::Linkedin => linkedin::recent_posts(ctx, account, tokens).await.map(Some),
        NetworkId::Facebook => facebook::recent_posts(ctx, account, tokens).await.map(Some),
        NetworkId::Instagram => instagram::recent_posts(ctx, account, tokens).await.map(Some),
        NetworkId::GoogleBusiness => google::recent_posts(ctx, account, tokens).await.map(Some),
        NetworkId::Tiktok | NetworkId::Wechat => Ok(None),
    }
}

/// The text a network keeps for `post` as Herald publishes it there (LinkedIn escapes its
/// little text and appends the link; X appends the link after a space), so a listing can be
/// matched against what was sent.
pub(crate) fn published_text(network: NetworkId, post: &PostContent<'_>) -> String {
    match (network, post.link) {
        (NetworkId::Linkedin, Some(link)) => linkedin::little_text(&format!("{}\n\n{link}", post.text.trim_end())),
        (NetworkId::Linkedin, None) => linkedin::little_text(post.text),
        (NetworkId::X, Some(link)) => format!("{} {link}", post.text.trim_end()),
        _ => post.text.to_owned(),
    }
}

/// A network's timestamp: RFC 3339 (X, Google) or Graph's `2026-11-23T10:00:00+0000`.
pub(crate) fn parse_network_time(raw: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(raw)
        .or_else(|_| chrono::DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%z"))
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// A listing's post id or permalink, kept only when it is short, printable and (for a link)
/// https: what reconciliation stores must be as clean as what publishing stores.
pub(crate) fn clean_listed(value: &str, max: usize, link: bool) -> Option<String> {
    let ok = !value.is_empty()
        && value.len() <= max
        && value.chars().all(|c| c.is_ascii_graphic())
        && (!link || value.starts_with("https://"));
    ok.then(|| value.to_owned())
}

pub(crate) fn join(base: &str, path: &str) -> Result<Url> {
    let base = base.trim_end_matches('/');
    Url::parse(&format!("{base}{path}")).map_err(|e| Error::InvalidInput(format!("bad endpoint {base}{path}: {e}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_configured_authorize_endpoints_may_be_opened() {
        let real = Endpoints::default();
        assert!(real.is_authorize_url("https://accounts.google.com/o/oauth2/v2/auth?client_id=x&state=y"));
        for hostile in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "http://accounts.google.com/o/oauth2/v2/auth",
            "https://accounts.google.com.evil.example/o/oauth2/v2/auth",
            "https://accounts.google.com@evil.example/o/oauth2/v2/auth",
            "https://user:pw@accounts.google.com/o/oauth2/v2/auth",
            "https://accounts.google.com/o/oauth2/v2/auth/../../logout",
            "https://accounts.google.com/signin",
            "https://accounts.google.com:8443/o/oauth2/v2/auth",
            "https://accounts.google.com/o/oauth2/v2/auth#frag",
            "ms-settings:privacy",
            "",
            "not a url",
        ] {
            assert!(!real.is_authorize_url(hostile), "{hostile}");
        }

        let sandbox = Endpoints::sandbox("http://127.0.0.1:4010").unwrap();
        assert!(sandbox.is_authorize_url("http://127.0.0.1:4010/google/o/oauth2/v2/auth?x=1"));
        assert!(!sandbox.is_authorize_url("http://127.0.0.1:4011/google/o/oauth2/v2/auth?x=1"));
        assert!(!sandbox.is_authorize_url("https://accounts.google.com/o/oauth2/v2/auth"));
    }
}
