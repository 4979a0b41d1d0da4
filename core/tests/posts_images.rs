//! Images on posts: the validation table per network (small real JPEG, PNG and GIF files written
//! here), images stored with the post and blocking networks Herald cannot upload to yet, and
//! Facebook photo publishing through the sandbox. Real files, real SQLite, the real keyring.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cloned_ref_to_slice_refs)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::*;
use herald_core::api::{Account, AttemptState, DraftInput, PostState, ProblemCode, TargetInput};
use herald_core::posts::images::ImageRef;
use herald_core::posts::validate::check;
use herald_core::NetworkId::{self, *};
use herald_sandbox::AutoConsent;
use ProblemCode::*;

/// A real JPEG of `width`×`height`, padded with comment segments to about `len` bytes.
fn jpeg(width: u16, height: u16, len: usize) -> Vec<u8> {
    let img = image::RgbImage::from_fn(u32::from(width), u32::from(height), |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img).unwrap();
    let mut padded = out[..2].to_vec();
    let mut left = len.saturating_sub(out.len());
    while left > 4 {
        let chunk = (left - 4).min(65_533);
        padded.extend_from_slice(&[0xFF, 0xFE]);
        padded.extend_from_slice(&((chunk + 2) as u16).to_be_bytes());
        padded.extend(std::iter::repeat_n(b'.', chunk));
        left = left.saturating_sub(chunk + 4);
    }
    padded.extend_from_slice(&out[2..]);
    padded
}

/// A real PNG.
fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 120, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A real GIF.
fn gif(width: u16, height: u16) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(u32::from(width), u32::from(height), image::Rgba([10, 200, 90, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Gif).unwrap();
    out.into_inner()
}

/// Add a photo file to the library; what a draft refers to it by.
async fn attach(w: &World, path: &str) -> String {
    w.herald.media_import_files(&[path.to_owned()]).await.unwrap().remove(0).id
}

struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }
}

fn refs(paths: &[String]) -> Vec<ImageRef> {
    paths.iter().map(|p| ImageRef::from_file(p)).collect()
}

fn codes(network: NetworkId, images: &[String]) -> Vec<(ProblemCode, Option<u32>, Option<u32>, bool)> {
    check(network, "Pane del giorno", None, &refs(images))
        .2
        .into_iter()
        .map(|p| (p.code, p.limit, p.count, p.image.is_some()))
        .collect()
}

const MB: usize = 1024 * 1024;

