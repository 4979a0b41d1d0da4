//! Migrations are forward-only and tested from every earlier schema version: for each migration
//! N, a database is built at schema N (migrations 1..=N only, applied by sqlx as an older Herald
//! did), filled with representative rows, and opened with `Store::open`. Its data must survive
//! and its schema must end up identical to a fresh database's. A migration edited after it was
//! applied is refused with an error, never re-applied.
//!
//! Adding a migration? Add an arm for it to `fill` and `assert_survived`: this test fails until
//! you do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use herald_core::api::{AccountKind, AccountStatus};
use herald_core::store::{DeletionReason, PendingDeletion, Store, DB_FILE, MIGRATOR};
use herald_core::{Error, NetworkId};
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool};
use sqlx::ConnectOptions;

const V1_ACCOUNTS: i64 = 20_261_122_000_001;
const V2_SETTINGS_UPDATED_AT: i64 = 20_261_122_000_002;
const V3_PENDING_KEYRING_DELETIONS: i64 = 20_261_123_120_000;
const V4_MISSING_PERMISSIONS: i64 = 20_261_123_140_000;
const V5_STATUS_REASON: i64 = 20_261_123_150_000;
const V6_POSTS: i64 = 20_261_124_100_000;
const V6B_POSTS_API: i64 = 20_261_125_100_000;
const V7_ATTEMPT_RETRIES: i64 = 20_261_125_110_000;
const V8_HEALTH_NOTICES: i64 = 20_261_125_120_000;
const V8B_CALENDAR_INDEX: i64 = 20_261_125_125_000;
const V9_MEDIA: i64 = 20_261_125_130_000;
const V10_HOSTED_MEDIA: i64 = 20_261_125_140_000;
const STAMP_V2: &str = "2026-01-02T03:04:05+00:00";

fn migration_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

/// A migrator holding only the first `n` migrations, read from copies of the shipped files (the
/// public way an older build's migrator came to be). `edit` may change one file's SQL.
async fn migrator_up_to(n: usize, edit: Option<(usize, &str)>) -> (tempfile::TempDir, Migrator) {
    let dir = tempfile::tempdir().unwrap();
    for (i, file) in migration_files().into_iter().take(n).enumerate() {
        let mut sql = std::fs::read_to_string(&file).unwrap();
        if let Some((which, extra)) = edit {
            if which == i {
                sql.push_str(extra);
            }
        }
        std::fs::write(dir.path().join(file.file_name().unwrap()), sql).unwrap();
    }
    let migrator = Migrator::new(dir.path()).await.unwrap();
    (dir, migrator)
}

async fn pool_at(data_dir: &Path) -> SqlitePool {
    std::fs::create_dir_all(data_dir).unwrap();
    let options = SqliteConnectOptions::new()
        .filename(data_dir.join(DB_FILE))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    SqlitePool::connect_with(options).await.unwrap()
}

