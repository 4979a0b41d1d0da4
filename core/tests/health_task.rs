//! The health task: renewals ahead of expiry by an injected clock, checks that only a
//! recognised auth error changes a status, notifications once per threshold across restarts,
//! and no wake-up when nothing is due. Real SQLite, the real keyring, the sandbox over loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use common::*;
use herald_core::api::{Account, AccountStatus, NoticeKind, StatusReason};
use herald_core::clock::{Clock, TestClock};
use herald_core::{CoreEvent, Herald, NetworkId};
use herald_sandbox::{AutoConsent, Endpoint, Fault, SandboxConfig};

/// A world whose core reads `clock`; X registered on a free port, Facebook through the relay.
async fn world_at(clock: &Arc<TestClock>, tweak: impl FnOnce(&mut herald_core::Config)) -> World {
    let port = free_port();
    let mut config = SandboxConfig::demo();
    config.x.redirect_uris = vec![format!("http://127.0.0.1:{port}/callback")];
    let clock = Arc::clone(clock);
    let w = world_with(config, move |c| {
        c.clock = clock;
        tweak(c);
    })
    .await;
    use_network(&w, NetworkId::X, Some(port)).await;
    use_network(&w, NetworkId::Facebook, None).await;
    w
}

async fn connect_network(herald: &Herald, network: NetworkId, consent: AutoConsent, w: &World) -> Vec<Account> {
    w.sandbox.set_auto_consent(Some(consent));
    let flow = herald.connect_begin(network, None).await.expect("begin");
    browser_visits(&flow.authorize_url).await;
    let offered = herald.connect_wait(&flow.flow_id).await.expect("wait");
    let ids: Vec<String> = offered.iter().map(|c| c.external_id.clone()).collect();
    herald.connect_finish(&flow.flow_id, &ids).await.expect("finish")
}

fn approve() -> AutoConsent {
    AutoConsent::Approve { locations: None }
}

/// Set the clock and wait until the task finished a pass that read the new time.
async fn at(herald: &Herald, clock: &TestClock, when: chrono::DateTime<Utc>) {
    clock.set(when);
    settle(herald, when).await;
}

