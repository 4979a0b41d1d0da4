//! Catch-up for real: posts due while Herald was not running. At start, those late by less than
//! the grace period (setting `posts.grace_minutes`) publish at once; the others are held as
//! missed, listed, and published, rescheduled or kept as drafts as the user decides.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod scheduler_common;

use std::time::Duration;

use chrono::Utc;
use common::*;
use herald_core::api::{AttemptReason, AttemptState, MissedAction, PostState};
use herald_core::NetworkId;
use scheduler_common::*;

#[tokio::test]
async fn overdue_posts_within_the_grace_publish_and_the_others_wait_for_the_user() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.store().set_setting("posts.grace_minutes", Some("25")).await.unwrap();
    let now = Utc::now();
    let mut posts = Vec::new();
    for (text, late_minutes) in [("Late 20", 20), ("Late 40 a", 42), ("Late 40 b", 41), ("Late 40 c", 40)] {
        let id = schedule(&w.herald, text, &[&x[0]], now + chrono::Duration::hours(1)).await;
        // Herald was off: the due time passed long ago.
        sql(
            &w.herald,
            &format!(
                "UPDATE publish_attempts SET due_at = {} WHERE post_id = '{id}'",
                ms(now - chrono::Duration::minutes(late_minutes))
            ),
        )
        .await;
        posts.push(id);
    }
    w.herald.start_scheduler().await.unwrap();
    let late20 = settled(&w.herald, &posts[0], Duration::from_secs(5)).await.remove(0);
    assert_eq!(late20.state, AttemptState::Published, "within the 25-minute grace: {late20:?}");

    let missed = w.herald.posts_missed().await.unwrap();
    assert_eq!(missed.iter().map(|m| m.excerpt.as_str()).collect::<Vec<_>>(), ["Late 40 a", "Late 40 b", "Late 40 c"]);
    for m in &missed {
        let attempt = w.herald.store().attempt(&m.attempt_id).await.unwrap().unwrap();
        assert_eq!((attempt.state, attempt.reason), (AttemptState::Scheduled, Some(AttemptReason::Missed)));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.sandbox.published().len(), 1, "nothing missed was published by itself");

    let one = |i: usize| vec![missed[i].attempt_id.clone()];
    assert_eq!(w.herald.posts_resolve_missed(&one(0), MissedAction::PublishNow).await.unwrap(), 1);
    let published = settled(&w.herald, &posts[1], Duration::from_secs(5)).await.remove(0);
    assert_eq!(published.state, AttemptState::Published);

    let past = MissedAction::Reschedule { at: Utc::now() - chrono::Duration::minutes(1) };
    assert!(w.herald.posts_resolve_missed(&one(1), past).await.is_err(), "a past time is refused");
    let at = Utc::now() + chrono::Duration::milliseconds(400);
    assert_eq!(w.herald.posts_resolve_missed(&one(1), MissedAction::Reschedule { at }).await.unwrap(), 1);
    let moved = settled(&w.herald, &posts[2], Duration::from_secs(5)).await.remove(0);
    assert_eq!(moved.state, AttemptState::Published);
    assert!(ms(moved.started_at.unwrap()) >= ms(at), "at the new time (to the millisecond): {moved:?}");

    assert_eq!(w.herald.posts_resolve_missed(&one(2), MissedAction::KeepAsDraft).await.unwrap(), 1);
    let kept = w.herald.posts_get(&posts[3]).await.unwrap();
    assert_eq!(kept.state, PostState::Draft);
    assert!(kept.attempts.is_empty(), "{kept:?}");
    assert!(w.herald.posts_missed().await.unwrap().is_empty());
    assert_eq!(w.sandbox.published().len(), 3);
    assert!(w.herald.posts_resolve_missed(&["not an id".into()], MissedAction::PublishNow).await.is_err());
}
