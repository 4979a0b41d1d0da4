//! LinkedIn end to end: the native PKCE flow on a loopback port and the standard flow through
//! the relay page, the member and the organizations they administer, reconnects, permissions,
//! error classification (spurious REVOKED_ACCESS_TOKEN, 5xx, timeouts, outdated version) and a
//! tampered relay. Real SQLite, the real keyring, the sandbox over loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use herald_core::api::{AccountKind, AccountStatus, Candidate, ErrorCode, RevokeOutcome};
use herald_core::networks::RedirectMode;
use herald_core::{Config, Endpoints, Herald, NetworkId, Sensitive};
use herald_sandbox::{AutoConsent, Endpoint, Fault, Sandbox, SandboxConfig, DEMO_LINKEDIN_CLIENT_ID};

const MEMBER: &str = "urn:li:person:gR0ss1Sbx7";
const FORNO: &str = "urn:li:organization:90000001";
const CATERING: &str = "urn:li:organization:90000002";
const REVOKED_BODY: &str = r#"{"status":401,"serviceErrorCode":65601,"code":"REVOKED_ACCESS_TOKEN","message":"The token used in the request has been revoked by the user"}"#;

/// LinkedIn's demo app in the native PKCE mode (loopback, any port): client id only.
async fn use_native(w: &World) {
    w.herald.save_credentials(NetworkId::Linkedin, DEMO_LINKEDIN_CLIENT_ID, None).await.unwrap();
    w.herald.save_connect_setup(NetworkId::Linkedin, RedirectMode::Loopback, None, None).await.unwrap();
}

async fn native_world(config: SandboxConfig) -> World {
    let w = world_with(config, |_| {}).await;
    use_native(&w).await;
    w
}

async fn relay_world(tweak: impl FnOnce(&mut Config)) -> World {
    let w = world_with(SandboxConfig::demo(), tweak).await;
    use_network(&w, NetworkId::Linkedin, None).await;
    w
}

fn approve_all(w: &World) {
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
}

/// Begin (optionally as a reconnect), play the browser, wait: the candidates or the error.
async fn sign_in(w: &World, reconnect: Option<&str>) -> (String, Result<Vec<Candidate>, herald_core::Error>) {
    let flow = w.herald.connect_begin(NetworkId::Linkedin, reconnect).await.expect("begin");
    let page = browser_visits(&flow.authorize_url).await;
    assert!(page.status().is_success() || page.status().is_client_error(), "{}", page.status());
    (flow.flow_id.clone(), w.herald.connect_wait(&flow.flow_id).await)
}

async fn connect_ids(w: &World, ids: &[&str]) -> Vec<herald_core::api::Account> {
    let (flow, candidates) = sign_in(w, None).await;
    candidates.expect("candidates");
    let ids: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    w.herald.connect_finish(&flow, &ids).await.expect("finish")
}

fn ids(candidates: &[Candidate]) -> Vec<&str> {
    candidates.iter().map(|c| c.external_id.as_str()).collect()
}

