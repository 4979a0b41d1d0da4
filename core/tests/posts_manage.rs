//! The posts API around scheduling: the calendar and the archive (filters, keyset pages), moving
//! a post across a DST change, unschedule and delete, the rules of retry / publish again / keep
//! as draft, the posts settings and the PostsChanged event. Real SQLite, the real keyring, the
//! sandbox over loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use common::*;
use herald_core::api::{
    Account, ArchiveFilter, AttemptResolution, AttemptState, DraftInput, EntryState, ErrorCode, PostState,
    PostsSettings, TargetInput,
};
use herald_core::posts::time;
use herald_core::{CoreEvent, Herald, NetworkId};
use herald_sandbox::{AutoConsent, Endpoint, Fault};

async fn connect_all(w: &World, network: NetworkId) -> Vec<Account> {
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(network, None).await.expect("begin");
    browser_visits(&flow.authorize_url).await;
    let candidates = w.herald.connect_wait(&flow.flow_id).await.expect("wait");
    let ids: Vec<String> = candidates.iter().map(|c| c.external_id.clone()).collect();
    w.herald.connect_finish(&flow.flow_id, &ids).await.expect("finish")
}

fn draft(text: &str, accounts: &[&Account], at: Option<DateTime<Utc>>) -> DraftInput {
    DraftInput {
        id: None,
        text: text.to_owned(),
        link: None,
        targets: accounts.iter().map(|a| TargetInput { account_id: a.id.clone(), variant: None }).collect(),
        scheduled_at: at,
        zone: Some("Europe/Rome".into()),
        images: Vec::new(),
    }
}

async fn scheduled(herald: &Herald, d: DraftInput) -> herald_core::api::Post {
    let post = herald.posts_save_draft(&d).await.unwrap();
    let post = herald.posts_schedule(&post.id).await.unwrap();
    assert_eq!(post.state, PostState::Scheduled, "{:?}", post.targets);
    post
}

