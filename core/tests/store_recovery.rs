//! Opening the store never silently replaces data: a file that is not a database, a database
//! that fails its integrity check, or one written by a newer Herald is moved aside (with its
//! `-wal`/`-shm` companions) and reported; a locked or unreachable file is an error and nothing
//! moves; a healthy database opens as it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use herald_core::api::ErrorCode;
use herald_core::store::{RecoveryReason, Store, DB_FILE};
use herald_core::{Config, Herald};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection, SqliteConnection};

const FUTURE_VERSION: i64 = 29_991_231_000_000;

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(".bak"))
        .collect();
    found.sort();
    found
}

fn companion(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

async fn raw(path: &Path) -> SqliteConnection {
    SqliteConnectOptions::new().filename(path).connect().await.unwrap()
}

/// The fresh database works and has the current schema.
async fn assert_fresh_and_usable(store: &Store) {
    assert!(store.accounts().await.unwrap().is_empty());
    assert_eq!(store.setting("locale").await.unwrap(), None, "nothing carried over into the fresh database");
    store.set_setting("locale", Some("en")).await.unwrap();
    assert_eq!(store.setting("locale").await.unwrap().as_deref(), Some("en"));
    let applied: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM _sqlx_migrations ORDER BY version").fetch_all(store.pool()).await.unwrap();
    let known: Vec<i64> = herald_core::store::MIGRATOR.iter().map(|m| m.version).collect();
    assert_eq!(applied.into_iter().map(|(v,)| v).collect::<Vec<_>>(), known);
}

/// A real database several hundred pages long, fully checkpointed (no WAL content), closed.
async fn many_page_database(dir: &Path) -> PathBuf {
    let store = Store::open(dir).await.unwrap();
    let mut tx = store.pool().begin().await.unwrap();
    for n in 0..3000 {
        sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?)")
            .bind(format!("filler.{n:05}"))
            .bind(format!("{n:05}-{}", "x".repeat(300)))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(store.pool()).await.unwrap();
    store.close().await;
    let path = dir.join(DB_FILE);
    let wal = companion(&path, "-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0, "everything is in the main file");
    assert!(std::fs::metadata(&path).unwrap().len() > 200 * 4096, "the database spans many pages");
    path
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_set_aside_and_a_fresh_one_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let garbage: Vec<u8> = b"this is not a SQLite database, just the user's bytes\n".repeat(500);
    let garbage_wal: Vec<u8> = b"and a companion WAL that is just as broken\n".repeat(50);
    std::fs::write(&path, &garbage).unwrap();
    std::fs::write(companion(&path, "-wal"), &garbage_wal).unwrap();

    let store = Store::open(dir.path()).await.expect("a corrupt file is recovered, not an error");
    let recovery = store.recovery().expect("the recovery is reported").clone();
    assert_eq!(recovery.reason, RecoveryReason::Corrupt);
    assert!(!recovery.detail.is_empty());

    let name = recovery.backup_path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("herald.db.corrupt-") && name.ends_with(".bak"), "backup name: {name}");
    assert_eq!(recovery.backup_path.parent().unwrap(), dir.path(), "the backup sits next to the database");
    assert_eq!(std::fs::read(&recovery.backup_path).unwrap(), garbage, "the original bytes are kept");
    assert_eq!(
        std::fs::read(companion(&recovery.backup_path, "-wal")).unwrap(),
        garbage_wal,
        "the -wal companion travelled with it"
    );
    assert_ne!(std::fs::read(&path).unwrap(), garbage);

    assert_fresh_and_usable(&store).await;
    store.close().await;

    let again = Store::open(dir.path()).await.unwrap();
    assert!(again.recovery().is_none(), "the fresh database is healthy on the next start");
    assert_eq!(again.setting("locale").await.unwrap().as_deref(), Some("en"));
    let kept = backups(dir.path());
    assert!(
        kept.iter().all(|p| p.to_string_lossy().starts_with(&recovery.backup_path.to_string_lossy().into_owned())),
        "one backup: {kept:?}"
    );
    again.close().await;
}

#[tokio::test]
async fn a_database_with_a_damaged_page_fails_the_integrity_check_and_is_set_aside() {
    // Zeros over the second half of a page leave a page SQLite can parse but whose cells are
    // wrong (the check lists problems); a page of garbage cannot be parsed at all (the check
    // itself fails with "malformed"). Both are damage.
    type Damage = fn(&mut [u8]);
    let zeros_mid_page: Damage = |page| page[2048..].fill(0);
    let garbage_page: Damage = |page| page.iter_mut().enumerate().for_each(|(i, b)| *b = (i * 37 % 251) as u8);
    for (what, damage) in [("zeros in the middle of a page", zeros_mid_page), ("a page of garbage", garbage_page)] {
        let dir = tempfile::tempdir().unwrap();
        let path = many_page_database(dir.path()).await;
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = (bytes.len() / 4096 / 2) * 4096;
        damage(&mut bytes[middle..middle + 4096]);
        std::fs::write(&path, &bytes).unwrap();

        let store = Store::open(dir.path()).await.expect("a damaged database is recovered, not an error");
        let recovery = store.recovery().unwrap_or_else(|| panic!("{what}: the damage is detected")).clone();
        assert_eq!(recovery.reason, RecoveryReason::Corrupt, "{what}: {recovery:?}");
        assert!(recovery.backup_path.file_name().unwrap().to_string_lossy().starts_with("herald.db.corrupt-"));
        assert_eq!(std::fs::read(&recovery.backup_path).unwrap(), bytes, "{what}: the damaged file is kept as it was");
        assert_fresh_and_usable(&store).await;
        store.close().await;
    }
}

#[tokio::test]
async fn a_truncated_database_is_set_aside_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = many_page_database(dir.path()).await;
    let bytes = std::fs::read(&path).unwrap();
    let cut = &bytes[..(bytes.len() / 4096 / 2) * 4096];
    std::fs::write(&path, cut).unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    let recovery = store.recovery().expect("the truncation is detected").clone();
    assert_eq!(recovery.reason, RecoveryReason::Corrupt, "{recovery:?}");
    assert_eq!(std::fs::read(&recovery.backup_path).unwrap(), cut);
    assert_fresh_and_usable(&store).await;
    store.close().await;
}

