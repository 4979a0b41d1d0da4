//! Connection health in the background: one task that renews sign-ins ahead of expiry, checks
//! each grant with one cheap call every [`CHECK_EVERY`] (and at start, on resume and when the
//! user asks, [`Herald::check_connections_now`]), moves
//! statuses (connected → needs reconnect → disconnected) and raises each notification once.
//!
//! It never polls: it sleeps until the next thing due (a renewal, a warning, a check, a retry)
//! or until woken ([`Herald::wake_health`] on connect, reconnect and disconnect; a set test
//! clock), and compares the wall clock with the monotonic time slept on every wake: a jump
//! (resume from sleep, a clock change) checks every grant again. Time comes from
//! [`crate::Config::clock`].
//!
//! Every grant is worked on under its grant lock (read, renew, write), so a grant is never
//! renewed twice at once and a disconnect never races a write. Only a recognised auth error or
//! a lost permission changes a status; a timeout, a 5xx or a rate limit is recorded as "last
//! check failed" and retried with backoff.

mod plan;
mod store;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::api::{AccountStatus, NoticeKind, StatusReason};
use crate::clock::{self, Clock};
use crate::error::{Error, Result};
use crate::networks::{self, NetworkId, Probe, PublishCtx};
use crate::store::DeletionReason;
use crate::vault::TokenSet;
use crate::{CoreEvent, Herald};

use plan::{backoff, earliest, jitter, renewable, Plan};
pub(crate) use store::GrantHealth;

/// How often each grant is checked with one cheap call (besides at start and on resume), unless
/// [`crate::Config::check_every`] says otherwise.
pub const CHECK_EVERY: chrono::Duration = chrono::Duration::hours(6);
/// How long a "check now" waits for its pass (each call is bounded by the request timeout).
const CHECK_NOW_TIMEOUT: Duration = Duration::from_secs(120);
/// A sign-in Herald cannot renew (Facebook user tokens) needs a reconnect this long before it
/// expires.
pub const WARNING_WINDOW: chrono::Duration = chrono::Duration::days(7);
/// Long-lived sign-ins (LinkedIn, Instagram: 60 days) are renewed this long before they expire;
/// short-lived ones (X, Google) within [`crate::Config::refresh_margin`].
pub const LONG_LIVED_LEAD: chrono::Duration = chrono::Duration::days(7);
/// A renewable sign-in is warned about only once its renewal is this overdue (it keeps failing).
const OVERDUE: chrono::Duration = chrono::Duration::days(1);
/// Instagram renews only a token at least this old (`ig_refresh_token`).
const INSTAGRAM_MIN_AGE: chrono::Duration = chrono::Duration::hours(24);
/// Retries after a failed renewal or check: 1 min, doubling, at most an hour (plus jitter).
const BACKOFF_FIRST: chrono::Duration = chrono::Duration::minutes(1);
const BACKOFF_MAX: chrono::Duration = chrono::Duration::hours(1);
/// A renewal is spread over up to this share of its lead (at most [`JITTER_MAX`]).
const JITTER_SHARE: i32 = 5;
const JITTER_MAX: chrono::Duration = chrono::Duration::minutes(30);
/// A wall-clock move this much larger than the monotonic time slept is a jump.
const CLOCK_JUMP: chrono::Duration = chrono::Duration::seconds(2);

/// The health task's shared state, owned by [`Herald`].
#[derive(Debug, Default)]
pub struct HealthState {
    notify: Arc<Notify>,
    running: AtomicBool,
    resume: AtomicBool,
    wakeups: AtomicU64,
    resumes: AtomicU64,
    refreshes: AtomicU64,
    checks: AtomicU64,
    turns: AtomicU64,
    /// The clock's time at the start of the last finished turn (milliseconds since the epoch).
    last_turn_ms: std::sync::atomic::AtomicI64,
    plans: Mutex<HashMap<String, Plan>>,
    /// "Check now" requests: the number asked for, and the number a finished pass has served.
    requested: AtomicU64,
    served: tokio::sync::watch::Sender<u64>,
}

