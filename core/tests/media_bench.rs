//! The time to prepare and upload a 4 MB photo and publish it, per network, against the sandbox
//! over loopback (Instagram and Google through the media host, moto), with the real scheduler,
//! SQLite and keyring; and the library's own steps on a 4 MB photo (import with its thumbnail,
//! location removal, a fitted copy). Ignored by default; run in release:
//! `HERALD_MOTO_SERVER=… tests/with-keyring.sh cargo test --release -p herald-core --test media_bench -- --ignored --nocapture`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod scheduler_common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::moto::Moto;
use common::*;
use herald_core::api::{AttemptState, PostState};
use herald_core::NetworkId;
use scheduler_common::{connect_all, draft, settled};

/// A photo-like JPEG (noise, so it does not compress away) of about `target` bytes, different
/// for each `seed`.
fn photo(target: usize, seed: u32) -> Vec<u8> {
    let (mut w, mut h) = (2000u32, 1500u32);
    loop {
        let mut s = seed.wrapping_mul(2_654_435_761) | 1;
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            let base = ((x / 8 + y / 8) % 200) as u8;
            image::Rgb([base.wrapping_add(s as u8 % 40), base.wrapping_add((s >> 8) as u8 % 40), 120])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).unwrap();
        if out.len() >= target * 9 / 10 && out.len() <= target {
            return out;
        }
        let scale = (target as f64 * 0.95 / out.len() as f64).sqrt();
        w = ((f64::from(w) * scale) as u32).max(64);
        h = ((f64::from(h) * scale) as u32).max(48);
    }
}

fn p50(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run by hand in release"]
async fn a_4_mb_photo_per_network() {
    let moto = Moto::start().await;
    let (w, _) = world_for_x().await;
    let google = connect(&w, None).await;
    let mut targets = vec![(NetworkId::GoogleBusiness, google[0].clone())];
    for network in [NetworkId::Facebook, NetworkId::Instagram, NetworkId::Linkedin, NetworkId::X] {
        if network != NetworkId::X {
            // X is set up on its fixed port by `world_for_x`.
            use_network(&w, network, None).await;
        }
        targets.push((network, connect_all(&w, network).await.remove(0)));
    }
    w.herald.media_host_save(&moto.input()).await.unwrap();
    w.herald.start_scheduler().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    const RUNS: u32 = 5;
    let mut seed = 1;
    for (network, account) in &targets {
        // Each network's limit: Facebook under 4 MB, the others take 4 MB.
        let size = if *network == NetworkId::Facebook { 3_900_000 } else { 4_000_000 };
        let mut times = Vec::new();
        for run in 0..RUNS {
            seed += 1;
            let bytes = photo(size, seed);
            let path = dir.path().join(format!("{}-{run}.jpg", network.as_str()));
            std::fs::write(&path, &bytes).unwrap();
            let item = w.herald.media_import_files(&[path.display().to_string()]).await.unwrap().remove(0);
            let mut post = draft(&format!("Foto {} {run}", network.as_str()), &[account], Utc::now());
            post.images = vec![item.id];
            let saved = w.herald.posts_save_draft(&post).await.unwrap();
            let started = Instant::now();
            assert_eq!(w.herald.posts_schedule(&saved.id).await.unwrap().state, PostState::Scheduled);
            let attempts = settled(&w.herald, &saved.id, Duration::from_secs(120)).await;
            times.push(started.elapsed());
            assert_eq!(attempts[0].state, AttemptState::Published, "{network:?}: {attempts:?}");
        }
        eprintln!(
            "{:<16} {} photo: schedule → published p50 {:?} (min {:?}, max {:?}, {RUNS} runs)",
            network.name(),
            if *network == NetworkId::Facebook { "3.9 MB" } else { "4.0 MB" },
            p50(times.clone()),
            times.iter().min().unwrap(),
            times.iter().max().unwrap()
        );
    }
}

#[tokio::test]
#[ignore = "a benchmark: run by hand in release"]
async fn the_library_steps_on_a_4_mb_photo() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut import, mut strip, mut fit) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..10u32 {
        let bytes = photo(4_000_000, 100 + run);
        let path = dir.path().join(format!("{run}.jpg"));
        std::fs::write(&path, &bytes).unwrap();
        let t = Instant::now();
        let item = w.herald.media_import_files(&[path.display().to_string()]).await.unwrap().remove(0);
        import.push(t.elapsed());
        let t = Instant::now();
        let _ = herald_core::media::exif::strip_location(&bytes).unwrap();
        strip.push(t.elapsed());
        let t = Instant::now();
        w.herald.media_fit(&item.id, NetworkId::Facebook).await.unwrap();
        fit.push(t.elapsed());
    }
    eprintln!("import + 360 px thumbnail of a 4 MB photo: p50 {:?}", p50(import));
    eprintln!("location removal (what is sent):           p50 {:?}", p50(strip));
    eprintln!("fitted copy for Facebook (< 4 MB JPEG):     p50 {:?}", p50(fit));
}