#[tokio::test]
async fn native_pkce_connects_the_member_and_the_organizations_they_pick() {
    let w = native_world(SandboxConfig::demo()).await;
    approve_all(&w);
    let flow = w.herald.connect_begin(NetworkId::Linkedin, None).await.unwrap();
    let url = url::Url::parse(&flow.authorize_url).unwrap();
    assert!(url.path().ends_with("/oauth/native-pkce/authorization"), "{url}");
    assert!(redirect_uri_of(&flow.authorize_url).starts_with("http://127.0.0.1:"));
    let scope = url.query_pairs().find(|(k, _)| k == "scope").unwrap().1.into_owned();
    assert!(scope.contains("w_organization_social"), "{scope}");
    browser_visits(&flow.authorize_url).await;
    let candidates = w.herald.connect_wait(&flow.flow_id).await.unwrap();

    assert_eq!(ids(&candidates), [MEMBER, FORNO, CATERING]);
    assert_eq!(candidates[0].kind, AccountKind::Profile);
    assert_eq!(candidates[0].display_name, "Giulia Rossi");
    assert_eq!(candidates[0].avatar_url, None, "a picture off LinkedIn's image host is not kept");
    assert!(candidates[1..].iter().all(|c| c.kind == AccountKind::Organization));
    assert_eq!(candidates[1].display_name, "Forno Rossi S.r.l.");
    assert_eq!(candidates[2].display_name, "Rossi Catering");
    // The versioned calls were accepted (the sandbox refuses them without both headers), and
    // the names came in one batch get.
    assert_eq!(w.sandbox.hits(Endpoint::LinkedInOrganizationAcls), 1);
    assert_eq!(w.sandbox.hits(Endpoint::LinkedInOrganizations), 1);

    let stored = w.herald.connect_finish(&flow.flow_id, &[MEMBER.to_owned(), CATERING.to_owned()]).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|a| a.status == AccountStatus::Connected && a.missing_permissions.is_empty()));
    let (_, grant) = w.herald.store().account(&stored[0].id).await.unwrap().unwrap();
    let tokens = w.herald.vault().tokens(&grant.unwrap()).await.unwrap().expect("tokens in the keyring");
    assert!(w.sandbox.issued_secrets().contains(tokens.access_token.expose()));

    // Without a client secret a native-only app cannot revoke; the local secrets still go.
    w.herald.disconnect(&stored[0].id).await.unwrap();
    let last = w.herald.disconnect(&stored[1].id).await.unwrap();
    assert_eq!(last.revoke, RevokeOutcome::NotSupported, "{last:?}");
}

#[tokio::test]
async fn the_native_exchange_does_not_send_the_client_secret() {
    // The secret is saved (for revoking) but the native code exchange authenticates with the
    // PKCE verifier alone: a wrong secret, were it sent, would fail the exchange.
    let w = native_world(SandboxConfig::demo()).await;
    w.herald
        .save_credentials(NetworkId::Linkedin, DEMO_LINKEDIN_CLIENT_ID, Some(Sensitive::new("not-the-secret".into())))
        .await
        .unwrap();
    approve_all(&w);
    let (_, candidates) = sign_in(&w, None).await;
    assert_eq!(candidates.expect("the native exchange works without the secret").len(), 3);
}

#[tokio::test]
async fn the_standard_flow_through_the_relay_connects_and_reconnects_in_place() {
    let w = relay_world(|_| {}).await;
    approve_all(&w);
    let flow = w.herald.connect_begin(NetworkId::Linkedin, None).await.unwrap();
    assert!(url::Url::parse(&flow.authorize_url).unwrap().path().ends_with("/oauth/v2/authorization"));
    assert!(redirect_uri_of(&flow.authorize_url).ends_with(herald_sandbox::RELAY_PATH));
    browser_visits(&flow.authorize_url).await;
    assert_eq!(ids(&w.herald.connect_wait(&flow.flow_id).await.unwrap()), [MEMBER, FORNO, CATERING]);
    let first = w.herald.connect_finish(&flow.flow_id, &[MEMBER.to_owned(), FORNO.to_owned()]).await.unwrap();
    let (_, old_grant) = w.herald.store().account(&first[1].id).await.unwrap().unwrap();

    // Reconnect the organization: same account id, new grant, the old grant's entry gone.
    let (flow, candidates) = sign_in(&w, Some(&first[1].id)).await;
    let candidates = candidates.unwrap();
    assert_eq!(candidates.iter().filter(|c| c.already_connected).count(), 2);
    let again = w.herald.connect_finish(&flow, &[FORNO.to_owned()]).await.unwrap();
    assert_eq!(again[0].id, first[1].id);
    assert_eq!(w.herald.accounts().await.unwrap().len(), 2);
    let (_, new_grant) = w.herald.store().account(&first[1].id).await.unwrap().unwrap();
    assert_ne!(new_grant, old_grant);

    // Disconnecting the last account revokes at LinkedIn (standard form POST with the secret).
    let token = w.herald.vault().tokens(new_grant.as_ref().unwrap()).await.unwrap().unwrap().access_token;
    w.herald.disconnect(&first[0].id).await.unwrap();
    let outcome = w.herald.disconnect(&first[1].id).await.unwrap();
    assert_eq!(outcome.revoke, RevokeOutcome::Revoked, "{outcome:?}");
    assert!(w.sandbox.is_revoked(token.expose()));
}

