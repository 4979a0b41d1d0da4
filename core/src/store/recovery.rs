//! The check `Store::open` runs before migrating, and what happens when it fails: the file is
//! moved aside, never overwritten or deleted.
//!
//! Three outcomes for an existing `herald.db`:
//! - healthy, with a schema this build knows: open it as usual;
//! - not a database, or damaged (SQLite says `NOTADB`/`CORRUPT`, or the integrity check lists
//!   problems): set aside as `herald.db.corrupt-<UTC>.bak`;
//! - healthy but carrying migrations this build does not know (a newer Herald wrote it): set
//!   aside as `herald.db.newer-schema-<UTC>.bak`, because migrating it down is impossible and
//!   writing to it with an older schema could break it for the newer version.
//!
//! Any other failure (busy, locked, permission denied, I/O error) is an error and moves nothing:
//! the file may be perfectly fine and only temporarily out of reach.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};

use super::MIGRATOR;
use crate::error::{Error, Result};

/// Up to this size the full `PRAGMA integrity_check` runs; above it, `PRAGMA quick_check`.
///
/// `integrity_check` also verifies that every index agrees with its table, which costs
/// O(N log N); `quick_check` skips that cross-check and is O(N), yet still reads every page and
/// catches the damage a crash or a failing disk produces (bad pages, broken b-trees, malformed
/// records). Herald's database holds accounts, settings and later drafts and posts (text, no
/// media), so it stays a few megabytes and the full check takes milliseconds. The threshold
/// only keeps start-up bounded should a database ever grow very large.
const FULL_CHECK_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// How many problems the integrity check reports at most (the detail is for people).
const MAX_PROBLEMS: u32 = 10;

/// Files SQLite keeps next to the database; they travel with it when it is set aside.
const COMPANIONS: [&str; 3] = ["-wal", "-shm", "-journal"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryReason {
    /// The file was not a SQLite database, or it failed the integrity check.
    Corrupt,
    /// The database was written by a newer Herald (it has migrations this build does not know).
    NewerSchema,
}

impl RecoveryReason {
    /// The word used in the backup file's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Corrupt => "corrupt",
            Self::NewerSchema => "newer-schema",
        }
    }
}

/// The old database was set aside and a fresh one created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Recovery {
    pub reason: RecoveryReason,
    /// Where the old database now is; its `-wal`/`-shm` companions, if it had any, sit next to
    /// it with the same suffixes, so SQLite opens the backup as it was.
    pub backup_path: PathBuf,
    /// What the check found (SQLite's words), for the log and a "details" disclosure.
    pub detail: String,
}

/// Check the database at `path` (if there is one); set it aside when it cannot be used.
pub(super) async fn check_or_set_aside(path: &Path, busy_timeout: Duration) -> Result<Option<Recovery>> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::StorageFile(format!("cannot read {}: {e}", path.display()))),
    }
    let Some((reason, detail)) = inspect(path, busy_timeout).await? else {
        return Ok(None);
    };
    let backup_path = set_aside(path, reason)?;
    tracing::warn!(
        reason = reason.as_str(),
        backup = %backup_path.display(),
        %detail,
        "the database could not be used; it was set aside and a fresh one created"
    );
    Ok(Some(Recovery { reason, backup_path, detail }))
}

/// `Some` when the file must be set aside, `None` when it is fine, `Err` when it cannot be
/// judged (busy, permissions, I/O).
async fn inspect(path: &Path, busy_timeout: Duration) -> Result<Option<(RecoveryReason, String)>> {
    // Read-only first: the check must not change the file. A read-write connection would, on
    // close, checkpoint the WAL into the main file and delete it, even into a damaged file, and
    // then the backup would no longer be what the user had.
    let verdict = match inspect_with(path, busy_timeout, true).await {
        // SQLITE_READONLY_ROLLBACK / _RECOVERY / _CANTINIT: a crash left a hot journal or a WAL
        // index that must be rebuilt, which needs write access. That is SQLite's ordinary crash
        // recovery, which any open would perform, so let it happen and check afterwards.
        Err(e) if primary_code(&e) == Some(SQLITE_READONLY) => {
            tracing::debug!("the database needs crash recovery before it can be checked: {e}");
            inspect_with(path, busy_timeout, false).await
        }
        other => other,
    };
    verdict.or_else(|e| {
        if is_corruption(&e) {
            Ok(Some((RecoveryReason::Corrupt, e.to_string())))
        } else {
            Err(Error::Storage(e))
        }
    })
}