/// Representative rows for a database whose newest migration is `version`.
async fn fill(pool: &SqlitePool, version: i64) {
    let v1 = [
        "INSERT INTO grants (id, network, created_at) VALUES ('g1', 'google_business', '2026-03-01T10:00:00+00:00')",
        "INSERT INTO grants (id, network, created_at) VALUES ('g2', 'google_business', '2026-03-02T10:00:00+00:00')",
        "INSERT INTO accounts (id, network, external_id, kind, display_name, avatar_url, status, grant_id, connected_at, \
         token_expires_at, last_checked_at, last_error) VALUES ('a1', 'google_business', 'locations/1', 'location', \
         'Caffè Roma', 'https://example.test/a.png', 'connected', 'g1', '2026-03-01T10:00:00+00:00', \
         '2026-03-01T11:00:00+00:00', '2026-03-01T10:30:00+00:00', NULL)",
        "INSERT INTO accounts (id, network, external_id, kind, display_name, avatar_url, status, grant_id, connected_at, \
         token_expires_at, last_checked_at, last_error) VALUES ('a2', 'google_business', 'locations/2', 'location', \
         'Forno \"Nord\"', NULL, 'needs_reconnect', 'g2', '2026-03-02T10:00:00+00:00', NULL, NULL, 'invalid_grant')",
        "INSERT INTO accounts (id, network, external_id, kind, display_name, avatar_url, status, grant_id, connected_at, \
         token_expires_at, last_checked_at, last_error) VALUES ('a3', 'facebook', 'page-3', 'page', 'Old page', NULL, \
         'disconnected', NULL, '2026-02-01T10:00:00+00:00', NULL, NULL, NULL)",
        "INSERT INTO network_credentials (network, client_id, updated_at) VALUES ('google_business', 'client-1', '2026-03-01T09:00:00+00:00')",
        "INSERT INTO settings (key, value) VALUES ('locale', 'it')",
    ];
    let v2 = || {
        let mut all: Vec<&str> = v1.iter().copied().filter(|s| !s.starts_with("INSERT INTO settings")).collect();
        all.push("INSERT INTO settings (key, value, updated_at) VALUES ('locale', 'it', '2026-01-02T03:04:05+00:00')");
        all.push("INSERT INTO settings (key, value, updated_at) VALUES ('window.width', '1200', NULL)");
        all
    };
    let v3 = || {
        let mut all = v2();
        all.push(
            "INSERT INTO pending_keyring_deletions (service, entry, reason, attempts, last_error_code, \
             last_error_detail, first_attempt_at, last_attempt_at) VALUES ('herald', 'grant:g0', 'disconnected', \
             2, 'keyring_unavailable', 'Prompt dismissed', '2026-03-03T10:00:00+00:00', '2026-03-03T10:05:00+00:00')",
        );
        all
    };
    let statements: Vec<&str> = match version {
        V1_ACCOUNTS => v1.to_vec(),
        V2_SETTINGS_UPDATED_AT => v2(),
        V3_PENDING_KEYRING_DELETIONS => v3(),
        V4_MISSING_PERMISSIONS
        | V5_STATUS_REASON
        | V6_POSTS
        | V6B_POSTS_API
        | V7_ATTEMPT_RETRIES
        | V8_HEALTH_NOTICES
        | V8B_CALENDAR_INDEX
        | V9_MEDIA
        | V10_HOSTED_MEDIA => {
            let mut all = v3();
            all.push("UPDATE accounts SET missing_permissions = '[\"https://www.googleapis.com/auth/business.manage\"]' WHERE id = 'a2'");
            if version >= V5_STATUS_REASON {
                all.push("UPDATE accounts SET status_reason = 'permission_missing' WHERE id = 'a2'");
            }
            if version >= V6_POSTS {
                all.push(
                    "INSERT INTO posts (id, text, link, state, scheduled_at, zone, created_at, updated_at) VALUES \
                          ('p1', 'Pane caldo', NULL, 'draft', NULL, 'Europe/Rome', 1, 1)",
                );
                all.push(
                    "INSERT INTO publish_attempts (id, post_id, account_id, network, due_at, state, retryable) VALUES \
                     ('t1', 'p1', 'a1', 'google_business', 5, 'scheduled', 0)",
                );
            }
            if version >= V6B_POSTS_API {
                all.push("INSERT INTO post_images (post_id, position, path) VALUES ('p1', 0, '/foto/pane.jpg')");
                all.push("UPDATE accounts SET parent_id = 'accounts/7' WHERE id = 'a1'");
            }
            if version >= V8_HEALTH_NOTICES {
                all.push("UPDATE accounts SET status_since = '2026-03-04T08:00:00+00:00' WHERE id = 'a2'");
                all.push(
                    "INSERT INTO health_notices (account_id, kind, for_expiry, notified_at) VALUES \
                     ('a1', 'expires_20_days', '2026-03-01T11:00:00+00:00', '2026-03-04T08:00:00+00:00'), \
                     ('a2', 'needs_reconnect', NULL, '2026-03-04T08:00:00+00:00')",
                );
            }
            all
        }
        other => panic!("migration {other} has no representative rows: add them to `fill` in store_migrations.rs"),
    };
    for sql in statements {
        sqlx::query(sql).execute(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// What must hold after the upgrade of a database filled by `fill(version)`.
async fn assert_survived(store: &Store, version: i64, before_upgrade: DateTime<Utc>) {
    let accounts = store.accounts().await.unwrap();
    let summary: Vec<(&str, &str, AccountKind, AccountStatus)> =
        accounts.iter().map(|a| (a.id.as_str(), a.external_id.as_str(), a.kind, a.status)).collect();
    assert_eq!(
        summary,
        vec![
            ("a3", "page-3", AccountKind::Page, AccountStatus::Disconnected),
            ("a1", "locations/1", AccountKind::Location, AccountStatus::Connected),
            ("a2", "locations/2", AccountKind::Location, AccountStatus::NeedsReconnect),
        ]
    );
    let (a1, grant) = store.account("a1").await.unwrap().unwrap();
    assert_eq!(grant.as_deref(), Some("g1"));
    assert_eq!(a1.display_name, "Caffè Roma");
    assert_eq!(a1.avatar_url.as_deref(), Some("https://example.test/a.png"));
    assert_eq!(a1.token_expires_at, Some("2026-03-01T11:00:00Z".parse().unwrap()));
    let (a2, _) = store.account("a2").await.unwrap().unwrap();
    assert_eq!((a2.display_name.as_str(), a2.last_error.as_deref()), ("Forno \"Nord\"", Some("invalid_grant")));
    assert_eq!(store.account("a3").await.unwrap().unwrap().1, None);
    assert_eq!(store.grant_expiries().await.unwrap().len(), 2);
    assert_eq!(store.client_id(NetworkId::GoogleBusiness).await.unwrap().as_deref(), Some("client-1"));
    assert_eq!(store.setting("locale").await.unwrap().as_deref(), Some("it"));

    let reason = (version >= V5_STATUS_REASON).then_some(herald_core::api::StatusReason::PermissionMissing);
    assert_eq!(a2.status_reason, reason, "no reason appears or goes missing in an upgrade");
    let missing: &[&str] =
        if version >= V4_MISSING_PERMISSIONS { &["https://www.googleapis.com/auth/business.manage"] } else { &[] };
    assert_eq!(a2.missing_permissions, missing, "no permission went missing in an upgrade");
    if version >= V6_POSTS {
        let post = store.post("p1").await.unwrap().expect("a draft survives the upgrade");
        assert_eq!((post.text.as_str(), post.zone.as_deref()), ("Pane caldo", Some("Europe/Rome")));
        let attempt = store.attempt("t1").await.unwrap().expect("an attempt survives the upgrade");
        assert_eq!((attempt.state, attempt.reason), (herald_core::api::AttemptState::Scheduled, None));
        let images: &[&str] = if version >= V6B_POSTS_API { &["/foto/pane.jpg"] } else { &[] };
        assert_eq!(post.images, images, "a post's images survive an upgrade");
    }
    let parent = (version >= V6B_POSTS_API).then_some("accounts/7");
    assert_eq!(a1.parent_id.as_deref(), parent, "a location's account survives an upgrade");
    let notices = store.sent_notices().await.unwrap();
    let since = store.status_since("a2").await.unwrap();
    if version >= V8_HEALTH_NOTICES {
        use herald_core::api::NoticeKind;
        let expiry = Some("2026-03-01T11:00:00Z".parse().unwrap());
        assert_eq!(
            notices,
            vec![
                ("a1".to_owned(), NoticeKind::Expires20Days, expiry),
                ("a2".to_owned(), NoticeKind::NeedsReconnect, None)
            ],
            "notifications already sent stay sent across an upgrade"
        );
        assert_eq!(since, Some("2026-03-04T08:00:00Z".parse().unwrap()));
    } else {
        assert!(notices.is_empty() && since.is_none(), "nothing was sent before the table existed");
    }
    let locale_at = store.setting_updated_at("locale").await.unwrap().expect("updated_at is filled in");
    let pending = store.pending_deletions().await.unwrap();
    match version {
        V1_ACCOUNTS => {
            assert!(locale_at >= before_upgrade - chrono::Duration::seconds(1), "backfilled at upgrade: {locale_at}");
            assert!(pending.is_empty());
        }
        V2_SETTINGS_UPDATED_AT => {
            assert_eq!(locale_at, STAMP_V2.parse::<DateTime<Utc>>().unwrap(), "an existing stamp is kept");
            assert_eq!(store.setting("window.width").await.unwrap().as_deref(), Some("1200"));
            assert!(pending.is_empty(), "no keyring delete was pending before the table existed");
        }
        V3_PENDING_KEYRING_DELETIONS
        | V4_MISSING_PERMISSIONS
        | V5_STATUS_REASON
        | V6_POSTS
        | V6B_POSTS_API
        | V7_ATTEMPT_RETRIES
        | V8_HEALTH_NOTICES
        | V8B_CALENDAR_INDEX
        | V9_MEDIA
        | V10_HOSTED_MEDIA => {
            assert_eq!(locale_at, STAMP_V2.parse::<DateTime<Utc>>().unwrap());
            assert_eq!(
                pending,
                vec![PendingDeletion {
                    service: "herald".into(),
                    entry: "grant:g0".into(),
                    reason: DeletionReason::Disconnected,
                    attempts: 2,
                    last_error_code: "keyring_unavailable".into(),
                    last_error_detail: Some("Prompt dismissed".into()),
                    first_attempt_at: "2026-03-03T10:00:00Z".parse().unwrap(),
                    last_attempt_at: "2026-03-03T10:05:00Z".parse().unwrap(),
                }]
            );
        }
        other => panic!("migration {other} has no assertions: add them to `assert_survived` in store_migrations.rs"),
    }
}

async fn schema_of(pool: &SqlitePool) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn applied_versions(pool: &SqlitePool) -> Vec<i64> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM _sqlx_migrations ORDER BY version").fetch_all(pool).await.unwrap();
    rows.into_iter().map(|(v,)| v).collect()
}

fn backups(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".bak"))
        .collect()
}

