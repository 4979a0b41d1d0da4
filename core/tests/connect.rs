//! Connecting Google Business Profile locations end to end: real SQLite, real keyring, the
//! sandbox over loopback. Run under a Secret Service session (tests/run-all.sh sets one up).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use herald_core::api::{AccountStatus, ErrorCode};
use herald_core::NetworkId;
use herald_sandbox::{AutoConsent, Endpoint, Fault, SandboxConfig};

#[tokio::test]
async fn connecting_two_locations_keeps_tokens_in_the_keyring_and_nowhere_in_sqlite() {
    let w = world().await;
    let accounts = connect(&w, None).await;

    assert_eq!(accounts.len(), 2);
    let names: Vec<_> = accounts.iter().map(|a| a.display_name.as_str()).collect();
    assert!(names.contains(&"Forno Rossi — Centro") && names.contains(&"Forno Rossi — Stazione"), "{names:?}");
    assert!(accounts.iter().all(|a| a.status == AccountStatus::Connected && a.network == NetworkId::GoogleBusiness));
    assert!(accounts.iter().all(|a| a.token_expires_at.is_some()));
    assert_eq!(w.herald.accounts().await.unwrap().len(), 2);

    // The tokens are in the keyring, under the accounts' grant.
    let (_, grant) = w.herald.store().account(&accounts[0].id).await.unwrap().unwrap();
    let tokens = w.herald.vault().tokens(&grant.unwrap()).await.unwrap().expect("tokens in keyring");
    let issued = w.sandbox.issued_secrets();
    assert!(issued.contains(tokens.access_token.expose()));
    assert!(issued.contains(tokens.refresh_token.as_ref().unwrap().expose()));

    // ...and no issued secret (token or code) is in any file Herald wrote.
    let files = files_under(&w.herald.config().data_dir);
    assert!(files.iter().any(|(name, _)| name.ends_with("herald.db")));
    for (name, bytes) in &files {
        for secret in &issued {
            assert!(!contains(bytes, secret), "a secret issued by the sandbox leaked into {name}");
        }
    }
}

