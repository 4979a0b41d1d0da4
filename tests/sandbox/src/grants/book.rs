//! A network's [`Book`]: PKCE, pending consent requests, single-use codes, grants and tokens.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

use crate::http::random_token;
use crate::state::{CODE_TTL, CONSENT_TTL};

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

    pub(crate) fn revoke_all(&mut self) {
        for grant in self.grants.values_mut() {
            grant.revoked = true;
        }
        for code in self.codes.values_mut() {
            code.consumed = true;
        }
    }

    pub(super) fn is_revoked(&self, token: &str) -> bool {
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
