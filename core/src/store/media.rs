//! The media library's rows (`media`) and which posts use them (`post_images.path`).

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::posts::ms;
use super::Store;
use crate::api::{MediaFormat, MediaItem};
use crate::error::Result;

#[derive(FromRow)]
struct MediaRow {
    id: String,
    name: String,
    format: String,
    bytes: i64,
    width: i64,
    height: i64,
    has_location: bool,
    fitted_from: Option<String>,
}

pub(crate) fn format_str(format: MediaFormat) -> &'static str {
    match format {
        MediaFormat::Jpeg => "jpeg",
        MediaFormat::Png => "png",
        MediaFormat::Gif => "gif",
    }
}

fn parse_format(s: &str) -> MediaFormat {
    match s {
        "png" => MediaFormat::Png,
        "gif" => MediaFormat::Gif,
        _ => MediaFormat::Jpeg,
    }
}

impl From<MediaRow> for MediaItem {
    fn from(r: MediaRow) -> Self {
        let clamp = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        MediaItem {
            id: r.id,
            name: r.name,
            format: parse_format(&r.format),
            bytes: clamp(r.bytes),
            width: clamp(r.width),
            height: clamp(r.height),
            has_location: r.has_location,
            fitted_from: r.fitted_from,
        }
    }
}

const COLUMNS: &str = "id, name, format, bytes, width, height, has_location, fitted_from";

impl Store {
    /// Add a photo (an existing id is kept as it is: the same bytes).
    pub(crate) async fn media_add(&self, item: &MediaItem, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "INSERT INTO media (id, name, format, bytes, width, height, has_location, fitted_from, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&item.id)
        .bind(&item.name)
        .bind(format_str(item.format))
        .bind(i64::from(item.bytes))
        .bind(i64::from(item.width))
        .bind(i64::from(item.height))
        .bind(item.has_location)
        .bind(&item.fitted_from)
        .bind(ms(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn media_item(&self, id: &str) -> Result<Option<MediaItem>> {
        let row: Option<MediaRow> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM media WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(MediaItem::from))
    }

    /// Mark the photos a post now refers to as used.
    pub(crate) async fn media_mark_used(&self) -> Result<()> {
        sqlx::query("UPDATE media SET used = 1 WHERE used = 0 AND id IN (SELECT path FROM post_images)")
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Photos no post uses: the ones used before, and the ones added before `stale` and never
    /// used. Their rows go; the caller deletes their files.
    pub(crate) async fn media_take_unused(&self, stale: DateTime<Utc>) -> Result<Vec<MediaItem>> {
        let mut tx = self.pool().begin().await?;
        let rows: Vec<MediaRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM media WHERE id NOT IN (SELECT path FROM post_images) \
             AND (used = 1 OR created_at < ?)"
        ))
        .bind(ms(stale))
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            sqlx::query("DELETE FROM media WHERE id = ?").bind(&row.id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(rows.into_iter().map(MediaItem::from).collect())
    }

    /// Image references of posts that are not media ids (paths stored before the library).
    pub(crate) async fn legacy_image_paths(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT path FROM post_images").fetch_all(self.pool()).await?;
        Ok(rows.into_iter().map(|(p,)| p).filter(|p| !crate::media::is_media_id(p)).collect())
    }

    /// Replace a legacy path by the id of its copy in the library, in every post.
    pub(crate) async fn adopt_legacy_path(&self, path: &str, id: &str) -> Result<()> {
        sqlx::query("UPDATE post_images SET path = ? WHERE path = ?").bind(id).bind(path).execute(self.pool()).await?;
        Ok(())
    }
}
