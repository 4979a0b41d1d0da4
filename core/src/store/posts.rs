//! Posts, their targets and publish attempts.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Store;
use crate::api::{Attempt, AttemptReason, AttemptState, Post, PostProblem, PostState, PostTarget, TargetInput};
use crate::error::{Error, Result};
use crate::networks::NetworkId;

pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A normalised draft, ready to store.
pub(crate) struct DraftRow<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub link: Option<&'a str>,
    pub targets: &'a [TargetInput],
    pub scheduled_at: Option<DateTime<Utc>>,
    pub zone: Option<&'a str>,
}

/// What one publish ended in.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    pub state: AttemptState,
    pub network_post_id: Option<String>,
    pub permalink: Option<String>,
    pub reason: Option<AttemptReason>,
    pub retryable: bool,
    pub retry_at: Option<DateTime<Utc>>,
    pub detail: Option<String>,
}

#[derive(FromRow)]
struct AttemptRow {
    id: String,
    post_id: String,
    account_id: String,
    network: String,
    due_at: i64,
    state: String,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    network_post_id: Option<String>,
    permalink: Option<String>,
    reason: Option<String>,
    retryable: i64,
    retry_at: Option<i64>,
    detail: Option<String>,
}

impl AttemptRow {
    fn into_attempt(self) -> Result<Attempt> {
        Ok(Attempt {
            network: NetworkId::parse(&self.network)
                .ok_or_else(|| Error::Internal(format!("stored attempt has an unknown network {:?}", self.network)))?,
            state: AttemptState::parse(&self.state)
                .ok_or_else(|| Error::Internal(format!("stored attempt has an unknown state {:?}", self.state)))?,
            id: self.id,
            post_id: self.post_id,
            account_id: self.account_id,
            due_at: from_ms(self.due_at),
            started_at: self.started_at.map(from_ms),
            finished_at: self.finished_at.map(from_ms),
            network_post_id: self.network_post_id,
            permalink: self.permalink,
            reason: self.reason.as_deref().and_then(AttemptReason::parse),
            retryable: self.retryable != 0,
            retry_at: self.retry_at.map(from_ms),
            detail: self.detail,
        })
    }
}

const ATTEMPT_COLUMNS: &str = "id, post_id, account_id, network, due_at, state, started_at, finished_at, \
                               network_post_id, permalink, reason, retryable, retry_at, detail";