#[tokio::test]
async fn the_relay_flow_without_a_client_secret_is_refused_before_the_browser() {
    let w = relay_world(|_| {}).await;
    w.herald
        .save_credentials(NetworkId::Linkedin, DEMO_LINKEDIN_CLIENT_ID, Some(Sensitive::new(String::new())))
        .await
        .unwrap();
    let err = w.herald.connect_begin(NetworkId::Linkedin, None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::CredentialsMissing);
}

#[tokio::test]
async fn reconnecting_as_another_member_is_refused() {
    let w = native_world(SandboxConfig::demo()).await;
    approve_all(&w);
    let giulia = connect_ids(&w, &[MEMBER]).await;

    // Another LinkedIn member signs in (a second LinkedIn, same Herald data and keyring).
    let mut other = SandboxConfig::demo();
    other.linkedin.member_id = "mArc0Bx2".to_owned();
    other.linkedin.given_name = "Marco".to_owned();
    other.linkedin.family_name = "Bianchi".to_owned();
    other.auto_consent = Some(AutoConsent::Approve { locations: None });
    let sandbox = Sandbox::start(other).await.unwrap();
    let mut config = Config::new(w.herald.config().data_dir.clone());
    config.endpoints = Endpoints::sandbox(&sandbox.base_url()).unwrap();
    config.vault_service = w.herald.config().vault_service.clone();
    config.flow_timeout = Duration::from_secs(20);
    let herald = Herald::open(config).await.unwrap();
    let flow = herald.connect_begin(NetworkId::Linkedin, Some(&giulia[0].id)).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    let err = herald.connect_wait(&flow.flow_id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::DifferentAccount);
    assert!(err.to_string().contains("Giulia Rossi"), "{err}");
    let accounts = herald.accounts().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].external_id, MEMBER);
}

#[tokio::test]
async fn an_organization_no_longer_administered_cannot_be_reconnected() {
    let w = native_world(SandboxConfig::demo()).await;
    approve_all(&w);
    let catering = connect_ids(&w, &[CATERING]).await;
    w.sandbox.set_auto_consent(Some(AutoConsent::Choose {
        accounts: Some(vec![MEMBER.to_owned(), FORNO.to_owned()]),
        declined_scopes: vec![],
    }));
    let (_, outcome) = sign_in(&w, Some(&catering[0].id)).await;
    let err = outcome.unwrap_err();
    assert_eq!(err.code(), ErrorCode::DifferentAccount);
    assert!(err.to_string().contains("Rossi Catering"), "{err}");
}

#[tokio::test]
async fn a_declined_permission_is_reported_on_the_card() {
    let w = native_world(SandboxConfig::demo()).await;
    w.sandbox.set_auto_consent(Some(AutoConsent::Choose {
        accounts: None,
        declined_scopes: vec!["w_member_social".to_owned()],
    }));
    let stored = connect_ids(&w, &[MEMBER]).await;
    assert_eq!(stored[0].missing_permissions, ["w_member_social"]);
    assert_eq!(stored[0].status, AccountStatus::NeedsReconnect);

    // Declining every organization scope leaves the member alone on offer, nothing missing.
    let organization_scopes = ["r_organization_social", "w_organization_social", "rw_organization_admin"];
    w.sandbox.set_auto_consent(Some(AutoConsent::Choose {
        accounts: None,
        declined_scopes: organization_scopes.iter().map(|s| (*s).to_owned()).collect(),
    }));
    let acl_hits = w.sandbox.hits(Endpoint::LinkedInOrganizationAcls);
    let (flow, candidates) = sign_in(&w, Some(&stored[0].id)).await;
    assert_eq!(ids(&candidates.unwrap()), [MEMBER]);
    assert_eq!(w.sandbox.hits(Endpoint::LinkedInOrganizationAcls), acl_hits, "no listing without the scope");
    let again = w.herald.connect_finish(&flow, &[MEMBER.to_owned()]).await.unwrap();
    assert!(again[0].missing_permissions.is_empty());
    assert_eq!(again[0].status, AccountStatus::Connected);
}