#[tokio::test]
async fn a_database_from_a_newer_herald_is_kept_byte_for_byte_and_a_fresh_one_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let store = Store::open(dir.path()).await.unwrap();
    store.set_setting("locale", Some("it")).await.unwrap();
    store.close().await;
    // What a newer Herald would leave: one more applied migration and what it created.
    let mut conn = raw(&path).await;
    sqlx::query("CREATE TABLE future_things (id INTEGER PRIMARY KEY)").execute(&mut conn).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (?, 'from the future', TRUE, x'00', 0)",
    )
    .bind(FUTURE_VERSION)
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let original = std::fs::read(&path).unwrap();
    let original_wal = std::fs::read(companion(&path, "-wal")).ok();

    let store = Store::open(dir.path()).await.expect("a newer database is set aside, not an error");
    let recovery = store.recovery().expect("the newer schema is reported").clone();
    assert_eq!(recovery.reason, RecoveryReason::NewerSchema);
    assert!(recovery.detail.contains(&FUTURE_VERSION.to_string()), "{}", recovery.detail);
    let name = recovery.backup_path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("herald.db.newer-schema-") && name.ends_with(".bak"), "backup name: {name}");
    assert_eq!(std::fs::read(&recovery.backup_path).unwrap(), original, "the user's file is kept byte for byte");
    let backup_wal = std::fs::read(companion(&recovery.backup_path, "-wal")).unwrap_or_default();
    assert_eq!(backup_wal, original_wal.unwrap_or_default(), "the WAL, if any, is kept as it was");

    // The backup is still the newer Herald's database, whole.
    let mut backup = raw(&recovery.backup_path).await;
    let (locale,): (String,) =
        sqlx::query_as("SELECT value FROM settings WHERE key = 'locale'").fetch_one(&mut backup).await.unwrap();
    assert_eq!(locale, "it");
    let (future,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations WHERE version = ?")
        .bind(FUTURE_VERSION)
        .fetch_one(&mut backup)
        .await
        .unwrap();
    assert_eq!(future, 1);
    backup.close().await.unwrap();

    assert_fresh_and_usable(&store).await;
    store.close().await;
}

#[tokio::test]
async fn a_healthy_database_opens_as_it_is_with_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    assert!(store.recovery().is_none(), "a new database needs no recovery");
    store.set_setting("locale", Some("it")).await.unwrap();
    store.set_client_id(herald_core::NetworkId::GoogleBusiness, "client-1").await.unwrap();
    store.close().await;

    for _ in 0..2 {
        let store = Store::open(dir.path()).await.unwrap();
        assert!(store.recovery().is_none());
        assert_eq!(store.setting("locale").await.unwrap().as_deref(), Some("it"), "the data is still there");
        assert_eq!(store.client_id(herald_core::NetworkId::GoogleBusiness).await.unwrap().as_deref(), Some("client-1"));
        store.close().await;
    }
    assert!(backups(dir.path()).is_empty(), "no backup file: {:?}", backups(dir.path()));
}

