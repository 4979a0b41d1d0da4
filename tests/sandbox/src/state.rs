//! Shared, mutable sandbox state: seeds, consent requests, codes, grants, tokens, faults, hits.
//!
//! Everything lives behind one `std::sync::Mutex`; handlers lock it briefly and never hold the
//! guard across an `.await`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::config::{AutoConsent, Endpoint, Fault, GoogleSeed, SandboxConfig};
use crate::grants::Nets;
use crate::http::random_token;

pub(crate) type Shared = Arc<Mutex<State>>;

/// How long an authorization code can be exchanged (Google: 10 minutes).
pub(crate) const CODE_TTL: Duration = Duration::from_secs(600);
/// How long a consent page stays usable.
pub(crate) const CONSENT_TTL: Duration = Duration::from_secs(3600);

pub(crate) fn new_shared(config: SandboxConfig) -> Shared {
    let nets = Nets::new(&config);
    Arc::new(Mutex::new(State {
        google_seed: config.google,
        access_token_ttl_secs: config.access_token_ttl_secs,
        auto_consent: config.auto_consent,
        opaque_secrets: config.opaque_secrets,
        issuer: None,
        faults: HashMap::new(),
        hits: HashMap::new(),
        issued: Vec::new(),
        google: GoogleState::default(),
        nets,
    }))
}

/// Locks the state; a panic in another handler must not take the whole sandbox down.
pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) struct State {
    pub google_seed: GoogleSeed,
    pub access_token_ttl_secs: i64,
    pub auto_consent: Option<AutoConsent>,
    /// Issued secrets carry no Google prefix (see [`SandboxConfig::opaque_secrets`]).
    pub opaque_secrets: bool,
    /// When set, authorization responses carry `iss` (RFC 9207) with this value.
    pub issuer: Option<String>,
    pub faults: HashMap<Endpoint, Fault>,
    pub hits: HashMap<Endpoint, u64>,
    /// Every code, access token and refresh token ever issued, in order.
    pub issued: Vec<String>,
    pub google: GoogleState,
    /// Facebook, Instagram, LinkedIn and X (see `grants.rs`).
    pub nets: Nets,
}

#[derive(Default)]
pub(crate) struct GoogleState {
    pub consent_requests: HashMap<String, ConsentRequest>,
    pub codes: HashMap<String, AuthCode>,
    pub grants: HashMap<u64, Grant>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub refresh_tokens: HashMap<String, u64>,
    next_grant: u64,
    /// Every local post created, oldest first: (location name, LocalPost resource).
    pub local_posts: Vec<(String, serde_json::Value)>,
    /// When each location's recent edits happened (for the per-minute quota).
    pub edits: HashMap<String, Vec<Instant>>,
}

/// A validated authorization request waiting for the user's decision.
#[derive(Clone, Debug)]
pub(crate) struct ConsentRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub scope: String,
    pub code_challenge: String,
    /// `access_type=offline`: the code exchange also yields a refresh token.
    pub offline: bool,
    pub created: Instant,
}

pub(crate) struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scope: String,
    pub offline: bool,
    pub locations: Vec<String>,
    pub expires_at: Instant,
    /// Set by the first exchange attempt; a code is single-use.
    pub consumed: bool,
    /// The grant created by the successful exchange, revoked if the code is replayed.
    pub grant: Option<u64>,
}

/// One user consent: what the refresh token and its access tokens may reach.
pub(crate) struct Grant {
    pub client_id: String,
    pub scope: String,
    /// Granted location names.
    pub locations: Vec<String>,
    pub revoked: bool,
}

pub(crate) struct AccessToken {
    pub grant: u64,
    pub expires_at: Instant,
}

impl State {
    fn remember(&mut self, secret: &str) {
        self.issued.push(secret.to_owned());
    }

