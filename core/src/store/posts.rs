//! Posts, their targets and publish attempts.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Store;
use crate::api::{
    ArchiveEntry, ArchiveFilter, Attempt, AttemptReason, AttemptResolution, AttemptState, CalendarEntry, EntryState,
    Post, PostProblem, PostState, PostTarget, TargetInput,
};
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
    pub images: &'a [String],
}

/// A post to schedule at once: its attempts' due time and one `(account, network)` per target.
pub(crate) struct ScheduleRow<'a> {
    pub due: DateTime<Utc>,
    pub targets: &'a [(String, NetworkId)],
}

type Tx<'t> = sqlx::Transaction<'t, sqlx::Sqlite>;

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
    resolution: Option<String>,
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
            resolution: self.resolution.as_deref().and_then(AttemptResolution::parse),
        })
    }
}

const ATTEMPT_COLUMNS: &str = "id, post_id, account_id, network, due_at, state, started_at, finished_at, \
                               network_post_id, permalink, reason, retryable, retry_at, detail, resolution";

impl Store {
    /// Insert or update a draft and its targets in one transaction: cheap enough for every
    /// keystroke. A scheduled post that is edited goes back to being a draft; its attempts not
    /// yet started are withdrawn (one already under way is left to finish).
    pub(crate) async fn save_draft(&self, draft: &DraftRow<'_>, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        save_draft_tx(&mut tx, draft, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Several posts in one transaction (all or nothing), each saved as a draft and, with a
    /// [`ScheduleRow`], scheduled.
    pub(crate) async fn save_many(
        &self,
        posts: &[(DraftRow<'_>, Option<ScheduleRow<'_>>)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for (draft, schedule) in posts {
            save_draft_tx(&mut tx, draft, now).await?;
            if let Some(schedule) = schedule {
                schedule_tx(&mut tx, draft.id, schedule.due, schedule.targets, now).await?;
            }
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
        let images: Vec<(String,)> = sqlx::query_as("SELECT path FROM post_images WHERE post_id = ? ORDER BY position")
            .bind(&id)
            .fetch_all(self.pool())
            .await?;
        Ok(Some(Post {
            images: images.into_iter().map(|(p,)| p).collect(),
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
        schedule_tx(&mut tx, post_id, due, targets, now).await?;
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

/// The post's finished (or running) attempts leave the calendar: a newer state replaces them.
async fn supersede(tx: &mut Tx<'_>, post_id: &str) -> Result<()> {
    sqlx::query(
        "UPDATE publish_attempts SET superseded = 1 WHERE post_id = ? AND state != 'scheduled' AND superseded = 0",
    )
    .bind(post_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A new scheduled attempt for one target, with the excerpt and zone the calendar shows.
async fn insert_attempt(
    tx: &mut Tx<'_>,
    post_id: &str,
    account_id: &str,
    network: &str,
    due: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO publish_attempts (id, post_id, account_id, network, due_at, state, excerpt, zone) \
         SELECT ?1, p.id, ?2, ?3, ?4, 'scheduled', substr(COALESCE(t.variant, p.text), 1, 120), p.zone \
         FROM posts p LEFT JOIN post_targets t ON t.post_id = p.id AND t.account_id = ?2 WHERE p.id = ?5",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(account_id)
    .bind(network)
    .bind(ms(due))
    .bind(post_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn save_draft_tx(tx: &mut Tx<'_>, draft: &DraftRow<'_>, now: DateTime<Utc>) -> Result<()> {
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
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM publish_attempts WHERE post_id = ? AND state = 'scheduled'")
        .bind(draft.id)
        .execute(&mut **tx)
        .await?;
    supersede(tx, draft.id).await?;
    sqlx::query("DELETE FROM post_targets WHERE post_id = ?").bind(draft.id).execute(&mut **tx).await?;
    for (position, target) in draft.targets.iter().enumerate() {
        sqlx::query("INSERT INTO post_targets (post_id, account_id, position, variant) VALUES (?, ?, ?, ?)")
            .bind(draft.id)
            .bind(&target.account_id)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(target.variant.as_deref())
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM post_images WHERE post_id = ?").bind(draft.id).execute(&mut **tx).await?;
    for (position, path) in draft.images.iter().enumerate() {
        sqlx::query("INSERT INTO post_images (post_id, position, path) VALUES (?, ?, ?)")
            .bind(draft.id)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(path)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn schedule_tx(
    tx: &mut Tx<'_>,
    post_id: &str,
    due: DateTime<Utc>,
    targets: &[(String, NetworkId)],
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE posts SET state = 'scheduled', scheduled_at = ?, updated_at = ? WHERE id = ?")
        .bind(ms(due))
        .bind(ms(now))
        .bind(post_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM publish_attempts WHERE post_id = ? AND state = 'scheduled'")
        .bind(post_id)
        .execute(&mut **tx)
        .await?;
    supersede(tx, post_id).await?;
    for (account_id, network) in targets {
        insert_attempt(tx, post_id, account_id, network.as_str(), due).await?;
    }
    Ok(())
}

impl Store {
    /// Keep the `accounts/{id}` a Google location belongs to (looked up at its first publish).
    pub(crate) async fn set_account_parent(&self, account_id: &str, parent: &str) -> Result<()> {
        sqlx::query("UPDATE accounts SET parent_id = ? WHERE id = ?")
            .bind(parent)
            .bind(account_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// The archive's cursor: the last entry's due time and id.
pub(crate) fn archive_cursor(due_at: DateTime<Utc>, id: &str) -> String {
    format!("{}_{id}", ms(due_at))
}

fn parse_cursor(cursor: &str) -> Result<(i64, String)> {
    let bad = || Error::InvalidInput("the archive position is not valid".into());
    let (at, id) = cursor.split_once('_').ok_or_else(bad)?;
    if id.len() != 36 || uuid::Uuid::parse_str(id).is_err() {
        return Err(bad());
    }
    Ok((at.parse().map_err(|_| bad())?, id.to_owned()))
}

type CalendarRow = (
    String,
    Option<String>,
    String,
    Option<String>,
    i64,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
);

#[derive(FromRow)]
struct ArchiveRow {
    #[sqlx(flatten)]
    attempt: AttemptRow,
    account_name: Option<String>,
    excerpt: String,
    first_image: Option<String>,
}

/// What a state change found when its condition did not hold.
pub(crate) enum Refused {
    NotFound,
    State(String),
    /// An unconfirmed attempt may have been published: publishing again needs a confirmation.
    ConfirmRequired,
}

pub(crate) type Change<T> = std::result::Result<T, Refused>;

impl Store {
    /// The calendar between `from` (inclusive) and `to` (exclusive): for a scheduled post, one
    /// entry per target with its latest attempt; for a draft with a time, one per target.
    pub async fn calendar(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<CalendarEntry>> {
        // The attempts' part reads one partial index and the attempt rows only (excerpt and
        // zone are written with each attempt): a month of a busy store stays within a few ms.
        // One row holding the month as a JSON array: sqlx decodes rows one by one (a few µs
        // each), so thousands of entries cost more in decoding than in SQLite itself.
        let (json,): (String,) = sqlx::query_as(
            "SELECT json_group_array(json_array(post_id, attempt_id, account_id, network, at, zone, state, \
               excerpt, permalink, reason, reconnect, \
               (SELECT i.path FROM post_images i WHERE i.post_id = m.post_id ORDER BY i.position LIMIT 1))) FROM ( \
             SELECT a.post_id AS post_id, a.id AS attempt_id, a.account_id AS account_id, a.network AS network, \
               a.due_at AS at, \
               COALESCE(a.zone, (SELECT zone FROM posts WHERE id = a.post_id)) AS zone, a.state AS state, \
               COALESCE(a.excerpt, (SELECT substr(COALESCE(t.variant, p.text), 1, 120) FROM posts p \
                 LEFT JOIN post_targets t ON t.post_id = p.id AND t.account_id = a.account_id WHERE p.id = a.post_id)) AS excerpt, \
               a.permalink AS permalink, a.reason AS reason, \
               (a.reason IS 'needs_reconnect' OR c.status IS 'needs_reconnect') AS reconnect \
             FROM publish_attempts a LEFT JOIN accounts c ON c.id = a.account_id \
             WHERE a.superseded = 0 AND a.due_at >= ?1 AND a.due_at < ?2 \
             UNION ALL \
             SELECT p.id, NULL, t.account_id, c.network, p.scheduled_at, p.zone, 'draft', \
               substr(COALESCE(t.variant, p.text), 1, 120), NULL, NULL, (c.status IS 'needs_reconnect') \
             FROM posts p \
             JOIN post_targets t ON t.post_id = p.id \
             LEFT JOIN accounts c ON c.id = t.account_id \
             WHERE p.state = 'draft' AND p.scheduled_at >= ?1 AND p.scheduled_at < ?2 \
             ORDER BY 5, 1, 3) m",
        )
        .bind(ms(from))
        .bind(ms(to))
        .fetch_one(self.pool())
        .await?;
        let rows: Vec<CalendarRow> = serde_json::from_str(&json)
            .map_err(|e| Error::Internal(format!("the calendar query answered unexpected JSON: {e}")))?;
        let mut entries: Vec<CalendarEntry> = rows
            .into_iter()
            .map(
                |(
                    post_id,
                    attempt_id,
                    account_id,
                    network,
                    at,
                    zone,
                    state,
                    excerpt,
                    permalink,
                    reason,
                    reconnect,
                    first_image,
                )| {
                    CalendarEntry {
                        post_id,
                        attempt_id,
                        account_id,
                        network: network.as_deref().and_then(NetworkId::parse),
                        at: from_ms(at),
                        zone,
                        state: AttemptState::parse(&state).map_or(EntryState::Draft, EntryState::from),
                        excerpt: excerpt.unwrap_or_default(),
                        permalink,
                        reason: reason.as_deref().and_then(AttemptReason::parse),
                        needs_reconnect: reconnect != 0,
                        first_image,
                    }
                },
            )
            .collect();
        // SQLite keeps the inner order in practice; the calendar relies on it, so make sure.
        entries.sort_by(|a, b| (a.at, &a.post_id, &a.account_id).cmp(&(b.at, &b.post_id, &b.account_id)));
        Ok(entries)
    }

    /// Attempts newest first (by due time, then id), filtered, after `filter.before`.
    /// Returns the page and the cursor of its last entry when there may be more.
    pub async fn archive(&self, filter: &ArchiveFilter, limit: u32) -> Result<(Vec<ArchiveEntry>, Option<String>)> {
        let mut sql = format!(
            "SELECT {}, c.display_name AS account_name, substr(COALESCE(t.variant, p.text), 1, 120) AS excerpt, \
             (SELECT i.path FROM post_images i WHERE i.post_id = a.post_id ORDER BY i.position LIMIT 1) AS first_image \
             FROM publish_attempts a CROSS JOIN posts p ON p.id = a.post_id \
             LEFT JOIN post_targets t ON t.post_id = a.post_id AND t.account_id = a.account_id \
             LEFT JOIN accounts c ON c.id = a.account_id WHERE 1",
            ATTEMPT_COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
        );
        if filter.account_id.is_some() {
            sql.push_str(" AND a.account_id = ?");
        }
        if filter.network.is_some() {
            sql.push_str(" AND a.network = ?");
        }
        if filter.state.is_some() {
            sql.push_str(" AND a.state = ?");
        }
        let cursor = filter.before.as_deref().map(parse_cursor).transpose()?;
        if cursor.is_some() {
            sql.push_str(" AND (a.due_at, a.id) < (?, ?)");
        }
        sql.push_str(" ORDER BY a.due_at DESC, a.id DESC LIMIT ?");
        let mut query = sqlx::query_as::<_, ArchiveRow>(&sql);
        if let Some(account) = &filter.account_id {
            query = query.bind(account);
        }
        if let Some(network) = filter.network {
            query = query.bind(network.as_str());
        }
        if let Some(state) = filter.state {
            query = query.bind(state.as_str());
        }
        if let Some((at, id)) = cursor {
            query = query.bind(at).bind(id);
        }
        let rows = query.bind(i64::from(limit)).fetch_all(self.pool()).await?;
        let full = rows.len() == usize::try_from(limit).unwrap_or(usize::MAX);
        let entries = rows
            .into_iter()
            .map(|r| {
                Ok(ArchiveEntry {
                    attempt: r.attempt.into_attempt()?,
                    account_name: r.account_name,
                    excerpt: r.excerpt,
                    first_image: r.first_image,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let next = if full { entries.last().map(|e| archive_cursor(e.attempt.due_at, &e.attempt.id)) } else { None };
        Ok((entries, next))
    }

    /// Back to draft: the post's attempts not yet started are withdrawn (one under way finishes).
    pub(crate) async fn unschedule(&self, post_id: &str, now: DateTime<Utc>) -> Result<Change<()>> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query("UPDATE posts SET state = 'draft', updated_at = ? WHERE id = ?")
            .bind(ms(now))
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(Err(Refused::NotFound));
        }
        sqlx::query("DELETE FROM publish_attempts WHERE post_id = ? AND state = 'scheduled'")
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        supersede(&mut tx, post_id).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Move the post (and its attempts not yet started) to `at`, chosen in `zone`.
    pub(crate) async fn reschedule(
        &self,
        post_id: &str,
        at: DateTime<Utc>,
        zone: &str,
        now: DateTime<Utc>,
    ) -> Result<Change<()>> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query("UPDATE posts SET scheduled_at = ?, zone = ?, updated_at = ? WHERE id = ?")
            .bind(ms(at))
            .bind(zone)
            .bind(ms(now))
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(Err(Refused::NotFound));
        }
        sqlx::query("UPDATE publish_attempts SET due_at = ?, zone = ? WHERE post_id = ? AND state = 'scheduled'")
            .bind(ms(at))
            .bind(zone)
            .bind(post_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Delete a post with its targets, images and attempts; refused while one is publishing.
    pub(crate) async fn delete_post(&self, post_id: &str) -> Result<Change<()>> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "DELETE FROM posts WHERE id = ?1 \
             AND NOT EXISTS (SELECT 1 FROM publish_attempts WHERE post_id = ?1 AND state = 'publishing')",
        )
        .bind(post_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            tx.commit().await?;
            return Ok(Ok(()));
        }
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT id FROM posts WHERE id = ?").bind(post_id).fetch_optional(&mut *tx).await?;
        Ok(Err(if exists.is_some() {
            Refused::State("The post is being published right now; try again in a moment.".into())
        } else {
            Refused::NotFound
        }))
    }

    /// A failed (or, confirmed, an unconfirmed) attempt is marked retried and a new attempt for
    /// the same target is due at `now`; the post is scheduled. Returns the post id.
    pub(crate) async fn retry(&self, attempt_id: &str, confirmed: bool, now: DateTime<Utc>) -> Result<Change<String>> {
        let mut tx = self.pool().begin().await?;
        let Some((post_id, account_id, network, state, resolution)) = attempt_for_decision(&mut tx, attempt_id).await?
        else {
            return Ok(Err(Refused::NotFound));
        };
        if let Some(refused) = undecidable(&state, resolution.as_deref()) {
            return Ok(Err(refused));
        }
        if state == "unconfirmed" && !confirmed {
            return Ok(Err(Refused::ConfirmRequired));
        }
        sqlx::query("UPDATE publish_attempts SET resolution = 'retried', superseded = 1 WHERE id = ?")
            .bind(attempt_id)
            .execute(&mut *tx)
            .await?;
        insert_attempt(&mut tx, &post_id, &account_id, &network, now).await?;
        sqlx::query("UPDATE posts SET state = 'scheduled', updated_at = ? WHERE id = ?")
            .bind(ms(now))
            .bind(&post_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(post_id))
    }

    /// A failed or unconfirmed attempt is marked kept-as-draft and its post becomes a draft
    /// again (text, targets and images untouched; attempts not yet started withdrawn).
    pub(crate) async fn keep_as_draft(&self, attempt_id: &str, now: DateTime<Utc>) -> Result<Change<String>> {
        let mut tx = self.pool().begin().await?;
        let Some((post_id, _, _, state, resolution)) = attempt_for_decision(&mut tx, attempt_id).await? else {
            return Ok(Err(Refused::NotFound));
        };
        if let Some(refused) = undecidable(&state, resolution.as_deref()) {
            return Ok(Err(refused));
        }
        sqlx::query("UPDATE publish_attempts SET resolution = 'kept_as_draft' WHERE id = ?")
            .bind(attempt_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM publish_attempts WHERE post_id = ? AND state = 'scheduled'")
            .bind(&post_id)
            .execute(&mut *tx)
            .await?;
        supersede(&mut tx, &post_id).await?;
        sqlx::query("UPDATE posts SET state = 'draft', updated_at = ? WHERE id = ?")
            .bind(ms(now))
            .bind(&post_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(post_id))
    }
}

type DecisionRow = (String, String, String, String, Option<String>);

async fn attempt_for_decision(tx: &mut Tx<'_>, attempt_id: &str) -> Result<Option<DecisionRow>> {
    Ok(sqlx::query_as("SELECT post_id, account_id, network, state, resolution FROM publish_attempts WHERE id = ?")
        .bind(attempt_id)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Only a failed or unconfirmed attempt nobody decided about yet can be retried or kept.
fn undecidable(state: &str, resolution: Option<&str>) -> Option<Refused> {
    if resolution.is_some() {
        return Some(Refused::State("This attempt was already dealt with.".into()));
    }
    match state {
        "failed" | "unconfirmed" => None,
        "published" => Some(Refused::State("This post was published.".into())),
        _ => Some(Refused::State("This attempt has not finished yet.".into())),
    }
}

/// A target as another computer knows it: the account by network and external id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortableTarget {
    pub network: NetworkId,
    pub external_id: String,
    pub variant: Option<String>,
}

/// A draft or a post still to publish, as the export file carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortablePost {
    pub id: String,
    pub text: String,
    pub link: Option<String>,
    pub scheduled: bool,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub zone: Option<String>,
    pub targets: Vec<PortableTarget>,
    pub images: Vec<String>,
    pub created_at: DateTime<Utc>,
}

type PortableRow = (String, String, Option<String>, String, Option<i64>, Option<String>, i64);

/// Drafts, and scheduled posts with an attempt still to make (published history stays here).
pub(crate) async fn portable_posts(tx: &mut Tx<'_>) -> Result<Vec<PortablePost>> {
    let rows: Vec<PortableRow> = sqlx::query_as(
        "SELECT id, text, link, state, scheduled_at, zone, created_at FROM posts p WHERE state = 'draft' \
         OR EXISTS (SELECT 1 FROM publish_attempts a WHERE a.post_id = p.id AND a.state = 'scheduled') \
         ORDER BY created_at, id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut posts = Vec::with_capacity(rows.len());
    for (id, text, link, state, scheduled_at, zone, created_at) in rows {
        let targets: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT c.network, c.external_id, t.variant FROM post_targets t JOIN accounts c ON c.id = t.account_id \
             WHERE t.post_id = ? ORDER BY t.position",
        )
        .bind(&id)
        .fetch_all(&mut **tx)
        .await?;
        let images: Vec<(String,)> = sqlx::query_as("SELECT path FROM post_images WHERE post_id = ? ORDER BY position")
            .bind(&id)
            .fetch_all(&mut **tx)
            .await?;
        posts.push(PortablePost {
            targets: targets
                .into_iter()
                .filter_map(|(network, external_id, variant)| {
                    NetworkId::parse(&network).map(|network| PortableTarget { network, external_id, variant })
                })
                .collect(),
            images: images.into_iter().map(|(p,)| p).collect(),
            scheduled: state == "scheduled",
            scheduled_at: scheduled_at.map(from_ms),
            created_at: from_ms(created_at),
            id,
            text,
            link,
            zone,
        });
    }
    Ok(posts)
}

/// Add the posts this store lacks (by id), inside the import's transaction. A scheduled post
/// whose time has passed arrives as a draft; the others are scheduled again here (their
/// accounts, imported, wait for a reconnect before anything is published). Returns how many.
pub(crate) async fn merge_posts(tx: &mut Tx<'_>, posts: &[PortablePost], now: DateTime<Utc>) -> Result<u32> {
    let mut added = 0u32;
    for post in posts {
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT id FROM posts WHERE id = ?").bind(&post.id).fetch_optional(&mut **tx).await?;
        if exists.is_some() {
            continue;
        }
        let mut targets = Vec::with_capacity(post.targets.len());
        let mut networks = Vec::with_capacity(post.targets.len());
        for target in &post.targets {
            let (account_id,): (String,) =
                sqlx::query_as("SELECT id FROM accounts WHERE network = ? AND external_id = ?")
                    .bind(target.network.as_str())
                    .bind(&target.external_id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or_else(|| Error::InvalidInput("a post names an account the file does not carry".into()))?;
            networks.push((account_id.clone(), target.network));
            targets.push(TargetInput { account_id, variant: target.variant.clone() });
        }
        let draft = DraftRow {
            id: &post.id,
            text: &post.text,
            link: post.link.as_deref(),
            targets: &targets,
            scheduled_at: post.scheduled_at,
            zone: post.zone.as_deref(),
            images: &post.images,
        };
        save_draft_tx(tx, &draft, now).await?;
        sqlx::query("UPDATE posts SET created_at = ? WHERE id = ?")
            .bind(ms(post.created_at))
            .bind(&post.id)
            .execute(&mut **tx)
            .await?;
        if let (true, Some(at)) = (post.scheduled, post.scheduled_at) {
            if at > now && !networks.is_empty() {
                schedule_tx(tx, &post.id, at, &networks, now).await?;
            }
        }
        added = added.saturating_add(1);
    }
    Ok(added)
}
