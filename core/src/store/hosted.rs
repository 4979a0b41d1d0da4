//! Photos on the media host (`hosted_media`): recorded before each upload, marked once deleted.

use chrono::{DateTime, Utc};

use super::posts::ms;
use super::Store;
use crate::error::Result;

impl Store {
    /// Record `key` for `attempt_id` before it is uploaded (a crash leaves it known).
    pub(crate) async fn hosted_add(
        &self,
        key: &str,
        attempt_id: &str,
        network: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query("INSERT INTO hosted_media (key, attempt_id, network, uploaded_at) VALUES (?, ?, ?, ?)")
            .bind(key)
            .bind(attempt_id)
            .bind(network)
            .bind(ms(now))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The keys of an attempt still on the media host.
    pub(crate) async fn hosted_of_attempt(&self, attempt_id: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT key FROM hosted_media WHERE attempt_id = ? AND deleted_at IS NULL ORDER BY uploaded_at",
        )
        .bind(attempt_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(k,)| k).collect())
    }

    /// Keys still on the media host uploaded before `before` (leftovers of a crash or of
    /// attempts that never settled), each with whether its attempt was published.
    pub(crate) async fn hosted_left_before(&self, before: DateTime<Utc>) -> Result<Vec<(String, bool)>> {
        let rows: Vec<(String, bool)> = sqlx::query_as(
            "SELECT h.key, COALESCE(a.state = 'published', 0) FROM hosted_media h \
             LEFT JOIN publish_attempts a ON a.id = h.attempt_id \
             WHERE h.deleted_at IS NULL AND h.uploaded_at < ? ORDER BY h.uploaded_at",
        )
        .bind(ms(before))
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    pub(crate) async fn hosted_deleted(&self, key: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE hosted_media SET deleted_at = ? WHERE key = ?")
            .bind(ms(now))
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
