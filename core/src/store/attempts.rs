//! The scheduler's queries on publish attempts: what is ready, retries and quota waits,
//! missed posts, unconfirmed attempts for reconciliation, and publishes counted for quotas.
//! (Posts and the attempt life cycle itself are in [`super::posts`].)

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::posts::{from_ms, ms};
use super::Store;
use crate::api::{AttemptReason, MissedAction, MissedPost};
use crate::error::{Error, Result};
use crate::networks::NetworkId;

/// Scheduled attempts the scheduler may act on: not held as missed, their account connected or
/// gone (they then fail).
const READY: &str = "a.state = 'scheduled' AND a.missed = 0 AND (c.id IS NULL OR c.status = 'connected')";

/// A due attempt with what publishing it needs.
#[derive(Clone, Debug, FromRow)]
pub(crate) struct ReadyAttempt {
    pub id: String,
    pub post_id: String,
    pub account_id: String,
    pub network: String,
    pub tries: i64,
}

/// An unconfirmed attempt and what reconciliation compares: the text sent and when.
#[derive(Clone, Debug, FromRow)]
pub(crate) struct UnconfirmedAttempt {
    pub id: String,
    pub account_id: String,
    pub due_at: i64,
    pub started_at: Option<i64>,
    pub text: String,
    pub link: Option<String>,
}

#[derive(FromRow)]
struct MissedRow {
    id: String,
    post_id: String,
    account_id: String,
    network: String,
    due_at: i64,
    zone: Option<String>,
    text: String,
}

/// Longest excerpt of a missed post's text.
const EXCERPT_CHARS: usize = 120;

impl Store {
    /// Attempts ready by `now` (due, and past any retry or quota wait), earliest first.
    pub(crate) async fn ready_attempts(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<ReadyAttempt>> {
        Ok(sqlx::query_as(&format!(
            "SELECT a.id, a.post_id, a.account_id, a.network, a.tries \
             FROM publish_attempts a LEFT JOIN accounts c ON c.id = a.account_id \
             WHERE {READY} AND a.due_at <= ?1 AND (a.retry_at IS NULL OR a.retry_at <= ?1) \
             ORDER BY a.due_at, a.rowid LIMIT ?2"
        ))
        .bind(ms(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// When the scheduler next has something to do: the earliest ready time (due, or the end of
    /// a retry or quota wait) of an attempt it may act on.
    pub(crate) async fn next_wake(&self) -> Result<Option<DateTime<Utc>>> {
        let (at,): (Option<i64>,) = sqlx::query_as(&format!(
            "SELECT MIN(MAX(a.due_at, COALESCE(a.retry_at, 0))) \
             FROM publish_attempts a LEFT JOIN accounts c ON c.id = a.account_id WHERE {READY}"
        ))
        .fetch_one(self.pool())
        .await?;
        Ok(at.map(from_ms))
    }

    /// publishing → scheduled again, when the call surely published nothing (network
    /// unreachable, a 429): one more try counted, waiting until `retry_at`.
    pub(crate) async fn retry_later(
        &self,
        id: &str,
        reason: AttemptReason,
        retry_at: DateTime<Utc>,
        detail: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE publish_attempts SET state = 'scheduled', tries = tries + 1, started_at = NULL, reason = ?, \
             retryable = 1, retry_at = ?, detail = ? WHERE id = ? AND state = 'publishing'",
        )
        .bind(reason.as_str())
        .bind(ms(retry_at))
        .bind(detail)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// scheduled → scheduled later, when something before the network call failed and nothing
    /// was sent (the media host was unreachable): one more try counted, waiting until `retry_at`.
    pub(crate) async fn retry_before_call(
        &self,
        id: &str,
        reason: AttemptReason,
        retry_at: DateTime<Utc>,
        detail: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE publish_attempts SET tries = tries + 1, reason = ?, retryable = 1, retry_at = ?, detail = ? \
             WHERE id = ? AND state = 'scheduled'",
        )
        .bind(reason.as_str())
        .bind(ms(retry_at))
        .bind(detail)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The network may be back: attempts waiting to retry because it was unreachable may go
    /// now instead of at the end of their backoff. Returns how many.
    pub(crate) async fn release_network_waits(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE publish_attempts SET retry_at = ?1 WHERE state = 'scheduled' \
             AND reason IN ('network_unavailable', 'media_host_unreachable') AND retry_at > ?1",
        )
        .bind(ms(now))
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// A scheduled attempt waits for its account's quota to free up at `until` (no call made).
    pub(crate) async fn wait_for_quota(&self, id: &str, until: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE publish_attempts SET reason = 'quota_wait', retry_at = ? WHERE id = ? AND state = 'scheduled'",
        )
        .bind(ms(until))
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// When each publish of `account_id` since `since` started (the calls a network counts
    /// against its quota: published, unconfirmed or under way), oldest first.
    pub(crate) async fn publish_starts(&self, account_id: &str, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT started_at FROM publish_attempts WHERE account_id = ? AND started_at >= ? \
             AND state IN ('publishing', 'published', 'unconfirmed') ORDER BY started_at",
        )
        .bind(account_id)
        .bind(ms(since))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(at,)| from_ms(at)).collect())
    }

    /// Hold every scheduled attempt due before `cutoff` that never started (no retry under way)
    /// as missed. Returns how many were newly held.
    pub(crate) async fn hold_missed(&self, cutoff: DateTime<Utc>) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE publish_attempts SET missed = 1, reason = 'missed' WHERE state = 'scheduled' AND missed = 0 \
             AND tries = 0 AND retry_at IS NULL AND due_at < ?",
        )
        .bind(ms(cutoff))
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// Attempts held as missed, earliest first, with an excerpt of what they would publish.
    pub(crate) async fn missed_posts(&self) -> Result<Vec<MissedPost>> {
        let rows: Vec<MissedRow> = sqlx::query_as(
            "SELECT a.id, a.post_id, a.account_id, a.network, a.due_at, p.zone, COALESCE(t.variant, p.text) AS text \
             FROM publish_attempts a JOIN posts p ON p.id = a.post_id \
             LEFT JOIN post_targets t ON t.post_id = a.post_id AND t.account_id = a.account_id \
             WHERE a.state = 'scheduled' AND a.missed = 1 ORDER BY a.due_at, a.rowid",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(MissedPost {
                    network: NetworkId::parse(&r.network).ok_or_else(|| {
                        Error::Internal(format!("stored attempt has an unknown network {:?}", r.network))
                    })?,
                    attempt_id: r.id,
                    post_id: r.post_id,
                    account_id: r.account_id,
                    due_at: from_ms(r.due_at),
                    zone: r.zone,
                    excerpt: r.text.chars().take(EXCERPT_CHARS).collect(),
                })
            })
            .collect()
    }