#[test]
fn images_are_checked_per_network() {
    let f = Files::new();
    let square = f.write("square.jpg", &jpeg(1080, 1080, 200_000));
    let portrait = f.write("portrait.jpg", &jpeg(1080, 1350, 200_000));
    let story = f.write("story.jpg", &jpeg(1080, 1920, 200_000));
    let wide = f.write("wide.jpg", &jpeg(2000, 1000, 200_000));
    let logo = f.write("logo.png", &png(512, 512));
    let anim = f.write("anim.gif", &gif(320, 240));
    let big5 = f.write("big5.jpg", &jpeg(1080, 1080, 5 * MB));
    let big9 = f.write("big9.jpg", &jpeg(1080, 1080, 9 * MB));
    let notes = f.write("notes.txt", b"not an image at all");
    let missing = f.0.path().join("gone.jpg").display().to_string();
    let many = |n: usize| vec![square.clone(); n];

    // Facebook: JPEG and PNG under 4 MB, uploaded by Herald.
    assert_eq!(codes(Facebook, &[square.clone(), logo.clone()]), vec![]);
    assert_eq!(codes(Facebook, &[anim.clone()]), vec![(ImageTypeNotAllowed, None, None, true)]);
    assert_eq!(
        codes(Facebook, &[big5.clone()]),
        vec![(ImageTooLarge, Some(4 * 1024 * 1024 - 1), Some(5 * MB as u32), true)]
    );
    assert_eq!(codes(Facebook, &many(11)), vec![(TooManyImages, Some(10), Some(11), false)]);
    // Instagram: JPEG only, ≤ 8 MB, 4:5 … 1.91:1, a carousel of up to 10; an image is required.
    assert_eq!(codes(Instagram, &[]), vec![(MediaRequired, None, None, false)]);
    assert_eq!(codes(Instagram, &[portrait.clone()]), vec![]);
    assert_eq!(codes(Instagram, &[logo.clone()]), vec![(ImageTypeNotAllowed, None, None, true)]);
    assert_eq!(codes(Instagram, &[story.clone()]), vec![(ImageAspectRatio, Some(800), Some(562), true)]);
    assert_eq!(codes(Instagram, &[wide.clone()]), vec![(ImageAspectRatio, Some(1910), Some(2000), true)]);
    assert_eq!(
        codes(Instagram, &[big9.clone()]),
        vec![(ImageTooLarge, Some(8 * MB as u32), Some(9 * MB as u32), true)]
    );
    assert_eq!(codes(Instagram, &many(10)), vec![]);
    assert_eq!(codes(Instagram, &many(11)), vec![(TooManyImages, Some(10), Some(11), false)]);
    // X: JPEG, PNG, GIF ≤ 5 MB, up to 4, uploaded by Herald.
    assert_eq!(codes(X, &[anim.clone(), logo.clone()]), vec![]);
    assert_eq!(codes(X, &many(5)), vec![(TooManyImages, Some(4), Some(5), false)]);
    assert_eq!(codes(X, &[big5.clone()]), vec![], "exactly 5 MB is within X's limit");
    let big6 = f.write("big6.jpg", &jpeg(1080, 1080, 6 * MB));
    assert_eq!(codes(X, &[big6]), vec![(ImageTooLarge, Some(5 * MB as u32), Some(6 * MB as u32), true)]);
    // Google: one photo.
    assert_eq!(codes(GoogleBusiness, &many(2)), vec![(TooManyImages, Some(1), Some(2), false)]);
    // LinkedIn: uploaded by Herald, up to 20.
    assert_eq!(codes(Linkedin, &[square.clone(), logo.clone(), anim.clone()]), vec![]);
    assert_eq!(codes(Linkedin, &many(21)), vec![(TooManyImages, Some(20), Some(21), false)]);
    // A missing or non-image file is named.
    let unreadable = check(Facebook, "x", None, &refs(&[missing.clone(), notes.clone()])).2;
    assert_eq!(
        unreadable.iter().map(|p| (p.code, p.image.clone())).collect::<Vec<_>>(),
        vec![(ImageUnreadable, Some(missing)), (ImageUnreadable, Some(notes)),]
    );
    // An image alone is something to publish.
    assert_eq!(check(Facebook, "", None, &refs(&[square])).2, vec![]);
}