/// Each kind needs its own scope: declining the member's `w_member_social` flags the member, not
/// the organizations (they post with `w_organization_social`), and the other way round.
#[tokio::test]
async fn a_missing_permission_is_reported_only_on_the_accounts_that_need_it() {
    let w = native_world(SandboxConfig::demo()).await;
    w.sandbox.set_auto_consent(Some(AutoConsent::Choose {
        accounts: None,
        declined_scopes: vec!["w_member_social".to_owned()],
    }));
    let (flow, offered) = sign_in(&w, None).await;
    let all: Vec<String> = offered.unwrap().iter().map(|c| c.external_id.clone()).collect();
    let stored = w.herald.connect_finish(&flow, &all).await.unwrap();
    for account in &stored {
        match account.kind {
            AccountKind::Profile => assert_eq!(account.missing_permissions, ["w_member_social"]),
            _ => assert!(account.missing_permissions.is_empty(), "{account:?}"),
        }
    }
    assert_eq!(stored.iter().filter(|a| a.kind == AccountKind::Organization).count(), 2);

    w.sandbox.set_auto_consent(Some(AutoConsent::Choose {
        accounts: None,
        declined_scopes: vec!["w_organization_social".to_owned()],
    }));
    let (flow, offered) = sign_in(&w, None).await;
    let all: Vec<String> = offered.unwrap().iter().map(|c| c.external_id.clone()).collect();
    let stored = w.herald.connect_finish(&flow, &all).await.unwrap();
    for account in &stored {
        match account.kind {
            AccountKind::Organization => assert_eq!(account.missing_permissions, ["w_organization_social"]),
            _ => assert!(account.missing_permissions.is_empty(), "{account:?}"),
        }
    }
}

#[tokio::test]
async fn an_app_without_organization_access_connects_the_member_on_the_next_try() {
    let mut config = SandboxConfig::demo();
    config.linkedin.organization_products = false;
    let w = native_world(config).await;
    approve_all(&w);

    let (_, outcome) = sign_in(&w, None).await;
    let err = outcome.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NetworkRejected);
    assert!(err.to_string().contains("Community Management API"), "{err}");
    assert!(w.herald.accounts().await.unwrap().is_empty());

    // Herald remembered: the next sign-in asks for the member scopes only, and works.
    let flow = w.herald.connect_begin(NetworkId::Linkedin, None).await.unwrap();
    assert!(!flow.authorize_url.contains("organization"), "{}", flow.authorize_url);
    browser_visits(&flow.authorize_url).await;
    assert_eq!(ids(&w.herald.connect_wait(&flow.flow_id).await.unwrap()), [MEMBER]);

    // Saving the credentials again (the app may have been approved since) asks for them again.
    use_native(&w).await;
    let flow = w.herald.connect_begin(NetworkId::Linkedin, None).await.unwrap();
    assert!(flow.authorize_url.contains("w_organization_social"));
}

