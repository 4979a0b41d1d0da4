//! The scheduler: one task that sleeps until the next due attempt (`sleep_until`) or until
//! something changes (a [`Notify`]), never on a fixed interval. Each attempt is written
//! `publishing` durably before the one network call; a timeout or any doubt makes it
//! `unconfirmed`, and an attempt found `publishing` at start (the app died mid-call) becomes
//! `unconfirmed` too: nothing is ever sent twice.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::api::{AttemptReason, AttemptState};
use crate::error::Result;
use crate::networks::{self, NetworkId, PostContent, PublishCtx, PublishFailure};
use crate::store::posts::{DueAttempt, Outcome};
use crate::Herald;

/// Settings key of the "pause publishing" switch.
pub const PAUSED_SETTING: &str = "publishing.paused";
/// A wall-clock move this much larger than the monotonic time slept is a jump (resume from
/// sleep, a clock change).
const CLOCK_JUMP: chrono::Duration = chrono::Duration::seconds(2);
/// How many due attempts are read at once.
const BATCH: i64 = 20;

/// The scheduler's shared state, owned by [`Herald`].
#[derive(Debug, Default)]
pub struct SchedulerState {
    notify: Notify,
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
        self.scheduler.notify.notify_one();
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
        let herald = Arc::downgrade(self);
        Ok(Some(tokio::spawn(async move {
            loop {
                let Some(herald) = herald.upgrade() else { return };
                match herald.scheduler_turn().await {
                    Ok(Some(sleep)) => {
                        let wait = herald.clone();
                        drop(herald);
                        wait.sleep_or_wake(sleep).await;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::error!("scheduler: {e}");
                        // A storage error: wait for a change rather than spin.
                        let wait = herald.clone();
                        drop(herald);
                        wait.sleep_or_wake(Some(Duration::from_secs(60))).await;
                    }
                }
            }
        })))
    }

    /// One pass: publish what is due. `Ok(Some(d))`: sleep up to `d` (`None`: until woken);
    /// `Ok(None)`: go round again at once.
    async fn scheduler_turn(&self) -> Result<Option<Option<Duration>>> {
        if self.publishing_paused() {
            return Ok(Some(None));
        }
        let now = Utc::now();
        self.store().mark_waiting(now).await?;
        let due = self.store().due_attempts(now, BATCH).await?;
        if !due.is_empty() {
            for attempt in due {
                if self.publishing_paused() {
                    break;
                }
                self.publish_attempt(&attempt).await?;
            }
            return Ok(None);
        }
        Ok(Some(self.store().next_due().await?.map(|at| (at - now).to_std().unwrap_or(Duration::ZERO))))
    }

    /// Sleep until `sleep` has passed or something wakes the scheduler, then compare how far
    /// the wall clock moved with the monotonic time slept: a jump is counted and logged (the
    /// next pass reads the due list again by the wall clock, so nothing is missed).
    async fn sleep_or_wake(&self, sleep: Option<Duration>) {
        let wall_before = Utc::now();
        let mono_before = Instant::now();
        match sleep {
            Some(d) => {
                tokio::select! {
                    () = tokio::time::sleep_until(mono_before + d) => {}
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
        }
    }

    /// Publish one due attempt: `publishing` first (durably), one network call, its outcome.
    async fn publish_attempt(&self, due: &DueAttempt) -> Result<()> {
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
        let tokens = match grant {
            Some(grant) => self.vault().tokens(&grant).await?,
            None => None,
        };
        let Some(tokens) = tokens else {
            // The sign-in is gone: the account needs a reconnect, and the attempt waits.
            self.check_accounts().await?;
            return Ok(());
        };
        let account = self.with_google_parent(account, &tokens).await;
        if !self.store().begin_publishing(&due.id, now).await? {
            return Ok(());
        }
        let ctx = PublishCtx { http: &self.http, endpoints: &self.config().endpoints };
        let content = PostContent { text: &text, link: post.link.as_deref(), images: &post.images };
        let result = networks::publish(network, &ctx, &account, &tokens, &content).await;
        let outcome = outcome_of(result);
        tracing::info!(attempt = %due.id, network = network.as_str(), state = outcome.state.as_str(), "publish attempt finished");
        self.store().finish_attempt(&due.id, &outcome, Utc::now()).await?;
        self.emit(crate::CoreEvent::PostsChanged);
        if outcome.reason == Some(AttemptReason::SignInRejected) {
            self.check_accounts().await?;
        }
        Ok(())
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
        self.store().finish_attempt(id, &outcome, Utc::now()).await?;
        self.emit(crate::CoreEvent::PostsChanged);
        Ok(())
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
