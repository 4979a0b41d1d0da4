//! No secret reaches a file: with logging at trace level (every dependency included), a full
//! connect + refresh + disconnect against the sandbox leaves no token, code or client secret in
//! the SQLite files, the log files or anything else under the data directory.
//! (Publishing joins this scenario when posts land.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use herald_sandbox::{SandboxConfig, DEMO_GOOGLE_CLIENT_SECRET};

#[tokio::test]
async fn a_full_session_at_trace_level_leaks_no_secret_to_disk() {
    let w = world_with(SandboxConfig::demo(), |c| c.refresh_margin = chrono::Duration::hours(2)).await;
    let log_dir = w.herald.config().data_dir.join("logs");
    let guard = herald_core::logging::init(&log_dir, "trace", false).expect("logging starts");

    let accounts = connect(&w, None).await;
    let checked = w.herald.check_accounts().await.unwrap();
    assert_eq!(checked.len(), 2);
    w.herald.disconnect(&accounts[0].id).await.unwrap();
    w.herald.disconnect(&accounts[1].id).await.unwrap();
    drop(guard); // flush the log file

    let mut secrets = w.sandbox.issued_secrets();
    secrets.push(DEMO_GOOGLE_CLIENT_SECRET.to_owned());
    assert!(secrets.len() >= 5, "a code, an access token, a refresh token, a refreshed token: {}", secrets.len());

    let files = files_under(&w.herald.config().data_dir);
    let logs: Vec<_> = files.iter().filter(|(name, _)| name.contains("/logs/")).collect();
    assert!(!logs.is_empty(), "a log file was written");
    let log_text: String = logs.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    assert!(log_text.contains("sign-in started") && log_text.contains("token refreshed"), "logs were captured");
    assert!(log_text.contains("TRACE"), "dependencies logged at trace level too");

    let mut hits = Vec::new();
    for (name, bytes) in &files {
        for secret in &secrets {
            if contains(bytes, secret) {
                hits.push(format!("{name}: {}…", &secret[..6]));
            }
        }
    }
    assert!(hits.is_empty(), "secrets on disk: {hits:?}");
}
