//! "Check" in Settings against the sandbox over loopback: for every network, the demo client
//! with its registered redirect passes; an unknown client id and an unregistered redirect are
//! named as such; an unreachable network is a transient error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{use_network, world, world_for_x};
use herald_core::api::{CheckProblem, ErrorCode};
use herald_core::networks::RedirectMode;
use herald_core::NetworkId;
use herald_sandbox::{Endpoint, Fault};

const CONNECTABLE: [NetworkId; 5] =
    [NetworkId::GoogleBusiness, NetworkId::Facebook, NetworkId::Instagram, NetworkId::Linkedin, NetworkId::X];

#[tokio::test]
async fn demo_clients_pass_and_a_wrong_client_id_is_named() {
    let (w, _port) = world_for_x().await;
    for network in CONNECTABLE {
        if network != NetworkId::X {
            use_network(&w, network, None).await;
        }
        let check = w.herald.connect_check(network).await.unwrap_or_else(|e| panic!("{network:?}: {e}"));
        assert!(check.ok, "{network:?} with the demo client: {check:?}");
        assert_eq!(check.problem, None);

        w.herald.save_credentials(network, "not-a-registered-client", None).await.unwrap();
        let check = w.herald.connect_check(network).await.unwrap();
        assert!(!check.ok, "{network:?} with an unknown client id: {check:?}");
        assert_eq!(check.problem, Some(CheckProblem::ClientIdRejected), "{network:?}: {check:?}");
    }
}

#[tokio::test]
async fn an_unregistered_redirect_is_named() {
    let (w, port) = world_for_x().await;
    // X knows only the registered port.
    let other = if port == 65535 { port - 1 } else { port + 1 };
    w.herald.save_connect_setup(NetworkId::X, RedirectMode::FixedPort, Some(other), None).await.unwrap();
    let check = w.herald.connect_check(NetworkId::X).await.unwrap();
    assert_eq!(check.problem, Some(CheckProblem::RedirectRejected), "{check:?}");

    // Facebook accepts only its registered relay page, exactly.
    use_network(&w, NetworkId::Facebook, None).await;
    let elsewhere = format!("{}/relay-copy", w.sandbox.base_url());
    w.herald.save_connect_setup(NetworkId::Facebook, RedirectMode::Relay, None, Some(&elsewhere)).await.unwrap();
    let check = w.herald.connect_check(NetworkId::Facebook).await.unwrap();
    assert_eq!(check.problem, Some(CheckProblem::RedirectRejected), "{check:?}");
    assert_eq!(check.status, 400);
}

#[tokio::test]
async fn missing_setup_and_outages_are_errors_not_verdicts() {
    let w = world().await;
    // Facebook: no client id saved.
    let err = w.herald.connect_check(NetworkId::Facebook).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::CredentialsMissing);
    // Relay mode without a relay address.
    w.herald.save_credentials(NetworkId::Facebook, herald_sandbox::DEMO_FACEBOOK_CLIENT_ID, None).await.unwrap();
    let err = w.herald.connect_check(NetworkId::Facebook).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RelayMissing, "{err}");
    // WeChat and TikTok cannot be connected, so there is nothing to check.
    let err = w.herald.connect_check(NetworkId::Wechat).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NetworkNotSupported);
    // A 503 from the sign-in page is transient.
    w.sandbox.inject(Endpoint::GoogleAuthorize, Fault { status: Some(503), ..Fault::default() });
    let err = w.herald.connect_check(NetworkId::GoogleBusiness).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NetworkError, "{err}");
}
