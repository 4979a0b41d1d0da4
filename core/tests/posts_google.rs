//! Google Business Profile publishing: connect keeps each location's `accounts/{id}`, a local
//! post goes to `v4/accounts/{a}/locations/{l}/localPosts` in the sandbox, and a location
//! connected before Herald kept its account gets it looked up once at publish time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::*;
use herald_core::api::{AttemptState, DraftInput, PostState, TargetInput};

async fn publish(w: &World, account_id: &str, text: &str) -> herald_core::api::Attempt {
    let draft = DraftInput {
        id: None,
        text: text.to_owned(),
        link: Some("https://forno-rossi.example/menu".into()),
        targets: vec![TargetInput { account_id: account_id.to_owned(), variant: None }],
        scheduled_at: Some(Utc::now()),
        zone: Some("Europe/Rome".into()),
        images: Vec::new(),
    };
    let post = w.herald.posts_save_draft(&draft).await.unwrap();
    let post = w.herald.posts_schedule(&post.id).await.unwrap();
    assert_eq!(post.state, PostState::Scheduled, "{:?}", post.targets);
    let start = Instant::now();
    loop {
        let attempt = w.herald.store().attempts_of(&post.id).await.unwrap().remove(0);
        if !matches!(attempt.state, AttemptState::Scheduled | AttemptState::Publishing) {
            return attempt;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "not settled: {attempt:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn google_local_posts_publish_under_the_account_kept_at_connect() {
    let w = world().await;
    let accounts = connect(&w, None).await;
    assert_eq!(accounts.len(), 2);
    for account in &accounts {
        assert_eq!(account.parent_id.as_deref(), Some("accounts/108000000001"), "kept at connect");
    }
    w.herald.start_scheduler().await.unwrap();

    let attempt = publish(&w, &accounts[0].id, "Aperti anche domenica").await;
    assert_eq!(attempt.state, AttemptState::Published, "{attempt:?}");
    let name = attempt.network_post_id.clone().unwrap();
    assert!(name.starts_with(&format!("accounts/108000000001/{}/localPosts/", accounts[0].external_id)), "{name}");
    assert!(attempt.permalink.as_deref().is_some_and(|p| p.starts_with("https://local.google.com/")), "{attempt:?}");
    let published = w.sandbox.published();
    assert_eq!(published.len(), 1);
    assert_eq!(
        (
            published[0].network.as_str(),
            published[0].author.as_str(),
            published[0].text.as_str(),
            published[0].id.as_str()
        ),
        ("google", accounts[0].external_id.as_str(), "Aperti anche domenica", name.as_str())
    );
}

#[tokio::test]
async fn a_location_connected_before_gets_its_account_looked_up_once() {
    let w = world().await;
    let accounts = connect(&w, None).await;
    let older = &accounts[1];
    sqlx::query("UPDATE accounts SET parent_id = NULL WHERE id = ?")
        .bind(&older.id)
        .execute(w.herald.store().pool())
        .await
        .unwrap();
    assert_eq!(w.herald.store().account(&older.id).await.unwrap().unwrap().0.parent_id, None);
    w.herald.start_scheduler().await.unwrap();

    let attempt = publish(&w, &older.id, "Cornetti caldi").await;
    assert_eq!(attempt.state, AttemptState::Published, "{attempt:?}");
    let stored = w.herald.store().account(&older.id).await.unwrap().unwrap().0;
    assert_eq!(stored.parent_id.as_deref(), Some("accounts/108000000001"), "stored after the look-up");
    assert_eq!(w.sandbox.published().len(), 1);
}
