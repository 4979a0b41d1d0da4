//! The media library with real files and SQLite: photos copied in once by content, kept when
//! the original goes, freed when no post uses them; thumbnails made once; fitted copies that a
//! network takes while the original stays as it was; location data noticed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod scheduler_common;

use chrono::Utc;
use common::*;
use herald_core::api::{MediaFormat, ProblemCode};
use herald_core::NetworkId;
use scheduler_common::{connect_all, draft};

/// A noisy (hard to compress) real JPEG of `width`×`height`.
fn noisy_jpeg(width: u32, height: u32, quality: u8) -> Vec<u8> {
    let mut seed: u32 = 0x1234_5678;
    let img = image::RgbImage::from_fn(width, height, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode_image(&img).unwrap();
    out
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 7]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// `jpeg` with an EXIF block holding a GPS latitude reference (a location) inserted after SOI.
fn with_gps(jpeg: &[u8]) -> Vec<u8> {
    let mut tiff = b"II\x2A\x00\x08\x00\x00\x00".to_vec();
    // IFD0: one entry, GPSInfo (0x8825, LONG) → the GPS IFD at offset 26.
    tiff.extend_from_slice(&[1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0]);
    // GPS IFD: GPSLatitudeRef (0x0001, ASCII, 2) = "N".
    tiff.extend_from_slice(&[1, 0, 1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0, 0, 0, 0, 0]);
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn photos_are_stored_once_by_content_and_freed_when_no_post_uses_them() {
    let w = world().await;
    use_network(&w, NetworkId::Facebook, None).await;
    let fb = connect_all(&w, NetworkId::Facebook).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = noisy_jpeg(800, 600, 85);
    let a = write(&dir, "a.jpg", &bytes);
    let b = write(&dir, "copy of a.jpg", &bytes);
    let items = w.herald.media_import_files(&[a.clone(), b]).await.unwrap();
    assert_eq!(items[0].id, items[1].id, "the same photo is kept once");
    assert_eq!(items[0].id, sha256(&bytes));
    assert_eq!((items[0].format, items[0].width, items[0].height), (MediaFormat::Jpeg, 800, 600));
    let id = items[0].id.clone();
    let library = w.herald.config().data_dir.join("media");
    let file = library.join(&id[..2]).join(format!("{id}.jpg"));
    let thumb = library.join("thumbs").join(format!("{id}.jpg"));
    assert!(file.is_file() && thumb.is_file());

    // A bad file among good ones: nothing is added, the file is named.
    let notes = write(&dir, "notes.txt", b"not a photo");
    let other = write(&dir, "b.jpg", &noisy_jpeg(300, 300, 80));
    let err = w.herald.media_import_files(&[other, notes]).await.unwrap_err().to_string();
    assert!(err.contains("notes.txt"), "{err}");
    assert_eq!(std::fs::read_dir(&library).unwrap().count(), 2, "only the first photo's folder and thumbs");

    // Two drafts use the photo; the original goes away.
    std::fs::remove_file(&a).unwrap();
    let mut one = draft("Uno", &[&fb[0]], Utc::now() + chrono::Duration::days(1));
    one.images = vec![id.clone()];
    let first = w.herald.posts_save_draft(&one).await.unwrap();
    let mut two = one.clone();
    two.text = "Due".into();
    let second = w.herald.posts_save_draft(&two).await.unwrap();
    assert_eq!(w.herald.posts_schedule(&first.id).await.unwrap().targets[0].problems, vec![]);
    // One post deleted: the other still uses it.
    w.herald.posts_delete(&first.id).await.unwrap();
    assert!(file.is_file());
    // The other stops using it: freed (file, thumbnail, row).
    let mut without = two.clone();
    without.id = Some(second.id.clone());
    without.images = Vec::new();
    w.herald.posts_save_draft(&without).await.unwrap();
    assert!(!file.exists() && !thumb.exists(), "freed once no post uses it");
    assert!(w.herald.media_item(&id).await.is_err());
}

#[tokio::test]
async fn a_fitted_copy_fits_the_network_and_leaves_the_original_untouched() {
    let w = world().await;
    use_network(&w, NetworkId::Facebook, None).await;
    let fb = connect_all(&w, NetworkId::Facebook).await;
    let dir = tempfile::tempdir().unwrap();
    let big = noisy_jpeg(2400, 1800, 97);
    assert!(big.len() > 4 * 1024 * 1024, "{} bytes", big.len());
    let original = w.herald.media_import_files(&[write(&dir, "forno.jpg", &big)]).await.unwrap().remove(0);
    let mut post = draft("Il forno", &[&fb[0]], Utc::now() + chrono::Duration::days(1));
    post.images = vec![original.id.clone()];
    let checks = w.herald.posts_check(&post).await.unwrap();
    let problem = &checks[0].problems[0];
    assert_eq!(
        (problem.code, problem.fixable, problem.image.as_deref()),
        (ProblemCode::ImageTooLarge, true, Some(original.id.as_str()))
    );

    let started = std::time::Instant::now();
    let fitted = w.herald.media_fit(&original.id, NetworkId::Facebook).await.unwrap();
    eprintln!("fitted a {} byte photo for Facebook in {:?}: {} bytes", big.len(), started.elapsed(), fitted.bytes);
    assert!(fitted.bytes < 4 * 1024 * 1024 && fitted.format == MediaFormat::Jpeg, "{fitted:?}");
    assert_eq!(fitted.fitted_from.as_deref(), Some(original.id.as_str()));
    assert_eq!(fitted.name, "forno (fitted).jpg");
    post.images = vec![fitted.id.clone()];
    assert!(w.herald.posts_check(&post).await.unwrap()[0].problems.is_empty());
    // The original, in the library and on disk, is as it was.
    let kept = w.herald.config().data_dir.join("media").join(&original.id[..2]).join(format!("{}.jpg", original.id));
    assert_eq!(sha256(&std::fs::read(kept).unwrap()), original.id);

    // A PNG where Instagram takes only JPEG: fixable, and the fitted copy is a JPEG.
    let logo = w.herald.media_import_files(&[write(&dir, "logo.png", &png(1080, 1080))]).await.unwrap().remove(0);
    use_network(&w, NetworkId::Instagram, None).await;
    let ig = connect_all(&w, NetworkId::Instagram).await;
    let mut square = draft("Logo", &[&ig[0]], Utc::now() + chrono::Duration::days(1));
    square.images = vec![logo.id.clone()];
    let problems = w.herald.posts_check(&square).await.unwrap().remove(0).problems;
    assert!(problems.iter().any(|p| p.code == ProblemCode::ImageTypeNotAllowed && p.fixable), "{problems:?}");
    let jpeg = w.herald.media_fit(&logo.id, NetworkId::Instagram).await.unwrap();
    assert_eq!((jpeg.format, jpeg.width, jpeg.height), (MediaFormat::Jpeg, 1080, 1080));
}

#[tokio::test]
async fn thumbnails_are_made_once_and_locations_are_noticed() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let plain =
        w.herald.media_import_files(&[write(&dir, "a.jpg", &noisy_jpeg(1600, 1200, 80))]).await.unwrap().remove(0);
    assert!(!plain.has_location);
    let located = w
        .herald
        .media_import_files(&[write(&dir, "gps.jpg", &with_gps(&noisy_jpeg(640, 480, 80)))])
        .await
        .unwrap()
        .remove(0);
    assert!(located.has_location, "{located:?}");

    let thumb = w.herald.config().data_dir.join("media").join("thumbs").join(format!("{}.jpg", plain.id));
    let made = std::fs::metadata(&thumb).unwrap().modified().unwrap();
    let url = w.herald.media_thumbnail(&plain.id).await.unwrap();
    assert!(url.starts_with("data:image/jpeg;base64,"));
    use base64::Engine as _;
    let small = base64::engine::general_purpose::STANDARD.decode(&url["data:image/jpeg;base64,".len()..]).unwrap();
    let decoded = image::load_from_memory(&small).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (360, 270), "longest side 360, aspect kept");
    assert_eq!(std::fs::metadata(&thumb).unwrap().modified().unwrap(), made, "read from the cache, not made again");
    // Lost thumbnails are made again.
    std::fs::remove_file(&thumb).unwrap();
    assert_eq!(w.herald.media_thumbnail(&plain.id).await.unwrap(), url);
}

