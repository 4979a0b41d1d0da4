//! The crash test: the real scheduler in its own process (this test binary re-run as
//! `crash_child`), a real SQLite file, the real keyring, the sandbox over loopback in this
//! process. Rounds of posts due over a few seconds; the scheduler process is killed with SIGKILL
//! at random moments and restarted, again and again. Then, against the sandbox's own record:
//! no post was published twice; every attempt is published (with the id the network gave),
//! failed with a reason, or unconfirmed; and every unconfirmed one the sandbox did receive was
//! resolved by reconciliation (so what is left unconfirmed surely never arrived).
//!
//! `HERALD_CRASH_KILLS` sets how many kills (default 15, for CI); `bench/crash.sh` runs ≥ 1,000.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod scheduler_common;

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::*;
use herald_core::api::AttemptState;
use herald_core::{Config, Endpoints, Herald, NetworkId};
use herald_sandbox::{Endpoint, Fault, SandboxConfig};
use scheduler_common::*;

/// Where the child finds its data, its sandbox and its keyring entries.
const CHILD_ENV: &str = "HERALD_CRASH_CHILD";
const POSTS_PER_ROUND: usize = 200;
const KILLS_PER_ROUND: usize = 20;
/// A child never outlives this, whatever happens to the driver.
const CHILD_LIFETIME: Duration = Duration::from_secs(120);

/// The scheduler process. Does nothing unless started by the driver below.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "started by the crash test as its scheduler process"]
async fn crash_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else { return };
    let mut parts = spec.splitn(3, '\n');
    let (dir, base, service) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let mut config = Config::new(dir.into());
    config.endpoints = Endpoints::sandbox(base).unwrap();
    config.vault_service = service.to_owned();
    config.request_timeout = Duration::from_secs(3);
    let herald = Herald::open(config).await.unwrap();
    herald.start_scheduler().await.unwrap();
    tokio::time::sleep(CHILD_LIFETIME).await;
}

fn spawn_child(w: &World, service: &str) -> Child {
    let spec = format!("{}\n{}\n{service}", w.herald.config().data_dir.display(), w.sandbox.base_url());
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, spec)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the scheduler process starts")
}

fn kill(mut child: Child) {
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
}

/// A small deterministic random generator (xorshift), seeded from the clock and printed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// id, state, reason, network post id, text.
type AttemptRow = (String, String, Option<String>, Option<String>, String);

