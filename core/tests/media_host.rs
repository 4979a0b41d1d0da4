//! The media host against a real S3-compatible server (moto, over loopback), with the real
//! scheduler, SQLite, keyring and sandbox: Instagram and Google photos go through it end to end
//! (uploaded, fetched by the network, deleted once published), a missing host is said before
//! scheduling, an unreachable one delays the post without sending anything, and the secret key
//! lives only in the keyring.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod scheduler_common;

use std::time::Duration;

use chrono::Utc;
use common::moto::Moto;
use common::*;
use herald_core::api::{AttemptReason, AttemptState, DraftInput, MediaHostProblem, PostState, ProblemCode};
use herald_core::NetworkId;
use scheduler_common::{connect_all, draft, settled, until};

/// A real 1080×1080 JPEG (Instagram's square), about `kb` kilobytes.
fn photo(kb: usize) -> Vec<u8> {
    let img = image::RgbImage::from_fn(1080, 1080, |x, y| {
        let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) % 256;
        image::Rgb([n as u8, (x % 256) as u8, (y % 256) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).unwrap();
    assert!(out.len() > kb * 100, "a photo-like JPEG");
    out
}

fn label(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let hex: String = sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    format!("upload:{}:{hex}", bytes.len())
}

async fn with_image(w: &World, mut d: DraftInput, path: &std::path::Path) -> DraftInput {
    d.images = vec![w.herald.media_import_files(&[path.display().to_string()]).await.unwrap().remove(0).id];
    d
}

#[tokio::test]
async fn instagram_and_google_photos_go_through_the_media_host_and_are_deleted_after() {
    let moto = Moto::start().await;
    let w = world().await;
    let google = connect(&w, None).await;
    use_network(&w, NetworkId::Instagram, None).await;
    let ig = connect_all(&w, NetworkId::Instagram).await;
    w.herald.media_host_save(&moto.input()).await.unwrap();
    w.herald.start_scheduler().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bytes = photo(200);
    let path = dir.path().join("focaccia.jpg");
    std::fs::write(&path, &bytes).unwrap();

    let targets = [&ig[0], &google[0]];
    let post = w
        .herald
        .posts_save_draft(&with_image(&w, draft("Focaccia appena sfornata", &targets, Utc::now()), &path).await)
        .await
        .unwrap();
    let scheduled = w.herald.posts_schedule(&post.id).await.unwrap();
    assert_eq!(scheduled.state, PostState::Scheduled, "{:?}", scheduled.targets);
    let attempts = settled(&w.herald, &post.id, Duration::from_secs(30)).await;
    assert!(attempts.iter().all(|a| a.state == AttemptState::Published), "{attempts:?}");
    let ig_attempt = attempts.iter().find(|a| a.network == NetworkId::Instagram).unwrap();
    assert!(
        ig_attempt.permalink.as_deref().is_some_and(|p| p.starts_with("https://www.instagram.com/")),
        "{ig_attempt:?}"
    );

    let published = w.sandbox.published();
    assert_eq!(published.len(), 2);
    for p in &published {
        assert_eq!(p.media, vec![label(&bytes)], "{} fetched the photo byte for byte", p.network);
    }
    // Published and confirmed: nothing is left on the bucket.
    let start = std::time::Instant::now();
    while !moto.keys().await.is_empty() {
        assert!(start.elapsed() < Duration::from_secs(5), "left on the bucket: {:?}", moto.keys().await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn without_a_media_host_the_composer_says_so_and_text_only_google_posts_still_work() {
    let w = world().await;
    let google = connect(&w, None).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pane.jpg");
    std::fs::write(&path, photo(100)).unwrap();
    let post = w
        .herald
        .posts_save_draft(&with_image(&w, draft("Pane", &[&google[0]], Utc::now()), &path).await)
        .await
        .unwrap();
    let checked = w.herald.posts_schedule(&post.id).await.unwrap();
    assert_eq!(checked.state, PostState::Draft);
    assert_eq!(
        checked.targets[0].problems.iter().map(|p| p.code).collect::<Vec<_>>(),
        vec![ProblemCode::MediaHostRequired]
    );
    let text_only = w.herald.posts_save_draft(&draft("Pane", &[&google[0]], Utc::now())).await.unwrap();
    assert_eq!(w.herald.posts_schedule(&text_only.id).await.unwrap().state, PostState::Scheduled);
    assert_eq!(w.herald.media_host_test().await.unwrap().problem, Some(MediaHostProblem::NotConfigured));
}

#[tokio::test]
async fn an_unreachable_media_host_delays_the_post_and_sends_nothing_until_it_is_back() {
    let port = free_port();
    let w = world().await;
    let google = connect(&w, None).await;
    let mut input = Moto { child: None, port }.input();
    input.endpoint = format!("http://127.0.0.1:{port}");
    w.herald.media_host_save(&input).await.unwrap();
    assert_eq!(w.herald.media_host_test().await.unwrap().problem, Some(MediaHostProblem::Unreachable));
    w.herald.start_scheduler().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pane.jpg");
    let bytes = photo(100);
    std::fs::write(&path, &bytes).unwrap();
    let post = w
        .herald
        .posts_save_draft(&with_image(&w, draft("Pane", &[&google[0]], Utc::now()), &path).await)
        .await
        .unwrap();
    w.herald.posts_schedule(&post.id).await.unwrap();
    let waiting = until(&w.herald, &post.id, Duration::from_secs(10), |a| {
        a[0].reason == Some(AttemptReason::MediaHostUnreachable)
    })
    .await;
    assert_eq!(waiting[0].state, AttemptState::Scheduled, "retried later, nothing sent: {waiting:?}");
    assert!(waiting[0].detail.is_some());
    assert!(w.sandbox.published().is_empty());
    // The host comes back on that port: the retry publishes, once.
    let moto = Moto::start_on(port).await;
    let attempts = settled(&w.herald, &post.id, Duration::from_secs(30)).await;
    assert_eq!(attempts[0].state, AttemptState::Published, "{attempts:?}");
    assert_eq!(w.sandbox.published().len(), 1);
    assert_eq!(w.sandbox.published()[0].media, vec![label(&bytes)]);
    drop(moto);
}

#[tokio::test]
async fn the_secret_key_is_kept_in_the_keyring_only_and_never_shown_back() {
    let moto = Moto::start().await;
    let w = world().await;
    let saved = w.herald.media_host_save(&moto.input()).await.unwrap();
    assert!(saved.configured && saved.has_secret);
    let shown = serde_json::to_string(&w.herald.media_host_get().await.unwrap()).unwrap();
    assert!(!shown.contains("moto-secret-not-checked"), "{shown}");
    assert!(w.herald.media_host_test().await.unwrap().ok);
    // Saving without a secret keeps the stored one.
    let mut again = moto.input();
    again.secret_access_key = None;
    again.url_ttl_minutes = 30;
    assert!(w.herald.media_host_save(&again).await.unwrap().has_secret);
    assert!(w.herald.media_host_test().await.unwrap().ok);
    // Nothing under the data directory holds the secret.
    for (name, bytes) in files_under(w.dir.path()) {
        assert!(!contains(&bytes, "moto-secret-not-checked"), "the secret is in {name}");
    }
    let secret = w.herald.vault().media_host_secret().await.unwrap().unwrap();
    assert_eq!(secret.expose(), "moto-secret-not-checked");
    // Bad input is refused with the field named, and changes nothing.
    let mut bad = moto.input();
    bad.bucket = "Not A Bucket".into();
    assert!(w.herald.media_host_save(&bad).await.unwrap_err().to_string().contains("bucket"));
    bad = moto.input();
    bad.endpoint = "http://example.com".into();
    assert!(w.herald.media_host_save(&bad).await.is_err(), "plain http only to loopback");
    assert_eq!(w.herald.media_host_get().await.unwrap().url_ttl_minutes, 30);
    w.herald.media_host_clear().await.unwrap();
    assert!(!w.herald.media_host_get().await.unwrap().configured);
    assert!(w.herald.vault().media_host_secret().await.unwrap().is_none());
}

#[tokio::test]
async fn several_photos_make_an_instagram_carousel_in_order() {
    let moto = Moto::start().await;
    let w = world().await;
    use_network(&w, NetworkId::Instagram, None).await;
    let ig = connect_all(&w, NetworkId::Instagram).await;
    w.herald.media_host_save(&moto.input()).await.unwrap();
    w.herald.start_scheduler().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut ids = Vec::new();
    let mut labels = Vec::new();
    for (i, kb) in [120, 90, 60].into_iter().enumerate() {
        // Three different files: a comment segment with the index right after SOI.
        let mut bytes = photo(kb);
        bytes.splice(2..2, [0xFF, 0xFE, 0x00, 0x03, i as u8]);
        let path = dir.path().join(format!("{i}.jpg"));
        std::fs::write(&path, &bytes).unwrap();
        ids.push(w.herald.media_import_files(&[path.display().to_string()]).await.unwrap().remove(0).id);
        labels.push(label(&bytes));
    }
    let mut post = draft("Tre foto dal forno", &[&ig[0]], Utc::now());
    post.images = ids;
    let saved = w.herald.posts_save_draft(&post).await.unwrap();
    assert_eq!(w.herald.posts_schedule(&saved.id).await.unwrap().state, PostState::Scheduled);
    let attempts = settled(&w.herald, &saved.id, Duration::from_secs(60)).await;
    assert_eq!(attempts[0].state, AttemptState::Published, "{attempts:?}");
    let published = w.sandbox.published();
    assert_eq!(published.len(), 1, "one carousel post");
    assert_eq!(published[0].media, labels, "every photo, in order");
    let start = std::time::Instant::now();
    while !moto.keys().await.is_empty() {
        assert!(start.elapsed() < Duration::from_secs(5), "left on the bucket: {:?}", moto.keys().await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