#[test]
fn migrations_are_timestamped_forward_only_files_all_embedded() {
    let files = migration_files();
    assert!(files.len() >= 2);
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let (version, rest) = name.split_once('_').unwrap_or_else(|| panic!("{name}: <version>_<name>.sql"));
        assert!(version.len() == 14 && version.bytes().all(|b| b.is_ascii_digit()), "{name}: 14-digit version");
        assert!(
            rest.ends_with(".sql") && !rest.ends_with(".up.sql") && !rest.ends_with(".down.sql"),
            "{name}: forward-only"
        );
    }
    let versions: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "strictly increasing: {versions:?}");
    assert_eq!(versions.len(), files.len(), "every file is embedded in MIGRATOR (rebuild after adding one)");
    assert!(MIGRATOR.iter().all(|m| !m.migration_type.is_down_migration()));
}

#[tokio::test]
async fn every_earlier_schema_version_upgrades_with_its_data() {
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = Store::open(fresh_dir.path()).await.unwrap();
    let current_schema = schema_of(fresh.pool()).await;
    let all_versions: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    assert_eq!(applied_versions(fresh.pool()).await, all_versions);
    fresh.close().await;

    for n in 1..=all_versions.len() {
        let version = all_versions[n - 1];
        let dir = tempfile::tempdir().unwrap();
        let (_sources, migrator) = migrator_up_to(n, None).await;
        let pool = pool_at(dir.path()).await;
        migrator.run(&pool).await.unwrap();
        assert_eq!(applied_versions(&pool).await, all_versions[..n], "built at schema {version}");
        fill(&pool, version).await;
        pool.close().await;

        let before_upgrade = Utc::now();
        let store = Store::open(dir.path()).await.unwrap_or_else(|e| panic!("upgrade from {version}: {e}"));
        assert!(store.recovery().is_none(), "an older schema is upgraded, not set aside ({version})");
        assert_survived(&store, version, before_upgrade).await;
        assert_eq!(applied_versions(store.pool()).await, all_versions, "schema is current after {version}");
        assert_eq!(schema_of(store.pool()).await, current_schema, "same schema as a fresh database after {version}");
        store.close().await;
        assert!(backups(dir.path()).is_empty());
    }
}

