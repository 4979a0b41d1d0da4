//! OAuth bookkeeping shared by the Facebook, Instagram, LinkedIn and X emulations: pending
//! consent requests, single-use codes, grants (what the person allowed) and tokens, plus the
//! consent step (auto-consent or the consent page) and the redirect back to the app.
//!
//! Each network keeps its own [`Book`]; the network modules decide what a request must carry
//! and how answers look, this module only remembers.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use axum::http::StatusCode;
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use url::{Host, Url};

use crate::config::{AutoConsent, FacebookSeed, InstagramSeed, LinkedInSeed, SandboxConfig, XSeed};
use crate::consent_page::{self, NetworkConsentView};
use crate::http::{self, random_token, Params};
use crate::state::{State, CODE_TTL, CONSENT_TTL};

/// The networks kept here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Net {
    Facebook,
    Instagram,
    LinkedIn,
    X,
}

/// Something published through a sandbox publishing endpoint: what tests compare against
/// (a publish that landed is recorded even when its answer was stalled or dropped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// `google`, `facebook`, `instagram`, `linkedin` or `x`.
    pub network: String,
    /// The account that published: a location name (`locations/…`), a Page id, an Instagram
    /// account id, an author URN or an X user id.
    pub author: String,
    /// The id the network answered with (Google: the LocalPost resource name).
    pub id: String,
    /// The text of the post (Instagram: the caption).
    pub text: String,
    /// The media it carries: image URLs, or for uploads `upload:{bytes}:{sha256 hex}`.
    pub media: Vec<String>,
    /// When the network accepted it.
    pub at: SystemTime,
}

/// Seeds and books of the four networks (one field of the sandbox state).
pub(crate) struct Nets {
    pub facebook_seed: FacebookSeed,
    pub instagram_seed: InstagramSeed,
    pub linkedin_seed: LinkedInSeed,
    pub x_seed: XSeed,
    pub facebook: Book,
    pub instagram: Book,
    pub linkedin: Book,
    pub x: Book,
    pub published: Vec<Published>,
    /// X: when each user's recent `POST /2/tweets` requests came (for the rate window).
    pub x_requests: HashMap<String, Vec<Instant>>,
    /// Instagram media containers by id.
    pub ig_containers: HashMap<String, crate::instagram_publish::Container>,
    /// Facebook unpublished photos (`published=false`) by photo id: (Page id, media).
    pub fb_photos: HashMap<String, (String, String)>,
    /// Facebook: when each Page's recent posts came (for "posting too fast").
    pub fb_post_times: HashMap<String, Vec<Instant>>,
    /// LinkedIn: when each author's posts came (for the daily limits).
    pub li_post_times: Vec<(String, Instant)>,
}

impl Nets {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        Self {
            facebook_seed: config.facebook.clone(),
            instagram_seed: config.instagram.clone(),
            linkedin_seed: config.linkedin.clone(),
            x_seed: config.x.clone(),
            facebook: Book::default(),
            instagram: Book::default(),
            linkedin: Book::default(),
            x: Book::default(),
            published: Vec::new(),
            x_requests: HashMap::new(),
            ig_containers: HashMap::new(),
            fb_photos: HashMap::new(),
            fb_post_times: HashMap::new(),
            li_post_times: Vec::new(),
        }
    }

    pub(crate) fn book(&mut self, net: Net) -> &mut Book {
        match net {
            Net::Facebook => &mut self.facebook,
            Net::Instagram => &mut self.instagram,
            Net::LinkedIn => &mut self.linkedin,
            Net::X => &mut self.x,
        }
    }

    fn books(&self) -> [&Book; 4] {
        [&self.facebook, &self.instagram, &self.linkedin, &self.x]
    }

    /// Records a publish and returns the record.
    pub(crate) fn record(
        &mut self,
        network: &str,
        author: &str,
        id: &str,
        text: &str,
        media: Vec<String>,
    ) -> Published {
        let entry = Published {
            network: network.to_owned(),
            author: author.to_owned(),
            id: id.to_owned(),
            text: text.to_owned(),
            media,
            at: SystemTime::now(),
        };
        self.published.push(entry.clone());
        entry
    }

    /// The publishes of one account on one network, newest first.
    pub(crate) fn published_by(&self, network: &str, author: &str) -> Vec<Published> {
        self.published.iter().rev().filter(|p| p.network == network && p.author == author).cloned().collect()
    }

    pub(crate) fn revoke_all(&mut self) {
        for net in [Net::Facebook, Net::Instagram, Net::LinkedIn, Net::X] {
            self.book(net).revoke_all();
        }
    }

    pub(crate) fn is_revoked(&self, token: &str) -> bool {
        self.books().iter().any(|book| book.is_revoked(token))
    }
}