#[tokio::test]
async fn a_spurious_revoked_token_right_after_consent_is_asked_again_once() {
    let w = native_world(SandboxConfig::demo()).await;
    approve_all(&w);
    let revoked =
        || Fault { status: Some(401), body: Some(REVOKED_BODY.to_owned()), times: Some(1), ..Fault::default() };
    w.sandbox.inject(Endpoint::LinkedInUserinfo, revoked());
    w.sandbox.inject(Endpoint::LinkedInOrganizationAcls, revoked());
    let (_, candidates) = sign_in(&w, None).await;
    assert_eq!(candidates.unwrap().len(), 3);
    assert_eq!(w.sandbox.hits(Endpoint::LinkedInUserinfo), 2);
    assert_eq!(w.sandbox.hits(Endpoint::LinkedInOrganizationAcls), 2);

    // Twice in a row it is believed: the sign-in is dead, nothing is connected.
    w.sandbox.inject(Endpoint::LinkedInUserinfo, Fault { times: Some(2), ..revoked() });
    let (_, outcome) = sign_in(&w, None).await;
    let err = outcome.unwrap_err();
    assert!(matches!(err, herald_core::Error::Rejected { auth: true, .. }), "{err:?}");
    assert!(err.to_string().contains("REVOKED_ACCESS_TOKEN"), "{err}");
    assert_eq!(w.sandbox.hits(Endpoint::LinkedInUserinfo), 4);

    // Another token error is not retried.
    w.sandbox.inject(Endpoint::LinkedInUserinfo, Fault { status: Some(401), times: Some(1), ..Fault::default() });
    let (_, outcome) = sign_in(&w, None).await;
    assert!(matches!(outcome.unwrap_err(), herald_core::Error::Rejected { auth: true, .. }));
    assert_eq!(w.sandbox.hits(Endpoint::LinkedInUserinfo), 5);
    assert!(w.herald.accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn server_errors_and_an_outdated_version_are_told_apart() {
    let w = native_world(SandboxConfig::demo()).await;
    approve_all(&w);
    w.sandbox
        .inject(Endpoint::LinkedInOrganizationAcls, Fault { status: Some(500), times: Some(1), ..Fault::default() });
    let (_, outcome) = sign_in(&w, None).await;
    assert_eq!(outcome.unwrap_err().code(), ErrorCode::NetworkError);

    w.sandbox.inject(Endpoint::LinkedInOrganizations, Fault { status: Some(429), times: Some(1), ..Fault::default() });
    let (_, outcome) = sign_in(&w, None).await;
    assert_eq!(outcome.unwrap_err().code(), ErrorCode::NetworkError);

    let old = r#"{"status":426,"code":"NONEXISTENT_VERSION","message":"Requested version 202301 is not active"}"#;
    w.sandbox.inject(
        Endpoint::LinkedInOrganizationAcls,
        Fault { status: Some(426), body: Some(old.to_owned()), times: Some(1), ..Fault::default() },
    );
    let (_, outcome) = sign_in(&w, None).await;
    let err = outcome.unwrap_err();
    assert!(matches!(err, herald_core::Error::Rejected { auth: false, .. }), "{err:?}");
    assert!(err.to_string().contains("LinkedIn version") && err.to_string().contains("too old"), "{err}");
    assert!(w.herald.accounts().await.unwrap().is_empty());
}

/// The real timeout (the client gives up; 30 s in the app, shortened to 2 s here).
#[tokio::test]
async fn a_listing_that_times_out_is_transient() {
    let w = world_with(SandboxConfig::demo(), |c| c.request_timeout = std::time::Duration::from_secs(2)).await;
    use_native(&w).await;
    approve_all(&w);
    w.sandbox.inject(Endpoint::LinkedInUserinfo, Fault { delay_ms: 3_000, times: Some(1), ..Fault::default() });
    let (_, outcome) = sign_in(&w, None).await;
    let err = outcome.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NetworkError);
    assert!(err.to_string().contains("timed out"), "{err}");
}

fn always_refresh(c: &mut Config) {
    c.refresh_margin = chrono::Duration::days(400);
}

#[tokio::test]
async fn a_revoked_grant_needs_a_reconnect_and_a_blip_does_not() {
    let w = relay_world(always_refresh).await;
    approve_all(&w);
    let stored = connect_ids(&w, &[MEMBER, FORNO]).await;

    // A 503 at refresh time changes no status.
    w.sandbox.inject(Endpoint::LinkedInToken, Fault { status: Some(503), times: Some(1), ..Fault::default() });
    let checked = w.herald.check_accounts().await.unwrap();
    assert!(checked.iter().all(|a| a.status == AccountStatus::Connected), "{checked:?}");
    assert!(checked.iter().all(|a| a.last_error.is_some()));
    // A normal refresh works (LinkedIn keeps the refresh token).
    let checked = w.herald.check_accounts().await.unwrap();
    assert!(checked.iter().all(|a| a.status == AccountStatus::Connected && a.last_error.is_none()), "{checked:?}");

    // The member revoked Herald at LinkedIn: the refresh is refused, reconnect needed.
    w.sandbox.revoke_all_for_tests();
    let checked = w.herald.check_accounts().await.unwrap();
    assert!(checked.iter().all(|a| a.status == AccountStatus::NeedsReconnect), "{checked:?}");

    // Reconnect lands on the same accounts.
    let (flow, candidates) = sign_in(&w, Some(&stored[0].id)).await;
    candidates.unwrap();
    let again = w.herald.connect_finish(&flow, &[MEMBER.to_owned(), FORNO.to_owned()]).await.unwrap();
    let mut before: Vec<_> = stored.iter().map(|a| a.id.clone()).collect();
    let mut after: Vec<_> = again.iter().map(|a| a.id.clone()).collect();
    before.sort();
    after.sort();
    assert_eq!(before, after);
    assert!(again.iter().all(|a| a.status == AccountStatus::Connected));
}

/// The browser's visit to the relay page, run: where the page sends the browser.
async fn relay_target(authorize_url: &str) -> String {
    let response = reqwest::Client::new().get(authorize_url).send().await.unwrap();
    assert_eq!(response.url().path(), herald_sandbox::RELAY_PATH);
    let page = response.url().to_string();
    let html = response.text().await.unwrap();
    run_relay_page(&page, &html).expect("the relay forwards")
}

fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut url = url::Url::parse(url).unwrap();
    let kept: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| k != name).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    url.query_pairs_mut().clear().extend_pairs(kept).append_pair(name, value);
    url.to_string()
}

