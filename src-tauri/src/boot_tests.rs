//! The mode decision and the live-credentials save, on real SQLite files in a temporary
//! directory, the real keyring (run inside `tests/with-keyring.sh`) and, for the demo, the
//! real in-process sandbox.

use super::*;
use herald_core::vault::Vault;

fn env(dir: &tempfile::TempDir, demo: Option<&str>) -> BootEnv {
    BootEnv {
        data_dir: dir.path().join("herald"),
        demo: demo.map(str::to_owned),
        sandbox_url: None,
        sandbox_x_port: None,
        endpoints_file: None,
        demo_check_every: None,
    }
}

#[test]
fn the_demo_check_period_comes_from_its_argument() {
    let args = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(demo_check_every(args(&["herald"])), None);
    assert_eq!(demo_check_every(args(&["herald", "--demo-check-every=3"])), Some(3));
    assert_eq!(demo_check_every(args(&["herald", "--demo-check-every=0"])), None);
    assert_eq!(demo_check_every(args(&["herald", "--demo-check-every=soon"])), None);
}

async fn mode_of(env: &BootEnv) -> (bool, bool, PathBuf) {
    let booted = boot(env).await.unwrap();
    let data_dir = booted.herald.config().data_dir.clone();
    assert_eq!(booted.herald.config().vault_service, if booted.demo { DEMO_SERVICE } else { LIVE_SERVICE });
    booted.herald.shutdown().await;
    (booted.demo, booted.forced, data_dir)
}

fn google(client_id: &str, secret: Option<&str>) -> NewCredentials {
    NewCredentials {
        network: NetworkId::GoogleBusiness,
        client_id: client_id.to_owned(),
        client_secret: secret.map(|s| Sensitive::new(s.to_owned())),
    }
}

#[tokio::test]
async fn a_first_start_is_a_demo_in_its_own_directory_and_herald_demo_forces_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let first = env(&dir, None);
    let (demo, forced, data) = mode_of(&first).await;
    assert!(demo && !forced);
    assert_eq!(data, first.data_dir.join(DEMO_DIR));
    assert!(!first.data_dir.join(herald_core::store::DB_FILE).exists(), "the demo creates no live database");

    for (value, demo) in [("0", false), ("false", false), ("1", true), ("true", true)] {
        let (is_demo, forced, _) = mode_of(&env(&dir, Some(value))).await;
        assert_eq!((is_demo, forced), (demo, true), "HERALD_DEMO={value}");
    }
    // Unset or unrecognised: not forced.
    assert_eq!(env(&dir, Some("")).forced(), None);
    assert_eq!(env(&dir, Some("yes")).forced(), None);
}

#[tokio::test]
async fn use_my_real_accounts_saves_into_the_live_data_and_the_next_start_is_live() {
    let dir = tempfile::tempdir().unwrap();
    let env = env(&dir, None);
    // A demo runs first, with its sandbox client.
    let (demo, _, demo_dir) = mode_of(&env).await;
    assert!(demo);

    choose_live(&env, Some(google("1234-real.apps.googleusercontent.com", Some("real-secret")))).await.unwrap();
    assert_eq!(saved_mode(&env.data_dir), Some(Mode::Live));

    // The credentials are in the live database and under the `herald` keyring service...
    let live = Herald::open(env.live_config().unwrap()).await.unwrap();
    let creds = live.credentials(NetworkId::GoogleBusiness).await.unwrap();
    assert_eq!((creds.client_id.as_str(), creds.has_secret), ("1234-real.apps.googleusercontent.com", true));
    live.shutdown().await;
    let secret = Vault::new(LIVE_SERVICE).client_secret(NetworkId::GoogleBusiness).await.unwrap();
    assert_eq!(secret.as_ref().map(|s| s.expose().as_str()), Some("real-secret"));

    // ...not in the demo, which keeps its sandbox client and secret.
    let mut demo_config = Config::new(demo_dir);
    demo_config.vault_service = DEMO_SERVICE.to_owned();
    let demo = Herald::open(demo_config).await.unwrap();
    let demo_creds = demo.credentials(NetworkId::GoogleBusiness).await.unwrap();
    assert_eq!(demo_creds.client_id, herald_sandbox::DEMO_GOOGLE_CLIENT_ID);
    let demo_secret = demo.vault().client_secret(NetworkId::GoogleBusiness).await.unwrap();
    assert_eq!(demo_secret.as_ref().map(|s| s.expose().as_str()), Some(herald_sandbox::DEMO_GOOGLE_CLIENT_SECRET));
    demo.shutdown().await;

    // The next start is live, and not because of the environment.
    let (demo, forced, data) = mode_of(&env).await;
    assert_eq!((demo, forced, data), (false, false, env.data_dir.clone()));

    // "Back to demo": the next start is a demo again; the live credentials stay.
    choose_demo(&env).unwrap();
    let (demo, _, _) = mode_of(&env).await;
    assert!(demo);
    assert!(live_has_credentials(&env).await.unwrap());

    // Switching again needs nothing typed in: the saved live credentials are used.
    choose_live(&env, None).await.unwrap();
    assert!(!mode_of(&env).await.0);

    // HERALD_DEMO still overrides the saved choice, and the switches refuse under it.
    let forced = BootEnv { demo: Some("1".into()), ..env.clone() };
    assert!(mode_of(&forced).await.0);
    assert!(choose_demo(&forced).is_err());
    assert!(choose_live(&forced, None).await.is_err());
    assert_eq!(saved_mode(&env.data_dir), Some(Mode::Live), "a refused switch remembers nothing");

    Vault::new(LIVE_SERVICE).delete_client_secret(NetworkId::GoogleBusiness).await.unwrap();
}