/// RFC 7636: 43–128 characters of `[A-Za-z0-9-._~]`.
pub(crate) fn is_pkce_value(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// A PKCE challenge from an authorization request.
#[derive(Clone, Debug)]
pub(crate) struct Pkce {
    pub challenge: String,
    /// `S256`; otherwise `plain`.
    pub s256: bool,
}

impl Pkce {
    pub(crate) fn verify(&self, verifier: &str) -> bool {
        if !is_pkce_value(verifier) {
            return false;
        }
        if self.s256 {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == self.challenge
        } else {
            verifier == self.challenge
        }
    }
}

/// A validated authorization request waiting for the person's decision.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    /// Requested scopes, in request order, without duplicates.
    pub scopes: Vec<String>,
    pub pkce: Option<Pkce>,
    pub created: Instant,
}

/// What the person allowed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Consent {
    pub granted: Vec<String>,
    pub declined: Vec<String>,
    /// Selected account ids (Facebook Page ids); every selectable account where the network
    /// offers no choice.
    pub accounts: Vec<String>,
}

struct Code {
    pending: Pending,
    consent: Consent,
    expires_at: Instant,
    consumed: bool,
    grant: Option<u64>,
}

/// One consent: what its tokens may reach.
pub(crate) struct Grant {
    pub consent: Consent,
    pub revoked: bool,
}

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A user access token.
    Access,
    /// A refresh token.
    Refresh,
    /// A Facebook Page token for the Page id.
    Page(String),
}

pub(crate) struct Token {
    pub grant: u64,
    pub kind: Kind,
    /// Facebook/Instagram: came from a long-lived exchange or refresh.
    pub long_lived: bool,
    pub issued: Instant,
    pub expires_at: Option<Instant>,
    /// Refresh tokens: how many more times it may be used (`None`: unlimited).
    pub uses_left: Option<u32>,
}

/// The state of a presented token.
pub(crate) enum Lookup<'a> {
    Valid(&'a Token, &'a Grant),
    Expired,
    Revoked,
    Unknown,
}

/// A valid token and its grant, copied out.
#[derive(Clone, Debug)]
pub(crate) struct Auth {
    pub grant: u64,
    pub kind: Kind,
    pub long_lived: bool,
    pub issued: Instant,
    pub expires_at: Option<Instant>,
    pub consent: Consent,
}

impl Auth {
    pub(crate) fn has(&self, scope: &str) -> bool {
        self.consent.granted.iter().any(|s| s == scope)
    }

    /// Seconds left, rounded down; `None` if it never expires.
    pub(crate) fn secs_left(&self) -> Option<i64> {
        self.expires_at
            .map(|at| i64::try_from(at.saturating_duration_since(Instant::now()).as_secs()).unwrap_or(i64::MAX))
    }
}

/// Why a presented token is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    Unknown,
    Expired,
    Revoked,
}

/// Why a code exchange failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeError {
    Unknown,
    /// Used before; the grant it produced is now revoked (RFC 6749 §4.1.2).
    Reused,
    Expired,
    ClientMismatch,
    RedirectMismatch,
    MissingVerifier,
    BadVerifier,
}

/// One network's pending requests, codes, grants and tokens.
#[derive(Default)]
pub(crate) struct Book {
    pending: HashMap<String, Pending>,
    codes: HashMap<String, Code>,
    grants: HashMap<u64, Grant>,
    tokens: HashMap<String, Token>,
    next_grant: u64,
}

/// `secs <= 0` is already expired.
fn deadline(secs: i64) -> Instant {
    Instant::now() + Duration::from_secs(u64::try_from(secs).unwrap_or(0))
}