async fn settle(herald: &Herald, when: chrono::DateTime<Utc>) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while herald.health_stats().last_turn.map(|t| t.timestamp_millis()) != Some(when.timestamp_millis()) {
        assert!(std::time::Instant::now() < deadline, "the health task never ran a pass at {when}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn grant_of(herald: &Herald, account_id: &str) -> String {
    herald.store().account(account_id).await.unwrap().unwrap().1.expect("a grant")
}

async fn account(herald: &Herald, id: &str) -> Account {
    herald.store().account(id).await.unwrap().unwrap().0
}

#[tokio::test]
async fn x_is_renewed_ahead_of_expiry_by_the_clock_and_the_rotated_token_is_stored() {
    let clock = TestClock::new(Utc::now());
    let w = world_at(&clock, |_| {}).await;
    let x = connect_network(&w.herald, NetworkId::X, approve(), &w).await.remove(0);
    let grant = grant_of(&w.herald, &x.id).await;
    let before = w.herald.vault().tokens(&grant).await.unwrap().unwrap();
    let expires = x.token_expires_at.expect("X says when its token expires");

    let task = w.herald.start_health().expect("started once");
    assert!(w.herald.start_health().is_none(), "one task per core");
    settle(&w.herald, clock.now()).await;
    assert_eq!(w.sandbox.hits(Endpoint::XUsersMe), 2, "connect read the user once; the start checked once");
    assert_eq!(w.sandbox.hits(Endpoint::XToken), 1, "nothing to renew two hours ahead");

    // Half an hour before expiry: still outside the 10-minute margin (and its jitter).
    at(&w.herald, &clock, expires - chrono::Duration::minutes(30)).await;
    assert_eq!(w.sandbox.hits(Endpoint::XToken), 1, "not yet");
    at(&w.herald, &clock, expires - chrono::Duration::minutes(5)).await;
    assert_eq!(w.sandbox.hits(Endpoint::XToken), 2, "renewed once, ahead of expiry");
    assert_eq!(w.herald.health_stats().refreshes, 1);

    let after = w.herald.vault().tokens(&grant).await.unwrap().unwrap();
    assert_ne!(after.access_token, before.access_token);
    assert_ne!(after.refresh_token, before.refresh_token, "X rotated the refresh token; the new one is stored");
    let renewed = account(&w.herald, &x.id).await;
    assert_eq!(renewed.status, AccountStatus::Connected);
    assert!(renewed.token_expires_at.unwrap() > expires + chrono::Duration::minutes(90), "{renewed:?}");

    // The new sign-in is not renewed again until it nears its own expiry.
    at(&w.herald, &clock, expires).await;
    assert_eq!(w.sandbox.hits(Endpoint::XToken), 2);
    task.abort();
}

/// A crash between X's answer and the keyring write is a lost answer: X has rotated, Herald
/// still holds the previous refresh token. The sandbox, as X, accepts that one once more.
#[tokio::test]
async fn an_x_renewal_whose_answer_is_lost_is_retried_with_the_stored_token() {
    let clock = TestClock::new(Utc::now());
    let w = world_at(&clock, |_| {}).await;
    let x = connect_network(&w.herald, NetworkId::X, approve(), &w).await.remove(0);
    let grant = grant_of(&w.herald, &x.id).await;
    let stored = w.herald.vault().tokens(&grant).await.unwrap().unwrap().refresh_token.unwrap();
    let task = w.herald.start_health().unwrap();
    settle(&w.herald, clock.now()).await;

    w.sandbox.inject(Endpoint::XToken, Fault { times: Some(1), ..Fault::drop_connection() });
    let near = x.token_expires_at.unwrap() - chrono::Duration::minutes(5);
    at(&w.herald, &clock, near).await;
    assert_eq!(w.sandbox.hits(Endpoint::XToken), 2, "the renewal reached X, which rotated");
    let lost = account(&w.herald, &x.id).await;
    assert_eq!(lost.status, AccountStatus::Connected, "a lost answer changes no status");
    assert_eq!(lost.status_reason, Some(StatusReason::CheckFailed));
    let kept = w.herald.vault().tokens(&grant).await.unwrap().unwrap().refresh_token.unwrap();
    assert_eq!(kept, stored, "nothing was written");

    // The retry (after the backoff) presents the stored token again: accepted once more.
    at(&w.herald, &clock, near + chrono::Duration::minutes(3)).await;
    assert_eq!(w.sandbox.hits(Endpoint::XToken), 3);
    let healed = account(&w.herald, &x.id).await;
    assert_eq!(healed.status, AccountStatus::Connected);
    assert_eq!(healed.status_reason, None, "{healed:?}");
    let rotated = w.herald.vault().tokens(&grant).await.unwrap().unwrap().refresh_token.unwrap();
    assert_ne!(rotated, stored);
    assert_eq!(w.herald.health_stats().refreshes, 1);
    task.abort();
}

#[tokio::test]
async fn a_500_or_a_timeout_during_a_check_never_changes_the_status() {
    let clock = TestClock::new(Utc::now());
    let w = world_at(&clock, |c| c.request_timeout = Duration::from_millis(800)).await;
    let accounts = connect(&w, None).await;
    let mut events = w.herald.subscribe();

    w.sandbox.inject(Endpoint::GoogleAccounts, Fault { times: Some(1), ..Fault::status(500) });
    let task = w.herald.start_health().unwrap();
    settle(&w.herald, clock.now()).await;
    for a in w.herald.accounts().await.unwrap() {
        assert_eq!(a.status, AccountStatus::Connected, "{a:?}");
        assert_eq!(a.status_reason, Some(StatusReason::CheckFailed), "recorded as the last check failing");
        assert!(a.last_error.is_some());
    }
    assert_eq!(w.sandbox.hits(Endpoint::GoogleAccounts), 2, "connect listed once; the start checked once");

    // The retry (after the backoff) times out: still connected.
    w.sandbox.inject(Endpoint::GoogleAccounts, Fault { delay_ms: 3000, times: Some(1), ..Fault::default() });
    at(&w.herald, &clock, clock.now() + chrono::Duration::minutes(3)).await;
    assert_eq!(w.sandbox.hits(Endpoint::GoogleAccounts), 3);
    for a in w.herald.accounts().await.unwrap() {
        assert_eq!(a.status, AccountStatus::Connected, "{a:?}");
        assert_eq!(a.status_reason, Some(StatusReason::CheckFailed));
    }
    let seen = drain(&mut events);
    assert!(
        !seen.iter().any(|e| matches!(e, CoreEvent::Notify { .. })),
        "no status changed, nothing to notify: {seen:?}"
    );

    // Then the network revokes the sign-in: a recognised auth error at the next check.
    w.sandbox.revoke_all_for_tests();
    let later = clock.now() + chrono::Duration::minutes(10);
    at(&w.herald, &clock, later).await;
    for a in w.herald.accounts().await.unwrap() {
        assert_eq!(a.status, AccountStatus::NeedsReconnect, "{a:?}");
        assert!(a.status_since.is_some(), "the card can say since when: {a:?}");
        assert_eq!(a.status_reason, Some(StatusReason::SignInRejected));
        assert_eq!(w.herald.store().status_since(&a.id).await.unwrap(), Some(later), "dated by the clock");
    }
    let seen = drain(&mut events);
    assert!(seen.contains(&CoreEvent::AccountsChanged));
    for a in &accounts {
        let notices = seen.iter().filter(|e| matches!(e, CoreEvent::Notify { account_id, .. } if *account_id == a.id));
        assert_eq!(
            notices.cloned().collect::<Vec<_>>(),
            vec![CoreEvent::Notify { account_id: a.id.clone(), kind: NoticeKind::NeedsReconnect }]
        );
    }
    task.abort();
}

fn drain(events: &mut tokio::sync::broadcast::Receiver<CoreEvent>) -> Vec<CoreEvent> {
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(event);
    }
    seen
}