/// Counters for tests and the bench.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthStats {
    /// Times the task woke from a sleep (a due time, a wake, a set clock).
    pub wakeups: u64,
    /// Wakes that found the clock jumped (or a resume reported): every grant checked again.
    pub resumes: u64,
    /// Sign-ins renewed.
    pub refreshes: u64,
    /// Cheap checks made.
    pub checks: u64,
    /// Passes finished (each reads the grants once).
    pub turns: u64,
    /// The clock's time at the start of the last finished pass.
    pub last_turn: Option<DateTime<Utc>>,
}

/// What one visit of a grant ended with.
enum Verdict {
    Fine,
    /// A status-changing finding: reconnect, for this reason.
    Reconnect(StatusReason, String),
    /// Transient: recorded as "last check failed", retried with backoff.
    Failed(String),
}

impl Herald {
    fn now(&self) -> DateTime<Utc> {
        self.config().clock.now()
    }

    /// Wake the health task: an account was connected, reconnected or disconnected.
    pub fn wake_health(&self) {
        self.health.notify.notify_one();
    }

    /// The computer resumed from sleep (the shell may know before the task does): check every
    /// grant now.
    pub fn health_resumed(&self) {
        self.health.resume.store(true, Ordering::SeqCst);
        self.wake_health();
    }

    /// Check every connection now (the user asked): one pass of the health task over every
    /// grant, as after a resume. Returns the accounts once that pass has finished. Statuses
    /// change only as a periodic check would change them, and `AccountsChanged` is sent when
    /// one did.
    pub async fn check_connections_now(&self) -> Result<Vec<crate::api::Account>> {
        let mut served = self.health.served.subscribe();
        // The resume flag first: a pass that sees this request's number also sees the flag.
        self.health.resume.store(true, Ordering::SeqCst);
        let wanted = self.health.requested.fetch_add(1, Ordering::SeqCst) + 1;
        self.wake_health();
        let running = &self.health.running;
        let waited = served.wait_for(|&done| done >= wanted || !running.load(Ordering::SeqCst));
        let answered = match tokio::time::timeout(CHECK_NOW_TIMEOUT, waited).await {
            Ok(Ok(done)) => *done >= wanted,
            Ok(Err(_)) => false,
            Err(_) => return Err(Error::Internal("checking the connections took too long; try again".into())),
        };
        if !answered {
            // No task (a headless core, or it has ended): the pass runs here.
            self.health_turn(true).await?;
        }
        self.accounts().await
    }

    /// How often each grant is checked ([`crate::Config::check_every`]).
    fn check_every(&self) -> chrono::Duration {
        self.config().check_every
    }

    pub fn health_stats(&self) -> HealthStats {
        HealthStats {
            wakeups: self.health.wakeups.load(Ordering::Relaxed),
            resumes: self.health.resumes.load(Ordering::Relaxed),
            refreshes: self.health.refreshes.load(Ordering::Relaxed),
            checks: self.health.checks.load(Ordering::Relaxed),
            turns: self.health.turns.load(Ordering::SeqCst),
            last_turn: match self.health.last_turn_ms.load(Ordering::SeqCst) {
                0 => None,
                ms => DateTime::from_timestamp_millis(ms),
            },
        }
    }

    fn plans(&self) -> MutexGuard<'_, HashMap<String, Plan>> {
        self.health.plans.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How long before expiry `network`'s sign-ins are renewed.
    fn renew_lead(&self, network: NetworkId) -> chrono::Duration {
        match network {
            NetworkId::Linkedin | NetworkId::Instagram => self.config().refresh_margin.max(LONG_LIVED_LEAD),
            _ => self.config().refresh_margin,
        }
    }

