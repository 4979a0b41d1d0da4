//! The scheduler: one task that sleeps until the next due attempt (a wall-clock timer, see
//! [`wake`]) or until something changes (a [`Notify`]), never on a fixed interval. Each attempt is written
//! `publishing` durably before the one network call; a timeout or any doubt makes it
//! `unconfirmed`, and an attempt found `publishing` at start (the app died mid-call) becomes
//! `unconfirmed` too: nothing is ever sent twice. Unconfirmed attempts are looked up on the
//! network ([`reconcile`]); calls that surely published nothing are retried with backoff
//! ([`retry`]); known quotas are respected before calling ([`quota`]); posts missed while
//! Herald was not running are held for the user ([`catchup`]).

pub mod catchup;
mod prepare;
pub mod quota;
pub mod reconcile;
pub mod retry;
pub mod wake;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::api::{AttemptReason, AttemptState, PublishingStatus, QuotaUse};
use crate::error::Result;
use crate::networks::{self, NetworkId, PostContent, PublishCtx, PublishFailure};
use crate::store::attempts::ReadyAttempt;
use crate::store::posts::Outcome;
use crate::Herald;

/// Settings key of the "pause publishing" switch.
pub const PAUSED_SETTING: &str = "publishing.paused";
/// A wall-clock move this much larger than the monotonic time slept is a jump (resume from
/// sleep, a clock change).
const CLOCK_JUMP: chrono::Duration = chrono::Duration::seconds(2);
/// How long the scheduler reuses a grant's tokens read from the keyring.
const TOKEN_CACHE_TTL: Duration = Duration::from_secs(5 * 60);
/// How long after a network change the waiting retries go.
const NETWORK_SETTLE: Duration = Duration::from_secs(2);
/// How many due attempts are read at once.
const BATCH: i64 = 20;

/// The scheduler's shared state, owned by [`Herald`].
#[derive(Debug, Default)]
pub struct SchedulerState {
    notify: Notify,
    /// One reconciliation at a time (a listed post is matched to at most one attempt).
    reconciling: tokio::sync::Mutex<()>,
    /// Grants' tokens as last read from the keyring (a read costs tens of milliseconds over
    /// D-Bus, too slow per publish): dropped whenever accounts change (a refresh, a reconnect,
    /// a disconnect all say so) and after [`TOKEN_CACHE_TTL`].
    tokens: std::sync::Mutex<std::collections::HashMap<String, (Instant, crate::vault::TokenSet)>>,
    paused: AtomicBool,
    running: AtomicBool,
    wakeups: AtomicU64,
    clock_jumps: AtomicU64,
}

/// Counters for tests and the bench: how often the task woke, and how many clock jumps it saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchedulerStats {
    pub wakeups: u64,
    pub clock_jumps: u64,
}

impl Herald {
    /// Wake the scheduler: something it depends on changed (a post, an account, the network
    /// came back, the computer resumed). Cheap; a wake with nothing due costs one query.
    pub fn wake_scheduler(&self) {
        // Before the task starts there is nothing to wake (it reads everything when it starts),
        // and a stored permit would cost it a spurious first wake-up.
        if self.scheduler.running.load(Ordering::SeqCst) {
            self.scheduler.notify.notify_one();
        }
    }

    pub fn scheduler_stats(&self) -> SchedulerStats {
        SchedulerStats {
            wakeups: self.scheduler.wakeups.load(Ordering::Relaxed),
            clock_jumps: self.scheduler.clock_jumps.load(Ordering::Relaxed),
        }
    }

    /// "Pause publishing": nothing is published until resumed (remembered across restarts).
    pub async fn set_publishing_paused(&self, paused: bool) -> Result<()> {
        self.store().set_setting(PAUSED_SETTING, paused.then_some("1")).await?;
        self.scheduler.paused.store(paused, Ordering::SeqCst);
        self.wake_scheduler();
        Ok(())
    }

    pub fn publishing_paused(&self) -> bool {
        self.scheduler.paused.load(Ordering::SeqCst)
    }

