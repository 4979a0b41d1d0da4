//! Quotas for real: an Instagram account that already published 100 posts in the last 24 h
//! (a prefilled record) does not call the network; its next attempt waits (`quota_wait`) until
//! the oldest of them leaves the window, and `publishing_status` shows the use.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod scheduler_common;

use std::time::Duration;

use chrono::Utc;
use common::*;
use herald_core::api::{AttemptReason, AttemptState};
use herald_core::NetworkId;
use herald_sandbox::Endpoint;
use scheduler_common::*;

#[tokio::test]
async fn instagram_100_posts_in_24_hours_makes_the_next_one_wait_without_calling() {
    let w = world().await;
    use_network(&w, NetworkId::Instagram, None).await;
    let ig = connect_all(&w, NetworkId::Instagram).await.remove(0);
    let now = Utc::now();
    let old = w.herald.posts_save_draft(&draft("Earlier posts", &[&ig], now)).await.unwrap();
    let oldest = now - chrono::Duration::hours(23);
    for i in 0..100_i64 {
        let at = oldest + chrono::Duration::minutes(i * 13);
        sql(
            &w.herald,
            &format!(
                "INSERT INTO publish_attempts (id, post_id, account_id, network, due_at, state, started_at, finished_at, \
                 network_post_id) VALUES ('old-{i}', '{}', '{}', 'instagram', {t}, 'published', {t}, {t}, '1800{i}')",
                old.id,
                ig.id,
                t = ms(at)
            ),
        )
        .await;
    }
    // One more, older than the window: it does not count.
    sql(
        &w.herald,
        &format!(
            "INSERT INTO publish_attempts (id, post_id, account_id, network, due_at, state, started_at) \
             VALUES ('older', '{}', '{}', 'instagram', 1, 'published', {})",
            old.id,
            ig.id,
            ms(now - chrono::Duration::hours(25))
        ),
    )
    .await;
    let next = w.herald.posts_save_draft(&draft("One too many", &[&ig], now)).await.unwrap();
    sql(
        &w.herald,
        &format!(
            "INSERT INTO publish_attempts (id, post_id, account_id, network, due_at, state) \
             VALUES ('00000000-0000-4000-8000-000000000001', '{}', '{}', 'instagram', {}, 'scheduled')",
            next.id,
            ig.id,
            ms(now)
        ),
    )
    .await;

    w.herald.start_scheduler().await.unwrap();
    let waiting = until(&w.herald, &next.id, Duration::from_secs(5), |a| a[0].reason == Some(AttemptReason::QuotaWait))
        .await
        .remove(0);
    assert_eq!(waiting.state, AttemptState::Scheduled);
    let frees = oldest + chrono::Duration::hours(24);
    assert_eq!(waiting.retry_at.map(|t| t.timestamp_millis()), Some(frees.timestamp_millis()), "{waiting:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    for endpoint in [Endpoint::InstagramMedia, Endpoint::InstagramMediaPublish] {
        assert_eq!(w.sandbox.hits(endpoint), 0, "no call over the quota");
    }
    assert_eq!(w.herald.store().attempts_of(&next.id).await.unwrap()[0].state, AttemptState::Scheduled);

    let status = w.herald.publishing_status().await.unwrap();
    let quota = status.quotas.iter().find(|q| q.account_id == ig.id).expect("Instagram's quota is shown");
    assert_eq!((quota.used, quota.limit, quota.window_secs), (100, 100, 86_400));
    assert_eq!(quota.frees_at.map(|t| t.timestamp_millis()), Some(frees.timestamp_millis()));
    assert_eq!(status.next_due.map(|t| t.timestamp_millis()), Some(frees.timestamp_millis()), "it sleeps until then");
    assert!(!status.paused);
}
