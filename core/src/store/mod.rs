//! SQLite persistence (sqlx). WAL journal, `synchronous=FULL`, foreign keys on, forward-only
//! migrations from `core/migrations/`. Holds no secrets (keyring entries still to delete are
//! named, never their contents).
//!
//! Opening checks the file first (see [`recovery`]): a damaged database, or one written by a
//! newer Herald, is never migrated or overwritten; it is set aside as a `.bak` file next to the
//! fresh one, and [`Store::recovery`] says what happened so the shell can tell the user.

mod accounts;
pub(crate) mod attempts;
mod hosted;
mod keyring_deletions;
mod media;
pub(crate) mod posts;
mod recovery;
pub(crate) mod settings;
pub(crate) mod transfer;

pub use accounts::NewAccount;
pub use keyring_deletions::{DeletionReason, PendingDeletion};
pub use posts::{PortablePost, PortableTarget};
pub use recovery::{Recovery, RecoveryReason};
pub use transfer::{PortableAccount, Snapshot, SnapshotCounts};

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::error::{Error, Result};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub const DB_FILE: &str = "herald.db";

/// How long a connection waits for another one holding a lock before failing with "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
    recovery: Option<Recovery>,
}

impl Store {
    /// Open (creating if needed) `herald.db` in `dir` and bring its schema up to date.
    ///
    /// An existing file is checked first. When it is not a database, fails its integrity check,
    /// or carries migrations this build does not know, it is moved aside (with its `-wal`/`-shm`
    /// companions) and a fresh database is created; [`Store::recovery`] then describes it.
    /// A file that is locked, unreadable or otherwise inaccessible is an error: nothing is moved.
    /// A shipped migration that was edited afterwards is an error too ([`Error::Migrate`]).
    pub async fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::StorageFile(format!("cannot create data directory {}: {e}", dir.display())))?;
        let path = dir.join(DB_FILE);
        let recovery = recovery::check_or_set_aside(&path, BUSY_TIMEOUT).await?;
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        if let Err(e) = MIGRATOR.run(&pool).await {
            pool.close().await;
            return Err(e.into());
        }
        Ok(Self { pool, path, recovery })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// What [`Store::open`] had to set aside, if anything. The shell should tell the user where
    /// the old file went: it is kept, never deleted.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
