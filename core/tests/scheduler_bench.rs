//! Scheduler benchmarks (ignored in CI, but for a short burst; `bench/scheduler.sh` runs them
//! and prints the figures):
//! - due → request: 200 posts due 20 ms apart, the delay from each due instant to the moment the
//!   sandbox received and recorded the publish (p50/p99/max), and to the durable `publishing` write;
//! - idle: a scheduler whose next post is a day away, over `HERALD_IDLE_SECS` (default 60) seconds:
//!   the process's CPU time and the scheduler's wake-ups.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod scheduler_common;

use std::collections::HashMap;
use std::time::{Duration, UNIX_EPOCH};

use chrono::Utc;
use common::*;
use herald_core::NetworkId;
use herald_sandbox::SandboxConfig;
use scheduler_common::*;

fn percentile(sorted: &[i64], p: f64) -> i64 {
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: bench/scheduler.sh"]
async fn bench_due_to_request() {
    let (request, started) = due_to_request(200).await;
    let count = request.len();
    println!(
        "due → request ({count} posts): p50 {} ms, p99 {} ms, max {} ms; due → publishing written: p50 {} ms, p99 {} ms",
        percentile(&request, 50.0),
        percentile(&request, 99.0),
        request[count - 1],
        percentile(&started, 50.0),
        percentile(&started, 99.0),
    );
}

/// In CI: a burst of posts due 20 ms apart each goes out promptly (the keyring, tens of
/// milliseconds a read, is not read for every post), with a margin for a loaded machine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_due_posts_each_goes_out_promptly() {
    let (request, _) = due_to_request(60).await;
    let p99 = percentile(&request, 99.0);
    eprintln!("due → request (60 posts): p50 {} ms, p99 {p99} ms", percentile(&request, 50.0));
    assert!(p99 < 300, "p99 {p99} ms");
}

/// Delays (ms, sorted) from each due instant to the sandbox's record of the request, and to the
/// durable `publishing` write, for `count` posts due 20 ms apart.
async fn due_to_request(count: usize) -> (Vec<i64>, Vec<i64>) {
    let mut config = SandboxConfig::demo();
    config.facebook.posts_per_minute = u32::MAX;
    let w = world_with(config, |_| {}).await;
    use_network(&w, NetworkId::Facebook, None).await;
    let pages = connect_all(&w, NetworkId::Facebook).await;
    let mut due = HashMap::new();
    let mut posts = Vec::new();
    for i in 0..count {
        let text = format!("Bench post {i}");
        let id = schedule(&w.herald, &text, &[&pages[i % pages.len()]], Utc::now() + chrono::Duration::hours(1)).await;
        posts.push(id);
        due.insert(text, i);
    }
    let base = ms(Utc::now()) + 1_000;
    for (i, id) in posts.iter().enumerate() {
        let at = base + 20 * i64::try_from(i).unwrap();
        sql(&w.herald, &format!("UPDATE publish_attempts SET due_at = {at} WHERE post_id = '{id}'")).await;
    }
    w.herald.start_scheduler().await.unwrap();
    let mut started = Vec::new();
    for id in &posts {
        let attempt = settled(&w.herald, id, Duration::from_secs(30)).await.remove(0);
        started.push((attempt.started_at.unwrap() - attempt.due_at).num_milliseconds());
    }
    let mut request: Vec<i64> = w
        .sandbox
        .published()
        .iter()
        .map(|p| {
            let at = i64::try_from(p.at.duration_since(UNIX_EPOCH).unwrap().as_millis()).unwrap();
            at - (base + 20 * i64::try_from(due[&p.text]).unwrap())
        })
        .collect();
    assert_eq!(request.len(), count);
    request.sort_unstable();
    started.sort_unstable();
    (request, started)
}

/// CPU time (user + system) of this process so far, in clock ticks, from /proc/self/stat.
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: bench/scheduler.sh"]
async fn bench_idle() {
    let secs: u64 = std::env::var("HERALD_IDLE_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    schedule(&w.herald, "Tomorrow", &[&x[0]], Utc::now() + chrono::Duration::days(1)).await;
    w.herald.start_scheduler().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (ticks, wakeups) = (cpu_ticks(), w.herald.scheduler_stats().wakeups);
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let cpu_ms = (cpu_ticks() - ticks) * 10; // 100 ticks per second on Linux
    let woke = w.herald.scheduler_stats().wakeups - wakeups;
    println!(
        "idle {secs} s (next post a day away): CPU {cpu_ms} ms ({:.3} %), scheduler wake-ups {woke}",
        cpu_ms as f64 / (secs as f64 * 10.0)
    );
    assert_eq!(woke, 0, "no wake-up between due posts");
}
