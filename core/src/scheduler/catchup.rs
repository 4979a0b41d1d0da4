//! Posts missed while the computer was off or asleep. At start (and after a clock jump),
//! scheduled attempts overdue by more than the grace period (the setting
//! [`GRACE_SETTING`], minutes, default [`DEFAULT_GRACE_MINUTES`]) are held as missed and
//! listed by [`Herald::posts_missed`]; those late by less publish at once. The user resolves
//! them with [`Herald::posts_resolve_missed`].

use chrono::{DateTime, Utc};

use crate::api::{MissedAction, MissedPost};
use crate::error::{Error, Result};
use crate::Herald;

/// Settings key of the grace period, in minutes (stored by the posts settings).
pub const GRACE_SETTING: &str = "posts.grace_minutes";
pub const DEFAULT_GRACE_MINUTES: i64 = 15;
/// Largest grace period honoured (a week).
const MAX_GRACE_MINUTES: i64 = 7 * 24 * 60;
/// Most attempts resolved in one call.
const MAX_RESOLVE: usize = 10_000;

impl Herald {
    /// The grace period: how late a post may still publish by itself.
    pub async fn grace_period(&self) -> Result<chrono::Duration> {
        let minutes = self
            .store()
            .setting(GRACE_SETTING)
            .await?
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|m| *m >= 0)
            .unwrap_or(DEFAULT_GRACE_MINUTES)
            .min(MAX_GRACE_MINUTES);
        Ok(chrono::Duration::minutes(minutes))
    }

    /// Hold what is overdue at `now` by more than the grace period. Returns how many.
    pub(crate) async fn hold_missed(&self, now: DateTime<Utc>) -> Result<u64> {
        let held = self.store().hold_missed(now - self.grace_period().await?).await?;
        if held > 0 {
            self.emit(crate::CoreEvent::PostsChanged);
            tracing::info!(count = held, "posts due while Herald was not running are held for the user");
        }
        Ok(held)
    }

    /// The missed posts waiting for the user's decision, earliest first.
    pub async fn posts_missed(&self) -> Result<Vec<MissedPost>> {
        self.store().missed_posts().await
    }

    /// Publish now, reschedule (to a future instant) or keep as draft: applied to every listed
    /// missed attempt in one transaction. Returns how many were still missed and changed.
    pub async fn posts_resolve_missed(&self, attempt_ids: &[String], action: MissedAction) -> Result<u64> {
        if attempt_ids.len() > MAX_RESOLVE {
            return Err(Error::InvalidInput(format!("at most {MAX_RESOLVE} posts at once")));
        }
        for id in attempt_ids {
            crate::accounts::check_id("attempt", id)?;
        }
        if let MissedAction::Reschedule { at } = action {
            if at <= Utc::now() {
                return Err(Error::InvalidInput("the new time is in the past".into()));
            }
        }
        let changed = self.store().resolve_missed(attempt_ids, &action).await?;
        self.emit(crate::CoreEvent::PostsChanged);
        self.wake_scheduler();
        Ok(changed)
    }
}
