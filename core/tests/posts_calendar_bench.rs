//! The calendar's month query with 100,000 posts in a real SQLite file (ignored by default: it
//! fills the store for a minute). Run:
//! `tests/with-keyring.sh cargo test --release -p herald-core --test posts_calendar_bench -- --ignored --nocapture`
//! (`HERALD_BENCH_MONTHS=120` spreads the posts thinner; `HERALD_BENCH_DB_COPY=<path>` keeps the file).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use chrono::{Datelike, TimeZone, Utc};
use common::*;
use herald_core::api::{DraftInput, TargetInput};
use herald_core::NetworkId;
use herald_sandbox::AutoConsent;

const POSTS: usize = 100_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fills 100,000 posts; run by hand for the figures"]
async fn month_query_with_100k_posts() {
    let (w, _) = world_for_x().await;
    use_network(&w, NetworkId::Facebook, None).await;
    let mut accounts = Vec::new();
    for network in [NetworkId::X, NetworkId::Facebook] {
        w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
        let flow = w.herald.connect_begin(network, None).await.unwrap();
        browser_visits(&flow.authorize_url).await;
        let candidates = w.herald.connect_wait(&flow.flow_id).await.unwrap();
        let ids: Vec<String> = candidates.iter().map(|c| c.external_id.clone()).collect();
        accounts.extend(w.herald.connect_finish(&flow.flow_id, &ids).await.unwrap());
    }
    // Over how many months the posts spread (36: ~2,900 entries a month; 120: ~830).
    let months: i64 = std::env::var("HERALD_BENCH_MONTHS").ok().and_then(|m| m.parse().ok()).unwrap_or(36);
    let start = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let span = (start + chrono::Duration::days(30 * months) - start).num_seconds();
    let fill = Instant::now();
    let mut n = 0usize;
    // A cheap deterministic spread over three years (posts every few minutes, any hour).
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    while n < POSTS {
        let mut scheduled = Vec::new();
        let mut drafts = Vec::new();
        for _ in 0..1000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = start + chrono::Duration::seconds(i64::try_from(seed % span as u64).unwrap());
            let account = &accounts[n % accounts.len()];
            let d = DraftInput {
                id: None,
                text: format!("Post {n}: pane, focaccia e dolci del giorno #forno"),
                link: None,
                targets: vec![TargetInput { account_id: account.id.clone(), variant: None }],
                scheduled_at: Some(at),
                zone: Some("Europe/Rome".into()),
                images: Vec::new(),
            };
            // One post in ten stays a draft with a time.
            if n % 10 == 0 {
                drafts.push(d);
            } else {
                scheduled.push(d);
            }
            n += 1;
        }
        w.herald.posts_create_many(&scheduled, true).await.unwrap();
        w.herald.posts_create_many(&drafts, false).await.unwrap();
    }
    eprintln!("filled {POSTS} posts in {:.1} s", fill.elapsed().as_secs_f64());
    // A copy of the filled file, to look at query plans or time the SQL alone (sqlite3 CLI).
    if let Some(copy) = std::env::var_os("HERALD_BENCH_DB_COPY") {
        let copy = copy.to_string_lossy().into_owned();
        let _ = std::fs::remove_file(&copy);
        sqlx::query("VACUUM INTO ?").bind(&copy).execute(w.herald.store().pool()).await.unwrap();
    }

    let mut times = Vec::new();
    let mut sizes = Vec::new();
    for round in 0..5 {
        for m in 0..months {
            let first = start + chrono::Duration::days(30 * m);
            let from = Utc.with_ymd_and_hms(first.year(), first.month(), 1, 0, 0, 0).unwrap();
            let to = from + chrono::Duration::days(31);
            let t = Instant::now();
            let entries = w.herald.posts_calendar(from, to).await.unwrap();
            let took = t.elapsed();
            if round > 0 {
                times.push(took);
                sizes.push(entries.len());
            }
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    let avg_entries = sizes.iter().sum::<usize>() / sizes.len();
    eprintln!(
        "month query over {POSTS} posts ({avg_entries} entries a month, {} queries): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or(Duration::ZERO).as_secs_f64() * 1e3
    );
}