    /// Apply the user's decision to missed attempts, all in one transaction. Returns how many
    /// attempts it applied to (ids that are not missed any more are left alone).
    pub(crate) async fn resolve_missed(&self, ids: &[String], action: &MissedAction) -> Result<u64> {
        let mut tx = self.pool().begin().await?;
        let mut changed = 0;
        for id in ids {
            let held = "WHERE id = ? AND state = 'scheduled' AND missed = 1";
            changed += match action {
                MissedAction::PublishNow => {
                    sqlx::query(&format!("UPDATE publish_attempts SET missed = 0, reason = NULL {held}"))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                }
                MissedAction::Reschedule { at } => {
                    sqlx::query(&format!("UPDATE publish_attempts SET missed = 0, reason = NULL, due_at = ? {held}"))
                        .bind(ms(*at))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                }
                MissedAction::KeepAsDraft => {
                    let post: Option<(String,)> =
                        sqlx::query_as(&format!("SELECT post_id FROM publish_attempts {held}"))
                            .bind(id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let done = sqlx::query(&format!("DELETE FROM publish_attempts {held}"))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    if let Some((post,)) = post {
                        sqlx::query(
                            "UPDATE posts SET state = 'draft' WHERE id = ?1 AND NOT EXISTS \
                             (SELECT 1 FROM publish_attempts WHERE post_id = ?1 AND state IN ('scheduled', 'publishing'))",
                        )
                        .bind(post)
                        .execute(&mut *tx)
                        .await?;
                    }
                    done
                }
            }
            .rows_affected();
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Every unconfirmed attempt with the text it sent (the target's variant or the post's).
    pub(crate) async fn unconfirmed_attempts(&self) -> Result<Vec<UnconfirmedAttempt>> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.account_id, a.due_at, a.started_at, COALESCE(t.variant, p.text) AS text, p.link \
             FROM publish_attempts a JOIN posts p ON p.id = a.post_id \
             LEFT JOIN post_targets t ON t.post_id = a.post_id AND t.account_id = a.account_id \
             WHERE a.state = 'unconfirmed' AND a.resolution IS NULL ORDER BY a.account_id, a.started_at, a.rowid",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Post ids already recorded as published for `account_id` (a listed post belongs to at
    /// most one attempt).
    pub(crate) async fn claimed_post_ids(&self, account_id: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT network_post_id FROM publish_attempts WHERE account_id = ? AND network_post_id IS NOT NULL",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// unconfirmed → published: reconciliation found the post on the network.
    pub(crate) async fn confirm_found(
        &self,
        id: &str,
        network_post_id: &str,
        permalink: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE publish_attempts SET state = 'published', network_post_id = ?, permalink = ?, reason = NULL, \
             retryable = 0, retry_at = NULL, finished_at = ? WHERE id = ? AND state = 'unconfirmed'",
        )
        .bind(network_post_id)
        .bind(permalink)
        .bind(ms(now))
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
