//! The scheduler publishes for real: real SQLite, the real keyring, the sandbox over loopback.
//! Exactly once per attempt, timeouts and crashes become unconfirmed and are never retried,
//! invalid posts stay drafts, and the scheduler wakes on changes without polling.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::*;
use herald_core::api::{Account, AttemptReason, AttemptState, DraftInput, PostState, ProblemCode, TargetInput};
use herald_core::{Herald, NetworkId};
use herald_sandbox::{AutoConsent, Endpoint, Fault};

async fn connect_all(w: &World, network: NetworkId) -> Vec<Account> {
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(network, None).await.expect("begin");
    browser_visits(&flow.authorize_url).await;
    let candidates = w.herald.connect_wait(&flow.flow_id).await.expect("wait");
    let ids: Vec<String> = candidates.iter().map(|c| c.external_id.clone()).collect();
    w.herald.connect_finish(&flow.flow_id, &ids).await.expect("finish")
}

fn draft(text: &str, accounts: &[&Account], at: chrono::DateTime<Utc>) -> DraftInput {
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

/// Wait (up to `limit`) until every attempt of the post is out of scheduled/publishing.
async fn settled(herald: &Herald, post: &str, limit: Duration) -> Vec<herald_core::api::Attempt> {
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

#[tokio::test]
async fn a_scheduled_post_publishes_exactly_once_to_x_linkedin_and_facebook() {
    let (w, _) = world_for_x().await;
    use_network(&w, NetworkId::Linkedin, None).await;
    use_network(&w, NetworkId::Facebook, None).await;
    let x = connect_all(&w, NetworkId::X).await;
    let linkedin = connect_all(&w, NetworkId::Linkedin).await;
    let facebook = connect_all(&w, NetworkId::Facebook).await;
    let targets = [&x[0], &linkedin[0], &facebook[0]];
    w.herald.start_scheduler().await.unwrap();

    let text = "Focaccia (fresh) at 9 #forno";
    let post = w.herald.posts_save_draft(&draft(text, &targets, Utc::now())).await.unwrap();
    let post = w.herald.posts_schedule(&post.id).await.unwrap();
    assert_eq!(post.state, PostState::Scheduled);
    let attempts = settled(&w.herald, &post.id, Duration::from_secs(10)).await;
    assert_eq!(attempts.len(), 3);
    for attempt in &attempts {
        assert_eq!(attempt.state, AttemptState::Published, "{attempt:?}");
        assert!(attempt.network_post_id.is_some() && attempt.permalink.as_deref().unwrap().starts_with("https://"));
    }
    // Let the scheduler go round a few more times: nothing is sent again.
    w.herald.wake_scheduler();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let published = w.sandbox.published();
    assert_eq!(published.len(), 3, "{published:?}");
    for network in ["x", "linkedin", "facebook"] {
        assert_eq!(published.iter().filter(|p| p.network == network).count(), 1, "{network}");
    }
    let li = published.iter().find(|p| p.network == "linkedin").unwrap();
    assert_eq!(li.text, "Focaccia \\(fresh\\) at 9 \\#forno", "little text escapes reserved characters");
    assert_eq!(published.iter().find(|p| p.network == "x").unwrap().text, text);
}

#[tokio::test]
async fn a_timeout_during_publish_is_unconfirmed_and_never_retried() {
    let port = free_port();
    let mut config = herald_sandbox::SandboxConfig::demo();
    config.x.redirect_uris = vec![format!("http://127.0.0.1:{port}/callback")];
    let w = world_with(config, |c| c.request_timeout = Duration::from_millis(800)).await;
    use_network(&w, NetworkId::X, Some(port)).await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.start_scheduler().await.unwrap();
    w.sandbox.inject(Endpoint::XTweets, Fault { delay_ms: 1_500, times: Some(1), ..Fault::default() });

    let post = w.herald.posts_save_draft(&draft("Slow network", &[&x[0]], Utc::now())).await.unwrap();
    w.herald.posts_schedule(&post.id).await.unwrap();
    let attempts = settled(&w.herald, &post.id, Duration::from_secs(5)).await;
    assert_eq!((attempts[0].state, attempts[0].reason), (AttemptState::Unconfirmed, Some(AttemptReason::TimedOut)));
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    w.herald.wake_scheduler();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(w.sandbox.hits(Endpoint::XTweets), 1, "one call, never retried");
    // The sandbox drops its handler when the client goes away, so whether it recorded the post
    // is not what this test is about: at most once, and Herald never asks again.
    assert!(w.sandbox.published().len() <= 1);
    assert_eq!(w.herald.store().attempts_of(&post.id).await.unwrap()[0].state, AttemptState::Unconfirmed);
}

#[tokio::test]
async fn a_crash_mid_call_leaves_an_unconfirmed_attempt_and_no_second_publish() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    let task = w.herald.start_scheduler().await.unwrap().unwrap();
    w.sandbox.inject(Endpoint::XTweets, Fault { delay_ms: 1_500, times: Some(1), ..Fault::default() });
    let post = w.herald.posts_save_draft(&draft("Crash test", &[&x[0]], Utc::now())).await.unwrap();
    w.herald.posts_schedule(&post.id).await.unwrap();
    let start = Instant::now();
    while w.herald.store().attempts_of(&post.id).await.unwrap()[0].state != AttemptState::Publishing {
        assert!(start.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The app dies mid-call: the task is gone, the store closed, nothing else runs.
    task.abort();
    let _ = task.await;
    let config = w.herald.config().clone();
    w.herald.shutdown().await;

    let reopened = Herald::open(config).await.unwrap();
    reopened.start_scheduler().await.unwrap();
    let attempt = reopened.store().attempts_of(&post.id).await.unwrap().remove(0);
    assert_eq!((attempt.state, attempt.reason), (AttemptState::Unconfirmed, Some(AttemptReason::Interrupted)));
    tokio::time::sleep(Duration::from_millis(1_800)).await;
    reopened.wake_scheduler();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(w.sandbox.hits(Endpoint::XTweets), 1, "never sent again after the restart");
    assert!(w.sandbox.published().len() <= 1);
}

#[tokio::test]
async fn an_invalid_post_stays_a_draft_with_its_reasons() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    let post = w.herald.posts_save_draft(&draft(&"a".repeat(300), &[&x[0]], Utc::now())).await.unwrap();
    let post = w.herald.posts_schedule(&post.id).await.unwrap();
    assert_eq!(post.state, PostState::Draft);
    assert!(post.attempts.is_empty());
    let problem = &post.targets[0].problems[0];
    assert_eq!((problem.code, problem.limit, problem.count), (ProblemCode::TextTooLong, Some(280), Some(300)));
    let reread = w.herald.posts_get(&post.id).await.unwrap();
    assert_eq!(reread.targets[0].problems, post.targets[0].problems, "the reasons are stored");
}

#[tokio::test]
async fn the_scheduler_wakes_on_changes_and_not_otherwise() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.start_scheduler().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert_eq!(w.herald.scheduler_stats().wakeups, 0, "idle: no wake-up at all");

    let due = Utc::now() + chrono::Duration::milliseconds(200);
    let post = w.herald.posts_save_draft(&draft("Due soon", &[&x[0]], due)).await.unwrap();
    w.herald.posts_schedule(&post.id).await.unwrap();
    let attempts = settled(&w.herald, &post.id, Duration::from_secs(3)).await;
    assert_eq!(attempts[0].state, AttemptState::Published);
    let started = attempts[0].started_at.unwrap();
    let late = (started - due).num_milliseconds();
    eprintln!("due → publishing: {late} ms");
    assert!((0..=100).contains(&late), "published {late} ms after due");
    let after = w.herald.scheduler_stats().wakeups;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert_eq!(w.herald.scheduler_stats().wakeups, after, "idle again: no wake-up");
    eprintln!("wake-ups for one post: {after}");
}

#[tokio::test]
async fn paused_publishing_holds_everything_until_resumed() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.start_scheduler().await.unwrap();
    w.herald.set_publishing_paused(true).await.unwrap();
    let post = w.herald.posts_save_draft(&draft("Held", &[&x[0]], Utc::now())).await.unwrap();
    w.herald.posts_schedule(&post.id).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(w.sandbox.published().is_empty());
    w.herald.set_publishing_paused(false).await.unwrap();
    let attempts = settled(&w.herald, &post.id, Duration::from_secs(3)).await;
    assert_eq!(attempts[0].state, AttemptState::Published);
}
