//! Photos through each network's own upload path, against the sandbox over loopback, with the
//! real scheduler, real SQLite and the real keyring: X's chunked v2 upload (a 4 MB photo in four
//! appends) and LinkedIn's initializeUpload → PUT → image URN (one photo, and several as a
//! multi-image post). The sandbox records each photo it received as `upload:{bytes}:{sha256}`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::*;
use herald_core::api::{Account, AttemptState, DraftInput, PostState, TargetInput};
use herald_core::NetworkId::{self, *};
use herald_sandbox::{AutoConsent, Endpoint};

/// A real, decodable JPEG of `width`×`height` whose bytes are padded (in a COM segment) to
/// about `len` bytes.
fn photo(width: u32, height: u32, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, 90]));
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
    // Pad with comment segments after SOI (each at most 65,533 bytes of payload).
    let mut padded = out[..2].to_vec();
    let mut left = len.saturating_sub(out.len());
    let mut n = 0u8;
    while left > 4 {
        let chunk = left.saturating_sub(4).min(65_533);
        padded.extend_from_slice(&[0xFF, 0xFE]);
        padded.extend_from_slice(&((chunk + 2) as u16).to_be_bytes());
        padded.extend((0..chunk).map(|i| (i as u8).wrapping_mul(31).wrapping_add(n)));
        left = left.saturating_sub(chunk + 4);
        n = n.wrapping_add(1);
    }
    padded.extend_from_slice(&out[2..]);
    padded
}

fn label(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let hex: String = sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    format!("upload:{}:{hex}", bytes.len())
}

struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }

    /// Write a photo, add it to the library, and return what a draft refers to it by.
    async fn attach(&self, w: &World, name: &str, bytes: &[u8]) -> String {
        let path = self.0.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        w.herald.media_import_files(&[path.display().to_string()]).await.unwrap().remove(0).id
    }
}

async fn connect_all(w: &World, network: NetworkId, consent: AutoConsent) -> Vec<Account> {
    w.sandbox.set_auto_consent(Some(consent));
    let flow = w.herald.connect_begin(network, None).await.expect("begin");
    browser_visits(&flow.authorize_url).await;
    let candidates = w.herald.connect_wait(&flow.flow_id).await.expect("wait");
    let ids: Vec<String> = candidates.iter().map(|c| c.external_id.clone()).collect();
    w.herald.connect_finish(&flow.flow_id, &ids).await.expect("finish")
}

fn draft(text: &str, accounts: &[&Account], images: Vec<String>) -> DraftInput {
    DraftInput {
        id: None,
        text: text.to_owned(),
        link: None,
        targets: accounts.iter().map(|a| TargetInput { account_id: a.id.clone(), variant: None }).collect(),
        scheduled_at: Some(Utc::now()),
        zone: Some("Europe/Rome".into()),
        images,
    }
}

async fn settled(w: &World, post: &str) -> Vec<herald_core::api::Attempt> {
    let start = Instant::now();
    loop {
        let attempts = w.herald.store().attempts_of(post).await.unwrap();
        if !attempts.is_empty()
            && attempts.iter().all(|a| !matches!(a.state, AttemptState::Scheduled | AttemptState::Publishing))
        {
            return attempts;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "not settled: {attempts:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn publish(w: &World, draft: &DraftInput) -> Vec<herald_core::api::Attempt> {
    let post = w.herald.posts_save_draft(draft).await.unwrap();
    let scheduled = w.herald.posts_schedule(&post.id).await.unwrap();
    assert_eq!(scheduled.state, PostState::Scheduled, "{:?}", scheduled.targets);
    settled(w, &post.id).await
}

#[tokio::test]
async fn x_uploads_a_4_mb_photo_in_chunks_then_posts_it() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, X, AutoConsent::Approve { locations: None }).await;
    w.herald.start_scheduler().await.unwrap();
    let f = Files::new();
    let big = photo(1600, 1200, 4 * 1024 * 1024);
    let small = photo(800, 600, 60_000);
    let (big_ref, small_ref) = (f.attach(&w, "big.jpg", &big).await, f.attach(&w, "small.jpg", &small).await);

    let started = Instant::now();
    let attempts = publish(&w, &draft("Due foto dal forno", &[&x[0]], vec![big_ref, small_ref])).await;
    let took = started.elapsed();
    assert_eq!(attempts[0].state, AttemptState::Published, "{attempts:?}");
    let published = w.sandbox.published();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].media, vec![label(&big), label(&small)], "both photos, byte for byte, in order");
    // initialize + 4 appends + finalize for the big one, initialize + append + finalize for the small.
    assert_eq!(w.sandbox.hits(Endpoint::XMediaUpload), 9);
    eprintln!("X: 4 MB + 60 kB photos prepared, uploaded and posted in {took:?}");
}