    /// Start the health task (once; `None` if it runs already). It checks every grant at once,
    /// then sleeps until something is due. It holds the core only while working: once every
    /// other handle to it is gone it ends at its next wake.
    pub fn start_health(self: &Arc<Self>) -> Option<tokio::task::JoinHandle<()>> {
        if self.health.running.swap(true, Ordering::SeqCst) {
            return None;
        }
        let herald = Arc::downgrade(self);
        let notify = Arc::clone(&self.health.notify);
        let clock = Arc::clone(&self.config().clock);
        let mut changes = clock.changes();
        let stopped = TaskEnd(Arc::downgrade(self));
        Some(tokio::spawn(async move {
            let _stopped = stopped;
            // A wake from before the start is covered by the start's pass over every grant.
            tokio::select! {
                biased;
                () = notify.notified() => {}
                () = std::future::ready(()) => {}
            }
            let mut resumed = true;
            let mut serving = match herald.upgrade() {
                Some(herald) => herald.health.requested.load(Ordering::SeqCst),
                None => return,
            };
            loop {
                let sleep = {
                    let Some(herald) = herald.upgrade() else { return };
                    let turn = herald.health_turn(resumed).await;
                    // A "check now" waiting for this pass is answered even when it failed.
                    herald.health.served.send_if_modified(|done| {
                        let newer = serving > *done;
                        *done = (*done).max(serving);
                        newer
                    });
                    let next = match turn {
                        Ok(next) => next,
                        Err(e) => {
                            tracing::error!("health: {e}");
                            Some(herald.now() + BACKOFF_FIRST)
                        }
                    };
                    next.map(|at| (at - herald.now()).to_std().unwrap_or(Duration::ZERO))
                };
                let jumped = sleep_or_wake(&notify, clock.as_ref(), changes.as_mut(), sleep).await;
                let Some(herald) = herald.upgrade() else { return };
                herald.health.wakeups.fetch_add(1, Ordering::Relaxed);
                // Read before the flag: a request counted here has set the flag already.
                serving = herald.health.requested.load(Ordering::SeqCst);
                resumed = herald.health.resume.swap(false, Ordering::SeqCst) || jumped;
                if resumed {
                    herald.health.resumes.fetch_add(1, Ordering::Relaxed);
                }
            }
        }))
    }

    /// One pass: visit every grant that is due (all of them after a start or a resume), raise
    /// the notifications that are due, and say when the next thing is due.
    async fn health_turn(&self, resumed: bool) -> Result<Option<DateTime<Utc>>> {
        let now = self.now();
        let grants = self.store().health_grants().await?;
        {
            let mut plans = self.plans();
            plans.retain(|id, _| grants.iter().any(|g| &g.grant_id == id));
            if resumed {
                for plan in plans.values_mut() {
                    plan.next_check = now;
                    plan.not_before = None;
                }
            }
        }
        let mut changed = false;
        for grant in &grants {
            let lead = self.renew_lead(grant.network);
            let plan = self.plans().get(&grant.grant_id).cloned();
            let due = match &plan {
                Some(plan) => plan.due(grant, lead),
                None => Some(now),
            };
            if due.is_some_and(|due| due <= now) {
                let plan = plan.unwrap_or_else(|| {
                    // First seen: at start every grant is checked; a grant just connected was
                    // checked by the connect itself.
                    let next_check = if resumed { now } else { now + self.check_every() };
                    Plan::new(grant.network, next_check, lead)
                });
                changed |= self.visit_grant(grant, plan, now).await?;
            }
        }
        if resumed {
            if let Err(e) = self.retry_keyring_deletions().await {
                tracing::warn!("could not retry pending keyring deletes: {e}");
            }
        }
        let next_notice = self.raise_notices(now).await?;
        if changed {
            self.emit(CoreEvent::AccountsChanged);
        }
        let mut next = next_notice;
        let plans = self.plans().clone();
        for grant in self.store().health_grants().await? {
            if let Some(plan) = plans.get(&grant.grant_id) {
                next = earliest(next, plan.due(&grant, self.renew_lead(grant.network)));
            }
        }
        self.health.last_turn_ms.store(now.timestamp_millis(), Ordering::SeqCst);
        self.health.turns.fetch_add(1, Ordering::SeqCst);
        Ok(next)
    }