#[tokio::test]
async fn set_setting_stamps_when_it_changed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let before = Utc::now();
    store.set_setting("locale", Some("en")).await.unwrap();
    let first = store.setting_updated_at("locale").await.unwrap().expect("stamped");
    assert!(first >= before - chrono::Duration::seconds(1) && first <= Utc::now());
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    store.set_setting("locale", Some("it")).await.unwrap();
    let second = store.setting_updated_at("locale").await.unwrap().unwrap();
    assert!(second > first, "a change moves the stamp: {first} → {second}");
    store.set_setting("locale", None).await.unwrap();
    assert_eq!(store.setting_updated_at("locale").await.unwrap(), None);
    store.close().await;
}

#[tokio::test]
async fn an_edited_migration_that_was_already_applied_is_an_error_not_reapplied() {
    let dir = tempfile::tempdir().unwrap();
    // An older build shipped migration 1 with different SQL than this build has.
    let (_sources, edited) = migrator_up_to(1, Some((0, "\nCREATE TABLE edited_later (id INTEGER);\n"))).await;
    let pool = pool_at(dir.path()).await;
    edited.run(&pool).await.unwrap();
    fill(&pool, V1_ACCOUNTS).await;
    pool.close().await;
    let before = std::fs::read(dir.path().join(DB_FILE)).unwrap();

    let err = Store::open(dir.path()).await.expect_err("a checksum mismatch is reported");
    assert!(matches!(err, Error::Migrate(MigrateError::VersionMismatch(V1_ACCOUNTS))), "{err:?}");
    assert_eq!(err.code(), herald_core::api::ErrorCode::Storage);
    assert!(err.to_string().contains("modified"), "{err}");
    assert!(backups(dir.path()).is_empty(), "an edited migration is not a reason to set the data aside");

    let mut conn = SqliteConnectOptions::new().filename(dir.path().join(DB_FILE)).connect().await.unwrap();
    let applied: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM _sqlx_migrations").fetch_all(&mut conn).await.unwrap();
    assert_eq!(applied, vec![(V1_ACCOUNTS,)], "no later migration was applied on top");
    let columns: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM pragma_table_info('settings')").fetch_all(&mut conn).await.unwrap();
    assert!(!columns.iter().any(|(c,)| c == "updated_at"), "{columns:?}");
    let (accounts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts").fetch_one(&mut conn).await.unwrap();
    assert_eq!(accounts, 3, "the data is untouched");
    drop(conn);
    assert!(!before.is_empty());
}

#[tokio::test]
async fn a_failed_keyring_delete_is_recorded_by_code_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let locked = Error::KeyringUnavailable("Prompt dismissed".into());
    store.record_failed_deletion("herald", "grant:g9", DeletionReason::Replaced, &locked).await.unwrap();
    let gone = Error::KeyringUnavailable("org.freedesktop.DBus.Error.ServiceUnknown".into());
    store.record_failed_deletion("herald", "grant:g9", DeletionReason::Replaced, &gone).await.unwrap();
    let pending = store.pending_deletions().await.unwrap();
    assert_eq!(pending.len(), 1, "one row per entry");
    let row = &pending[0];
    assert_eq!((row.attempts, row.reason), (2, DeletionReason::Replaced));
    assert_eq!(row.last_error_code, "keyring_unavailable", "a code, not the English sentence");
    assert_eq!(row.last_error_detail.as_deref(), Some("org.freedesktop.DBus.Error.ServiceUnknown"));
    assert!(row.first_attempt_at <= row.last_attempt_at);
    assert!(store.has_pending_deletions().await.unwrap());
    store.deletion_done("herald", "grant:g9").await.unwrap();
    assert!(!store.has_pending_deletions().await.unwrap());
    store.close().await;
}
