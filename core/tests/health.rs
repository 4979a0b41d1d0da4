//! Keeping connections healthy: refresh ahead of expiry; only real auth errors need a reconnect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use herald_core::api::{AccountStatus, StatusReason};
use herald_sandbox::{Endpoint, Fault, SandboxConfig};

/// A margin longer than the sandbox's token lifetime: every check refreshes.
fn always_refresh(c: &mut herald_core::Config) {
    c.refresh_margin = chrono::Duration::hours(2);
}

#[tokio::test]
async fn tokens_near_expiry_are_refreshed_and_the_new_one_lands_in_the_keyring() {
    let w = world_with(SandboxConfig::demo(), always_refresh).await;
    let accounts = connect(&w, None).await;
    let (_, grant) = w.herald.store().account(&accounts[0].id).await.unwrap().unwrap();
    let grant = grant.unwrap();
    let before = w.herald.vault().tokens(&grant).await.unwrap().unwrap();

    let checked = w.herald.check_accounts().await.unwrap();
    assert!(checked.iter().all(|a| a.status == AccountStatus::Connected && a.last_checked_at.is_some()));
    let after = w.herald.vault().tokens(&grant).await.unwrap().unwrap();
    assert_ne!(after.access_token, before.access_token, "a new access token was stored");
    assert_eq!(after.refresh_token, before.refresh_token, "Google does not rotate: the refresh token is kept");
    assert_eq!(w.sandbox.hits(Endpoint::GoogleToken), 2, "one exchange + one refresh per grant");
}

#[tokio::test]
async fn a_revoked_grant_needs_reconnect_but_a_network_blip_does_not() {
    let w = world_with(SandboxConfig::demo(), always_refresh).await;
    connect(&w, None).await;

    w.sandbox.inject(Endpoint::GoogleToken, Fault { status: Some(503), times: Some(1), ..Fault::default() });
    let blip = w.herald.check_accounts().await.unwrap();
    assert!(blip.iter().all(|a| a.status == AccountStatus::Connected), "{blip:?}");
    assert!(blip.iter().all(|a| a.last_error.is_some() && a.status_reason == Some(StatusReason::CheckFailed)));

    w.sandbox.revoke_all_for_tests();
    let revoked = w.herald.check_accounts().await.unwrap();
    assert!(revoked.iter().all(|a| a.status == AccountStatus::NeedsReconnect), "{revoked:?}");
    assert!(revoked[0].last_error.as_deref().unwrap().contains("invalid_grant"), "{:?}", revoked[0].last_error);
    assert_eq!(revoked[0].status_reason, Some(StatusReason::SignInRejected), "a code the UI words in en and it");
}

#[tokio::test]
async fn a_sign_in_cleared_from_the_keyring_needs_reconnect_and_nothing_else_is_lost() {
    let w = world().await;
    let accounts = connect(&w, None).await;
    let (_, grant) = w.herald.store().account(&accounts[0].id).await.unwrap().unwrap();
    w.herald.vault().delete_tokens(&grant.unwrap()).await.unwrap();

    let checked = w.herald.check_accounts().await.unwrap();
    assert_eq!(checked.len(), 2);
    assert!(checked.iter().all(|a| a.status == AccountStatus::NeedsReconnect));
    assert!(checked[0].last_error.as_deref().unwrap().contains("keyring"));
    assert_eq!(checked[0].status_reason, Some(StatusReason::KeyringEntryMissing));
}

