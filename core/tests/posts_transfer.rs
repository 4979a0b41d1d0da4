//! Export/import format version 2 carries drafts and posts still to publish (never tokens);
//! version 1 files still import. Real SQLite in two data directories, the real keyring.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use chrono::Utc;
use common::*;
use herald_core::api::{AttemptState, DraftInput, PostState, TargetInput};
use herald_core::transfer::ImportSummary;
use herald_core::{Config, Herald};
use serde_json::{json, Value};

async fn empty_herald(dir: &tempfile::TempDir) -> Arc<Herald> {
    let mut config = Config::new(dir.path().join("data"));
    config.vault_service = format!("herald-test-posts-transfer-{}", uuid::Uuid::new_v4());
    Herald::open(config).await.unwrap()
}

fn draft(text: &str, targets: Vec<TargetInput>, at: Option<chrono::DateTime<Utc>>) -> DraftInput {
    DraftInput {
        id: None,
        text: text.to_owned(),
        link: Some("https://forno-rossi.example/".into()),
        targets,
        scheduled_at: at,
        zone: Some("Europe/Rome".into()),
        images: vec!["/home/forno/foto/pane.jpg".into()],
    }
}

#[tokio::test]
async fn drafts_and_scheduled_posts_round_trip_in_a_version_2_file() {
    let w = world().await;
    let accounts = connect(&w, None).await;
    let target = |i: usize, variant: Option<&str>| TargetInput {
        account_id: accounts[i].id.clone(),
        variant: variant.map(str::to_owned),
    };
    // Instants are stored in milliseconds.
    let at =
        chrono::DateTime::from_timestamp_millis((Utc::now() + chrono::Duration::days(3)).timestamp_millis()).unwrap();
    let kept = w.herald.posts_save_draft(&draft("Bozza", vec![target(0, Some("Solo al centro"))], None)).await.unwrap();
    let mut scheduled = draft("Domenica aperti", vec![target(0, None), target(1, None)], Some(at));
    scheduled.images.clear();
    let scheduled = w.herald.posts_save_draft(&scheduled).await.unwrap();
    assert_eq!(w.herald.posts_schedule(&scheduled.id).await.unwrap().state, PostState::Scheduled);

    let exported = w.herald.export_data().await.unwrap();
    let v: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(v["version"], json!(2));
    let posts = v["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0]["state"], json!("draft"));
    assert_eq!(posts[0]["targets"][0]["variant"], json!("Solo al centro"));
    assert_eq!(posts[0]["targets"][0]["externalId"], json!(accounts[0].external_id));
    assert_eq!(posts[1]["state"], json!("scheduled"));
    for bad in ["accessToken", "refreshToken", "grantId", "account_id", "accountId"] {
        assert!(!exported.contains(bad), "{bad} in the export");
    }

    let other_dir = tempfile::tempdir().unwrap();
    let other = empty_herald(&other_dir).await;
    let summary = other.import_data(&exported).await.unwrap();
    assert_eq!(summary, ImportSummary { settings: 0, credentials: 1, accounts: 2, posts: 2, publishing_paused: true });
    // The old computer may still publish them: nothing publishes here until the user resumes.
    assert!(other.publishing_paused(), "importing scheduled posts pauses publishing");
    let copy = other.posts_get(&kept.id).await.unwrap();
    assert_eq!((copy.state, copy.text.as_str(), copy.images.clone()), (PostState::Draft, "Bozza", kept.images.clone()));
    assert_eq!(copy.targets[0].variant.as_deref(), Some("Solo al centro"));
    let imported_accounts = other.accounts().await.unwrap();
    let here = |external: &str| imported_accounts.iter().find(|a| a.external_id == external).unwrap().id.clone();
    assert_eq!(copy.targets[0].account_id, here(&accounts[0].external_id), "targets point at this computer's accounts");
    let copy = other.posts_get(&scheduled.id).await.unwrap();
    assert_eq!(
        (copy.state, copy.scheduled_at, copy.zone.as_deref()),
        (PostState::Scheduled, Some(at), Some("Europe/Rome"))
    );
    assert_eq!(copy.attempts.len(), 2);
    assert!(copy.attempts.iter().all(|a| a.state == AttemptState::Scheduled && a.due_at == at));
    let entries = other.posts_calendar(at - chrono::Duration::hours(1), at + chrono::Duration::hours(1)).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.needs_reconnect), "imported accounts must be reconnected first");

    let again = other.import_data(&exported).await.unwrap();
    assert_eq!(again.posts, 0, "a post already here is left as it is");
}

#[tokio::test]
async fn a_version_1_file_still_imports_and_a_post_naming_an_unknown_account_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let h = empty_herald(&dir).await;
    let account = json!({ "network": "x", "externalId": "4242", "kind": "profile", "displayName": "Forno",
                          "avatarUrl": null, "connectedAt": "2026-11-22T10:00:00Z" });
    let v1 = json!({ "format": "herald-export", "version": 1, "exportedAt": "2026-11-22T10:00:00Z",
                     "settings": {}, "networkCredentials": [], "accounts": [account.clone()] });
    let summary = h.import_data(&v1.to_string()).await.unwrap();
    assert_eq!(summary, ImportSummary { settings: 0, credentials: 0, accounts: 1, posts: 0, publishing_paused: false });

    let post = |external: &str| {
        json!({ "id": uuid::Uuid::new_v4().to_string(), "text": "Ciao", "link": null, "state": "draft",
                "scheduledAt": null, "zone": null, "images": [], "createdAt": "2026-11-22T10:00:00Z",
                "targets": [{ "network": "x", "externalId": external, "variant": null }] })
    };
    let mut v2 = v1.clone();
    v2["version"] = json!(2);
    v2["posts"] = json!([post("4242"), post("9999")]);
    let err = h.import_data(&v2.to_string()).await.unwrap_err();
    assert!(err.to_string().contains("post 2"), "{err}");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM posts").fetch_one(h.store().pool()).await.unwrap();
    assert_eq!(n, 0, "all or nothing");
    v2["posts"] = json!([post("4242")]);
    assert_eq!(h.import_data(&v2.to_string()).await.unwrap().posts, 1);
}
