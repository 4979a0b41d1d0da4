//! Instagram professional accounts end to end: Instagram Login through the relay page (no
//! PKCE: Instagram takes none), the 60-day token, the one account it signs in, permissions,
//! reconnect, and `ig_refresh_token` only once a token is 24 hours old. Real SQLite, the real
//! keyring, the sandbox over loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use herald_core::api::{Account, AccountKind, AccountStatus, Candidate, ErrorCode};
use herald_core::NetworkId;
use herald_sandbox::{AutoConsent, Endpoint, Fault, SandboxConfig, RELAY_PATH};

const IG_USER: &str = "17841400000000001";

async fn instagram_world(config: SandboxConfig, tweak: impl FnOnce(&mut herald_core::Config)) -> World {
    let w = world_with(config, tweak).await;
    use_network(&w, NetworkId::Instagram, None).await;
    w
}

/// Every check tries to renew (the margin is longer than the 60-day token).
fn always_refresh(c: &mut herald_core::Config) {
    c.refresh_margin = chrono::Duration::days(61);
}

async fn sign_in(
    w: &World,
    declined: &[&str],
    reconnect: Option<&str>,
) -> (String, herald_core::Result<Vec<Candidate>>) {
    w.sandbox.set_auto_consent(Some(AutoConsent::Choose {
        accounts: None,
        declined_scopes: declined.iter().map(|s| (*s).to_owned()).collect(),
    }));
    let flow = w.herald.connect_begin(NetworkId::Instagram, reconnect).await.expect("begin");
    let page = browser_visits(&flow.authorize_url).await;
    assert!(page.status().is_success(), "the listener answers the browser: {}", page.status());
    let offered = w.herald.connect_wait(&flow.flow_id).await;
    (flow.flow_id, offered)
}

async fn connect(w: &World) -> Account {
    let (flow, offered) = sign_in(w, &[], None).await;
    let ids: Vec<String> = offered.expect("wait").iter().map(|c| c.external_id.clone()).collect();
    w.herald.connect_finish(&flow, &ids).await.expect("finish").remove(0)
}

async fn grant_of(w: &World, account: &Account) -> String {
    w.herald.store().account(&account.id).await.unwrap().unwrap().1.unwrap()
}

#[tokio::test]
async fn a_business_account_connects_through_the_relay_with_its_60_day_token_in_the_keyring() {
    let w = instagram_world(SandboxConfig::demo(), |_| {}).await;
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(NetworkId::Instagram, None).await.unwrap();
    let url = url::Url::parse(&flow.authorize_url).unwrap();
    let keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert!(!keys.iter().any(|k| k.starts_with("code_challenge")), "Instagram takes no PKCE: {keys:?}");
    assert_eq!(redirect_uri_of(&flow.authorize_url), format!("{}{RELAY_PATH}", w.sandbox.base_url()));

    browser_visits(&flow.authorize_url).await;
    let offered = w.herald.connect_wait(&flow.flow_id).await.unwrap();
    assert_eq!(offered.len(), 1);
    assert_eq!(offered[0].external_id, IG_USER, "the professional account id, not the app-scoped one");
    assert_eq!(offered[0].display_name, "@fornorossi");
    assert_eq!(offered[0].kind, AccountKind::Profile);
    assert_eq!(offered[0].avatar_url, None, "a picture off Instagram's CDN is not kept");
    let account = w.herald.connect_finish(&flow.flow_id, &[IG_USER.to_owned()]).await.unwrap().remove(0);
    assert_eq!(account.status, AccountStatus::Connected);
    assert!(account.missing_permissions.is_empty());
    assert_eq!((w.sandbox.hits(Endpoint::InstagramToken), w.sandbox.hits(Endpoint::InstagramExchange)), (1, 1));

    let tokens = w.herald.vault().tokens(&grant_of(&w, &account).await).await.unwrap().expect("in the keyring");
    let issued = w.sandbox.issued_secrets();
    assert!(issued.contains(tokens.access_token.expose()));
    assert!(tokens.access_token.expose().starts_with("IGAAL"), "the long-lived token, not the 1-hour one");
    assert!(tokens.expires_at.unwrap() - chrono::Utc::now() > chrono::Duration::days(59));
    assert!(tokens.issued_at.is_some(), "its age is known, for the 24-hour refresh rule");
    for (name, bytes) in files_under(&w.herald.config().data_dir) {
        for secret in &issued {
            assert!(!contains(&bytes, secret), "a secret issued by the sandbox leaked into {name}");
        }
    }
}