#[tokio::test]
async fn reconnect_lands_on_the_same_account() {
    let w = world_with(SandboxConfig::demo(), always_refresh).await;
    let accounts = connect(&w, None).await;
    w.sandbox.revoke_all_for_tests();
    w.herald.check_accounts().await.unwrap();

    let target = &accounts[0];
    w.sandbox.set_auto_consent(Some(herald_sandbox::AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(target.network, Some(&target.id)).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    w.herald.connect_wait(&flow.flow_id).await.unwrap();
    let stored = w.herald.connect_finish(&flow.flow_id, std::slice::from_ref(&target.external_id)).await.unwrap();
    assert_eq!(stored[0].id, target.id, "same account id, so anything attached to it survives");
    assert_eq!(stored[0].status, AccountStatus::Connected);
}

#[tokio::test]
async fn reconnecting_as_someone_else_is_refused() {
    let w = world().await;
    let accounts = connect(&w, Some(vec!["locations/5550000001".to_owned()])).await;
    // This time the user grants only the other location: a different account for this card.
    w.sandbox.set_auto_consent(Some(herald_sandbox::AutoConsent::Approve {
        locations: Some(vec!["locations/5550000002".to_owned()]),
    }));
    let flow = w.herald.connect_begin(accounts[0].network, Some(&accounts[0].id)).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    let err = w.herald.connect_wait(&flow.flow_id).await.unwrap_err();
    assert_eq!(err.code(), herald_core::api::ErrorCode::DifferentAccount);
    assert_eq!(w.herald.accounts().await.unwrap(), accounts);
}

/// The review's race: a disconnect while a refresh of the same grant is stalled at the network.
/// The revoke fails (as it may, or is skipped while other accounts remain), so the network still
/// honours the refresh: before the grant lock, the refresh then wrote the deleted grant's tokens
/// back to the keyring, an entry nothing referenced and nothing would ever revoke.
#[tokio::test]
async fn a_disconnect_during_a_stalled_refresh_leaves_no_keyring_entry() {
    let w = world_with(SandboxConfig::demo(), always_refresh).await;
    let accounts = connect(&w, Some(vec!["locations/5550000001".to_owned()])).await;
    assert_eq!(accounts.len(), 1);
    let (_, grant) = w.herald.store().account(&accounts[0].id).await.unwrap().unwrap();
    let grant = grant.unwrap();
    let issued_before = w.sandbox.issued_secrets();

    w.sandbox.inject(Endpoint::GoogleToken, Fault { delay_ms: 1500, times: Some(1), ..Fault::default() });
    w.sandbox.inject(Endpoint::GoogleRevoke, Fault { status: Some(503), times: Some(1), ..Fault::default() });
    let check = check_stalled_in_refresh(&w).await;
    // The refresh is now stalled inside the sandbox.
    let outcome = w.herald.disconnect(&accounts[0].id).await.unwrap();
    check.await.unwrap().unwrap();

    let refreshed: Vec<String> =
        w.sandbox.issued_secrets().into_iter().filter(|s| !issued_before.contains(s)).collect();
    assert!(!refreshed.is_empty(), "the stalled refresh succeeded at the network");
    assert_eq!(outcome.revoke, herald_core::api::RevokeOutcome::Failed, "{outcome:?}");
    assert!(w.herald.vault().tokens(&grant).await.unwrap().is_none(), "no keyring entry for the deleted grant");
    assert!(w.herald.accounts().await.unwrap().is_empty());
    assert!(w.herald.store().pending_deletions().await.unwrap().is_empty(), "the delete itself worked");
    assert_eq!(w.herald.grant_locks_in_use(), 0, "no lock entry is left behind");
}

/// The same race with a sign-in that replaces the grant (every account moves to a new grant):
/// the old grant's entry is deleted, and the stalled refresh must not write it back.
#[tokio::test]
async fn a_grant_replaced_during_a_stalled_refresh_is_not_written_back() {
    let w = world_with(SandboxConfig::demo(), always_refresh).await;
    let accounts = connect(&w, None).await;
    let (_, old_grant) = w.herald.store().account(&accounts[0].id).await.unwrap().unwrap();
    let old_grant = old_grant.unwrap();

    w.sandbox.inject(Endpoint::GoogleToken, Fault { delay_ms: 1500, times: Some(1), ..Fault::default() });
    let check = check_stalled_in_refresh(&w).await;
    let reconnected = connect(&w, None).await;
    check.await.unwrap().unwrap();

    assert_eq!(
        reconnected.iter().map(|a| &a.id).collect::<Vec<_>>(),
        accounts.iter().map(|a| &a.id).collect::<Vec<_>>()
    );
    let (_, new_grant) = w.herald.store().account(&accounts[0].id).await.unwrap().unwrap();
    let new_grant = new_grant.unwrap();
    assert_ne!(new_grant, old_grant);
    assert!(w.herald.vault().tokens(&old_grant).await.unwrap().is_none(), "the replaced grant's entry stays gone");
    assert!(w.herald.vault().tokens(&new_grant).await.unwrap().is_some());
    assert!(w.herald.store().pending_deletions().await.unwrap().is_empty());
    assert_eq!(w.herald.grant_locks_in_use(), 0);
}

/// Start a connection check and return once its refresh has reached the sandbox (where a
/// delay fault holds it): the check is then stalled mid-refresh.
async fn check_stalled_in_refresh(
    w: &World,
) -> tokio::task::JoinHandle<herald_core::Result<Vec<herald_core::api::Account>>> {
    let token_hits = w.sandbox.hits(Endpoint::GoogleToken);
    let check = {
        let herald = std::sync::Arc::clone(&w.herald);
        tokio::spawn(async move { herald.check_accounts().await })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while w.sandbox.hits(Endpoint::GoogleToken) == token_hits {
        assert!(std::time::Instant::now() < deadline, "the check never asked for a refresh");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    check
}