    /// Renew, check or date one grant, under its lock. Returns whether a status changed.
    async fn visit_grant(&self, grant: &GrantHealth, mut plan: Plan, now: DateTime<Utc>) -> Result<bool> {
        let id = grant.grant_id.as_str();
        let network = grant.network;
        let _held = self.grant_locks.lock(id).await;
        if !self.store().grant_exists(id).await? {
            self.plans().remove(id);
            return Ok(false);
        }
        if !grant.active {
            // Nothing to renew or check until a reconnect; once expired, it is disconnected.
            plan.next_check = now + self.check_every();
            self.plans().insert(id.to_owned(), plan);
            if grant.needs_reconnect && grant.expires_at.is_some_and(|at| at <= now) {
                let reason = grant.reason.unwrap_or(StatusReason::ExpiredCannotRenew);
                let detail = grant.detail.clone().unwrap_or_default();
                tracing::info!(grant = %id, network = network.as_str(), "expired without a reconnect: disconnected");
                return self
                    .store()
                    .record_health(id, Some(AccountStatus::Disconnected), Some((reason, &detail)), None, now)
                    .await;
            }
            return Ok(false);
        }
        let tokens = match self.vault().tokens(id).await {
            Ok(Some(tokens)) => tokens,
            Ok(None) => {
                plan.next_check = now + self.check_every();
                self.plans().insert(id.to_owned(), plan);
                let why = "The sign-in is missing from the system keyring (it may have been cleared). Reconnect to sign in again.";
                let problem = Some((StatusReason::KeyringEntryMissing, why));
                return self.store().record_health(id, Some(AccountStatus::NeedsReconnect), problem, None, now).await;
            }
            Err(e) => {
                // Keyring trouble is not the account's fault: touch nothing, try again later.
                tracing::warn!(grant = %id, "health: keyring unavailable: {e}");
                plan.failures += 1;
                plan.not_before = Some(now + backoff(plan.failures));
                self.plans().insert(id.to_owned(), plan);
                return Ok(false);
            }
        };
        plan.renewable = renewable(network, &tokens);
        plan.issued_at = plan.issued_at.max(tokens.issued_at);
        let lead = self.renew_lead(network);
        let expires = grant.expires_at.or(tokens.expires_at);
        let (verdict, tokens) = match expires {
            Some(at) if plan.renewable && now >= plan.renew_at(at, lead) => {
                self.renew(id, network, tokens, &mut plan, now).await?
            }
            Some(at) if !plan.renewable && now >= at - WARNING_WINDOW => {
                let why = format!(
                    "The sign-in expires on {} UTC and {} gives no way to renew it. Reconnect to continue.",
                    at.format("%Y-%m-%d %H:%M"),
                    network.name()
                );
                (Verdict::Reconnect(StatusReason::ExpiredCannotRenew, why), None)
            }
            _ => (Verdict::Fine, Some(tokens)),
        };
        let verdict = match (verdict, tokens) {
            (Verdict::Fine, Some(tokens)) if now >= plan.next_check => self.check(id, network, &tokens).await,
            (verdict, _) => verdict,
        };
        let changed = match verdict {
            Verdict::Fine => {
                plan.failures = 0;
                plan.not_before = None;
                if now >= plan.next_check {
                    plan.next_check = now + self.check_every();
                }
                false
            }
            Verdict::Reconnect(reason, why) => {
                plan.failures = 0;
                plan.not_before = None;
                plan.next_check = now + self.check_every();
                tracing::warn!(grant = %id, network = network.as_str(), reason = reason.as_str(), "needs reconnect");
                self.store()
                    .record_health(id, Some(AccountStatus::NeedsReconnect), Some((reason, &why)), None, now)
                    .await?
            }
            Verdict::Failed(detail) => {
                plan.failures += 1;
                plan.not_before = Some(now + backoff(plan.failures));
                tracing::warn!(grant = %id, network = network.as_str(), failures = plan.failures, "health check failed, will retry: {detail}");
                self.store().record_health(id, None, Some((StatusReason::CheckFailed, &detail)), None, now).await?
            }
        };
        if self.store().grant_exists(id).await? {
            self.plans().insert(id.to_owned(), plan);
        }
        Ok(changed)
    }

