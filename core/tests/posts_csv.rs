//! "Create multiple posts": the CSV import and posts_create_many are all or nothing. Every bad
//! row is named by its line with a code; a good file becomes scheduled posts at the local times
//! of the business's zone. Real SQLite, the real keyring, the sandbox over loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Datelike, Utc};
use common::*;
use herald_core::api::{
    Account, CsvProblemCode, DraftInput, ErrorCode, PostState, PostsSettings, ProblemCode, TargetInput,
};
use herald_core::NetworkId;
use herald_sandbox::AutoConsent;

async fn connect_all(w: &World, network: NetworkId) -> Vec<Account> {
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(network, None).await.expect("begin");
    browser_visits(&flow.authorize_url).await;
    let candidates = w.herald.connect_wait(&flow.flow_id).await.expect("wait");
    let ids: Vec<String> = candidates.iter().map(|c| c.external_id.clone()).collect();
    w.herald.connect_finish(&flow.flow_id, &ids).await.expect("finish")
}

async fn post_count(w: &World) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM posts").fetch_one(w.herald.store().pool()).await.unwrap();
    n
}

async fn set_up() -> (World, Account, Account) {
    let (w, _) = world_for_x().await;
    use_network(&w, NetworkId::Facebook, None).await;
    let x = connect_all(&w, NetworkId::X).await.remove(0);
    let fb = connect_all(&w, NetworkId::Facebook).await.remove(0);
    w.herald
        .posts_settings_save(&PostsSettings { zone: "Europe/Rome".into(), grace_minutes: 15, os_zone: String::new() })
        .await
        .unwrap();
    (w, x, fb)
}

#[tokio::test]
async fn a_csv_with_bad_rows_imports_nothing_and_names_every_line() {
    let (w, x, fb) = set_up().await;
    let year = Utc::now().year() + 1;
    let long = "a".repeat(300);
    let csv = format!(
        "date,time,text,accounts,image path\n\
         {year}-05-02,09:00,\"Buongiorno, Roma\",{x};{fb},\n\
         {year}-13-40,09:00,Bad date,{x},\n\
         {year}-05-03,25:99,Bad time,{x},\n\
         {year}-05-04,09:00,Nobody,Panificio Inesistente,\n\
         {year}-05-05,09:00,{long},{x},\n\
         2020-01-01,09:00,Too late,{fb},\n\
         {year}-05-06,09:00,\"Two\nlines\",{fb},/nowhere/foto.jpg\n",
        x = x.display_name,
        fb = fb.id,
    );
    let import = w.herald.posts_import_csv(&csv).await.unwrap();
    assert!(import.posts.is_empty());
    let got: Vec<(u32, CsvProblemCode)> = import.problems.iter().map(|p| (p.line, p.code)).collect();
    assert_eq!(
        got,
        vec![
            (3, CsvProblemCode::BadDate),
            (4, CsvProblemCode::BadTime),
            (5, CsvProblemCode::UnknownAccount),
            (6, CsvProblemCode::InvalidForTarget),
            (7, CsvProblemCode::InPast),
            (8, CsvProblemCode::InvalidForTarget),
        ]
    );
    assert_eq!(import.problems[2].value.as_deref(), Some("Panificio Inesistente"));
    let too_long = &import.problems[3];
    assert_eq!(too_long.account_id.as_deref(), Some(x.id.as_str()));
    assert_eq!((too_long.problems[0].code, too_long.problems[0].limit), (ProblemCode::TextTooLong, Some(280)));
    let image = &import.problems[5].problems[0];
    assert_eq!((image.code, image.image.as_deref()), (ProblemCode::ImageUnreadable, Some("/nowhere/foto.jpg")));
    assert_eq!(post_count(&w).await, 0, "nothing imported");

    let headerless = format!("{year}-05-02,09:00,Ciao,{}\n", x.id);
    let import = w.herald.posts_import_csv(&headerless).await.unwrap();
    assert_eq!(
        import.problems.iter().map(|p| (p.line, p.code)).collect::<Vec<_>>(),
        vec![(1, CsvProblemCode::HeaderMissing)]
    );
    assert_eq!(w.herald.posts_import_csv("").await.unwrap().problems[0].code, CsvProblemCode::Empty);
    assert_eq!(post_count(&w).await, 0);
}

#[tokio::test]
async fn a_good_csv_schedules_every_post_at_its_local_time() {
    let (w, x, fb) = set_up().await;
    let year = Utc::now().year() + 1;
    // 09:00 in Rome on both sides of the spring change.
    let csv = format!(
        "Date,Time,Text,Accounts,Image path\n\
         {year}-03-20,09:00,\"Pane, focaccia\",{x};{fb},\n\
         {year}-04-03,09:00,\"Due\nrighe\",{fbname},\n",
        x = x.id,
        fb = fb.id,
        fbname = fb.display_name.to_uppercase(),
    );
    let import = w.herald.posts_import_csv(&csv).await.unwrap();
    assert_eq!(import.problems, vec![]);
    assert_eq!(import.posts.len(), 2);
    let local = |p: &herald_core::api::Post| {
        p.scheduled_at.unwrap().with_timezone(&chrono_tz::Europe::Rome).format("%m-%d %H:%M").to_string()
    };
    assert_eq!(local(&import.posts[0]), "03-20 09:00");
    assert_eq!(local(&import.posts[1]), "04-03 09:00");
    assert!(import.posts.iter().all(|p| p.state == PostState::Scheduled && p.zone.as_deref() == Some("Europe/Rome")));
    assert_eq!((import.posts[0].text.as_str(), import.posts[0].attempts.len()), ("Pane, focaccia", 2));
    assert_eq!(import.posts[1].text, "Due\nrighe");
    assert_eq!(post_count(&w).await, 2);
}

#[tokio::test]
async fn create_many_is_all_or_nothing() {
    let (w, x, fb) = set_up().await;
    let at = Some(Utc::now() + chrono::Duration::days(2));
    let d = |text: &str, account: &Account| DraftInput {
        id: None,
        text: text.to_owned(),
        link: None,
        targets: vec![TargetInput { account_id: account.id.clone(), variant: None }],
        scheduled_at: at,
        zone: Some("Europe/Rome".into()),
        images: Vec::new(),
    };
    let batch = vec![d("Lunedì", &x), d("Martedì", &fb), d(&"b".repeat(281), &x)];
    let err = w.herald.posts_create_many(&batch, true).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::BatchInvalid);
    assert!(err.to_string().contains("post 3"), "{err}");
    assert_eq!(post_count(&w).await, 0, "nothing created");
    // As drafts the same batch is kept (a draft may be invalid for now).
    let drafts = w.herald.posts_create_many(&batch, false).await.unwrap();
    assert!(drafts.iter().all(|p| p.state == PostState::Draft));
    let posts = w.herald.posts_create_many(&batch[..2], true).await.unwrap();
    assert!(posts.iter().all(|p| p.state == PostState::Scheduled && p.attempts.len() == 1));
    assert_eq!(post_count(&w).await, 5);
}