    /// A new random secret: `prefix` followed by random base64url, or the random part alone
    /// when the sandbox issues opaque secrets.
    fn new_secret(&self, prefix: &str) -> String {
        let random = random_token();
        if self.opaque_secrets {
            random
        } else {
            format!("{prefix}{random}")
        }
    }

    pub(crate) fn access_ttl(&self) -> Duration {
        Duration::from_secs(u64::try_from(self.access_token_ttl_secs).unwrap_or(0))
    }

    /// Stores a consent request and returns its id.
    pub(crate) fn add_consent_request(&mut self, request: ConsentRequest) -> String {
        let now = Instant::now();
        self.google.consent_requests.retain(|_, r| now.duration_since(r.created) < CONSENT_TTL);
        let id = random_token();
        self.google.consent_requests.insert(id.clone(), request);
        id
    }

    /// Removes and returns a live consent request.
    pub(crate) fn take_consent_request(&mut self, id: &str) -> Option<ConsentRequest> {
        let request = self.google.consent_requests.remove(id)?;
        (request.created.elapsed() < CONSENT_TTL).then_some(request)
    }

    /// Issues an authorization code for an approved request (`Google: "4/0A…"`).
    pub(crate) fn issue_code(&mut self, request: &ConsentRequest, locations: Vec<String>) -> String {
        let code = self.new_secret("4/0A");
        self.remember(&code);
        self.google.codes.insert(
            code.clone(),
            AuthCode {
                client_id: request.client_id.clone(),
                redirect_uri: request.redirect_uri.clone(),
                code_challenge: request.code_challenge.clone(),
                scope: request.scope.clone(),
                offline: request.offline,
                locations,
                expires_at: Instant::now() + CODE_TTL,
                consumed: false,
                grant: None,
            },
        );
        code
    }

    pub(crate) fn new_grant(&mut self, client_id: &str, scope: &str, locations: Vec<String>) -> u64 {
        self.google.next_grant += 1;
        let id = self.google.next_grant;
        self.google
            .grants
            .insert(id, Grant { client_id: client_id.to_owned(), scope: scope.to_owned(), locations, revoked: false });
        id
    }

    /// Issues an access token (`ya29.…`) for a grant.
    pub(crate) fn issue_access_token(&mut self, grant: u64) -> String {
        let token = self.new_secret("ya29.");
        self.remember(&token);
        let expires_at = Instant::now() + self.access_ttl();
        self.google.access_tokens.insert(token.clone(), AccessToken { grant, expires_at });
        token
    }

    /// Issues a refresh token (`1//…`) for a grant.
    pub(crate) fn issue_refresh_token(&mut self, grant: u64) -> String {
        let token = self.new_secret("1//");
        self.remember(&token);
        self.google.refresh_tokens.insert(token.clone(), grant);
        token
    }

    pub(crate) fn revoke_grant(&mut self, grant: u64) {
        if let Some(g) = self.google.grants.get_mut(&grant) {
            g.revoked = true;
        }
    }

    fn live_grant(&self, id: u64) -> Option<&Grant> {
        self.google.grants.get(&id).filter(|g| !g.revoked)
    }

    /// The grant behind a valid (known, unexpired, unrevoked) access token.
    pub(crate) fn grant_for_access_token(&self, token: &str) -> Option<&Grant> {
        let access = self.google.access_tokens.get(token)?;
        if Instant::now() >= access.expires_at {
            return None;
        }
        self.live_grant(access.grant)
    }

    /// The id of the live grant behind a refresh token.
    pub(crate) fn grant_id_for_refresh_token(&self, token: &str) -> Option<u64> {
        let id = *self.google.refresh_tokens.get(token)?;
        self.live_grant(id).map(|_| id)
    }

    /// The live grant a token (valid access token or refresh token) belongs to.
    pub(crate) fn grant_id_for_any_token(&self, token: &str) -> Option<u64> {
        if let Some(access) = self.google.access_tokens.get(token) {
            let valid = Instant::now() < access.expires_at;
            return (valid && self.live_grant(access.grant).is_some()).then_some(access.grant);
        }
        self.grant_id_for_refresh_token(token)
    }