#[tokio::test]
async fn x_without_the_media_permission_refuses_the_photo_and_publishes_nothing() {
    let (w, _) = world_for_x().await;
    let consent = AutoConsent::Choose { accounts: None, declined_scopes: vec!["media.write".into()] };
    let x = connect_all(&w, X, consent).await;
    w.herald.start_scheduler().await.unwrap();
    let f = Files::new();
    let one = f.attach(&w, "one.jpg", &photo(640, 480, 30_000)).await;
    let attempts = publish(&w, &draft("Senza permesso", &[&x[0]], vec![one])).await;
    assert_eq!(attempts[0].state, AttemptState::Failed, "{attempts:?}");
    let detail = attempts[0].detail.clone().unwrap_or_default();
    assert!(detail.contains("photo 1") && detail.contains("permission to upload media"), "{detail}");
    assert!(w.sandbox.published().is_empty());
}

#[tokio::test]
async fn x_upload_server_errors_publish_nothing_and_are_retried() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, X, AutoConsent::Approve { locations: None }).await;
    w.sandbox.inject(Endpoint::XMediaUpload, herald_sandbox::Fault::status(503).times(1));
    w.herald.start_scheduler().await.unwrap();
    let f = Files::new();
    let one = f.attach(&w, "one.jpg", &photo(640, 480, 30_000)).await;
    let post = w.herald.posts_save_draft(&draft("Riprova", &[&x[0]], vec![one])).await.unwrap();
    w.herald.posts_schedule(&post.id).await.unwrap();
    // The first upload call fails: nothing was published, so the attempt waits for a retry
    // (never "unconfirmed"), then publishes once.
    let start = Instant::now();
    loop {
        let attempts = w.herald.store().attempts_of(&post.id).await.unwrap();
        assert_ne!(attempts[0].state, AttemptState::Unconfirmed, "{attempts:?}");
        if attempts[0].state == AttemptState::Published {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{attempts:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(w.sandbox.published().len(), 1);
}

#[tokio::test]
async fn linkedin_uploads_one_photo_or_several_and_posts_their_urns() {
    let w = world().await;
    use_network(&w, Linkedin, None).await;
    let li = connect_all(&w, Linkedin, AutoConsent::Approve { locations: None }).await;
    w.herald.start_scheduler().await.unwrap();
    let f = Files::new();
    let (a, b) = (photo(1200, 900, 3 * 1024 * 1024), photo(900, 900, 40_000));
    let (a_ref, b_ref) = (f.attach(&w, "a.jpg", &a).await, f.attach(&w, "b.jpg", &b).await);

    let started = Instant::now();
    let attempts = publish(&w, &draft("Una foto", &[&li[0]], vec![a_ref.clone()])).await;
    eprintln!("LinkedIn: 3 MB photo prepared, uploaded and posted in {:?}", started.elapsed());
    assert_eq!(attempts[0].state, AttemptState::Published, "{attempts:?}");
    let attempts = publish(&w, &draft("Due foto", &[&li[0]], vec![a_ref, b_ref])).await;
    assert_eq!(attempts[0].state, AttemptState::Published, "{attempts:?}");

    let published = w.sandbox.published();
    assert_eq!(published.len(), 2);
    assert_eq!(published[0].media, vec![label(&a)]);
    assert_eq!(published[1].media, vec![label(&a), label(&b)], "a multi-image post, in order");
    // initializeUpload + PUT per photo.
    assert_eq!(w.sandbox.hits(Endpoint::LinkedInImages), 6);
}