#[tokio::test]
async fn switching_to_live_without_any_credentials_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let env = env(&dir, None);
    let err = choose_live(&env, None).await.unwrap_err();
    assert_eq!(err.code(), herald_core::api::ErrorCode::CredentialsMissing);
    let err = choose_live(&env, Some(google("   ", None))).await.unwrap_err();
    assert_eq!(err.code(), herald_core::api::ErrorCode::InvalidInput);
    assert_eq!(saved_mode(&env.data_dir), None);
    assert!(mode_of(&env).await.0, "still a demo");
}

#[tokio::test]
async fn without_a_saved_choice_live_credentials_decide_and_a_bad_mode_file_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let env = env(&dir, None);
    // Data from before the mode file existed: a live database with a client id.
    let live = Herald::open(env.live_config().unwrap()).await.unwrap();
    live.store().set_client_id(NetworkId::GoogleBusiness, "older-client").await.unwrap();
    live.shutdown().await;
    assert!(!mode_of(&env).await.0, "live credentials make it live");

    std::fs::write(env.data_dir.join(MODE_FILE), "sideways\n").unwrap();
    assert_eq!(saved_mode(&env.data_dir), None);
    assert!(!mode_of(&env).await.0);
    std::fs::write(env.data_dir.join(MODE_FILE), "demo\n").unwrap();
    assert!(mode_of(&env).await.0, "the saved choice wins over the credentials");
}

/// The demo can sign in to every network out of the box: each sandbox client is saved with
/// its redirect set-up, each set-up passes the Check against the running sandbox, X moves
/// off a busy port 8080 to one it can bind, and a deprecated WeChat link is listed.
/// The demo brings its own media host (moto, installed by tests/setup.sh): saved as the
/// demo's, it stores and serves a photo, and it stops with the demo.
#[tokio::test]
async fn the_demo_runs_its_own_media_host_and_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let booted = boot(&env(&dir, Some("1"))).await.unwrap();
    let host = booted._media_host.as_ref().expect("moto is installed by tests/setup.sh (HERALD_MOTO_SERVER)");
    let endpoint = host.endpoint.clone();
    let saved = booted.herald.media_host_get().await.unwrap();
    assert!(saved.configured && saved.demo, "{saved:?}");
    assert_eq!(saved.endpoint.trim_end_matches('/'), endpoint);
    let check = booted.herald.media_host_test().await.unwrap();
    assert!(check.ok, "{check:?}");
    booted.herald.shutdown().await;
    drop(booted);
    let port: u16 = endpoint.rsplit(':').next().unwrap().parse().unwrap();
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "moto still answers after the demo ended");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_demo_seeds_every_network_and_moves_x_off_a_busy_port() {
    use herald_core::api::{AccountStatus, RedirectMode};
    // Whoever holds 8080 (this test, or another program), the demo must not depend on it.
    let _held = std::net::TcpListener::bind(("127.0.0.1", DEMO_X_PORT));
    let dir = tempfile::tempdir().unwrap();
    let booted = boot(&env(&dir, None)).await.unwrap();
    let herald = &booted.herald;
    let base = booted._sandbox.as_ref().expect("an in-process sandbox").base_url();

    let x = herald.connect_setup(NetworkId::X).await.unwrap();
    assert_eq!(x.mode, RedirectMode::FixedPort);
    assert_ne!(x.port, DEMO_X_PORT, "8080 is busy, so the demo X app uses another port");
    let relay = format!("{base}{}", herald_sandbox::RELAY_PATH);
    for network in [NetworkId::Facebook, NetworkId::Instagram] {
        let setup = herald.connect_setup(network).await.unwrap();
        assert_eq!((setup.mode, setup.relay_url.as_deref()), (RedirectMode::Relay, Some(relay.as_str())));
    }
    assert_eq!(herald.connect_setup(NetworkId::Linkedin).await.unwrap().mode, RedirectMode::Loopback);
    for network in
        [NetworkId::GoogleBusiness, NetworkId::Facebook, NetworkId::Instagram, NetworkId::Linkedin, NetworkId::X]
    {
        let check = herald.connect_check(network).await.unwrap();
        assert!(check.ok, "{network:?}: {check:?}");
    }
    // The X sign-in can open its listener (the port is free) and is registered at the sandbox.
    let flow = herald.connect_begin(NetworkId::X, None).await.unwrap();
    herald.connect_cancel(&flow.flow_id).unwrap();

    let accounts = herald.accounts().await.unwrap();
    let wechat: Vec<_> = accounts.iter().filter(|a| a.network == NetworkId::Wechat).collect();
    assert_eq!(wechat.len(), 1);
    assert_eq!(wechat[0].status, AccountStatus::Connected);
    herald.disconnect(&wechat[0].id).await.unwrap();
    herald.shutdown().await;
    drop(booted);

    // A disconnected sample link stays disconnected at the next start.
    let again = boot(&env(&dir, None)).await.unwrap();
    assert!(again.herald.accounts().await.unwrap().iter().all(|a| a.network != NetworkId::Wechat));
    again.herald.shutdown().await;
}

/// The app's in-process sandbox has no admin API: no web page or local process can read its
/// secrets or script its consent screen.
#[tokio::test]
async fn the_demo_sandbox_serves_no_admin_routes() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let dir = tempfile::tempdir().unwrap();
    let booted = boot(&env(&dir, None)).await.unwrap();
    let base = booted._sandbox.as_ref().expect("an in-process sandbox").base_url();
    for (method, path) in [("GET", "secrets"), ("GET", "health"), ("POST", "auto-consent"), ("POST", "revoke-all")] {
        let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.unwrap();
        let request = format!(
            "{method} /__sandbox/{path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: 6\r\nConnection: close\r\n\r\n\"deny\""
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 404"), "{method} {path}: {answer}");
    }
    booted.herald.shutdown().await;
}