async fn connect_all(w: &World, network: NetworkId) -> Vec<Account> {
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
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
        assert!(start.elapsed() < Duration::from_secs(10), "not settled: {attempts:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn upload_label(path: &str) -> String {
    use sha2::Digest as _;
    let bytes = std::fs::read(Path::new(path)).unwrap();
    let hex: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    format!("upload:{}:{hex}", bytes.len())
}

#[tokio::test]
async fn a_post_with_images_is_stored_and_refused_where_a_photo_does_not_fit_the_network() {
    let w = world().await;
    let x = connect(&w, None).await;
    use_network(&w, Facebook, None).await;
    let fb = connect_all(&w, Facebook).await;
    let f = Files::new();
    // A GIF: Facebook takes it as a photo upload, a Google local post does not (JPEG/PNG).
    let photo = attach(&w, &f.write("focaccia.gif", &gif(120, 90))).await;
    let post = w.herald.posts_save_draft(&draft("Focaccia", &[&fb[0], &x[0]], vec![photo.clone()])).await.unwrap();
    assert_eq!(post.images, vec![photo.clone()], "stored with the post");
    let post = w.herald.posts_schedule(&post.id).await.unwrap();
    assert_eq!(post.state, PostState::Draft);
    let problems: Vec<_> = post.targets.iter().map(|t| t.problems.iter().map(|p| p.code).collect::<Vec<_>>()).collect();
    // Google also needs a media host for any photo (none is set up here).
    assert_eq!(problems, vec![vec![ImageTypeNotAllowed], vec![ImageTypeNotAllowed, MediaHostRequired]]);
    // Without the image the same post schedules on both.
    let mut text_only = draft("Focaccia", &[&fb[0], &x[0]], Vec::new());
    text_only.id = Some(post.id.clone());
    w.herald.posts_save_draft(&text_only).await.unwrap();
    assert_eq!(w.herald.posts_schedule(&post.id).await.unwrap().state, PostState::Scheduled);
    assert!(w.herald.posts_get(&post.id).await.unwrap().images.is_empty());
}

#[tokio::test]
async fn facebook_publishes_one_photo_or_several_as_uploads() {
    let w = world().await;
    use_network(&w, Facebook, None).await;
    let fb = connect_all(&w, Facebook).await;
    w.herald.start_scheduler().await.unwrap();
    let f = Files::new();
    let one_file = f.write("one.jpg", &jpeg(1200, 900, 30_000));
    let one = attach(&w, &one_file).await;
    let two = attach(&w, &f.write("two.png", &png(800, 800))).await;

    let single = w.herald.posts_save_draft(&draft("Una foto", &[&fb[0]], vec![one.clone()])).await.unwrap();
    assert_eq!(w.herald.posts_schedule(&single.id).await.unwrap().state, PostState::Scheduled);
    let attempts = settled(&w, &single.id).await;
    assert_eq!(attempts[0].state, AttemptState::Published, "{attempts:?}");
    assert!(attempts[0].permalink.as_deref().is_some_and(|p| p.starts_with("https://www.facebook.com/")));

    let album = w.herald.posts_save_draft(&draft("Due foto", &[&fb[0]], vec![one.clone(), two.clone()])).await.unwrap();
    w.herald.posts_schedule(&album.id).await.unwrap();
    assert_eq!(settled(&w, &album.id).await[0].state, AttemptState::Published);

    let published = w.sandbox.published();
    assert_eq!(published.len(), 2, "{published:?}");
    assert_eq!((published[0].text.as_str(), published[0].media.clone()), ("Una foto", vec![upload_label(&one_file)]));
    assert_eq!((published[1].text.as_str(), published[1].media.len()), ("Due foto", 2));
    assert_eq!(published[1].author, fb[0].external_id);

    // The original file goes away: the library's copy is published all the same.
    let moved = f.write("moved.jpg", &jpeg(1000, 800, 20_000));
    let post = w.herald.posts_save_draft(&draft("Spostata", &[&fb[0]], vec![attach(&w, &moved).await])).await.unwrap();
    std::fs::remove_file(&moved).unwrap();
    w.herald.posts_schedule(&post.id).await.unwrap();
    assert_eq!(settled(&w, &post.id).await[0].state, AttemptState::Published);

    // The library's own copy disappears before publishing: nothing is sent, the attempt fails
    // naming the photo.
    let gone = attach(&w, &f.write("gone.jpg", &jpeg(1200, 900, 30_000))).await;
    let post = w.herald.posts_save_draft(&draft("Sparita", &[&fb[0]], vec![gone.clone()])).await.unwrap();
    w.herald.set_publishing_paused(true).await.unwrap();
    w.herald.posts_schedule(&post.id).await.unwrap();
    let copy = w.herald.config().data_dir.join("media").join(&gone[..2]).join(format!("{gone}.jpg"));
    std::fs::remove_file(&copy).unwrap_or_else(|e| {
        panic!("{e}: {copy:?} in {:?}", files_under(w.dir.path()).iter().map(|f| f.0.clone()).collect::<Vec<_>>())
    });
    w.herald.set_publishing_paused(false).await.unwrap();
    let attempts = settled(&w, &post.id).await;
    assert_eq!(attempts[0].state, AttemptState::Failed);
    assert!(attempts[0].detail.as_deref().is_some_and(|d| d.contains("photo 1")), "{attempts:?}");
    assert_eq!(w.sandbox.published().len(), 3);
}