#[tokio::test]
async fn what_is_sent_carries_no_location_but_the_same_pixels() {
    let w = world().await;
    use_network(&w, NetworkId::Facebook, None).await;
    let fb = connect_all(&w, NetworkId::Facebook).await;
    w.herald.start_scheduler().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let original = with_gps(&noisy_jpeg(640, 480, 85));
    let item = w.herald.media_import_files(&[write(&dir, "gps.jpg", &original)]).await.unwrap().remove(0);
    assert!(item.has_location);
    let mut post = draft("Dal forno", &[&fb[0]], Utc::now());
    post.images = vec![item.id.clone()];
    let saved = w.herald.posts_save_draft(&post).await.unwrap();
    w.herald.posts_schedule(&saved.id).await.unwrap();
    let attempts = scheduler_common::settled(&w.herald, &saved.id, std::time::Duration::from_secs(20)).await;
    assert_eq!(attempts[0].state, herald_core::api::AttemptState::Published, "{attempts:?}");

    let sent = herald_core::media::exif::strip_location(&original).unwrap().into_owned();
    assert_ne!(sent, original);
    let received = &w.sandbox.published()[0].media[0];
    assert_eq!(received, &format!("upload:{}:{}", sent.len(), sha256(&sent)), "Facebook got the stripped copy");
    let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&sent));
    assert!(exif.is_err() || exif.unwrap().fields().all(|f| f.tag.context() != exif::Context::Gps));
    let pixels = |b: &[u8]| image::load_from_memory(b).unwrap().to_rgb8().into_raw();
    assert_eq!(pixels(&sent), pixels(&original), "not re-encoded");
    // The archive and the calendar show the post's photo.
    let archive = w.herald.posts_archive(&herald_core::api::ArchiveFilter::default()).await.unwrap();
    assert_eq!(archive.entries[0].first_image.as_deref(), Some(item.id.as_str()));
    let day = chrono::Duration::days(1);
    let month = w.herald.posts_calendar(Utc::now() - day, Utc::now() + day).await.unwrap();
    assert_eq!(month[0].first_image.as_deref(), Some(item.id.as_str()));
    // The library keeps the user's photo as it was.
    let kept = w.herald.config().data_dir.join("media").join(&item.id[..2]).join(format!("{}.jpg", item.id));
    assert_eq!(std::fs::read(kept).unwrap(), original);
}