impl Book {
    pub(crate) fn add_pending(&mut self, pending: Pending) -> String {
        let now = Instant::now();
        self.pending.retain(|_, p| now.duration_since(p.created) < CONSENT_TTL);
        let id = random_token();
        self.pending.insert(id.clone(), pending);
        id
    }

    pub(crate) fn take_pending(&mut self, id: &str) -> Option<Pending> {
        let pending = self.pending.remove(id)?;
        (pending.created.elapsed() < CONSENT_TTL).then_some(pending)
    }

    pub(crate) fn issue_code(
        &mut self,
        issued: &mut Vec<String>,
        prefix: &str,
        pending: Pending,
        consent: Consent,
    ) -> String {
        let code = format!("{prefix}{}", random_token());
        issued.push(code.clone());
        self.codes.insert(
            code.clone(),
            Code { pending, consent, expires_at: Instant::now() + CODE_TTL, consumed: false, grant: None },
        );
        code
    }

    /// Exchanges a code once. Any attempt uses it up; a replay revokes what it produced.
    /// `redirect_uri: None` skips the redirect check (the caller found it missing already).
    pub(crate) fn redeem(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
    ) -> Result<u64, CodeError> {
        let entry = self.codes.get_mut(code).ok_or(CodeError::Unknown)?;
        if entry.consumed {
            if let Some(grant) = entry.grant.and_then(|id| self.grants.get_mut(&id)) {
                grant.revoked = true;
            }
            return Err(CodeError::Reused);
        }
        entry.consumed = true;
        if Instant::now() >= entry.expires_at {
            return Err(CodeError::Expired);
        }
        if entry.pending.client_id != client_id {
            return Err(CodeError::ClientMismatch);
        }
        if redirect_uri.is_some_and(|uri| uri != entry.pending.redirect_uri) {
            return Err(CodeError::RedirectMismatch);
        }
        if let Some(pkce) = &entry.pending.pkce {
            let verifier = verifier.ok_or(CodeError::MissingVerifier)?;
            if !pkce.verify(verifier) {
                return Err(CodeError::BadVerifier);
            }
        }
        let consent = entry.consent.clone();
        self.next_grant += 1;
        let id = self.next_grant;
        entry.grant = Some(id);
        self.grants.insert(id, Grant { consent, revoked: false });
        Ok(id)
    }

    /// Issues a token; `ttl_secs: None` never expires, `Some(s <= 0)` is born expired.
    pub(crate) fn issue(
        &mut self,
        issued: &mut Vec<String>,
        grant: u64,
        kind: Kind,
        long_lived: bool,
        prefix: &str,
        ttl_secs: Option<i64>,
    ) -> String {
        let token = format!("{prefix}{}", random_token());
        issued.push(token.clone());
        self.tokens.insert(
            token.clone(),
            Token {
                grant,
                kind,
                long_lived,
                issued: Instant::now(),
                expires_at: ttl_secs.map(deadline),
                uses_left: None,
            },
        );
        token
    }

    pub(crate) fn lookup(&self, token: &str) -> Lookup<'_> {
        let Some(entry) = self.tokens.get(token) else {
            return Lookup::Unknown;
        };
        let Some(grant) = self.grants.get(&entry.grant) else {
            return Lookup::Unknown;
        };
        if grant.revoked {
            return Lookup::Revoked;
        }
        if entry.expires_at.is_some_and(|at| Instant::now() >= at) {
            return Lookup::Expired;
        }
        Lookup::Valid(entry, grant)
    }

    /// What a presented token may do, copied out of the book.
    pub(crate) fn check(&self, token: &str) -> Result<Auth, Failure> {
        match self.lookup(token) {
            Lookup::Valid(entry, grant) => Ok(Auth {
                grant: entry.grant,
                kind: entry.kind.clone(),
                long_lived: entry.long_lived,
                issued: entry.issued,
                expires_at: entry.expires_at,
                consent: grant.consent.clone(),
            }),
            Lookup::Expired => Err(Failure::Expired),
            Lookup::Revoked => Err(Failure::Revoked),
            Lookup::Unknown => Err(Failure::Unknown),
        }
    }

    pub(crate) fn token_mut(&mut self, token: &str) -> Option<&mut Token> {
        self.tokens.get_mut(token)
    }

    pub(crate) fn grant(&self, id: u64) -> Option<&Grant> {
        self.grants.get(&id)
    }

    pub(crate) fn revoke_grant(&mut self, id: u64) {
        if let Some(grant) = self.grants.get_mut(&id) {
            grant.revoked = true;
        }
    }

    fn revoke_all(&mut self) {
        for grant in self.grants.values_mut() {
            grant.revoked = true;
        }
        for code in self.codes.values_mut() {
            code.consumed = true;
        }
    }

    fn is_revoked(&self, token: &str) -> bool {
        if let Some(entry) = self.tokens.get(token) {
            return self.grants.get(&entry.grant).is_none_or(|g| g.revoked);
        }
        match self.codes.get(token) {
            Some(code) => match code.grant {
                Some(id) => self.grants.get(&id).is_some_and(|g| g.revoked),
                None => code.consumed,
            },
            None => false,
        }
    }
}