    /// Start the scheduler task (once). Every attempt left `publishing` by an earlier run
    /// becomes `unconfirmed` first, before anything else can run.
    pub async fn start_scheduler(self: &Arc<Self>) -> Result<Option<tokio::task::JoinHandle<()>>> {
        if self.scheduler.running.swap(true, Ordering::SeqCst) {
            return Ok(None);
        }
        let interrupted = self.store().interrupted_to_unconfirmed(Utc::now()).await?;
        if interrupted > 0 {
            tracing::warn!(count = interrupted, "attempts cut off mid-publish are now unconfirmed");
        }
        let paused = self.store().setting(PAUSED_SETTING).await?.is_some();
        self.scheduler.paused.store(paused, Ordering::SeqCst);
        self.hold_missed(Utc::now()).await?;
        // Look up what an earlier run left unconfirmed, beside the publishing loop.
        let reconciler = Arc::downgrade(self);
        tokio::spawn(async move {
            let Some(herald) = reconciler.upgrade() else { return };
            match herald.reconcile().await {
                Ok(report) if report.checked > 0 => tracing::info!(?report, "reconciled unconfirmed attempts at start"),
                Ok(_) => {}
                Err(e) => tracing::warn!("reconciliation at start: {e}"),
            }
        });
        self.watch_network();
        let sweeper = Arc::downgrade(self);
        tokio::spawn(async move {
            let Some(herald) = sweeper.upgrade() else { return };
            match herald.media_adopt_legacy().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "photos of earlier drafts copied into the media library"),
                Err(e) => tracing::warn!("adopting earlier photos: {e}"),
            }
            if let Err(e) = herald.media_collect().await {
                tracing::warn!("freeing unused photos: {e}");
            }
            match herald.sweep_hosted().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "deleted photos left on the media host"),
                Err(e) => tracing::warn!("sweeping the media host: {e}"),
            }
        });
        let herald = Arc::downgrade(self);
        Ok(Some(tokio::spawn(async move {
            loop {
                let Some(herald) = herald.upgrade() else { return };
                match herald.scheduler_turn().await {
                    Ok(Some(until)) => {
                        let wait = herald.clone();
                        drop(herald);
                        wait.sleep_or_wake(until).await;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::error!("scheduler: {e}");
                        // A storage error: wait for a change rather than spin.
                        let wait = herald.clone();
                        drop(herald);
                        wait.sleep_or_wake(Some(Utc::now() + chrono::Duration::seconds(60))).await;
                    }
                }
            }
        })))
    }

    /// One pass: publish what is ready. `Ok(Some(at))`: sleep until the wall clock reads `at`
    /// (`None`: until woken); `Ok(None)`: go round again at once.
    async fn scheduler_turn(&self) -> Result<Option<Option<chrono::DateTime<Utc>>>> {
        if self.publishing_paused() {
            return Ok(Some(None));
        }
        let now = Utc::now();
        self.store().mark_waiting(now).await?;
        let ready = self.store().ready_attempts(now, BATCH).await?;
        if !ready.is_empty() {
            for attempt in ready {
                if self.publishing_paused() {
                    break;
                }
                let published = self.publish_attempt(&attempt).await;
                // Whatever the attempt became (published, failed, waiting, unconfirmed), the
                // calendar and the archive show it.
                self.emit(crate::CoreEvent::PostsChanged);
                published?;
            }
            return Ok(None);
        }
        Ok(Some(self.store().next_wake().await?))
    }

    /// When an interface comes up or gets an address (the network may be back), attempts
    /// waiting to retry because the network was unreachable go at once (after a short settle),
    /// and the scheduler wakes only if there were any.
    fn watch_network(self: &Arc<Self>) {
        let changes = match wake::NetworkChanges::open() {
            Ok(changes) => changes,
            Err(e) => {
                tracing::info!("not watching the network ({e}); retries back off instead");
                return;
            }
        };
        let herald = Arc::downgrade(self);
        tokio::spawn(async move {
            while changes.next().await.is_ok() {
                // Interfaces come up in steps (link, then addresses, then routes).
                tokio::time::sleep(NETWORK_SETTLE).await;
                let Some(herald) = herald.upgrade() else { return };
                match herald.store().release_network_waits(Utc::now()).await {
                    Ok(0) => {}
                    Ok(released) => {
                        tracing::info!(released, "the network changed: retrying now");
                        herald.wake_scheduler();
                    }
                    Err(e) => tracing::warn!("network change: {e}"),
                }
            }
        });
    }

    /// What the scheduler is doing: paused or not, when it next acts, and each connected
    /// account's use of its network's quota.
    pub async fn publishing_status(&self) -> Result<PublishingStatus> {
        let now = Utc::now();
        let mut quotas = Vec::new();
        for account in self.store().accounts().await? {
            if account.status != crate::api::AccountStatus::Connected {
                continue;
            }
            let Some(q) = quota::quota_for(account.network, account.kind) else { continue };
            let starts = self.store().publish_starts(&account.id, now - q.window).await?;
            quotas.push(QuotaUse {
                network: account.network,
                used: u32::try_from(starts.len()).unwrap_or(u32::MAX),
                limit: q.limit,
                window_secs: u32::try_from(q.window.num_seconds()).unwrap_or(u32::MAX),
                frees_at: starts.first().map(|t| *t + q.window),
                account_id: account.id,
            });
        }
        Ok(PublishingStatus { paused: self.publishing_paused(), next_due: self.store().next_wake().await?, quotas })
    }

    /// Sleep until the wall clock reads `until` (see [`wake`]: this survives suspend) or
    /// something wakes the scheduler, then compare how far the wall clock moved with the
    /// monotonic time slept: a jump (resume from suspend, a clock change) is counted and logged,
    /// and what became overdue by more than the grace period meanwhile is held as missed (the
    /// next pass reads the due list again by the wall clock).
    async fn sleep_or_wake(&self, until: Option<chrono::DateTime<Utc>>) {
        let wall_before = Utc::now();
        let mono_before = Instant::now();
        match until {
            Some(at) => {
                tokio::select! {
                    woke = wake::sleep_until_wall(at) => match woke {
                        Ok(wake::WallWake::Reached) => {}
                        Ok(wake::WallWake::ClockSet) => tracing::info!("the wall clock was set"),
                        Err(e) => {
                            // No timer: fall back to the monotonic clock rather than spin.
                            tracing::warn!("wall-clock timer: {e}");
                            let left = (at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
                            tokio::select! {
                                () = tokio::time::sleep(left) => {}
                                () = self.scheduler.notify.notified() => {}
                            }
                        }
                    },
                    () = self.scheduler.notify.notified() => {}
                }
            }
            None => self.scheduler.notify.notified().await,
        }
        self.scheduler.wakeups.fetch_add(1, Ordering::Relaxed);
        let wall = Utc::now() - wall_before;
        let mono = chrono::Duration::from_std(mono_before.elapsed()).unwrap_or(chrono::Duration::MAX);
        if (wall - mono).abs() > CLOCK_JUMP {
            self.scheduler.clock_jumps.fetch_add(1, Ordering::Relaxed);
            tracing::info!(wall_ms = wall.num_milliseconds(), slept_ms = mono.num_milliseconds(), "clock jumped");
            if let Err(e) = self.hold_missed(Utc::now()).await {
                tracing::warn!("holding missed posts after a clock jump: {e}");
            }
        }
    }

    /// Publish one ready attempt: its quota checked first (over it, the attempt waits without
    /// calling), `publishing` written durably, one network call, its outcome; a call that surely
    /// published nothing goes back to wait for a retry, up to [`retry::MAX_TRIES`] calls.
    async fn publish_attempt(&self, due: &ReadyAttempt) -> Result<()> {
        let now = Utc::now();
        let Some(network) = NetworkId::parse(&due.network) else {
            return self.fail_before_call(&due.id, AttemptReason::NotSupported).await;
        };
        let Some((account, grant)) = self.store().account(&due.account_id).await? else {
            return self.fail_before_call(&due.id, AttemptReason::AccountGone).await;
        };
        let Some(post) = self.store().post(&due.post_id).await? else { return Ok(()) };
        let text = post
            .targets
            .iter()
            .find(|t| t.account_id == due.account_id)
            .and_then(|t| t.variant.clone())
            .unwrap_or_else(|| post.text.clone());
        let tokens = match &grant {
            Some(grant) => self.grant_tokens(grant).await?,
            None => None,
        };
        let (Some((tokens, cached)), Some(grant)) = (tokens, grant) else {
            // The sign-in is gone: the account needs a reconnect, and the attempt waits.
            self.check_accounts().await?;
            return Ok(());
        };
        if let Some(q) = quota::quota_for(network, account.kind) {
            let starts = self.store().publish_starts(&account.id, now - q.window).await?;
            if let Some(until) = quota::wait_until(q, &starts, now) {
                tracing::info!(attempt = %due.id, network = network.as_str(), %until, "quota used up: waiting");
                return self.store().wait_for_quota(&due.id, until).await;
            }
        }
        let account = self.with_google_parent(account, &tokens).await;
        let mut images = match self.read_images(&post.images).await? {
            Ok(images) => images,
            Err(failure) => {
                let outcome = outcome_of(Err(failure));
                return self.store().finish_attempt(&due.id, &outcome, Utc::now()).await;
            }
        };
        if let Err(stop) = self.host_images(&due.id, network, &mut images).await? {
            // Nothing reached the network: the media host is missing, refused, or unreachable.
            self.release_hosted(&due.id, AttemptState::Failed).await;
            let tries = due.tries + 1;
            if stop.retryable && tries < retry::MAX_TRIES {
                let at = retry::next_try(tries, None, Utc::now(), retry::random());
                tracing::info!(attempt = %due.id, tries, %at, "media host unreachable: retrying later");
                return self.store().retry_before_call(&due.id, stop.reason, at, stop.detail.as_deref()).await;
            }
            let outcome = Outcome {
                state: AttemptState::Failed,
                network_post_id: None,
                permalink: None,
                reason: Some(stop.reason),
                retryable: stop.retryable,
                retry_at: None,
                detail: stop.detail,
            };
            return self.store().finish_attempt(&due.id, &outcome, Utc::now()).await;
        }
        if !self.store().begin_publishing(&due.id, now).await? {
            return Ok(());
        }
        let ctx = PublishCtx { http: &self.http, endpoints: &self.config().endpoints };
        let content = PostContent { text: &text, link: post.link.as_deref(), images: &images };
        let result = networks::publish(network, &ctx, &account, &tokens, &content).await;
        let outcome = outcome_of(result);
        self.release_hosted(&due.id, if outcome.retryable { AttemptState::Failed } else { outcome.state }).await;
        let tries = due.tries + 1;
        if outcome.reason == Some(AttemptReason::SignInRejected) && tries < retry::MAX_TRIES {
            // The network refused the sign-in, so nothing was published: the account needs a
            // reconnect (its card says so), and the attempt waits for it, saying why.
            let at = retry::next_try(tries, None, Utc::now(), retry::random());
            self.store().retry_later(&due.id, AttemptReason::NeedsReconnect, at, outcome.detail.as_deref()).await?;
            if cached {
                // Maybe only the copy was stale (refreshed meanwhile): the next try reads the
                // keyring before anyone is told to reconnect.
                self.forget_cached_tokens();
                return Ok(());
            }
            let why = outcome.detail.as_deref().unwrap_or("the network refused the sign-in");
            let problem = Some((crate::api::StatusReason::SignInRejected, why));
            self.store().record_check(&grant, Some(crate::api::AccountStatus::NeedsReconnect), problem, None).await?;
            tracing::warn!(attempt = %due.id, network = network.as_str(), "sign-in refused while publishing: needs reconnect");
            self.emit(crate::CoreEvent::AccountsChanged);
            return Ok(());
        }
        if outcome.retryable && tries < retry::MAX_TRIES {
            let reason = outcome.reason.unwrap_or(AttemptReason::NetworkUnavailable);
            let at = retry::next_try(tries, outcome.retry_at, Utc::now(), retry::random());
            tracing::info!(attempt = %due.id, network = network.as_str(), tries, %at, reason = reason.as_str(), "nothing was published: retrying later");
            return self.store().retry_later(&due.id, reason, at, outcome.detail.as_deref()).await;
        }
        tracing::info!(attempt = %due.id, network = network.as_str(), state = outcome.state.as_str(), "publish attempt finished");
        self.store().finish_attempt(&due.id, &outcome, Utc::now()).await
    }

    /// A grant's tokens: from the scheduler's short-lived copy, else from the keyring.
    /// `true` with them: they came from that copy.
    async fn grant_tokens(&self, grant: &str) -> Result<Option<(crate::vault::TokenSet, bool)>> {
        if let Ok(cache) = self.scheduler.tokens.lock() {
            if let Some((read, tokens)) = cache.get(grant) {
                if read.elapsed() < TOKEN_CACHE_TTL {
                    return Ok(Some((tokens.clone(), true)));
                }
            }
        }
        let tokens = self.vault().tokens(grant).await?;
        if let (Some(tokens), Ok(mut cache)) = (&tokens, self.scheduler.tokens.lock()) {
            cache.insert(grant.to_owned(), (Instant::now(), tokens.clone()));
        }
        Ok(tokens.map(|t| (t, false)))
    }

    /// Forget every grant's tokens read from the keyring (accounts changed).
    pub(crate) fn forget_cached_tokens(&self) {
        if let Ok(mut cache) = self.scheduler.tokens.lock() {
            cache.clear();
        }
    }

    async fn fail_before_call(&self, id: &str, reason: AttemptReason) -> Result<()> {
        let outcome = Outcome {
            state: AttemptState::Failed,
            network_post_id: None,
            permalink: None,
            reason: Some(reason),
            retryable: false,
            retry_at: None,
            detail: None,
        };
        self.store().finish_attempt(id, &outcome, Utc::now()).await
    }
}