    /// Renew a grant's sign-in (its lock held). A rotated refresh token replaces the stored one
    /// in one keyring write; if that write is lost (a crash, a keyring error), the stored token
    /// is presented again and X accepts it once more. Returns the verdict and the tokens to
    /// check with (`None`: do not check now).
    async fn renew(
        &self,
        id: &str,
        network: NetworkId,
        tokens: TokenSet,
        plan: &mut Plan,
        now: DateTime<Utc>,
    ) -> Result<(Verdict, Option<TokenSet>)> {
        let refreshed = match self.oauth_config(network).await {
            Ok(oauth) => {
                let endpoints = &self.config().endpoints;
                let ctx = networks::Ctx { http: &self.http, endpoints, oauth: &oauth, redirect_uri: "" };
                networks::refresh(network, &ctx, &tokens).await
            }
            Err(e) => Err(e),
        };
        let mut fresh = match refreshed {
            Ok(Some(fresh)) => fresh,
            Ok(None) => {
                let why = format!(
                    "The sign-in is expiring and {} gave no way to renew it. Reconnect to continue.",
                    network.name()
                );
                return Ok((Verdict::Reconnect(StatusReason::ExpiredCannotRenew, why), None));
            }
            Err(e @ Error::Rejected { auth: true, .. }) => {
                return Ok((
                    Verdict::Reconnect(StatusReason::SignInRejected, format!("{e} Reconnect to continue.")),
                    None,
                ));
            }
            Err(e) => return Ok((Verdict::Failed(e.to_string()), None)),
        };
        if fresh.access_token.expose() == tokens.access_token.expose() {
            // Instagram's token is too young to renew: try again once it is old enough.
            plan.issued_at = Some(now);
            return Ok((Verdict::Fine, Some(tokens)));
        }
        // The network dated the answer by the system clock; the task reads its own.
        let clock = self.config().clock.as_ref();
        fresh.expires_at = fresh.expires_at.map(|at| clock::rebase(clock, at));
        fresh.issued_at = fresh.issued_at.map(|at| clock::rebase(clock, at));
        if !self.store().grant_exists(id).await? {
            self.delete_grant_entry_locked(id, DeletionReason::GrantGone).await;
            tracing::info!(grant = %id, "grant gone during refresh: new token dropped");
            return Ok((Verdict::Fine, None));
        }
        if let Err(e) = self.vault().put_tokens(id, &fresh).await {
            // The old refresh token stays stored; the next try presents it again.
            return Ok((Verdict::Failed(format!("the renewed sign-in could not be stored: {e}")), None));
        }
        self.health.refreshes.fetch_add(1, Ordering::Relaxed);
        tracing::info!(grant = %id, network = network.as_str(), "token renewed ahead of expiry");
        self.store().record_health(id, Some(AccountStatus::Connected), None, fresh.expires_at, now).await?;
        plan.issued_at = fresh.issued_at;
        plan.renewed_at = Some(now);
        plan.jitter = jitter(self.renew_lead(network));
        // A renewal the network accepted vouches for the sign-in like a check does.
        plan.next_check = plan.next_check.max(now + self.check_every());
        Ok((Verdict::Fine, None))
    }

    /// The cheap check: one GET with the grant's access token, classified by the network.
    async fn check(&self, id: &str, network: NetworkId, tokens: &TokenSet) -> Verdict {
        self.health.checks.fetch_add(1, Ordering::Relaxed);
        let ctx = PublishCtx { http: &self.http, endpoints: &self.config().endpoints };
        match networks::probe(network, &ctx, tokens).await {
            Ok(Probe::Fine) => {
                tracing::debug!(grant = %id, network = network.as_str(), "sign-in checked");
                Verdict::Fine
            }
            Ok(Probe::SignInRejected(e)) => {
                Verdict::Reconnect(StatusReason::SignInRejected, format!("{e} Reconnect to continue."))
            }
            Ok(Probe::PermissionLost(e)) => {
                Verdict::Reconnect(StatusReason::PermissionMissing, format!("{e} Reconnect to grant it again."))
            }
            Err(e) => Verdict::Failed(e.to_string()),
        }
    }