/// Facebook's user token cannot be renewed: warned at 20, 7 and 1 days, moved to "needs
/// reconnect" 7 days ahead, disconnected once expired; each notification exactly once, even
/// though Herald restarts between them.
#[tokio::test]
async fn each_threshold_fires_exactly_once_across_restarts() {
    let clock = TestClock::new(Utc::now());
    let w = world_at(&clock, |_| {}).await;
    let pages = connect_network(
        &w.herald,
        NetworkId::Facebook,
        AutoConsent::Choose { accounts: Some(vec!["104000000000001".to_owned()]), declined_scopes: vec![] },
        &w,
    )
    .await;
    assert_eq!(pages.len(), 1);
    let page = &pages[0];
    let expires = page.token_expires_at.expect("the long-lived user token's expiry");
    let config = w.herald.config().clone();

    let mut herald = Arc::clone(&w.herald);
    let mut notices: Vec<NoticeKind> = Vec::new();
    let steps = [
        (expires - chrono::Duration::days(21), AccountStatus::Connected),
        (expires - chrono::Duration::days(20) + chrono::Duration::minutes(1), AccountStatus::Connected),
        (expires - chrono::Duration::days(19), AccountStatus::Connected),
        (expires - chrono::Duration::days(7) + chrono::Duration::minutes(1), AccountStatus::NeedsReconnect),
        (expires - chrono::Duration::days(3), AccountStatus::NeedsReconnect),
        (expires - chrono::Duration::hours(23), AccountStatus::NeedsReconnect),
        (expires + chrono::Duration::minutes(1), AccountStatus::Disconnected),
    ];
    for (when, status) in steps {
        // A restart before and after each step: the thresholds are remembered in SQLite.
        for restart in [false, true] {
            let mut events = herald.subscribe();
            let task = herald.start_health().unwrap();
            if restart {
                settle(&herald, clock.now()).await;
            } else {
                at(&herald, &clock, when).await;
            }
            for event in drain(&mut events) {
                if let CoreEvent::Notify { account_id, kind } = event {
                    assert_eq!(account_id, page.id);
                    notices.push(kind);
                }
            }
            assert_eq!(account(&herald, &page.id).await.status, status, "at {when}");
            task.abort();
            let _ = task.await;
            herald.shutdown().await;
            drop(herald);
            herald = Herald::open(config.clone()).await.unwrap();
        }
    }
    assert_eq!(
        notices,
        vec![NoticeKind::Expires20Days, NoticeKind::NeedsReconnect, NoticeKind::Expires1Day],
        "each once; at 7 days the account needs a reconnect, which is what is said"
    );
    let sent: Vec<NoticeKind> = herald.store().sent_notices().await.unwrap().into_iter().map(|(_, k, _)| k).collect();
    assert_eq!(sent.len(), 4, "the 7-day warning is marked as dealt with too: {sent:?}");
    let gone = account(&herald, &page.id).await;
    assert_eq!(gone.status_reason, Some(StatusReason::ExpiredCannotRenew));
}