fn outcome_of(result: std::result::Result<networks::PublishedPost, PublishFailure>) -> Outcome {
    let base = Outcome {
        state: AttemptState::Failed,
        network_post_id: None,
        permalink: None,
        reason: None,
        retryable: false,
        retry_at: None,
        detail: None,
    };
    let clean = |d: String| Some(crate::net::bounded_text(&d, crate::net::MAX_DETAIL_CHARS));
    match result {
        Ok(published) => Outcome {
            state: AttemptState::Published,
            network_post_id: Some(published.id),
            permalink: published.permalink,
            ..base
        },
        Err(PublishFailure::Rejected(d)) => {
            Outcome { reason: Some(AttemptReason::ContentRejected), detail: clean(d), ..base }
        }
        Err(PublishFailure::Reconnect(d)) => {
            Outcome { reason: Some(AttemptReason::SignInRejected), detail: clean(d), ..base }
        }
        Err(PublishFailure::RateLimited { detail, reset }) => Outcome {
            reason: Some(AttemptReason::RateLimited),
            retryable: true,
            retry_at: reset,
            detail: clean(detail),
            ..base
        },
        Err(PublishFailure::NotSent(d)) => {
            Outcome { reason: Some(AttemptReason::NetworkUnavailable), retryable: true, detail: clean(d), ..base }
        }
        Err(PublishFailure::Doubt { timed_out, detail }) => Outcome {
            state: AttemptState::Unconfirmed,
            reason: Some(if timed_out { AttemptReason::TimedOut } else { AttemptReason::ServerError }),
            detail: clean(detail),
            ..base
        },
        Err(PublishFailure::NeedsImage) => Outcome { reason: Some(AttemptReason::NeedsImage), ..base },
        Err(PublishFailure::NotSupported) => Outcome { reason: Some(AttemptReason::NotSupported), ..base },
    }
}