/// `http(s)://127.0.0.1:{port}/…` or `http(s)://[::1]:{port}/…` (LinkedIn native PKCE).
pub(crate) fn is_loopback_ip_redirect(uri: &str) -> bool {
    let Ok(url) = Url::parse(uri) else {
        return false;
    };
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        _ => false,
    };
    matches!(url.scheme(), "http" | "https")
        && loopback
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none()
}

/// Scopes as the network separates them (`,` for Meta, ` ` for LinkedIn and X; Meta also takes
/// spaces), in order, without duplicates or empties.
pub(crate) fn split_scopes(raw: &str, separators: &[char]) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in raw.split(|c| separators.contains(&c)).map(str::trim).filter(|s| !s.is_empty()) {
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    scopes
}

/// How one network answers the consent step.
pub(crate) struct Flavor {
    pub net: Net,
    /// Shown on the consent page: "Facebook", "Instagram", "LinkedIn", "X".
    pub brand: &'static str,
    /// Where the consent page posts (sandbox-only path).
    pub consent_path: &'static str,
    /// Prefix of issued codes.
    pub code_prefix: &'static str,
    /// Fragment appended to the redirect (`_=_` for Facebook, `_` for Instagram).
    pub fragment: Option<&'static str>,
    /// Query pairs added (after nothing else but `state`) when the person cancels.
    pub deny: &'static [(&'static str, &'static str)],
    /// Whether the consent page lists accounts to pick (Facebook Pages).
    pub pick_accounts: bool,
}

/// A selectable account on the consent page: (id, label).
pub(crate) type Choice = (String, String);

pub(crate) fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)], fragment: Option<&str>) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return http::html(
            StatusCode::BAD_REQUEST,
            consent_page::network_error_page("Sandbox", 400, "invalid_request", "Invalid redirect_uri."),
        );
    };
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in pairs {
            query.append_pair(key, value);
        }
    }
    url.set_fragment(fragment);
    http::redirect(url.as_str())
}

fn approve(st: &mut State, flavor: &Flavor, pending: Pending, consent: Consent) -> Response {
    let redirect_uri = pending.redirect_uri.clone();
    let state = pending.state.clone();
    let State { nets, issued, .. } = st;
    let code = nets.book(flavor.net).issue_code(issued, flavor.code_prefix, pending, consent);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = &state {
        pairs.push(("state", state.as_str()));
    }
    redirect_with(&redirect_uri, &pairs, flavor.fragment)
}

fn deny(flavor: &Flavor, pending: &Pending) -> Response {
    let mut pairs: Vec<(&str, &str)> = flavor.deny.to_vec();
    if let Some(state) = &pending.state {
        pairs.push(("state", state.as_str()));
    }
    redirect_with(&pending.redirect_uri, &pairs, flavor.fragment)
}

fn consent_of(pending: &Pending, choices: &[Choice], accounts: Option<&[String]>, declined: &[String]) -> Consent {
    let (granted, declined): (Vec<String>, Vec<String>) =
        pending.scopes.iter().cloned().partition(|s| !declined.contains(s));
    let accounts = choices
        .iter()
        .filter(|(id, _)| accounts.is_none_or(|only| only.contains(id)))
        .map(|(id, _)| id.clone())
        .collect();
    Consent { granted, declined, accounts }
}

