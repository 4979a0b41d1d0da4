//! X connects for real: a fixed loopback port, PKCE for a public client (no secret), the rotating
//! refresh token, X's error classes. Over loopback against the sandbox, with the real keyring.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use herald_core::api::{AccountKind, AccountStatus, ErrorCode};
use herald_core::networks::RedirectMode;
use herald_core::{Error, NetworkId};
use herald_sandbox::{AutoConsent, Endpoint, Fault, SandboxConfig, DEMO_X_CLIENT_ID};

const USER: &str = "1500000000000000001";
const OTHER_USER: &str = "1500000000000000002";

/// Like [`world_for_x`], with the sandbox seed and Herald's config adjustable.
async fn x_world(seed: impl FnOnce(&mut SandboxConfig), tweak: impl FnOnce(&mut herald_core::Config)) -> (World, u16) {
    let port = free_port();
    let mut config = SandboxConfig::demo();
    config.x.redirect_uris = vec![format!("http://127.0.0.1:{port}/callback")];
    seed(&mut config);
    let w = world_with(config, tweak).await;
    use_network(&w, NetworkId::X, Some(port)).await;
    (w, port)
}

/// Access tokens that live one minute: every check (10-minute margin) refreshes.
fn short_lived(c: &mut SandboxConfig) {
    c.x.access_token_ttl_secs = 60;
}

/// Sign in to X as the sandbox's consent says; the candidates.
async fn sign_in(
    w: &World,
    consent: AutoConsent,
    reconnect: Option<&str>,
) -> herald_core::Result<(String, Vec<herald_core::api::Candidate>)> {
    w.sandbox.set_auto_consent(Some(consent));
    let flow = w.herald.connect_begin(NetworkId::X, reconnect).await?;
    browser_visits(&flow.authorize_url).await;
    let candidates = w.herald.connect_wait(&flow.flow_id).await?;
    Ok((flow.flow_id, candidates))
}

async fn connect_x(w: &World, consent: AutoConsent) -> herald_core::api::Account {
    let (flow, candidates) = sign_in(w, consent, None).await.expect("X sign-in");
    let ids: Vec<String> = candidates.iter().map(|c| c.external_id.clone()).collect();
    let mut accounts = w.herald.connect_finish(&flow, &ids).await.expect("finish");
    assert_eq!(accounts.len(), 1);
    accounts.remove(0)
}

fn approve() -> AutoConsent {
    AutoConsent::Approve { locations: None }
}

async fn grant_of(w: &World, account_id: &str) -> String {
    w.herald.store().account(account_id).await.unwrap().unwrap().1.expect("a grant")
}

async fn stored_refresh(w: &World, grant: &str) -> String {
    let tokens = w.herald.vault().tokens(grant).await.unwrap().expect("tokens in the keyring");
    tokens.refresh_token.expect("a refresh token (offline.access)").expose().clone()
}

/// Present a refresh token to the sandbox's token endpoint as a public client would.
async fn refresh_at_sandbox(w: &World, refresh_token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/x/api/2/oauth2/token", w.sandbox.base_url()))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("client_id", DEMO_X_CLIENT_ID)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn x_connects_on_its_fixed_port_as_a_public_client() {
    let (w, port) = world_for_x().await;
    w.sandbox.set_auto_consent(Some(approve()));
    let flow = w.herald.connect_begin(NetworkId::X, None).await.unwrap();
    assert_eq!(redirect_uri_of(&flow.authorize_url), format!("http://127.0.0.1:{port}/callback"));
    let query: Vec<(String, String)> =
        url::Url::parse(&flow.authorize_url).unwrap().query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("code_challenge_method").as_deref(), Some("S256"));
    assert!(get("scope").unwrap().split(' ').any(|s| s == "offline.access"));

    let page = browser_visits(&flow.authorize_url).await;
    assert!(page.status().is_success(), "{}", page.status());
    let candidates = w.herald.connect_wait(&flow.flow_id).await.unwrap();
    assert_eq!(candidates.len(), 1);
    let me = &candidates[0];
    assert_eq!(me.external_id, USER);
    assert_eq!(me.kind, AccountKind::Profile);
    assert_eq!(me.display_name, "Forno Rossi (@FornoRossi)");
    assert_eq!(me.avatar_url, None, "the seed's image is not on pbs.twimg.com, so it is dropped");

    let accounts = w.herald.connect_finish(&flow.flow_id, &[USER.to_owned()]).await.unwrap();
    assert_eq!(accounts[0].status, AccountStatus::Connected);
    assert!(accounts[0].missing_permissions.is_empty());
    let grant = grant_of(&w, &accounts[0].id).await;
    assert!(!stored_refresh(&w, &grant).await.is_empty());
    assert_eq!(w.sandbox.hits(Endpoint::XToken), 1);
    assert_eq!(w.sandbox.hits(Endpoint::XUsersMe), 1);
}