/// Wait until the post's latest attempts are all finished.
async fn settled(herald: &Herald, post: &str) -> Vec<herald_core::api::Attempt> {
    let start = Instant::now();
    loop {
        let attempts = herald.store().attempts_of(post).await.unwrap();
        if !attempts.is_empty()
            && attempts.iter().all(|a| !matches!(a.state, AttemptState::Scheduled | AttemptState::Publishing))
        {
            return attempts;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "not settled: {attempts:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn rome(date: (i32, u32, u32), hour: u32) -> DateTime<Utc> {
    time::instant(
        NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
        NaiveTime::from_hms_opt(hour, 0, 0).unwrap(),
        chrono_tz::Europe::Rome,
    )
}

fn code<T: std::fmt::Debug>(r: herald_core::Result<T>) -> ErrorCode {
    r.expect_err("refused").code()
}

#[tokio::test]
async fn the_calendar_has_one_entry_per_target_and_drafts_with_a_time() {
    let (w, _) = world_for_x().await;
    use_network(&w, NetworkId::Facebook, None).await;
    let x = connect_all(&w, NetworkId::X).await;
    let fb = connect_all(&w, NetworkId::Facebook).await;
    let now = Utc::now();
    let day = chrono::Duration::days(1);
    let long = "Pane caldo ".repeat(20);
    let both = scheduled(&w.herald, draft(&long, &[&x[0], &fb[0]], Some(now + day * 2))).await;
    let timed_draft = w.herald.posts_save_draft(&draft("Bozza", &[&fb[0]], Some(now + day * 3))).await.unwrap();
    w.herald.posts_save_draft(&draft("No time yet", &[&x[0]], None)).await.unwrap();
    scheduled(&w.herald, draft("Later", &[&x[0]], Some(now + day * 40))).await;

    let entries = w.herald.posts_calendar(now, now + day * 30).await.unwrap();
    assert_eq!(entries.len(), 3, "{entries:#?}");
    let of_both: Vec<_> = entries.iter().filter(|e| e.post_id == both.id).collect();
    assert_eq!(of_both.len(), 2, "one entry per target");
    for e in &of_both {
        assert_eq!(e.state, EntryState::Scheduled);
        assert!(e.attempt_id.is_some());
        assert_eq!(e.excerpt.chars().count(), 120, "the excerpt is bounded");
        assert_eq!(e.zone.as_deref(), Some("Europe/Rome"));
        assert!(!e.needs_reconnect);
    }
    let mut networks: Vec<_> = of_both.iter().map(|e| e.network.map(NetworkId::as_str)).collect();
    networks.sort();
    assert_eq!(networks, vec![Some("facebook"), Some("x")]);
    let d = entries.iter().find(|e| e.post_id == timed_draft.id).expect("the draft with a time is there");
    assert_eq!((d.state, d.attempt_id.as_deref(), d.network), (EntryState::Draft, None, Some(NetworkId::Facebook)));
    assert!(entries.windows(2).all(|p| p[0].at <= p[1].at), "in time order");

    assert_eq!(code(w.herald.posts_calendar(now, now).await), ErrorCode::InvalidInput);
    assert_eq!(code(w.herald.posts_calendar(now, now + day * 400).await), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn a_post_dragged_across_the_spring_change_keeps_its_local_time() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    // 09:00 in Rome is 08:00 UTC before 28 March 2027 and 07:00 UTC after it.
    let before = rome((2027, 3, 20), 9);
    let after = rome((2027, 4, 3), 9);
    assert_eq!(
        (before.format("%H:%M").to_string(), after.format("%H:%M").to_string()),
        ("08:00".into(), "07:00".into())
    );
    let post = scheduled(&w.herald, draft("Colomba di Pasqua", &[&x[0]], Some(before))).await;
    let moved = w.herald.posts_reschedule(&post.id, after, "Europe/Rome").await.unwrap();
    assert_eq!(
        (moved.scheduled_at, moved.zone.as_deref(), moved.state),
        (Some(after), Some("Europe/Rome"), PostState::Scheduled)
    );
    assert_eq!(moved.attempts.len(), 1);
    assert_eq!(moved.attempts[0].due_at, after, "the attempt moved with the post");
    let local = moved.attempts[0].due_at.with_timezone(&chrono_tz::Europe::Rome);
    assert_eq!(local.format("%Y-%m-%d %H:%M").to_string(), "2027-04-03 09:00");
    let entries =
        w.herald.posts_calendar(after - chrono::Duration::days(1), after + chrono::Duration::days(1)).await.unwrap();
    assert_eq!(entries.iter().map(|e| e.at).collect::<Vec<_>>(), vec![after]);

    assert_eq!(
        code(w.herald.posts_reschedule(&post.id, Utc::now() - chrono::Duration::hours(1), "Europe/Rome").await),
        ErrorCode::ScheduleInPast
    );
    assert_eq!(code(w.herald.posts_reschedule(&post.id, after, "Mars/Olympus").await), ErrorCode::InvalidInput);
    let unchanged = w.herald.posts_get(&post.id).await.unwrap();
    assert_eq!(unchanged.attempts[0].due_at, after, "a refused move changes nothing");
}

#[tokio::test]
async fn unschedule_keeps_the_text_and_delete_removes_everything() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    let at = Utc::now() + chrono::Duration::days(1);
    let post = scheduled(&w.herald, draft("Torta della nonna", &[&x[0]], Some(at))).await;
    let back = w.herald.posts_unschedule(&post.id).await.unwrap();
    assert_eq!((back.state, back.text.as_str(), back.attempts.len()), (PostState::Draft, "Torta della nonna", 0));
    let entries =
        w.herald.posts_calendar(at - chrono::Duration::hours(1), at + chrono::Duration::hours(1)).await.unwrap();
    assert_eq!(entries.iter().map(|e| e.state).collect::<Vec<_>>(), vec![EntryState::Draft], "one state at a time");

    w.herald.posts_delete(&post.id).await.unwrap();
    assert_eq!(code(w.herald.posts_get(&post.id).await), ErrorCode::NotFound);
    assert_eq!(code(w.herald.posts_delete(&post.id).await), ErrorCode::NotFound);
    assert!(w
        .herald
        .posts_calendar(at - chrono::Duration::hours(1), at + chrono::Duration::hours(1))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn retry_asks_first_for_an_unconfirmed_post_and_the_archive_lists_every_attempt() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.start_scheduler().await.unwrap();
    // X answers 500 without publishing: Herald cannot know, so the attempt is unconfirmed.
    w.sandbox.inject(Endpoint::XTweets, Fault { times: Some(1), ..Fault::status(500) });
    let post = scheduled(&w.herald, draft("Cornetti alle 7", &[&x[0]], Some(Utc::now()))).await;
    let attempts = settled(&w.herald, &post.id).await;
    assert_eq!(attempts[0].state, AttemptState::Unconfirmed);
    let first = attempts[0].id.clone();

    assert_eq!(code(w.herald.posts_retry(&first, false).await), ErrorCode::ConfirmRequired);
    assert_eq!(w.herald.store().attempts_of(&post.id).await.unwrap().len(), 1, "nothing happened without confirm");
    let again = w.herald.posts_retry(&first, true).await.unwrap();
    assert_eq!(again.state, PostState::Scheduled);
    let attempts = settled(&w.herald, &post.id).await;
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].resolution, Some(AttemptResolution::Retried));
    assert_eq!(attempts[1].state, AttemptState::Published);
    assert_eq!(code(w.herald.posts_retry(&first, true).await), ErrorCode::PostStateConflict, "decided once");
    assert_eq!(code(w.herald.posts_retry(&attempts[1].id, true).await), ErrorCode::PostStateConflict, "published");
    assert_eq!(code(w.herald.posts_keep_as_draft(&attempts[1].id).await), ErrorCode::PostStateConflict);

    // Archive: newest first, filters, keyset pages.
    let all = w.herald.posts_archive(&ArchiveFilter::default()).await.unwrap();
    assert_eq!(
        all.entries.iter().map(|e| e.attempt.id.clone()).collect::<Vec<_>>(),
        vec![attempts[1].id.clone(), first.clone()]
    );
    assert_eq!(all.next, None);
    let published = all.entries[0].clone();
    assert!(published.attempt.permalink.as_deref().is_some_and(|p| p.starts_with("https://")));
    assert_eq!(published.account_name.as_deref(), Some(x[0].display_name.as_str()));
    assert_eq!(published.excerpt, "Cornetti alle 7");
    let only = |f: ArchiveFilter| {
        let herald = w.herald.clone();
        async move { herald.posts_archive(&f).await.unwrap().entries.len() }
    };
    assert_eq!(only(ArchiveFilter { state: Some(AttemptState::Published), ..Default::default() }).await, 1);
    assert_eq!(only(ArchiveFilter { state: Some(AttemptState::Unconfirmed), ..Default::default() }).await, 1);
    assert_eq!(only(ArchiveFilter { network: Some(NetworkId::X), ..Default::default() }).await, 2);
    assert_eq!(only(ArchiveFilter { network: Some(NetworkId::Facebook), ..Default::default() }).await, 0);
    assert_eq!(only(ArchiveFilter { account_id: Some(x[0].id.clone()), ..Default::default() }).await, 2);
    let page1 = w.herald.posts_archive(&ArchiveFilter { limit: Some(1), ..Default::default() }).await.unwrap();
    let page2 = w
        .herald
        .posts_archive(&ArchiveFilter { limit: Some(1), before: page1.next.clone(), ..Default::default() })
        .await
        .unwrap();
    let page3 = w
        .herald
        .posts_archive(&ArchiveFilter { limit: Some(1), before: page2.next.clone(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(page1.entries[0].attempt.id, attempts[1].id);
    assert_eq!(page2.entries[0].attempt.id, first);
    assert!(page3.entries.is_empty() && page3.next.is_none());
    assert_eq!(
        code(w.herald.posts_archive(&ArchiveFilter { before: Some("x".into()), ..Default::default() }).await),
        ErrorCode::InvalidInput
    );
    assert_eq!(w.sandbox.published().len(), 1);
}

#[tokio::test]
async fn a_failed_post_kept_as_draft_keeps_its_text_and_is_not_retried() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.start_scheduler().await.unwrap();
    // A 403 is X's answer to content it will not take (a duplicate): failed at once.
    w.sandbox.inject(Endpoint::XTweets, Fault { times: Some(1), ..Fault::status(403) });
    let post = scheduled(&w.herald, draft("Sfogliatelle", &[&x[0]], Some(Utc::now()))).await;
    let attempts = settled(&w.herald, &post.id).await;
    assert_eq!(attempts[0].state, AttemptState::Failed, "{attempts:?}");
    let kept = w.herald.posts_keep_as_draft(&attempts[0].id).await.unwrap();
    assert_eq!((kept.state, kept.text.as_str()), (PostState::Draft, "Sfogliatelle"));
    assert_eq!(kept.attempts[0].resolution, Some(AttemptResolution::KeptAsDraft));
    assert_eq!(code(w.herald.posts_retry(&attempts[0].id, true).await), ErrorCode::PostStateConflict);
    assert_eq!(code(w.herald.posts_keep_as_draft(&attempts[0].id).await), ErrorCode::PostStateConflict);
    let entries = w
        .herald
        .posts_calendar(
            post.scheduled_at.unwrap() - chrono::Duration::hours(1),
            Utc::now() + chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    assert_eq!(
        entries.iter().map(|e| e.state).collect::<Vec<_>>(),
        vec![EntryState::Draft],
        "never two states at once"
    );
    assert_eq!(w.sandbox.published().len(), 0);
}

#[tokio::test]
async fn posts_settings_default_to_the_os_zone_and_15_minutes() {
    let w = world().await;
    let s = w.herald.posts_settings().await.unwrap();
    assert_eq!(s.zone, s.os_zone);
    assert!(time::zone(&s.os_zone).is_ok(), "{}", s.os_zone);
    assert_eq!(s.grace_minutes, 15);
    let saved = w
        .herald
        .posts_settings_save(&PostsSettings {
            zone: "America/New_York".into(),
            grace_minutes: 30,
            os_zone: String::new(),
        })
        .await
        .unwrap();
    assert_eq!((saved.zone.as_str(), saved.grace_minutes), ("America/New_York", 30));
    assert_eq!(w.herald.store().setting("posts.grace_minutes").await.unwrap().as_deref(), Some("30"));
    let bad_zone = PostsSettings { zone: "Europe/Atlantis".into(), grace_minutes: 5, os_zone: String::new() };
    assert_eq!(code(w.herald.posts_settings_save(&bad_zone).await), ErrorCode::InvalidInput);
    let too_long = PostsSettings { zone: "UTC".into(), grace_minutes: 8 * 24 * 60, os_zone: String::new() };
    assert_eq!(code(w.herald.posts_settings_save(&too_long).await), ErrorCode::InvalidInput);
    assert_eq!(w.herald.posts_settings().await.unwrap().zone, "America/New_York", "refused saves change nothing");
}

#[tokio::test]
async fn every_change_and_every_finished_attempt_says_posts_changed() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.start_scheduler().await.unwrap();
    let mut events = w.herald.subscribe();
    let post = w
        .herald
        .posts_save_draft(&draft("Evento", &[&x[0]], Some(Utc::now() + chrono::Duration::days(1))))
        .await
        .unwrap();
    assert_eq!(events.try_recv().ok(), Some(CoreEvent::PostsChanged), "saving");
    w.herald.posts_schedule(&post.id).await.unwrap();
    assert_eq!(events.try_recv().ok(), Some(CoreEvent::PostsChanged), "scheduling");
    w.herald.posts_reschedule(&post.id, Utc::now() + chrono::Duration::milliseconds(300), "Europe/Rome").await.unwrap();
    assert_eq!(events.try_recv().ok(), Some(CoreEvent::PostsChanged), "moving");
    // The scheduler publishes it: finishing the attempt says so too.
    settled(&w.herald, &post.id).await;
    let got = tokio::time::timeout(Duration::from_secs(2), events.recv()).await;
    assert!(matches!(got, Ok(Ok(CoreEvent::PostsChanged))), "the scheduler's finish: {got:?}");
}

#[tokio::test]
async fn a_failed_post_is_retried_without_asking_and_a_publishing_one_cannot_be_deleted() {
    let (w, _) = world_for_x().await;
    let x = connect_all(&w, NetworkId::X).await;
    w.herald.start_scheduler().await.unwrap();
    w.sandbox.inject(Endpoint::XTweets, Fault { times: Some(1), ..Fault::status(403) });
    let post = scheduled(&w.herald, draft("Pastiera", &[&x[0]], Some(Utc::now()))).await;
    let failed = settled(&w.herald, &post.id).await.remove(0);
    assert_eq!(failed.state, AttemptState::Failed);
    w.herald.posts_retry(&failed.id, false).await.expect("a failed attempt needs no confirmation");
    let attempts = settled(&w.herald, &post.id).await;
    assert_eq!(
        attempts.iter().map(|a| a.state).collect::<Vec<_>>(),
        vec![AttemptState::Failed, AttemptState::Published]
    );

    // While the network call is under way the post cannot be deleted (its outcome must land).
    w.sandbox.inject(Endpoint::XTweets, Fault { delay_ms: 1_000, times: Some(1), ..Fault::default() });
    let slow = scheduled(&w.herald, draft("Zeppole", &[&x[0]], Some(Utc::now()))).await;
    let start = Instant::now();
    while w.herald.store().attempts_of(&slow.id).await.unwrap()[0].state != AttemptState::Publishing {
        assert!(start.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(code(w.herald.posts_delete(&slow.id).await), ErrorCode::PostStateConflict);
    assert_eq!(settled(&w.herald, &slow.id).await[0].state, AttemptState::Published);
    w.herald.posts_delete(&slow.id).await.unwrap();
}
