//! What the health task plans for each grant between turns: when its sign-in is renewed,
//! when it is warned about, when it is checked next, and how long a failure waits.

use chrono::{DateTime, Utc};

use super::{
    GrantHealth, BACKOFF_FIRST, BACKOFF_MAX, INSTAGRAM_MIN_AGE, JITTER_MAX, JITTER_SHARE, OVERDUE, WARNING_WINDOW,
};
use crate::networks::NetworkId;
use crate::vault::TokenSet;

/// What the task remembers about one grant between turns (not persisted: a start checks all).
#[derive(Clone, Debug)]
pub(super) struct Plan {
    pub network: NetworkId,
    /// The network renews this grant's sign-in (X, Google and LinkedIn with a refresh token,
    /// Instagram).
    pub renewable: bool,
    pub issued_at: Option<DateTime<Utc>>,
    pub next_check: DateTime<Utc>,
    /// After a failure: nothing is tried before this.
    pub not_before: Option<DateTime<Utc>>,
    pub failures: u32,
    /// How much earlier than its lead this grant is renewed (spreads renewals out).
    pub jitter: chrono::Duration,
    /// The last renewal: the next is never before half the new sign-in's life, so a network
    /// that issues sign-ins shorter than the lead is not asked again and again.
    pub renewed_at: Option<DateTime<Utc>>,
}

impl Plan {
    pub(super) fn new(network: NetworkId, next_check: DateTime<Utc>, lead: chrono::Duration) -> Self {
        Self {
            network,
            renewable: false,
            issued_at: None,
            next_check,
            not_before: None,
            failures: 0,
            jitter: jitter(lead),
            renewed_at: None,
        }
    }

    /// When a renewable sign-in expiring at `expires_at` is renewed.
    pub(super) fn renew_at(&self, expires_at: DateTime<Utc>, lead: chrono::Duration) -> DateTime<Utc> {
        let mut at = expires_at - lead - self.jitter;
        if let Some(renewed) = self.renewed_at {
            at = at.max(renewed + (expires_at - renewed) / 2);
        }
        match (self.network, self.issued_at) {
            (NetworkId::Instagram, Some(issued)) => at.max(issued + INSTAGRAM_MIN_AGE),
            _ => at,
        }
    }

    /// When the grant next needs the task (`None`: only when something changes).
    pub(super) fn due(&self, grant: &GrantHealth, lead: chrono::Duration) -> Option<DateTime<Utc>> {
        let mut due = grant.active.then_some(self.next_check);
        if let Some(expires) = grant.expires_at {
            let expiry_due = if grant.active {
                Some(if self.renewable { self.renew_at(expires, lead) } else { expires - WARNING_WINDOW })
            } else {
                grant.needs_reconnect.then_some(expires)
            };
            due = earliest(due, expiry_due);
        }
        match (due, self.not_before) {
            (Some(due), Some(not_before)) => Some(due.max(not_before)),
            (due, _) => due,
        }
    }

    /// When the expiry warning `before` the expiry is due for this grant's sign-in (`None`:
    /// never — a renewable sign-in is warned about only when its renewal is overdue).
    pub(super) fn warning_at(
        &self,
        expires_at: DateTime<Utc>,
        before: chrono::Duration,
        lead: chrono::Duration,
    ) -> Option<DateTime<Utc>> {
        if !self.renewable {
            return Some(expires_at - before);
        }
        let at = (expires_at - before).max(self.renew_at(expires_at, lead) + OVERDUE);
        (at < expires_at).then_some(at)
    }
}

pub(super) fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A random share of up to `1/JITTER_SHARE` of `lead` (at most [`JITTER_MAX`]).
pub(super) fn jitter(lead: chrono::Duration) -> chrono::Duration {
    let max_ms = (lead / JITTER_SHARE).min(JITTER_MAX).num_milliseconds().max(0);
    let random = uuid::Uuid::new_v4().as_u128();
    let ms = i64::try_from(random % (u128::from(max_ms.unsigned_abs()) + 1)).unwrap_or(0);
    chrono::Duration::milliseconds(ms)
}

pub(super) fn backoff(failures: u32) -> chrono::Duration {
    let doubled = BACKOFF_FIRST * 2_i32.saturating_pow(failures.saturating_sub(1).min(10));
    let wait = doubled.min(BACKOFF_MAX);
    wait + jitter(wait)
}

/// Whether `network` renews these tokens by itself.
pub(super) fn renewable(network: NetworkId, tokens: &TokenSet) -> bool {
    match network {
        NetworkId::Instagram => true,
        NetworkId::X | NetworkId::GoogleBusiness | NetworkId::Linkedin => tokens.refresh_token.is_some(),
        NetworkId::Facebook | NetworkId::Tiktok | NetworkId::Wechat => false,
    }
}
