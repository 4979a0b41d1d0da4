//! What the scheduler tests share: connecting every account of a network, drafts, waiting for
//! attempts to settle, and raw reads/writes of attempts where a test must set up a past.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use herald_core::api::{Account, Attempt, AttemptState, DraftInput, TargetInput};
use herald_core::{Herald, NetworkId};
use herald_sandbox::AutoConsent;

use crate::common::{browser_visits, World};

pub async fn connect_all(w: &World, network: NetworkId) -> Vec<Account> {
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(network, None).await.expect("begin");
    browser_visits(&flow.authorize_url).await;
    let candidates = w.herald.connect_wait(&flow.flow_id).await.expect("wait");
    let ids: Vec<String> = candidates.iter().map(|c| c.external_id.clone()).collect();
    w.herald.connect_finish(&flow.flow_id, &ids).await.expect("finish")
}

pub fn draft(text: &str, accounts: &[&Account], at: DateTime<Utc>) -> DraftInput {
    DraftInput {
        id: None,
        text: text.to_owned(),
        link: None,
        targets: accounts.iter().map(|a| TargetInput { account_id: a.id.clone(), variant: None }).collect(),
        scheduled_at: Some(at),
        zone: Some("Europe/Rome".into()),
        images: Vec::new(),
    }
}

/// Schedule `text` to `accounts` at `at`; returns the post id.
pub async fn schedule(herald: &Herald, text: &str, accounts: &[&Account], at: DateTime<Utc>) -> String {
    let post = herald.posts_save_draft(&draft(text, accounts, at)).await.unwrap();
    let post = herald.posts_schedule(&post.id).await.unwrap();
    assert!(!post.attempts.is_empty(), "scheduled: {post:?}");
    post.id
}

/// Wait (up to `limit`) until every attempt of the post is out of scheduled/publishing.
pub async fn settled(herald: &Herald, post: &str, limit: Duration) -> Vec<Attempt> {
    let start = Instant::now();
    loop {
        let attempts = herald.store().attempts_of(post).await.unwrap();
        if !attempts.is_empty()
            && attempts.iter().all(|a| !matches!(a.state, AttemptState::Scheduled | AttemptState::Publishing))
        {
            return attempts;
        }
        assert!(start.elapsed() < limit, "not settled: {attempts:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Wait (up to `limit`) until `check` holds for the post's attempts.
pub async fn until(herald: &Herald, post: &str, limit: Duration, check: impl Fn(&[Attempt]) -> bool) -> Vec<Attempt> {
    let start = Instant::now();
    loop {
        let attempts = herald.store().attempts_of(post).await.unwrap();
        if check(&attempts) {
            return attempts;
        }
        assert!(start.elapsed() < limit, "condition not reached: {attempts:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Run one SQL statement on Herald's own database file (to set up a past a test needs).
pub async fn sql(herald: &Herald, statement: &str) {
    sqlx::query(statement).execute(herald.store().pool()).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
}

pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}