    /// Whether a token or code belongs to a revoked grant.
    pub(crate) fn is_revoked(&self, token: &str) -> bool {
        if self.nets.is_revoked(token) {
            return true;
        }
        let grant = self
            .google
            .access_tokens
            .get(token)
            .map(|a| Some(a.grant))
            .or_else(|| self.google.refresh_tokens.get(token).map(|g| Some(*g)))
            .or_else(|| self.google.codes.get(token).map(|c| c.grant));
        match grant {
            Some(Some(id)) => self.google.grants.get(&id).is_some_and(|g| g.revoked),
            // A code that was never exchanged but can no longer be (revoke_all_for_tests).
            Some(None) => self.google.codes.get(token).is_some_and(|c| c.consumed),
            None => false,
        }
    }

    /// Every grant dies, as if the user removed the app's access; pending codes die too.
    pub(crate) fn revoke_all(&mut self) {
        self.revoke_google();
        self.nets.revoke_all();
    }

    fn revoke_google(&mut self) {
        for grant in self.google.grants.values_mut() {
            grant.revoked = true;
        }
        for code in self.google.codes.values_mut() {
            code.consumed = true;
        }
    }

    /// Every grant of one network dies (`google`, `facebook`, `instagram`, `linkedin`, `x`), as
    /// if the user removed the app's access there; the other networks keep theirs. `false` for
    /// an unknown name.
    pub(crate) fn revoke_network(&mut self, network: &str) -> bool {
        use crate::grants::Net;
        let net = match network {
            "google" | "google_business" => {
                self.revoke_google();
                return true;
            }
            "facebook" => Net::Facebook,
            "instagram" => Net::Instagram,
            "linkedin" => Net::LinkedIn,
            "x" => Net::X,
            _ => return false,
        };
        self.nets.book(net).revoke_all();
        true
    }

    /// Counts a hit and takes one application of the endpoint's fault, if any.
    pub(crate) fn hit(&mut self, endpoint: Endpoint) -> Option<Fault> {
        *self.hits.entry(endpoint).or_insert(0) += 1;
        let fault = self.faults.get_mut(&endpoint)?;
        let taken = fault.clone();
        match fault.times {
            Some(n) if n <= 1 => {
                self.faults.remove(&endpoint);
                // `times: Some(0)` means "no more applications".
                (n == 1).then_some(taken)
            }
            Some(n) => {
                fault.times = Some(n - 1);
                Some(taken)
            }
            None => Some(taken),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn request() -> ConsentRequest {
        ConsentRequest {
            client_id: "client".to_owned(),
            redirect_uri: "http://127.0.0.1:1/callback".to_owned(),
            state: None,
            scope: "scope".to_owned(),
            code_challenge: "challenge".to_owned(),
            offline: true,
            created: Instant::now(),
        }
    }

    fn issue_all(opaque_secrets: bool) -> Vec<String> {
        let shared = new_shared(SandboxConfig { opaque_secrets, ..SandboxConfig::demo() });
        let mut st = lock(&shared);
        let code = st.issue_code(&request(), Vec::new());
        let grant = st.new_grant("client", "scope", Vec::new());
        let access = st.issue_access_token(grant);
        let refresh = st.issue_refresh_token(grant);
        assert_eq!(st.issued, [code.clone(), access.clone(), refresh.clone()]);
        vec![code, access, refresh]
    }

    #[test]
    fn secrets_are_google_shaped_unless_opaque() {
        let google = issue_all(false);
        assert!(google[0].starts_with("4/0A") && google[1].starts_with("ya29.") && google[2].starts_with("1//"));
        for secret in issue_all(true) {
            assert_eq!(secret.len(), 43, "{secret}");
            assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{secret}");
        }
    }
}