/// After validation: answers at once under auto-consent, otherwise shows the consent page.
pub(crate) fn ask(st: &mut State, flavor: &Flavor, pending: Pending, choices: &[Choice]) -> Response {
    match st.auto_consent.clone() {
        Some(AutoConsent::Deny) => deny(flavor, &pending),
        Some(AutoConsent::Approve { .. }) => {
            let consent = consent_of(&pending, choices, None, &[]);
            approve(st, flavor, pending, consent)
        }
        Some(AutoConsent::Choose { accounts, declined_scopes }) => {
            let consent = consent_of(&pending, choices, accounts.as_deref(), &declined_scopes);
            approve(st, flavor, pending, consent)
        }
        None => {
            let origin =
                Url::parse(&pending.redirect_uri).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
            let scopes = pending.scopes.clone();
            let client_id = pending.client_id.clone();
            let request_id = st.nets.book(flavor.net).add_pending(pending);
            let view = NetworkConsentView {
                brand: flavor.brand,
                request_id: &request_id,
                form_action: flavor.consent_path,
                client_id: &client_id,
                redirect_origin: &origin,
                accounts: if flavor.pick_accounts { choices } else { &[] },
                scopes: &scopes,
            };
            http::html(StatusCode::OK, consent_page::network_consent(&view))
        }
    }
}

/// The consent page's form post (`request_id`, `decision`, repeated `account` and `scope`):
/// unticked scopes are declined, unticked accounts not granted.
pub(crate) fn answer(st: &mut State, flavor: &Flavor, body: &[u8], choices: &[Choice]) -> Response {
    let params = Params::parse(body);
    let bad = |reason: &str| {
        http::html(
            StatusCode::BAD_REQUEST,
            consent_page::network_error_page(flavor.brand, 400, "invalid_request", reason),
        )
    };
    let Some(request_id) = params.get("request_id") else {
        return bad("Missing required parameter: request_id");
    };
    let decision = params.get("decision");
    if !matches!(decision, Some("allow" | "deny")) {
        return bad("decision must be \"allow\" or \"deny\".");
    }
    let Some(pending) = st.nets.book(flavor.net).take_pending(request_id) else {
        return bad("This sign-in request has expired or was already answered. Start again from the app.");
    };
    if decision == Some("deny") {
        return deny(flavor, &pending);
    }
    let ticked: Vec<String> = params.all("scope").map(str::to_owned).collect();
    let declined: Vec<String> = pending.scopes.iter().filter(|s| !ticked.contains(s)).cloned().collect();
    let consent = if flavor.pick_accounts {
        let picked: Vec<String> = params.all("account").map(str::to_owned).collect();
        consent_of(&pending, choices, Some(&picked), &declined)
    } else {
        consent_of(&pending, choices, None, &declined)
    };
    approve(st, flavor, pending, consent)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn scopes_split_on_either_separator_without_duplicates() {
        assert_eq!(split_scopes("a,b c,,a", &[',', ' ']), ["a", "b", "c"]);
        assert_eq!(split_scopes("a,b", &[' ']), ["a,b"]);
    }

    #[test]
    fn pkce_plain_and_s256() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let s256 = Pkce { challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned(), s256: true };
        assert!(s256.verify(verifier) && !s256.verify(&verifier.replace('d', "e")));
        let plain = Pkce { challenge: verifier.to_owned(), s256: false };
        assert!(plain.verify(verifier) && !plain.verify("short"));
    }

    #[test]
    fn loopback_ip_redirects_any_port() {
        assert!(is_loopback_ip_redirect("http://127.0.0.1:53124/callback"));
        assert!(is_loopback_ip_redirect("https://[::1]:9/cb"));
        assert!(!is_loopback_ip_redirect("http://localhost:9/cb"));
        assert!(!is_loopback_ip_redirect("http://127.0.0.2:9/cb"));
        assert!(!is_loopback_ip_redirect("https://relay.example/cb"));
    }
}