#[tokio::test]
async fn the_user_picks_which_locations_to_connect() {
    let w = world().await;
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    let candidates = w.herald.connect_wait(&flow.flow_id).await.unwrap();
    assert_eq!(candidates.len(), 2);
    let stored = w.herald.connect_finish(&flow.flow_id, &[candidates[1].external_id.clone()]).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(w.herald.accounts().await.unwrap()[0].external_id, candidates[1].external_id);

    // Connecting again marks the connected one, and a location never offered is refused.
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    let again = w.herald.connect_wait(&flow.flow_id).await.unwrap();
    assert_eq!(again.iter().filter(|c| c.already_connected).count(), 1);
    let err = w.herald.connect_finish(&flow.flow_id, &["locations/999".to_owned()]).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn an_answer_with_the_wrong_state_is_ignored_and_never_exchanged() {
    let w = world().await;
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    let callback = redirect_uri_of(&flow.authorize_url);

    let forged = browser_visits(&format!("{callback}?code=4/forged&state=not-the-flow-state")).await;
    assert_eq!(forged.status().as_u16(), 403);
    assert_eq!(w.sandbox.hits(Endpoint::GoogleToken), 0, "a forged code is never exchanged");

    // The flow is still waiting for the real browser.
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    browser_visits(&flow.authorize_url).await;
    assert_eq!(w.herald.connect_wait(&flow.flow_id).await.unwrap().len(), 2);
    assert_eq!(w.sandbox.hits(Endpoint::GoogleToken), 1);
}

#[tokio::test]
async fn a_favicon_request_does_not_end_the_flow() {
    let w = world().await;
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    let origin = redirect_uri_of(&flow.authorize_url).replace("/callback", "");
    assert_eq!(browser_visits(&format!("{origin}/favicon.ico")).await.status().as_u16(), 404);
    browser_visits(&flow.authorize_url).await;
    assert_eq!(w.herald.connect_wait(&flow.flow_id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_flow_with_no_answer_times_out_and_closes_its_listener() {
    let w = world_with(SandboxConfig::demo(), |c| c.flow_timeout = Duration::from_millis(300)).await;
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    let err = w.herald.connect_wait(&flow.flow_id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowTimedOut);
    assert!(err.to_string().contains("timed out"), "{err}");

    let callback = redirect_uri_of(&flow.authorize_url);
    assert!(reqwest::get(&callback).await.is_err(), "the listener is closed after the timeout");
    assert!(w.herald.accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn cancel_ends_the_flow_cleanly() {
    let w = world().await;
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    let herald = w.herald.clone();
    let id = flow.flow_id.clone();
    let waiting = tokio::spawn(async move { herald.connect_wait(&id).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    w.herald.connect_cancel(&flow.flow_id).unwrap();
    let err = waiting.await.unwrap().unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowCancelled);
    let callback = redirect_uri_of(&flow.authorize_url);
    assert!(reqwest::get(&callback).await.is_err(), "the listener is closed after cancel");
}

#[tokio::test]
async fn a_denied_consent_says_so_and_stores_nothing() {
    let w = world().await;
    w.sandbox.set_auto_consent(Some(AutoConsent::Deny));
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    let err = w.herald.connect_wait(&flow.flow_id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConsentDenied);
    assert!(err.to_string().contains("access_denied") && err.to_string().contains("Nothing was connected"), "{err}");
    assert!(w.herald.accounts().await.unwrap().is_empty());
    assert_eq!(w.sandbox.hits(Endpoint::GoogleToken), 0);
}

#[tokio::test]
async fn a_token_endpoint_failure_is_explained_and_existing_accounts_are_untouched() {
    let w = world().await;
    let before = connect(&w, Some(vec!["locations/5550000001".to_owned()])).await;
    let (_, grant) = w.herald.store().account(&before[0].id).await.unwrap().unwrap();
    let grant = grant.unwrap();
    let tokens_before = w.herald.vault().tokens(&grant).await.unwrap().unwrap();

    w.sandbox.inject(Endpoint::GoogleToken, Fault { status: Some(500), times: Some(1), ..Fault::default() });
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    let err = w.herald.connect_wait(&flow.flow_id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenExchangeFailed);
    assert!(err.to_string().contains("Google Business Profile"), "{err}");

    assert_eq!(w.herald.accounts().await.unwrap(), before);
    let tokens_after = w.herald.vault().tokens(&grant).await.unwrap().unwrap();
    assert_eq!(tokens_after.access_token, tokens_before.access_token);
}

#[tokio::test]
async fn disconnect_removes_secrets_even_when_the_revoke_fails() {
    let w = world().await;
    let accounts = connect(&w, Some(vec!["locations/5550000002".to_owned()])).await;
    let (_, grant) = w.herald.store().account(&accounts[0].id).await.unwrap().unwrap();
    let grant = grant.unwrap();

    w.sandbox.inject(Endpoint::GoogleRevoke, Fault { status: Some(503), ..Fault::default() });
    let outcome = w.herald.disconnect(&accounts[0].id).await.unwrap();
    assert_eq!(outcome.revoke, herald_core::api::RevokeOutcome::Failed);
    assert!(outcome.detail.is_some());
    assert!(w.herald.vault().tokens(&grant).await.unwrap().is_none(), "secrets deleted from the keyring");
    assert!(w.herald.accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn disconnecting_the_last_account_revokes_at_the_network() {
    let w = world().await;
    let accounts = connect(&w, None).await;
    let (_, grant) = w.herald.store().account(&accounts[0].id).await.unwrap().unwrap();
    let grant = grant.unwrap();
    let tokens = w.herald.vault().tokens(&grant).await.unwrap().unwrap();

    // The first of two shares its sign-in with the other: access is kept for it.
    let first = w.herald.disconnect(&accounts[0].id).await.unwrap();
    assert_eq!(first.revoke, herald_core::api::RevokeOutcome::KeptForOtherAccounts);
    assert!(w.herald.vault().tokens(&grant).await.unwrap().is_some());

    let last = w.herald.disconnect(&accounts[1].id).await.unwrap();
    assert_eq!(last.revoke, herald_core::api::RevokeOutcome::Revoked, "{:?}", last.detail);
    assert!(w.sandbox.is_revoked(tokens.refresh_token.as_ref().unwrap().expose()));
    assert!(w.herald.vault().tokens(&grant).await.unwrap().is_none());
}

#[tokio::test]
async fn the_keyring_service_answers() {
    let w = world().await;
    assert_eq!(w.herald.vault().health().await, herald_core::vault::KeyringHealth::Available);
}

#[tokio::test]
async fn an_answer_from_another_issuer_is_rejected_before_the_code_is_exchanged() {
    let w = world().await;
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
    w.sandbox.set_issuer(Some("https://attacker.example".to_owned()));
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    let err = w.herald.connect_wait(&flow.flow_id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StateMismatch);
    assert!(err.to_string().contains("issuer"), "{err}");
    assert_eq!(w.sandbox.hits(Endpoint::GoogleToken), 0);

    // The right issuer is accepted.
    w.sandbox.set_issuer(Some(w.sandbox.base_url()));
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    assert_eq!(w.herald.connect_wait(&flow.flow_id).await.unwrap().len(), 2);
}