impl Store {
    /// Insert or update a draft and its targets in one transaction: cheap enough for every
    /// keystroke. A scheduled post that is edited goes back to being a draft; its attempts not
    /// yet started are withdrawn (one already under way is left to finish).
    pub(crate) async fn save_draft(&self, draft: &DraftRow<'_>, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO posts (id, text, link, state, scheduled_at, zone, created_at, updated_at) \
             VALUES (?, ?, ?, 'draft', ?, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET text = excluded.text, link = excluded.link, state = 'draft', \
               scheduled_at = excluded.scheduled_at, zone = excluded.zone, updated_at = excluded.updated_at",
        )
        .bind(draft.id)
        .bind(draft.text)
        .bind(draft.link)
        .bind(draft.scheduled_at.map(ms))
        .bind(draft.zone)
        .bind(ms(now))
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM publish_attempts WHERE post_id = ? AND state = 'scheduled'")
            .bind(draft.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM post_targets WHERE post_id = ?").bind(draft.id).execute(&mut *tx).await?;
        for (position, target) in draft.targets.iter().enumerate() {
            sqlx::query("INSERT INTO post_targets (post_id, account_id, position, variant) VALUES (?, ?, ?, ?)")
                .bind(draft.id)
                .bind(&target.account_id)
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
                .bind(target.variant.as_deref())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn post(&self, id: &str) -> Result<Option<Post>> {
        type PostRow = (String, String, Option<String>, String, Option<i64>, Option<String>, i64, i64);
        let row: Option<PostRow> = sqlx::query_as(
            "SELECT id, text, link, state, scheduled_at, zone, created_at, updated_at FROM posts WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some((id, text, link, state, scheduled_at, zone, created_at, updated_at)) = row else {
            return Ok(None);
        };
        let targets: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT account_id, variant, problems FROM post_targets WHERE post_id = ? ORDER BY position",
        )
        .bind(&id)
        .fetch_all(self.pool())
        .await?;
        let targets = targets
            .into_iter()
            .map(|(account_id, variant, problems)| PostTarget {
                account_id,
                variant,
                problems: problems.as_deref().and_then(|p| serde_json::from_str(p).ok()).unwrap_or_default(),
            })
            .collect();
        Ok(Some(Post {
            state: if state == "scheduled" { PostState::Scheduled } else { PostState::Draft },
            attempts: self.attempts_of(&id).await?,
            id,
            text,
            link,
            scheduled_at: scheduled_at.map(from_ms),
            zone,
            targets,
            created_at: from_ms(created_at),
            updated_at: from_ms(updated_at),
        }))
    }

    pub async fn attempts_of(&self, post_id: &str) -> Result<Vec<Attempt>> {
        let rows: Vec<AttemptRow> = sqlx::query_as(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM publish_attempts WHERE post_id = ? ORDER BY due_at, rowid"
        ))
        .bind(post_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(AttemptRow::into_attempt).collect()
    }

    pub async fn attempt(&self, id: &str) -> Result<Option<Attempt>> {
        let row: Option<AttemptRow> =
            sqlx::query_as(&format!("SELECT {ATTEMPT_COLUMNS} FROM publish_attempts WHERE id = ?"))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.map(AttemptRow::into_attempt).transpose()
    }

    /// Record why each target cannot be scheduled (empty list: nothing stops it).
    pub(crate) async fn set_problems(&self, post_id: &str, problems: &[(String, Vec<PostProblem>)]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for (account_id, list) in problems {
            let json = serde_json::to_string(list).map_err(|e| Error::Internal(format!("problems: {e}")))?;
            sqlx::query("UPDATE post_targets SET problems = ? WHERE post_id = ? AND account_id = ?")
                .bind(json)
                .bind(post_id)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Mark the post scheduled and create one attempt per target, due at `due`, in one transaction.
    pub(crate) async fn schedule(
        &self,
        post_id: &str,
        due: DateTime<Utc>,
        targets: &[(String, NetworkId)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE posts SET state = 'scheduled', scheduled_at = ?, updated_at = ? WHERE id = ?")
            .bind(ms(due))
            .bind(ms(now))
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM publish_attempts WHERE post_id = ? AND state = 'scheduled'")
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        for (account_id, network) in targets {
            sqlx::query(
                "INSERT INTO publish_attempts (id, post_id, account_id, network, due_at, state) \
                 VALUES (?, ?, ?, ?, ?, 'scheduled')",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(post_id)
            .bind(account_id)
            .bind(network.as_str())
            .bind(ms(due))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Due attempts whose account needs a reconnect say so (they wait); those whose account is
    /// connected again lose the mark. Returns how many marks changed.
    pub(crate) async fn mark_waiting(&self, now: DateTime<Utc>) -> Result<u64> {
        let marked = sqlx::query(
            "UPDATE publish_attempts SET reason = 'needs_reconnect' WHERE state = 'scheduled' AND due_at <= ? \
             AND reason IS NOT 'needs_reconnect' \
             AND account_id IN (SELECT id FROM accounts WHERE status != 'connected')",
        )
        .bind(ms(now))
        .execute(self.pool())
        .await?
        .rows_affected();
        let cleared = sqlx::query(
            "UPDATE publish_attempts SET reason = NULL WHERE state = 'scheduled' AND reason = 'needs_reconnect' \
             AND account_id IN (SELECT id FROM accounts WHERE status = 'connected')",
        )
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(marked + cleared)
    }

    /// scheduled → publishing, durably, before the network call. `false`: the attempt is no
    /// longer scheduled (withdrawn or taken), so nothing may be sent.
    pub(crate) async fn begin_publishing(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE publish_attempts SET state = 'publishing', started_at = ?, reason = NULL \
             WHERE id = ? AND state = 'scheduled'",
        )
        .bind(ms(now))
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// publishing (or scheduled, for an attempt failed before any call) → its outcome.
    pub(crate) async fn finish_attempt(&self, id: &str, outcome: &Outcome, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE publish_attempts SET state = ?, finished_at = ?, network_post_id = ?, permalink = ?, reason = ?, \
             retryable = ?, retry_at = ?, detail = ? WHERE id = ? AND state IN ('publishing', 'scheduled')",
        )
        .bind(outcome.state.as_str())
        .bind(ms(now))
        .bind(outcome.network_post_id.as_deref())
        .bind(outcome.permalink.as_deref())
        .bind(outcome.reason.map(AttemptReason::as_str))
        .bind(i64::from(outcome.retryable))
        .bind(outcome.retry_at.map(ms))
        .bind(outcome.detail.as_deref())
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// At start: every attempt still `publishing` was cut off mid-call. It becomes
    /// `unconfirmed` (interrupted) and is never retried blindly. Returns how many.
    pub(crate) async fn interrupted_to_unconfirmed(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE publish_attempts SET state = 'unconfirmed', reason = 'interrupted', finished_at = ? \
             WHERE state = 'publishing'",
        )
        .bind(ms(now))
        .execute(self.pool())
        .await?
        .rows_affected())
    }
}
