//! Facebook Pages end to end: Facebook Login through the relay page, the long-lived user token,
//! the Pages the person picked with their own Page tokens, permissions, reconnect, revoke, and
//! a tampered relay. Real SQLite, the real keyring, the sandbox over loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use herald_core::api::{Account, AccountKind, AccountStatus, Candidate, ErrorCode, RevokeOutcome};
use herald_core::NetworkId;
use herald_sandbox::{AutoConsent, Endpoint, Fault, SandboxConfig, RELAY_PATH};

const PAGE_1: &str = "104000000000001";
const PAGE_2: &str = "104000000000002";
/// The person's own Facebook profile in the sandbox seed: never a candidate.
const USER_ID: &str = "10160000000000001";

async fn facebook_world(tweak: impl FnOnce(&mut herald_core::Config)) -> World {
    let w = world_with(SandboxConfig::demo(), tweak).await;
    use_network(&w, NetworkId::Facebook, None).await;
    w
}

fn choose(pages: Option<&[&str]>, declined: &[&str]) -> AutoConsent {
    AutoConsent::Choose {
        accounts: pages.map(|p| p.iter().map(|s| (*s).to_owned()).collect()),
        declined_scopes: declined.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// Sign in through the relay with `consent`; the candidates offered.
async fn sign_in(
    w: &World,
    consent: AutoConsent,
    reconnect: Option<&str>,
) -> (String, herald_core::Result<Vec<Candidate>>) {
    w.sandbox.set_auto_consent(Some(consent));
    let flow = w.herald.connect_begin(NetworkId::Facebook, reconnect).await.expect("begin");
    let page = browser_visits(&flow.authorize_url).await;
    assert!(page.status().is_success(), "the listener answers the browser: {}", page.status());
    let offered = w.herald.connect_wait(&flow.flow_id).await;
    (flow.flow_id, offered)
}

async fn connect_pages(w: &World, pages: &[&str]) -> Vec<Account> {
    let (flow, offered) = sign_in(w, choose(Some(pages), &[]), None).await;
    let ids: Vec<String> = offered.expect("wait").iter().map(|c| c.external_id.clone()).collect();
    w.herald.connect_finish(&flow, &ids).await.expect("finish")
}

async fn grant_of(w: &World, account: &Account) -> String {
    w.herald.store().account(&account.id).await.unwrap().unwrap().1.unwrap()
}

#[tokio::test]
async fn several_pages_connect_through_the_relay_with_page_tokens_only_in_the_keyring() {
    let w = facebook_world(|_| {}).await;
    w.sandbox.set_auto_consent(Some(choose(None, &[])));
    let flow = w.herald.connect_begin(NetworkId::Facebook, None).await.unwrap();
    let query: Vec<(String, String)> =
        url::Url::parse(&flow.authorize_url).unwrap().query_pairs().into_owned().collect();
    let get = |k: &str| query.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    assert_eq!(get("redirect_uri"), Some(format!("{}{RELAY_PATH}", w.sandbox.base_url())), "the relay is the redirect");
    assert_eq!(get("code_challenge_method").as_deref(), Some("S256"), "Facebook gets PKCE");
    assert!(get("state").unwrap().split_once('.').unwrap().0.parse::<u16>().is_ok(), "the port leads the state");

    browser_visits(&flow.authorize_url).await;
    let offered = w.herald.connect_wait(&flow.flow_id).await.unwrap();
    let mut ids: Vec<&str> = offered.iter().map(|c| c.external_id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, [PAGE_1, PAGE_2], "both Pages, and never the person's own profile ({USER_ID})");
    assert!(offered.iter().all(|c| c.kind == AccountKind::Page));
    assert!(offered.iter().any(|c| c.display_name == "Forno Rossi — Pasticceria"));
    assert!(offered.iter().all(|c| c.avatar_url.is_none()), "a picture off Facebook's CDN is not kept");
    let all: Vec<String> = offered.iter().map(|c| c.external_id.clone()).collect();
    let accounts = w.herald.connect_finish(&flow.flow_id, &all).await.unwrap();
    assert_eq!(accounts.len(), 2);
    assert!(accounts.iter().all(|a| a.status == AccountStatus::Connected && a.missing_permissions.is_empty()));
    assert_eq!(w.sandbox.hits(Endpoint::FacebookToken), 2, "code exchange, then the long-lived exchange");

    // One grant; the long-lived user token and one Page token per Page are in the keyring.
    let grant = grant_of(&w, &accounts[0]).await;
    assert_eq!(grant, grant_of(&w, &accounts[1]).await);
    let tokens = w.herald.vault().tokens(&grant).await.unwrap().expect("tokens in the keyring");
    let issued = w.sandbox.issued_secrets();
    assert!(issued.contains(tokens.access_token.expose()));
    let expires = tokens.expires_at.expect("the long-lived token has a lifetime");
    assert!(expires - chrono::Utc::now() > chrono::Duration::days(59), "the ~60-day token, not the short one");
    for page in [PAGE_1, PAGE_2] {
        let page_token = tokens.account_tokens.get(page).expect("a Page token");
        assert!(issued.contains(page_token.expose()));
        assert_ne!(page_token.expose(), tokens.access_token.expose());
    }

    // No code or token the sandbox issued is in any file Herald wrote.
    for (name, bytes) in files_under(&w.herald.config().data_dir) {
        for secret in &issued {
            assert!(!contains(&bytes, secret), "a secret issued by the sandbox leaked into {name}");
        }
    }
}

#[tokio::test]
async fn reconnecting_a_page_lands_on_the_same_account_and_another_user_is_refused() {
    let w = facebook_world(|_| {}).await;
    let accounts = connect_pages(&w, &[PAGE_1, PAGE_2]).await;
    let target = accounts.iter().find(|a| a.external_id == PAGE_1).unwrap();

    let (flow, offered) = sign_in(&w, choose(Some(&[PAGE_1]), &[]), Some(&target.id)).await;
    assert!(offered.unwrap().iter().all(|c| c.already_connected));
    let stored = w.herald.connect_finish(&flow, &[PAGE_1.to_owned()]).await.unwrap();
    assert_eq!(stored[0].id, target.id, "same account id");
    assert_eq!(w.herald.accounts().await.unwrap().len(), 2, "one card per Page, updated in place");

    // Signed in as someone who does not manage that Page (only the other one comes back).
    let (_, refused) = sign_in(&w, choose(Some(&[PAGE_2]), &[]), Some(&target.id)).await;
    let err = refused.unwrap_err();
    assert_eq!(err.code(), ErrorCode::DifferentAccount, "{err}");
    assert!(err.to_string().contains("Forno Rossi"), "the message names the expected Page: {err}");
}

#[tokio::test]
async fn a_declined_permission_is_listed_on_the_account() {
    let w = facebook_world(|_| {}).await;
    let (flow, offered) = sign_in(&w, choose(Some(&[PAGE_1]), &["pages_manage_posts"]), None).await;
    let stored = w.herald.connect_finish(&flow, &[offered.unwrap()[0].external_id.clone()]).await.unwrap();
    assert_eq!(stored[0].status, AccountStatus::NeedsReconnect);
    assert_eq!(stored[0].missing_permissions, ["pages_manage_posts"]);
    assert_eq!(stored[0].status_reason, Some(herald_core::api::StatusReason::PermissionMissing));
    assert_eq!(w.sandbox.hits(Endpoint::FacebookPermissions), 1, "read from /me/permissions");
    // A later check does not hide why: the reason stays until a reconnect grants the permission.
    let checked = w.herald.check_accounts().await.unwrap();
    assert_eq!(
        (checked[0].status, checked[0].status_reason),
        (AccountStatus::NeedsReconnect, Some(herald_core::api::StatusReason::PermissionMissing))
    );
}

#[tokio::test]
async fn no_page_shared_says_pages_only() {
    let w = facebook_world(|_| {}).await;
    let (_, offered) = sign_in(&w, choose(Some(&[]), &[]), None).await;
    let err = offered.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NetworkRejected);
    assert!(err.to_string().contains("business Pages only"), "{err}");
    assert!(!err.to_string().contains("pages_show_list"), "the permission was granted: {err}");

    let (_, offered) = sign_in(&w, choose(None, &["pages_show_list"]), None).await;
    let err = offered.unwrap_err();
    assert!(err.to_string().contains("(pages_show_list)"), "names the permission to allow: {err}");
    assert!(w.herald.accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_expiring_grant_that_cannot_be_renewed_needs_reconnect_without_asking_facebook() {
    // Facebook user tokens cannot be refreshed: near their end, the check asks for a reconnect.
    let w = facebook_world(|c| c.refresh_margin = chrono::Duration::days(61)).await;
    connect_pages(&w, &[PAGE_1]).await;
    let token_hits = w.sandbox.hits(Endpoint::FacebookToken);
    w.sandbox.revoke_all_for_tests();
    let checked = w.herald.check_accounts().await.unwrap();
    assert_eq!(checked[0].status, AccountStatus::NeedsReconnect, "{checked:?}");
    assert!(checked[0].last_error.as_deref().unwrap().contains("Reconnect"), "{:?}", checked[0].last_error);
    assert_eq!(w.sandbox.hits(Endpoint::FacebookToken), token_hits);
}

#[tokio::test]
async fn a_500_or_an_outage_while_listing_pages_is_transient_and_changes_nothing() {
    let w = facebook_world(|_| {}).await;
    let accounts = connect_pages(&w, &[PAGE_1]).await;
    let before = w.herald.vault().tokens(&grant_of(&w, &accounts[0]).await).await.unwrap().unwrap();

    for (endpoint, status) in [(Endpoint::FacebookAccounts, 500), (Endpoint::FacebookToken, 503)] {
        w.sandbox.inject(endpoint, Fault { status: Some(status), times: Some(1), ..Fault::default() });
        let (_, offered) = sign_in(&w, choose(None, &[]), Some(&accounts[0].id)).await;
        let err = offered.unwrap_err();
        assert_eq!(err.code(), ErrorCode::NetworkError, "{endpoint:?}: {err}");
        assert!(err.to_string().contains("try again later"), "{err}");
    }
    let now = w.herald.accounts().await.unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].status, AccountStatus::Connected);
    let after = w.herald.vault().tokens(&grant_of(&w, &now[0]).await).await.unwrap().unwrap();
    assert_eq!(after.access_token, before.access_token, "the stored sign-in is untouched");
}

#[tokio::test]
async fn disconnect_revokes_once_the_last_page_is_gone() {
    let w = facebook_world(|_| {}).await;
    let accounts = connect_pages(&w, &[PAGE_1, PAGE_2]).await;
    let tokens = w.herald.vault().tokens(&grant_of(&w, &accounts[0]).await).await.unwrap().unwrap();

    let first = w.herald.disconnect(&accounts[0].id).await.unwrap();
    assert_eq!(first.revoke, RevokeOutcome::KeptForOtherAccounts);
    assert_eq!(w.sandbox.hits(Endpoint::FacebookRevoke), 0);
    let last = w.herald.disconnect(&accounts[1].id).await.unwrap();
    assert_eq!(last.revoke, RevokeOutcome::Revoked, "{last:?}");
    assert_eq!(w.sandbox.hits(Endpoint::FacebookRevoke), 1, "DELETE /me/permissions");
    assert!(w.sandbox.is_revoked(tokens.access_token.expose()));
    for page_token in tokens.account_tokens.values() {
        assert!(w.sandbox.is_revoked(page_token.expose()), "the Page tokens die with the grant");
    }
}

/// Follow the consent to the relay page's address (code and state in its query), as the browser
/// would before running the page.
async fn relay_address(w: &World, authorize_url: &str) -> url::Url {
    w.sandbox.set_auto_consent(Some(choose(None, &[])));
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let answer = client.get(authorize_url).send().await.unwrap();
    assert!(answer.status().is_redirection(), "{}", answer.status());
    let location = answer.headers()[reqwest::header::LOCATION].to_str().unwrap().to_owned();
    let url = url::Url::parse(&location).unwrap();
    assert_eq!(url.path(), RELAY_PATH);
    url
}

fn with_param(url: &url::Url, name: &str, value: &str) -> url::Url {
    let pairs: Vec<(String, String)> =
        url.query_pairs().into_owned().map(|(k, v)| if k == name { (k, value.to_owned()) } else { (k, v) }).collect();
    let mut out = url.clone();
    out.query_pairs_mut().clear().extend_pairs(pairs);
    out
}

fn param(url: &url::Url, name: &str) -> String {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap()
}

#[tokio::test]
async fn a_state_whose_port_was_changed_never_completes() {
    let w = facebook_world(|c| c.flow_timeout = Duration::from_millis(1500)).await;
    let flow = w.herald.connect_begin(NetworkId::Facebook, None).await.unwrap();
    let relay = relay_address(&w, &flow.authorize_url).await;
    let state = param(&relay, "state");
    let (_, random) = state.split_once('.').unwrap();
    let tampered = with_param(&relay, "state", &format!("{}.{random}", free_port()));

    let html = reqwest::get(tampered.as_str()).await.unwrap().text().await.unwrap();
    let target = run_relay_page(tampered.as_str(), &html).expect("the page forwards to the port it is given");
    assert!(reqwest::get(&target).await.is_err(), "nothing of Herald's listens there");
    let err = w.herald.connect_wait(&flow.flow_id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowTimedOut, "{err}");
    assert_eq!(w.sandbox.hits(Endpoint::FacebookToken), 0, "the code was never exchanged");
    assert!(w.herald.accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_forged_state_is_ignored_and_a_replayed_code_is_refused() {
    let w = facebook_world(|_| {}).await;
    let flow = w.herald.connect_begin(NetworkId::Facebook, None).await.unwrap();
    let relay = relay_address(&w, &flow.authorize_url).await;
    let state = param(&relay, "state");
    let (port, _) = state.split_once('.').unwrap();

    // Right port, wrong state: the listener refuses it and keeps waiting.
    let forged = with_param(&relay, "state", &format!("{port}.forged"));
    let html = reqwest::get(forged.as_str()).await.unwrap().text().await.unwrap();
    let target = run_relay_page(forged.as_str(), &html).unwrap();
    assert_eq!(reqwest::get(&target).await.unwrap().status().as_u16(), 403);
    assert_eq!(w.sandbox.hits(Endpoint::FacebookToken), 0);

    // The genuine answer still completes the flow.
    let html = reqwest::get(relay.as_str()).await.unwrap().text().await.unwrap();
    let target = run_relay_page(relay.as_str(), &html).unwrap();
    assert!(reqwest::get(&target).await.unwrap().status().is_success());
    assert_eq!(w.herald.connect_wait(&flow.flow_id).await.unwrap().len(), 2);

    // The same code delivered to a new sign-in (with that sign-in's own state) is refused.
    let second = w.herald.connect_begin(NetworkId::Facebook, None).await.unwrap();
    let fresh = relay_address(&w, &second.authorize_url).await;
    let replay = with_param(&fresh, "code", &param(&relay, "code"));
    let html = reqwest::get(replay.as_str()).await.unwrap().text().await.unwrap();
    reqwest::get(&run_relay_page(replay.as_str(), &html).unwrap()).await.unwrap();
    let err = w.herald.connect_wait(&second.flow_id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenExchangeFailed, "{err}");
    assert!(err.to_string().contains("has been used"), "{err}");
}

#[tokio::test]
async fn the_relay_page_refuses_to_forward_without_a_valid_port() {
    let w = facebook_world(|_| {}).await;
    let page = format!("{}{RELAY_PATH}", w.sandbox.base_url());
    let html = reqwest::get(&page).await.unwrap().text().await.unwrap();
    for state in ["", "abc", "80.x", "1023.x", "65536.x", "99999.x", "-8080.x", "8080", "8080x.y"] {
        let url = format!("{page}?code=AQBx&state={state}");
        assert_eq!(run_relay_page(&url, &html), None, "state {state:?}");
    }
    let ok = format!("{page}?code=AQBx&state=8080.abc");
    assert_eq!(run_relay_page(&ok, &html).as_deref(), Some("http://127.0.0.1:8080/callback?code=AQBx&state=8080.abc"));
}

#[tokio::test]
async fn many_pages_are_followed_across_paging_and_pages_the_person_cannot_post_to_are_left_out() {
    let mut config = SandboxConfig::demo();
    let template = config.facebook.pages[0].clone();
    config.facebook.pages = (1..=130)
        .map(|i| herald_sandbox::FacebookPageSeed {
            id: format!("105000000000{i:03}"),
            name: format!("Page {i}"),
            // Every tenth Page only lets the person look at insights: nothing to publish there.
            tasks: if i % 10 == 0 { vec!["ANALYZE".to_owned()] } else { template.tasks.clone() },
            instagram_business_account: None,
            ..template.clone()
        })
        .collect();
    let w = world_with(config, |_| {}).await;
    use_network(&w, NetworkId::Facebook, None).await;
    let (_, offered) = sign_in(&w, choose(None, &[]), None).await;
    let offered = offered.unwrap();
    assert_eq!(w.sandbox.hits(Endpoint::FacebookAccounts), 2, "100 per request, then the next link");
    assert_eq!(offered.len(), 117, "130 Pages less the 13 the person cannot publish to");
    assert!(!offered.iter().any(|c| c.external_id == "105000000000010"));
    assert!(offered.iter().any(|c| c.external_id == "105000000000129"), "the second page of results is there");
}
