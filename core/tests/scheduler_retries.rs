//! Retries for real: a 429 puts the attempt back to wait until X's `x-rate-limit-reset`, then
//! it publishes once; content the network rejects fails at once with its reason, one call.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod scheduler_common;

use std::time::Duration;

use chrono::Utc;
use common::*;
use herald_core::api::{AttemptReason, AttemptState};
use herald_core::NetworkId;
use herald_sandbox::{Endpoint, SandboxConfig};
use scheduler_common::*;

#[tokio::test]
async fn a_429_waits_for_the_reset_then_publishes_once() {
    let port = free_port();
    let mut config = SandboxConfig::demo();
    config.x.redirect_uris = vec![format!("http://127.0.0.1:{port}/callback")];
    config.x.tweets_per_window = 1;
    config.x.tweet_window_secs = 3;
    let w = world_with(config, |_| {}).await;
    use_network(&w, NetworkId::X, Some(port)).await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.start_scheduler().await.unwrap();

    let first = schedule(&w.herald, "Primo", &[&x[0]], Utc::now()).await;
    let first = settled(&w.herald, &first, Duration::from_secs(5)).await.remove(0);
    assert_eq!(first.state, AttemptState::Published);
    let second = schedule(&w.herald, "Secondo", &[&x[0]], Utc::now()).await;
    let waiting =
        until(&w.herald, &second, Duration::from_secs(5), |a| a[0].reason == Some(AttemptReason::RateLimited))
            .await
            .remove(0);
    assert_eq!(waiting.state, AttemptState::Scheduled, "it waits, it has not failed: {waiting:?}");
    let reset = waiting.retry_at.expect("the reset time is kept");
    assert!(reset > Utc::now(), "waiting until the reset: {reset}");
    assert!(reset - Utc::now() <= chrono::Duration::seconds(4), "X's reset, not a long backoff: {reset}");

    let done = settled(&w.herald, &second, Duration::from_secs(10)).await.remove(0);
    assert_eq!(done.state, AttemptState::Published, "{done:?}");
    assert!(done.started_at.unwrap() >= reset, "not before the reset: {:?} < {reset}", done.started_at);
    assert_eq!(w.sandbox.hits(Endpoint::XTweets), 3, "first, the 429, the retry");
    assert_eq!(w.sandbox.published().len(), 2);
}

#[tokio::test]
async fn rejected_content_fails_at_once_with_the_networks_reason() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.start_scheduler().await.unwrap();
    let first = schedule(&w.herald, "Twice the same", &[&x[0]], Utc::now()).await;
    settled(&w.herald, &first, Duration::from_secs(5)).await;
    let duplicate = schedule(&w.herald, "Twice the same", &[&x[0]], Utc::now()).await;
    let failed = settled(&w.herald, &duplicate, Duration::from_secs(5)).await.remove(0);
    assert_eq!((failed.state, failed.reason), (AttemptState::Failed, Some(AttemptReason::ContentRejected)));
    assert!(!failed.retryable);
    assert!(failed.detail.as_deref().unwrap().contains("duplicate"), "{failed:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.sandbox.hits(Endpoint::XTweets), 2, "one call each, no retry");
}

/// The network refuses the sign-in (the grant was revoked): nothing was published, so the
/// attempt waits, saying the account needs a reconnect; reconnecting publishes it, once, with
/// nothing else waking the scheduler.
#[tokio::test]
async fn a_refused_sign_in_waits_for_the_reconnect_then_publishes() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.start_scheduler().await.unwrap();
    w.sandbox.revoke_all_for_tests();
    let post = schedule(&w.herald, "After the reconnect", &[&x[0]], Utc::now()).await;
    let waiting =
        until(&w.herald, &post, Duration::from_secs(5), |a| a[0].reason == Some(AttemptReason::NeedsReconnect))
            .await
            .remove(0);
    assert_eq!(waiting.state, AttemptState::Scheduled, "it waits, it has not failed: {waiting:?}");
    let start = std::time::Instant::now();
    while w.herald.store().account(&x[0].id).await.unwrap().unwrap().0.status
        != herald_core::api::AccountStatus::NeedsReconnect
    {
        assert!(start.elapsed() < Duration::from_secs(5), "the account is marked");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert!(w.sandbox.published().is_empty());
    assert_eq!(w.herald.store().attempts_of(&post).await.unwrap()[0].state, AttemptState::Scheduled);

    connect_all(&w, NetworkId::X).await;
    let done = settled(&w.herald, &post, Duration::from_secs(10)).await.remove(0);
    assert_eq!(done.state, AttemptState::Published, "{done:?}");
    assert_eq!(w.sandbox.published().len(), 1);
}
