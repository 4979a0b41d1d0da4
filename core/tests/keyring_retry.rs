//! A keyring delete that fails is recorded and retried until it succeeds.
//!
//! The real keyring is made to fail by locking its default collection through the Secret Service
//! D-Bus API: reading then finds nothing to unlock, but deleting an item needs an unlock prompt,
//! which cannot be shown here and fails at once. The keyring comes back by replacing the daemon
//! with one that unlocks the collection again. This changes the whole private keyring session,
//! so the test lives alone in this file (its own process) and refuses to run outside
//! `tests/with-keyring.sh`, where the keyring is a throwaway one with an empty password.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use herald_core::api::RevokeOutcome;
use herald_core::store::DeletionReason;
use herald_core::Herald;

fn dbus(args: &[&str]) -> String {
    let out =
        Command::new("dbus-send").args(["--session", "--print-reply"]).args(args).output().expect("dbus-send runs");
    assert!(out.status.success(), "dbus-send {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Lock the keyring's default collection, so deleting an item needs a prompt that fails.
fn lock_keyring() {
    // The prompt must fail, not open a window on whatever display this process inherited.
    dbus(&[
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.UpdateActivationEnvironment",
        "dict:string:string:DISPLAY,herald-test-no-display,WAYLAND_DISPLAY,herald-test-no-display",
    ]);
    let alias = dbus(&[
        "--dest=org.freedesktop.secrets",
        "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service.ReadAlias",
        "string:default",
    ]);
    let collection = alias
        .split('"')
        .find(|part| part.starts_with("/org/freedesktop/secrets/collection/"))
        .unwrap_or_else(|| panic!("no default collection: {alias}"))
        .to_owned();
    dbus(&[
        "--dest=org.freedesktop.secrets",
        "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service.Lock",
        &format!("array:objpath:{collection}"),
    ]);
}

/// Bring the keyring back: a new daemon takes over the session and unlocks the collection with
/// the password `tests/with-keyring.sh` gave it (an empty line).
fn unlock_keyring() {
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--replace", "--unlock", "--components=secrets"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon runs");
    daemon.stdin.take().unwrap().write_all(b"\n").unwrap();
    assert!(daemon.wait().unwrap().success(), "the replacing daemon started");
    // It claims the bus name a moment later; a call before that would make D-Bus start a locked
    // daemon for the tests that follow. Wait until the unlocked default collection answers.
    let ready = || {
        let owned = Command::new("dbus-send")
            .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
            .args(["org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"));
        owned
            && Command::new("dbus-send")
                .args(["--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets"])
                .args(["org.freedesktop.Secret.Service.ReadAlias", "string:default"])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("collection/"))
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ready() {
        assert!(Instant::now() < deadline, "the replacing keyring daemon never answered");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Unlocks the keyring even when the test fails half-way, for the test binaries that follow.
struct Relock;
impl Drop for Relock {
    fn drop(&mut self) {
        if std::thread::panicking() {
            unlock_keyring();
        }
    }
}

async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_failed_keyring_delete_is_recorded_and_retried_until_it_succeeds() {
    assert_eq!(
        std::env::var("HERALD_IN_KEYRING").as_deref(),
        Ok("1"),
        "this test locks and replaces the keyring: run it inside tests/with-keyring.sh"
    );
    let w = world().await;
    let accounts = connect(&w, Some(vec!["locations/5550000001".to_owned()])).await;
    let (_, grant) = w.herald.store().account(&accounts[0].id).await.unwrap().unwrap();
    let grant = grant.unwrap();
    let entry = format!("grant:{grant}");

    let _relock = Relock;
    lock_keyring();
    let started = Instant::now();
    let outcome = w.herald.disconnect(&accounts[0].id).await.unwrap();
    let disconnect_took = started.elapsed();
    // A locked keyring cannot be read either, so there was no token to revoke with.
    assert_eq!(outcome.revoke, RevokeOutcome::Failed, "{outcome:?}");
    let detail = outcome.detail.as_deref().unwrap_or_default();
    assert!(detail.contains("could not be deleted from the system keyring"), "{detail}");
    assert!(detail.contains("try again"), "the user is told it will be retried: {detail}");
    assert!(disconnect_took < Duration::from_secs(10), "a locked keyring fails fast: {disconnect_took:?}");

    let pending = w.herald.store().pending_deletions().await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    let row = &pending[0];
    assert_eq!((row.entry.as_str(), row.service.as_str()), (entry.as_str(), w.herald.config().vault_service.as_str()));
    assert_eq!((row.reason, row.attempts), (DeletionReason::Disconnected, 1));
    assert_eq!(row.last_error_code, "keyring_unavailable");

    // Every connection check retries; still locked, so one more failed attempt is counted.
    w.herald.check_accounts().await.unwrap();
    let pending = w.herald.store().pending_deletions().await.unwrap();
    assert_eq!(pending[0].attempts, 2, "{pending:?}");
    assert!(pending[0].last_attempt_at >= pending[0].first_attempt_at);

    unlock_keyring();
    let vault = w.herald.vault().clone();
    eventually("the keyring answers again", async || matches!(vault.tokens(&grant).await, Ok(Some(_)))).await;
    // Nothing is in SQLite that was not there: no secret, just the entry's name.
    for (path, bytes) in files_under(w.dir.path()) {
        for secret in w.sandbox.issued_secrets() {
            assert!(!contains(&bytes, &secret), "a secret in {path}");
        }
    }

    // The next start retries in the background and the entry goes.
    let config = w.herald.config().clone();
    w.herald.shutdown().await;
    let reopened = Herald::open(config).await.unwrap();
    eventually("the pending delete is retried at start", async || {
        reopened.store().pending_deletions().await.unwrap().is_empty()
    })
    .await;
    assert!(reopened.vault().tokens(&grant).await.unwrap().is_none(), "the entry is gone");
    assert_eq!(reopened.retry_keyring_deletions().await.unwrap(), 0);
    reopened.shutdown().await;
}