    /// Raise every notification that is due, once per threshold per account (remembered in
    /// SQLite); when several are due at once, only the most urgent is sent and all are marked.
    /// Returns when the next one is due.
    async fn raise_notices(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let subjects = self.store().notice_subjects().await?;
        let sent = self.store().sent_notices().await?;
        let plans = self.plans().clone();
        let mut next = None;
        for subject in subjects {
            let sent_for = |kind: NoticeKind| {
                sent.iter().find(|(id, k, _)| *id == subject.account_id && *k == kind).map(|(_, _, at)| *at)
            };
            if subject.status == AccountStatus::Connected && sent_for(NoticeKind::NeedsReconnect).is_some() {
                // Reconnected: a later problem is told again.
                self.store().forget_notice(&subject.account_id, NoticeKind::NeedsReconnect).await?;
            }
            let mut due: Vec<(NoticeKind, Option<DateTime<Utc>>)> = Vec::new();
            if let (Some(expires), Some(plan)) = (subject.expires_at, plans.get(&subject.grant_id)) {
                let lead = self.renew_lead(plan.network);
                for (kind, before) in NoticeKind::expiry_warnings() {
                    if expires <= now || sent_for(kind) == Some(Some(expires)) {
                        continue;
                    }
                    match plan.warning_at(expires, before, lead) {
                        Some(at) if at <= now => due.push((kind, Some(expires))),
                        at => next = earliest(next, at),
                    }
                }
            }
            if subject.status != AccountStatus::Connected && sent_for(NoticeKind::NeedsReconnect).is_none() {
                due.push((NoticeKind::NeedsReconnect, None));
            }
            // The most urgent: needs reconnect, else the nearest expiry (listed last).
            let Some(&(kind, _)) = due.iter().max_by_key(|(kind, _)| *kind) else { continue };
            self.store().record_notices(&subject.account_id, &due, now).await?;
            tracing::info!(account = %subject.account_id, kind = kind.as_str(), "notification raised");
            self.emit(CoreEvent::Notify { account_id: subject.account_id.clone(), kind });
        }
        Ok(next)
    }
}

/// Held by the health task: when it ends (or is aborted), a later start may run it again and a
/// "check now" waiting for it runs its pass itself.
struct TaskEnd(std::sync::Weak<Herald>);

impl Drop for TaskEnd {
    fn drop(&mut self) {
        if let Some(herald) = self.0.upgrade() {
            herald.health.running.store(false, Ordering::SeqCst);
            herald.health.served.send_modify(|_| {});
        }
    }
}

/// Sleep for `sleep` (`None`: until woken), or until woken or the clock is set. Returns whether
/// the wall clock moved differently from the monotonic time slept (a resume, a clock change).
async fn sleep_or_wake(
    notify: &Notify,
    clock: &dyn Clock,
    changes: Option<&mut tokio::sync::watch::Receiver<DateTime<Utc>>>,
    sleep: Option<Duration>,
) -> bool {
    let clock_is_set_by_hand = changes.is_some();
    let wall_before = clock.now();
    let mono_before = Instant::now();
    let timer = async {
        match sleep {
            // The system clock: a wall-clock timer, which also fires right after a resume
            // from suspend (a monotonic sleep would stand still while the computer sleeps).
            Some(d) if !clock_is_set_by_hand => {
                let at = chrono::Duration::from_std(d).ok().and_then(|d| Utc::now().checked_add_signed(d));
                let Some(at) = at else { return std::future::pending().await };
                if let Err(e) = crate::scheduler::wake::sleep_until_wall(at).await {
                    tracing::warn!("wall-clock timer unavailable ({e}); sleeping on the monotonic clock");
                    tokio::time::sleep(d).await;
                }
            }
            Some(d) => tokio::time::sleep(d).await,
            None => std::future::pending().await,
        }
    };
    let set = async {
        match changes {
            Some(rx) => {
                if rx.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
            None => std::future::pending().await,
        }
    };
    let hand_set = clock_is_set_by_hand;
    let was_set = tokio::select! {
        () = timer => false,
        () = notify.notified() => false,
        () = set => true,
    };
    let wall = clock.now() - wall_before;
    let mono = chrono::Duration::from_std(mono_before.elapsed()).unwrap_or(chrono::Duration::MAX);
    // A clock set by hand stands still between sets: only a set moves it.
    let jumped = if hand_set { was_set } else { (wall - mono).abs() > CLOCK_JUMP };
    if jumped {
        tracing::info!(
            wall_ms = wall.num_milliseconds(),
            slept_ms = mono.num_milliseconds(),
            "clock jumped: checking every sign-in"
        );
    }
    jumped
}