#[tokio::test]
async fn reconnect_lands_on_the_same_account_and_another_account_is_refused() {
    let w = instagram_world(SandboxConfig::demo(), |_| {}).await;
    let account = connect(&w).await;
    let (flow, offered) = sign_in(&w, &[], Some(&account.id)).await;
    assert!(offered.unwrap()[0].already_connected);
    let stored = w.herald.connect_finish(&flow, &[IG_USER.to_owned()]).await.unwrap();
    assert_eq!(stored[0].id, account.id);

    w.sandbox.set_instagram_account("17841400000000077", "someone_else");
    let (_, refused) = sign_in(&w, &[], Some(&account.id)).await;
    let err = refused.unwrap_err();
    assert_eq!(err.code(), ErrorCode::DifferentAccount, "{err}");
    assert!(err.to_string().contains("@fornorossi"), "{err}");
    assert_eq!(w.herald.accounts().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_declined_permission_is_listed_on_the_account() {
    let w = instagram_world(SandboxConfig::demo(), |_| {}).await;
    let (flow, offered) = sign_in(&w, &["instagram_business_content_publish"], None).await;
    assert_eq!(offered.unwrap().len(), 1);
    let stored = w.herald.connect_finish(&flow, &[IG_USER.to_owned()]).await.unwrap();
    assert_eq!(stored[0].status, AccountStatus::NeedsReconnect);
    assert_eq!(stored[0].missing_permissions, ["instagram_business_content_publish"]);
}

#[tokio::test]
async fn a_personal_account_is_refused_with_what_to_do() {
    let mut config = SandboxConfig::demo();
    config.instagram.account_type = "PERSONAL".to_owned();
    let w = instagram_world(config, |_| {}).await;
    let (_, offered) = sign_in(&w, &[], None).await;
    let err = offered.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NetworkRejected);
    let message = err.to_string();
    assert!(message.contains("@fornorossi") && message.contains("business or creator"), "{message}");
    assert!(message.contains("professional account"), "{message}");
    assert!(w.herald.accounts().await.unwrap().is_empty());
}

/// Make the stored token look `hours` old (the keyring entry is rewritten, nothing else).
async fn age_token(w: &World, grant: &str, hours: i64) {
    let mut tokens = w.herald.vault().tokens(grant).await.unwrap().unwrap();
    tokens.issued_at = Some(chrono::Utc::now() - chrono::Duration::hours(hours));
    w.herald.vault().put_tokens(grant, &tokens).await.unwrap();
}

#[tokio::test]
async fn a_token_younger_than_24_hours_is_not_refreshed_and_an_older_one_is_renewed() {
    let mut config = SandboxConfig::demo();
    // The sandbox enforces its own age rule; here it accepts any long-lived token, so only
    // Herald's rule decides whether a request is sent.
    config.instagram.refresh_min_age_secs = 0;
    let w = instagram_world(config, always_refresh).await;
    let account = connect(&w).await;
    let grant = grant_of(&w, &account).await;
    let first = w.herald.vault().tokens(&grant).await.unwrap().unwrap();

    let checked = w.herald.check_accounts().await.unwrap();
    assert_eq!(checked[0].status, AccountStatus::Connected);
    assert_eq!(w.sandbox.hits(Endpoint::InstagramRefresh), 0, "a fresh token is not sent for renewal");
    assert_eq!(w.herald.vault().tokens(&grant).await.unwrap().unwrap().access_token, first.access_token);

    age_token(&w, &grant, 23).await;
    w.herald.check_accounts().await.unwrap();
    assert_eq!(w.sandbox.hits(Endpoint::InstagramRefresh), 0, "23 hours is still too young");

    age_token(&w, &grant, 25).await;
    let checked = w.herald.check_accounts().await.unwrap();
    assert_eq!(w.sandbox.hits(Endpoint::InstagramRefresh), 1);
    assert_eq!(checked[0].status, AccountStatus::Connected);
    let renewed = w.herald.vault().tokens(&grant).await.unwrap().unwrap();
    assert_ne!(renewed.access_token, first.access_token, "the renewed token is stored");
    assert!(w.sandbox.issued_secrets().contains(renewed.access_token.expose()));
    assert!(chrono::Utc::now() - renewed.issued_at.unwrap() < chrono::Duration::minutes(1), "its age restarts");
}

#[tokio::test]
async fn a_revoked_token_needs_reconnect_but_a_500_does_not() {
    let mut config = SandboxConfig::demo();
    config.instagram.refresh_min_age_secs = 0;
    let w = instagram_world(config, always_refresh).await;
    let account = connect(&w).await;
    let grant = grant_of(&w, &account).await;
    age_token(&w, &grant, 48).await;

    w.sandbox.inject(Endpoint::InstagramRefresh, Fault { status: Some(500), times: Some(1), ..Fault::default() });
    let blip = w.herald.check_accounts().await.unwrap();
    assert_eq!(blip[0].status, AccountStatus::Connected, "{blip:?}");
    assert!(blip[0].last_error.as_deref().unwrap().contains("try again later"), "{:?}", blip[0].last_error);

    w.sandbox.revoke_all_for_tests();
    let revoked = w.herald.check_accounts().await.unwrap();
    assert_eq!(revoked[0].status, AccountStatus::NeedsReconnect, "{revoked:?}");
    let why = revoked[0].last_error.as_deref().unwrap();
    assert!(why.contains("code 190") && why.contains("Reconnect"), "{why}");
}

#[tokio::test]
async fn a_refresh_that_times_out_is_transient() {
    let mut config = SandboxConfig::demo();
    config.instagram.refresh_min_age_secs = 0;
    let w = instagram_world(config, |c| {
        always_refresh(c);
        c.request_timeout = std::time::Duration::from_secs(2);
    })
    .await;
    let account = connect(&w).await;
    let grant = grant_of(&w, &account).await;
    age_token(&w, &grant, 48).await;
    let before = w.herald.vault().tokens(&grant).await.unwrap().unwrap();

    // Longer than Herald's request timeout (shortened to 2 s here; 30 s in the app).
    w.sandbox.inject(Endpoint::InstagramRefresh, Fault { delay_ms: 3_000, times: Some(1), ..Fault::default() });
    let checked = w.herald.check_accounts().await.unwrap();
    assert_eq!(checked[0].status, AccountStatus::Connected, "{checked:?}");
    assert!(checked[0].last_error.as_deref().unwrap().contains("timed out"), "{:?}", checked[0].last_error);
    assert_eq!(w.herald.vault().tokens(&grant).await.unwrap().unwrap().access_token, before.access_token);
}

#[tokio::test]
async fn a_failing_exchange_is_refused_or_transient_and_stores_nothing() {
    let w = instagram_world(SandboxConfig::demo(), |_| {}).await;
    w.sandbox.inject(Endpoint::InstagramToken, Fault { status: Some(502), times: Some(1), ..Fault::default() });
    let (_, offered) = sign_in(&w, &[], None).await;
    assert_eq!(offered.unwrap_err().code(), ErrorCode::NetworkError);

    w.sandbox.inject(Endpoint::InstagramExchange, Fault { status: Some(400), times: Some(1), ..Fault::default() });
    let (_, offered) = sign_in(&w, &[], None).await;
    assert_eq!(offered.unwrap_err().code(), ErrorCode::TokenExchangeFailed);
    assert!(w.herald.accounts().await.unwrap().is_empty());
}