#[tokio::test]
async fn an_avatar_on_x_image_cdn_is_kept() {
    let avatar = "https://pbs.twimg.com/profile_images/1500000000000000001/fornorossi_normal.jpg";
    let (w, _) = x_world(|c| c.x.profile_image_url = avatar.to_owned(), |_| {}).await;
    let account = connect_x(&w, approve()).await;
    assert_eq!(account.avatar_url.as_deref(), Some(avatar));
}

#[tokio::test]
async fn a_reconnect_lands_on_the_same_account_and_another_x_account_is_refused() {
    let (w, _) = world_for_x().await;
    let first = connect_x(&w, approve()).await;

    let (flow, candidates) = sign_in(&w, approve(), Some(&first.id)).await.unwrap();
    let again = w.herald.connect_finish(&flow, &[candidates[0].external_id.clone()]).await.unwrap();
    assert_eq!(again[0].id, first.id, "same network + external id: updated in place");
    assert_eq!(w.herald.accounts().await.unwrap().len(), 1);

    let other = AutoConsent::Choose { accounts: Some(vec![OTHER_USER.to_owned()]), declined_scopes: vec![] };
    let err = sign_in(&w, other, Some(&first.id)).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::DifferentAccount, "{err}");
    assert!(err.to_string().contains("Forno Rossi (@FornoRossi)"), "{err}");
    let accounts = w.herald.accounts().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].external_id, USER);
}

#[tokio::test]
async fn a_declined_permission_is_reported_on_the_card() {
    let (w, _) = world_for_x().await;
    let consent = AutoConsent::Choose { accounts: None, declined_scopes: vec!["tweet.write".to_owned()] };
    let account = connect_x(&w, consent).await;
    assert_eq!(account.missing_permissions, ["tweet.write"]);
    assert_eq!(account.status, AccountStatus::NeedsReconnect);
}

#[tokio::test]
async fn the_refresh_token_rotates_and_herald_keeps_only_the_newest() {
    let (w, _) = x_world(short_lived, |_| {}).await;
    let account = connect_x(&w, approve()).await;
    let grant = grant_of(&w, &account.id).await;
    let r0 = stored_refresh(&w, &grant).await;

    let first = w.herald.check_accounts().await.unwrap();
    assert_eq!(first[0].status, AccountStatus::Connected, "{:?}", first[0].last_error);
    assert_eq!(first[0].last_error, None);
    let r1 = stored_refresh(&w, &grant).await;
    let second = w.herald.check_accounts().await.unwrap();
    assert_eq!(second[0].status, AccountStatus::Connected, "{:?}", second[0].last_error);
    let r2 = stored_refresh(&w, &grant).await;
    assert!(r0 != r1 && r1 != r2 && r0 != r2, "every refresh stored the rotated token");
    assert_eq!(w.sandbox.hits(Endpoint::XToken), 3, "one exchange, two refreshes");

    // X spends a refresh token on use (the sandbox, like X, tolerates one retry of a response
    // lost on the way). Had Herald presented r0 or r1 twice, the first try here would fail.
    for spent in [&r0, &r1] {
        let once_more = refresh_at_sandbox(&w, spent).await;
        assert!(once_more.status().is_success(), "Herald used each refresh token only once");
        let reuse = refresh_at_sandbox(&w, spent).await;
        assert_eq!(reuse.status(), 400, "a spent refresh token is refused");
        assert!(reuse.text().await.unwrap().contains("invalid_request"));
    }
}