#[tokio::test]
async fn a_tampered_relay_cannot_forge_or_replay_a_sign_in() {
    let w = relay_world(|_| {}).await;
    approve_all(&w);
    let flow = w.herald.connect_begin(NetworkId::Linkedin, None).await.unwrap();
    let target = relay_target(&flow.authorize_url).await;
    let state = url::Url::parse(&target).unwrap().query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();

    // A forged state (same port, other random part) is ignored; nothing is exchanged.
    let (port, _) = state.split_once('.').unwrap();
    let forged = with_param(&target, "state", &format!("{port}.forged"));
    assert_eq!(reqwest::get(&forged).await.unwrap().status().as_u16(), 403);
    assert_eq!(w.sandbox.hits(Endpoint::LinkedInToken), 0);

    // The genuine forward still completes the flow.
    assert!(reqwest::get(&target).await.unwrap().status().is_success());
    assert_eq!(w.herald.connect_wait(&flow.flow_id).await.unwrap().len(), 3);
    w.herald.connect_finish(&flow.flow_id, &[MEMBER.to_owned()]).await.unwrap();
    let code = url::Url::parse(&target).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();

    // A relay replaying that code into the next sign-in (it sees the new state) gets nowhere:
    // LinkedIn refuses a used code (and the PKCE verifier is another one anyway).
    let flow = w.herald.connect_begin(NetworkId::Linkedin, None).await.unwrap();
    let fresh = relay_target(&flow.authorize_url).await;
    let replayed = with_param(&fresh, "code", &code);
    reqwest::get(&replayed).await.unwrap();
    let err = w.herald.connect_wait(&flow.flow_id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenExchangeFailed);
    assert_eq!(w.herald.accounts().await.unwrap().len(), 1);

    // A callback with the right state but no code fails the flow, nothing stored.
    let flow = w.herald.connect_begin(NetworkId::Linkedin, None).await.unwrap();
    let fresh = relay_target(&flow.authorize_url).await;
    let mut no_code = url::Url::parse(&fresh).unwrap();
    let kept: Vec<(String, String)> =
        no_code.query_pairs().filter(|(k, _)| k != "code").map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    no_code.query_pairs_mut().clear().extend_pairs(kept);
    reqwest::get(no_code.as_str()).await.unwrap();
    assert_eq!(w.herald.connect_wait(&flow.flow_id).await.unwrap_err().code(), ErrorCode::InvalidInput);
    assert_eq!(w.herald.accounts().await.unwrap().len(), 1);
}