async fn inspect_with(
    path: &Path,
    busy_timeout: Duration,
    read_only: bool,
) -> Result<Option<(RecoveryReason, String)>, sqlx::Error> {
    // No journal_mode or other persistent pragma: the file keeps whatever mode it has.
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .read_only(read_only)
        .busy_timeout(busy_timeout);
    let mut conn = options.connect().await?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let verdict = examine(&mut conn, size).await;
    // Closing must finish before the file is renamed; a failed close changes nothing we report.
    if let Err(e) = conn.close().await {
        tracing::debug!("closing the checking connection: {e}");
    }
    verdict
}

async fn examine(conn: &mut SqliteConnection, size: u64) -> Result<Option<(RecoveryReason, String)>, sqlx::Error> {
    let check = if size <= FULL_CHECK_MAX_BYTES { "integrity_check" } else { "quick_check" };
    let problems: Vec<(String,)> =
        sqlx::query_as(&format!("PRAGMA {check}({MAX_PROBLEMS})")).fetch_all(&mut *conn).await?;
    if problems.len() != 1 || problems[0].0 != "ok" {
        let list: Vec<String> = problems.into_iter().map(|(p,)| p).collect();
        return Ok(Some((RecoveryReason::Corrupt, format!("{check} failed: {}", list.join("; ")))));
    }

    let (tracked,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_one(&mut *conn)
            .await?;
    if tracked == 0 {
        return Ok(None);
    }
    let applied: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM _sqlx_migrations ORDER BY version").fetch_all(&mut *conn).await?;
    let known: HashSet<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    let unknown: Vec<String> =
        applied.into_iter().map(|(v,)| v).filter(|v| !known.contains(v)).map(|v| v.to_string()).collect();
    if unknown.is_empty() {
        return Ok(None);
    }
    Ok(Some((
        RecoveryReason::NewerSchema,
        format!(
            "written by a newer version of Herald: schema version(s) {} unknown to this version",
            unknown.join(", ")
        ),
    )))
}

// SQLite's primary result codes (https://sqlite.org/rescode.html).
const SQLITE_READONLY: i32 = 8;
const SQLITE_CORRUPT: i32 = 11;
const SQLITE_NOTADB: i32 = 26;

/// sqlx reports SQLite's extended result code; the primary code is its low byte.
fn primary_code(e: &sqlx::Error) -> Option<i32> {
    let sqlx::Error::Database(db) = e else {
        return None;
    };
    db.code().and_then(|code| code.parse::<i32>().ok()).map(|code| code & 0xff)
}

/// Only "not a database" and "corrupt" count: BUSY, LOCKED, CANTOPEN, PERM, READONLY, IOERR...
/// are errors, because the file may be fine and only out of reach for now.
fn is_corruption(e: &sqlx::Error) -> bool {
    matches!(primary_code(e), Some(SQLITE_CORRUPT | SQLITE_NOTADB))
}

/// Rename `path` and its companions to `<name>.<reason>-<UTC>.bak[-wal|-shm|-journal]`.
/// Companions move first: a stale `-wal` must never sit next to the fresh database. If any
/// rename fails, the ones done are undone and nothing else happens.
fn set_aside(path: &Path, reason: RecoveryReason) -> Result<PathBuf> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| super::DB_FILE.to_owned());
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
    let backup = (0u32..)
        .map(|n| {
            let extra = if n == 0 { String::new() } else { format!("-{n}") };
            dir.join(format!("{name}.{}-{stamp}{extra}.bak", reason.as_str()))
        })
        .find(|candidate| {
            std::iter::once("")
                .chain(COMPANIONS)
                .all(|suffix| std::fs::symlink_metadata(with_suffix(candidate, suffix)).is_err())
        })
        .ok_or_else(|| Error::StorageFile("no free name for the database backup".into()))?;

    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    for suffix in COMPANIONS.into_iter().chain(std::iter::once("")) {
        let from = with_suffix(path, suffix);
        if std::fs::symlink_metadata(&from).is_err() {
            continue;
        }
        let to = with_suffix(&backup, suffix);
        if let Err(e) = std::fs::rename(&from, &to) {
            for (undo_to, undo_from) in moved.iter().rev() {
                if let Err(undo) = std::fs::rename(undo_from, undo_to) {
                    tracing::error!("could not move {} back to {}: {undo}", undo_from.display(), undo_to.display());
                }
            }
            return Err(Error::StorageFile(format!(
                "the database cannot be used and could not be set aside ({} → {}: {e})",
                from.display(),
                to.display()
            )));
        }
        moved.push((from, to));
    }
    // Make the renames durable before a new database is created in the old one's place.
    // (Directories cannot be opened for syncing everywhere; then the OS decides.)
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    Ok(backup)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