#[tokio::test]
async fn the_task_sleeps_without_a_wake_up_when_nothing_is_due() {
    let clock = TestClock::new(Utc::now());
    let w = world_at(&clock, |_| {}).await;
    connect(&w, None).await;
    let task = w.herald.start_health().unwrap();
    settle(&w.herald, clock.now()).await;
    let idle = w.herald.health_stats();
    assert_eq!(idle.wakeups, 0);

    tokio::time::sleep(Duration::from_secs(5)).await;
    let later = w.herald.health_stats();
    assert_eq!(later.wakeups, 0, "no wake-up while nothing is due: {later:?}");
    assert_eq!(later.turns, idle.turns);

    // A change wakes it exactly once.
    w.herald.wake_health();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while w.herald.health_stats().turns == idle.turns {
        assert!(std::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(w.herald.health_stats().wakeups, 1);
    assert_eq!(w.herald.health_stats().resumes, 0, "the clock stood still: no resume");
    task.abort();
}

/// "Check connections now": every grant is checked at once, not at its next period, and the
/// answer comes after that pass; a revoked sign-in is then "needs reconnect" with an event.
#[tokio::test]
async fn check_now_checks_every_connection_at_once_and_answers_after_the_pass() {
    let clock = TestClock::new(Utc::now());
    let w = world_at(&clock, |_| {}).await;
    let x = connect_network(&w.herald, NetworkId::X, approve(), &w).await.remove(0);
    let task = w.herald.start_health().unwrap();
    settle(&w.herald, clock.now()).await;
    let checks = w.herald.health_stats().checks;

    // Nothing is due for six hours; asked now, X is checked now, twice asked, twice checked.
    let listed = w.herald.check_connections_now().await.unwrap();
    assert_eq!(listed.iter().find(|a| a.id == x.id).unwrap().status, AccountStatus::Connected);
    assert_eq!(w.herald.health_stats().checks, checks + 1, "one cheap call for the one grant");

    let mut events = w.herald.subscribe();
    w.sandbox.revoke_all_for_tests();
    let (first, second) = tokio::join!(w.herald.check_connections_now(), w.herald.check_connections_now());
    for listed in [first.unwrap(), second.unwrap()] {
        let seen = listed.iter().find(|a| a.id == x.id).unwrap();
        assert_eq!(seen.status, AccountStatus::NeedsReconnect, "each answer comes after a pass that saw the revoke");
        assert_eq!(seen.status_reason, Some(StatusReason::SignInRejected));
    }
    let seen = drain(&mut events);
    assert!(seen.contains(&CoreEvent::AccountsChanged), "the window updates live: {seen:?}");
    assert_eq!(
        seen.iter().filter(|e| matches!(e, CoreEvent::Notify { .. })).count(),
        1,
        "one notification, however often the user checks: {seen:?}"
    );
    assert_eq!(account(&w.herald, &x.id).await.status, AccountStatus::NeedsReconnect);
    task.abort();

    // Without the task (a headless core) the pass runs in the call.
    let again = w.herald.check_connections_now().await.unwrap();
    assert_eq!(again.iter().find(|a| a.id == x.id).unwrap().status, AccountStatus::NeedsReconnect);
}