#[tokio::test]
async fn a_hot_rollback_journal_left_by_a_crash_is_rolled_back_not_called_corrupt() {
    // The check opens read-only so it cannot change the file; a hot journal needs a writer to
    // roll back, which must not be mistaken for damage.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let mut conn = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Delete)
        .connect()
        .await
        .unwrap();
    herald_core::store::MIGRATOR.run(&mut conn).await.unwrap();
    sqlx::query("INSERT INTO settings (key, value) VALUES ('locale', 'it')").execute(&mut conn).await.unwrap();

    let crashed = tempfile::tempdir().unwrap();
    sqlx::query("BEGIN").execute(&mut conn).await.unwrap();
    sqlx::query("PRAGMA cache_size = 1").execute(&mut conn).await.unwrap();
    for n in 0..1000 {
        sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?)")
            .bind(format!("uncommitted.{n}"))
            .bind("y".repeat(300))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    // The moment of the crash: mid-transaction, pages spilled, journal hot.
    for name in [DB_FILE.to_owned(), format!("{DB_FILE}-journal")] {
        std::fs::copy(dir.path().join(&name), crashed.path().join(&name)).unwrap();
    }
    sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();

    let store = Store::open(crashed.path()).await.expect("crash recovery is not an error");
    assert!(store.recovery().is_none(), "a hot journal is not corruption: {:?}", store.recovery());
    assert_eq!(store.setting("locale").await.unwrap().as_deref(), Some("it"));
    assert_eq!(store.setting("uncommitted.1").await.unwrap(), None, "the interrupted transaction was rolled back");
    assert!(backups(crashed.path()).is_empty());
    store.close().await;
}

#[tokio::test]
async fn a_locked_database_is_an_error_and_nothing_is_moved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let store = Store::open(dir.path()).await.unwrap();
    store.set_setting("locale", Some("it")).await.unwrap();
    store.close().await;

    // Another process holds the database exclusively.
    let mut holder = SqliteConnectOptions::new()
        .filename(&path)
        .journal_mode(SqliteJournalMode::Wal)
        .locking_mode(SqliteLockingMode::Exclusive)
        .connect()
        .await
        .unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut holder).await.unwrap();
    sqlx::query("UPDATE settings SET value = 'en' WHERE key = 'locale'").execute(&mut holder).await.unwrap();

    let opened = tokio::time::timeout(Duration::from_secs(60), Store::open(dir.path()))
        .await
        .expect("gives up after its busy timeout");
    let err = opened.expect_err("a locked database is an error, not a recovery");
    assert_eq!(err.code(), ErrorCode::Storage, "{err}");
    assert!(backups(dir.path()).is_empty(), "nothing was moved: {:?}", backups(dir.path()));

    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    holder.close().await.unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    assert!(store.recovery().is_none());
    assert_eq!(store.setting("locale").await.unwrap().as_deref(), Some("it"), "the data is intact");
    store.close().await;
}

#[tokio::test]
async fn a_database_that_cannot_be_opened_is_an_error_and_nothing_is_moved() {
    // Works as root too (where permission bits do not stop reads): a directory stands where the
    // database file should be, so SQLite cannot open it at all.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("keep"), b"user data").unwrap();

    let err = Store::open(dir.path()).await.expect_err("an unopenable file is an error");
    assert_eq!(err.code(), ErrorCode::Storage, "{err}");
    assert!(backups(dir.path()).is_empty());
    assert_eq!(std::fs::read(path.join("keep")).unwrap(), b"user data");
}

#[cfg(unix)]
#[tokio::test]
async fn an_unreadable_database_is_an_error_and_nothing_is_moved() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    Store::open(dir.path()).await.unwrap().close().await;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Running as root: permission bits do not apply; the directory case above covers it.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        return;
    }
    let err = Store::open(dir.path()).await.expect_err("permission denied is an error");
    assert_eq!(err.code(), ErrorCode::Storage, "{err}");
    assert!(backups(dir.path()).is_empty());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[tokio::test]
async fn two_recoveries_keep_two_backups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let mut kept = Vec::new();
    for n in 0..2 {
        let garbage = format!("garbage number {n} ").repeat(400).into_bytes();
        std::fs::write(&path, &garbage).unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let recovery = store.recovery().unwrap().clone();
        store.close().await;
        // The fresh database's own companions must not be mistaken for the next backup's.
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(companion(&path, suffix));
        }
        kept.push((recovery.backup_path, garbage));
    }
    assert_ne!(kept[0].0, kept[1].0, "a second backup never overwrites the first");
    for (backup, garbage) in &kept {
        assert_eq!(&std::fs::read(backup).unwrap(), garbage);
    }
}

#[tokio::test]
async fn herald_exposes_the_recovery_through_its_store() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    std::fs::write(data_dir.join(DB_FILE), b"\x00\x01garbage".repeat(1000)).unwrap();
    let mut config = Config::new(data_dir);
    config.vault_service = format!("herald-test-recovery-{}", std::process::id());
    let herald = Herald::open(config).await.unwrap();
    let recovery = herald.store().recovery().expect("Herald::open keeps the report");
    assert_eq!(recovery.reason, RecoveryReason::Corrupt);
    assert!(recovery.backup_path.exists());
    let json = serde_json::to_value(recovery).unwrap();
    assert_eq!(json["reason"], "corrupt", "serialises for the UI: {json}");
    assert!(json["backupPath"].is_string() && json["detail"].is_string(), "{json}");
    herald.shutdown().await;
}
