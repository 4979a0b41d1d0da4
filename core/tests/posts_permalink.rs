//! "Open on the network": the address comes from what the network answered when it published,
//! and only an https page on the network's own site is opened.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod scheduler_common;

use std::time::Duration;

use chrono::Utc;
use common::*;
use herald_core::api::AttemptState;
use herald_core::{Error, NetworkId};
use scheduler_common::*;

#[tokio::test]
async fn a_published_post_opens_at_its_network_permalink_and_nothing_else_opens() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.start_scheduler().await.unwrap();
    let post = schedule(&w.herald, "Focaccia calda alle 8", &[&x[0]], Utc::now()).await;
    let attempt = settled(&w.herald, &post, Duration::from_secs(10)).await.remove(0);
    assert_eq!(attempt.state, AttemptState::Published);
    let link = w.herald.posts_permalink_to_open(&attempt.id).await.unwrap();
    assert_eq!(Some(link.as_str()), attempt.permalink.as_deref());
    assert!(link.starts_with("https://x.com/"), "{link}");

    let unknown = w.herald.posts_permalink_to_open("00000000-0000-4000-8000-000000000000").await;
    assert!(matches!(unknown, Err(Error::NotFound(_))), "{unknown:?}");
    let garbage = w.herald.posts_permalink_to_open("https://evil.test/").await;
    assert!(matches!(garbage, Err(Error::InvalidInput(_))), "{garbage:?}");
}