async fn count(herald: &Herald, state: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM publish_attempts WHERE state = ?")
        .bind(state)
        .fetch_one(herald.store().pool())
        .await
        .unwrap();
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_never_publishes_twice_and_reconciliation_resolves_what_arrived() {
    let kills: usize = std::env::var("HERALD_CRASH_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(15);
    let mut config = SandboxConfig::demo();
    config.facebook.posts_per_minute = u32::MAX;
    let w = world_with(config, |_| {}).await;
    use_network(&w, NetworkId::Facebook, None).await;
    let pages = connect_all(&w, NetworkId::Facebook).await;
    let service = w.herald.config().vault_service.clone();
    // A few milliseconds before and after the work, so kills land before, during and after calls.
    let slow = Fault { delay_ms: 3, stall_ms: 12, ..Fault::default() };
    w.sandbox.inject(Endpoint::FacebookFeed, slow.clone());
    let seed = u64::try_from(Utc::now().timestamp_nanos_opt().unwrap_or(1)).unwrap_or(1) | 1;
    eprintln!("crash test: {kills} kills, seed {seed}");
    let mut rng = Rng(seed);
    let started = Instant::now();
    let (mut done, mut mid_call, mut round) = (0, 0, 0);
    while done < kills {
        // The scheduler is down: schedule this round's posts, due over the next few seconds.
        let base = Utc::now() + chrono::Duration::milliseconds(300);
        for i in 0..POSTS_PER_ROUND {
            let page = &pages[i % pages.len()];
            let id = schedule(
                &w.herald,
                &format!("Crash round {round} post {i}"),
                &[page],
                base + chrono::Duration::hours(1),
            )
            .await;
            sql(
                &w.herald,
                &format!(
                    "UPDATE publish_attempts SET due_at = {} WHERE post_id = '{id}'",
                    ms(base) + 15 * i64::try_from(i).unwrap()
                ),
            )
            .await;
        }
        if round == 0 {
            // One kill surely after the network did the work and before it answered, so
            // reconciliation has something to find in every run.
            w.sandbox.inject(Endpoint::FacebookFeed, Fault::stall(5_000).times(1));
            let child = spawn_child(&w, &service);
            let deadline = Instant::now() + Duration::from_secs(20);
            while w.sandbox.published().is_empty() {
                assert!(Instant::now() < deadline, "the first post never arrived");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            kill(child);
            done += 1;
            mid_call += count(&w.herald, "publishing").await;
            w.sandbox.inject(Endpoint::FacebookFeed, slow.clone());
        }
        for _ in 0..KILLS_PER_ROUND.min(kills.saturating_sub(done)) {
            let child = spawn_child(&w, &service);
            tokio::time::sleep(Duration::from_millis(30 + rng.below(400))).await;
            kill(child);
            done += 1;
            mid_call += count(&w.herald, "publishing").await;
        }
        // Let a scheduler run the round out, then stop it the same way.
        let child = spawn_child(&w, &service);
        let deadline = Instant::now() + Duration::from_secs(60);
        while count(&w.herald, "scheduled").await + count(&w.herald, "publishing").await > 0 {
            assert!(Instant::now() < deadline, "round {round} did not finish");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        kill(child);
        round += 1;
    }

    // On demand, once more: whatever arrived is found.
    let report = w.herald.reconcile().await.unwrap();
    let received: Vec<_> = w.sandbox.published();
    let mut texts: HashMap<&str, usize> = HashMap::new();
    for p in &received {
        *texts.entry(p.text.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = texts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "published twice: {twice:?}");

    let rows: Vec<AttemptRow> = sqlx::query_as(
        "SELECT a.id, a.state, a.reason, a.network_post_id, p.text FROM publish_attempts a JOIN posts p ON p.id = a.post_id",
    )
    .fetch_all(w.herald.store().pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), round * POSTS_PER_ROUND);
    let by_id: HashMap<&str, &str> = received.iter().map(|p| (p.id.as_str(), p.text.as_str())).collect();
    let received_texts: HashSet<&str> = texts.keys().copied().collect();
    let (mut published, mut unconfirmed, mut failed) = (0, 0, 0);
    for (id, state, reason, post_id, text) in &rows {
        match AttemptState::parse(state).unwrap() {
            AttemptState::Published => {
                published += 1;
                let post_id = post_id.as_deref().unwrap_or_else(|| panic!("{id}: published without an id"));
                assert_eq!(by_id.get(post_id), Some(&text.as_str()), "{id}: the network's id for this text");
            }
            AttemptState::Failed => {
                failed += 1;
                assert!(reason.is_some(), "{id}: failed without a reason");
                assert!(!received_texts.contains(text.as_str()), "{id}: failed, yet the network has it");
            }
            AttemptState::Unconfirmed => {
                unconfirmed += 1;
                assert!(
                    !received_texts.contains(text.as_str()),
                    "{id}: the network received it, reconciliation must find it"
                );
            }
            other => panic!("{id}: left {other:?}"),
        }
    }
    assert_eq!(published, received.len(), "every post the network has is a published attempt");
    eprintln!(
        "crash test: {done} kills in {round} rounds ({} posts) in {:.1} s; killed mid-call {mid_call} times; \
         published {published}, found by reconciliation {}, unconfirmed (never arrived) {unconfirmed}, failed {failed}; \
         last reconcile {report:?}",
        rows.len(),
        started.elapsed().as_secs_f64(),
        mid_call - i64::from(unconfirmed),
    );
}