#[tokio::test]
async fn an_answer_without_a_refresh_token_keeps_the_stored_one() {
    let (w, _) = x_world(short_lived, |_| {}).await;
    let account = connect_x(&w, approve()).await;
    let grant = grant_of(&w, &account.id).await;
    let before = stored_refresh(&w, &grant).await;
    let body = r#"{"token_type":"bearer","expires_in":60,"access_token":"fresh-access-token-without-refresh","scope":"tweet.read tweet.write users.read offline.access media.write"}"#;
    w.sandbox.inject(
        Endpoint::XToken,
        Fault { status: Some(200), body: Some(body.to_owned()), times: Some(1), ..Fault::default() },
    );
    let checked = w.herald.check_accounts().await.unwrap();
    assert_eq!(checked[0].status, AccountStatus::Connected);
    let tokens = w.herald.vault().tokens(&grant).await.unwrap().unwrap();
    assert_eq!(tokens.access_token.expose(), "fresh-access-token-without-refresh");
    assert_eq!(tokens.refresh_token.unwrap().expose(), &before, "never replaced with nothing");
}

#[tokio::test]
async fn a_revoked_grant_needs_reconnect_and_server_trouble_does_not() {
    let (w, _) = x_world(short_lived, |_| {}).await;
    connect_x(&w, approve()).await;

    for status in [500, 503, 429] {
        w.sandbox.inject(Endpoint::XToken, Fault { status: Some(status), times: Some(1), ..Fault::default() });
        let blip = w.herald.check_accounts().await.unwrap();
        assert_eq!(blip[0].status, AccountStatus::Connected, "{status}: {:?}", blip[0].last_error);
        assert!(blip[0].last_error.is_some(), "{status}: the failure is recorded");
    }
    let fine = w.herald.check_accounts().await.unwrap();
    assert_eq!((fine[0].status, fine[0].last_error.as_deref()), (AccountStatus::Connected, None));

    // X answers a dead refresh token with `invalid_request` (not `invalid_grant`).
    w.sandbox.revoke_all_for_tests();
    let revoked = w.herald.check_accounts().await.unwrap();
    assert_eq!(revoked[0].status, AccountStatus::NeedsReconnect, "{:?}", revoked[0].last_error);
    let why = revoked[0].last_error.as_deref().unwrap();
    assert!(why.contains("Reconnect"), "{why}");
}

#[tokio::test]
async fn a_token_endpoint_that_times_out_is_transient() {
    let (w, _) = x_world(short_lived, |c| c.request_timeout = std::time::Duration::from_secs(2)).await;
    connect_x(&w, approve()).await;
    // Past the HTTP client's limit (30 s in the app, shortened to 2 s here).
    w.sandbox.inject(Endpoint::XToken, Fault { delay_ms: 3_000, times: Some(1), ..Fault::default() });
    let checked = w.herald.check_accounts().await.unwrap();
    assert_eq!(checked[0].status, AccountStatus::Connected);
    assert!(checked[0].last_error.as_deref().unwrap().contains("Could not talk to X"), "{:?}", checked[0].last_error);
    let fine = w.herald.check_accounts().await.unwrap();
    assert_eq!((fine[0].status, fine[0].last_error.as_deref()), (AccountStatus::Connected, None), "and it recovers");
}

#[tokio::test]
async fn profile_errors_at_sign_in_are_classified() {
    let (w, _) = world_for_x().await;
    w.sandbox.inject(Endpoint::XUsersMe, Fault { status: Some(429), times: Some(1), ..Fault::default() });
    let err = sign_in(&w, approve(), None).await.unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    assert!(err.to_string().contains("accepts requests again at"), "{err}");

    w.sandbox.inject(Endpoint::XUsersMe, Fault { status: Some(503), times: Some(1), ..Fault::default() });
    let err = sign_in(&w, approve(), None).await.unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err:?}");

    w.sandbox.inject(Endpoint::XUsersMe, Fault { status: Some(401), times: Some(1), ..Fault::default() });
    let err = sign_in(&w, approve(), None).await.unwrap_err();
    assert!(matches!(err, Error::Rejected { auth: true, .. }), "{err:?}");

    // Without users.read X answers 403: the sign-in fails and says what to allow.
    let consent = AutoConsent::Choose { accounts: None, declined_scopes: vec!["users.read".to_owned()] };
    let err = sign_in(&w, consent, None).await.unwrap_err();
    assert!(matches!(err, Error::Rejected { auth: false, .. }), "{err:?}");
    assert!(err.to_string().contains("allowed everything Herald asked for"), "{err}");
    assert!(w.herald.accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn disconnect_revokes_the_refresh_token_at_x() {
    let (w, _) = world_for_x().await;
    let account = connect_x(&w, approve()).await;
    let grant = grant_of(&w, &account.id).await;
    let refresh = stored_refresh(&w, &grant).await;
    let outcome = w.herald.disconnect(&account.id).await.unwrap();
    assert_eq!(outcome.revoke, herald_core::api::RevokeOutcome::Revoked, "{:?}", outcome.detail);
    assert!(w.sandbox.is_revoked(&refresh));
    assert!(w.herald.vault().tokens(&grant).await.unwrap().is_none());
}

#[tokio::test]
async fn a_busy_port_is_reported_before_the_browser_opens_and_nothing_is_kept() {
    let (w, port) = world_for_x().await;
    let holder = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let err = w.herald.connect_begin(NetworkId::X, None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::PortBusy, "{err}");
    assert!(err.to_string().contains(&port.to_string()), "{err}");
    assert!(w.herald.accounts().await.unwrap().is_empty());
    assert_eq!(w.sandbox.hits(Endpoint::XAuthorize), 0);
    assert_eq!(w.sandbox.hits(Endpoint::XToken), 0);
    drop(holder);
    // Freed, the same port works.
    let account = connect_x(&w, approve()).await;
    assert_eq!(account.external_id, USER);
}

/// Follow the authorize URL to the sandbox's redirect without going on to the listener.
async fn callback_url(authorize_url: &str) -> url::Url {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let answer = client.get(authorize_url).send().await.unwrap();
    assert!(answer.status().is_redirection(), "{}", answer.status());
    url::Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap()
}

fn with_query(url: &url::Url, pairs: &[(&str, &str)]) -> url::Url {
    let mut forged = url.clone();
    forged.set_query(None);
    forged.query_pairs_mut().extend_pairs(pairs);
    forged
}

#[tokio::test]
async fn forged_callbacks_on_the_fixed_port_are_ignored_and_a_replayed_code_is_refused() {
    let (w, _) = world_for_x().await;
    w.sandbox.set_auto_consent(Some(approve()));
    let flow = w.herald.connect_begin(NetworkId::X, None).await.unwrap();
    let real = callback_url(&flow.authorize_url).await;
    let code = real.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();

    for forged in [
        with_query(&real, &[("code", &code), ("state", "forged-state")]),
        with_query(&real, &[("code", &code)]),
        with_query(&real, &[("state", "forged-state")]),
        with_query(&real, &[]),
    ] {
        let answer = reqwest::get(forged.as_str()).await.unwrap();
        assert_eq!(answer.status(), 403, "{forged}");
    }
    assert_eq!(w.sandbox.hits(Endpoint::XToken), 0, "nothing forged was exchanged");
    reqwest::get(real.as_str()).await.unwrap();
    let candidates = w.herald.connect_wait(&flow.flow_id).await.unwrap();
    let first = w.herald.connect_finish(&flow.flow_id, &[candidates[0].external_id.clone()]).await.unwrap();

    // A new sign-in on the same port: the old answer replayed is not its answer.
    let second = w.herald.connect_begin(NetworkId::X, Some(&first[0].id)).await.unwrap();
    assert_eq!(reqwest::get(real.as_str()).await.unwrap().status(), 403);
    assert_eq!(w.sandbox.hits(Endpoint::XToken), 1);

    // Even carried with this flow's state, an old code is refused by X: nothing is replaced.
    let state = url::Url::parse(&second.authorize_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let replay = with_query(&real, &[("code", &code), ("state", &state)]);
    reqwest::get(replay.as_str()).await.unwrap();
    let err = w.herald.connect_wait(&second.flow_id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenExchangeFailed, "{err}");
    let accounts = w.herald.accounts().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].id, first[0].id);
    assert_eq!(grant_of(&w, &accounts[0].id).await, grant_of(&w, &first[0].id).await);
}

#[tokio::test]
async fn x_offers_only_the_fixed_port() {
    let (w, port) = world_for_x().await;
    let setup = w.herald.connect_setup(NetworkId::X).await.unwrap();
    assert_eq!((setup.mode, setup.port), (RedirectMode::FixedPort, port));
    assert!(w.herald.save_connect_setup(NetworkId::X, RedirectMode::Loopback, None, None).await.is_err());
}
