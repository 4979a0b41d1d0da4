//! Shared set-up for core integration tests: a temporary data directory with a real SQLite file,
//! the real OS keyring (a unique service name per test), and a herald-sandbox over loopback.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod moto;
pub mod oauth;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use herald_core::{Config, Endpoints, Herald, NetworkId, Sensitive};
use herald_sandbox::{AutoConsent, Sandbox, SandboxConfig, DEMO_GOOGLE_CLIENT_ID};

pub struct World {
    pub sandbox: Sandbox,
    pub herald: Arc<Herald>,
    pub dir: tempfile::TempDir,
}

pub async fn world() -> World {
    world_with(SandboxConfig::demo(), |_| {}).await
}

pub async fn world_with(sandbox_config: SandboxConfig, tweak: impl FnOnce(&mut Config)) -> World {
    let client_secret = sandbox_config.google.client_secret.clone();
    let sandbox = Sandbox::start(sandbox_config).await.expect("sandbox starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::new(dir.path().join("data"));
    config.endpoints = Endpoints::sandbox(&sandbox.base_url()).expect("sandbox endpoints");
    config.vault_service = format!("herald-test-{}", uuid_like());
    config.flow_timeout = Duration::from_secs(20);
    tweak(&mut config);
    let herald = Herald::open(config).await.expect("herald opens");
    herald
        .save_credentials(NetworkId::GoogleBusiness, DEMO_GOOGLE_CLIENT_ID, Some(Sensitive::new(client_secret)))
        .await
        .expect("credentials saved (is the Secret Service running? see tests/run-all.sh)");
    World { sandbox, herald, dir }
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{nanos:x}-{}", std::process::id())
}

/// Play the system browser: follow the authorize URL through the sandbox's redirect to Herald's
/// loopback listener, as a browser would after the user clicked "Allow". When the network sends
/// the browser to the relay page, the page's own script is run (`core/relay/follow.mjs`, in Node)
/// and the browser goes where it says.
pub async fn browser_visits(url: &str) -> reqwest::Response {
    let response = reqwest::Client::new().get(url).send().await.expect("browser request");
    if response.url().path() != herald_sandbox::RELAY_PATH {
        return response;
    }
    let page_url = response.url().to_string();
    let html = response.text().await.expect("relay page");
    let target = run_relay_page(&page_url, &html).expect("the relay page forwards the sign-in");
    reqwest::Client::new().get(target).send().await.expect("browser request to the listener")
}

/// Run the relay page's script for `page_url`; where it navigates, or `None` when it refuses.
pub fn run_relay_page(page_url: &str, html: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("relay.html");
    std::fs::write(&file, html).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("relay/follow.mjs");
    let output = std::process::Command::new("node")
        .arg(script)
        .arg(page_url)
        .arg(&file)
        .output()
        .expect("node runs (it is installed with the UI tool chain)");
    let printed = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    (!printed.is_empty()).then_some(printed)
}

/// Connect with consent for `locations` (None = all); returns the connected accounts.
pub async fn connect(w: &World, locations: Option<Vec<String>>) -> Vec<herald_core::api::Account> {
    w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations }));
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.expect("begin");
    let page = browser_visits(&flow.authorize_url).await;
    assert!(page.status().is_success(), "the listener answers the browser: {}", page.status());
    let candidates = w.herald.connect_wait(&flow.flow_id).await.expect("wait");
    let ids: Vec<String> = candidates.iter().map(|c| c.external_id.clone()).collect();
    w.herald.connect_finish(&flow.flow_id, &ids).await.expect("finish")
}

/// The redirect URI Herald put in an authorize URL.
pub fn redirect_uri_of(authorize_url: &str) -> String {
    url::Url::parse(authorize_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .expect("redirect_uri in authorize URL")
}

/// Every file under `dir`, read whole (SQLite db, WAL, anything else Herald wrote).
pub fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A free loopback port (bound then released; good enough for one test's fixed-port flow).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Save the sandbox's demo client for `network` (id, and secret where the network has one) and
/// point its sign-in at the sandbox: Facebook, Instagram and LinkedIn through the sandbox's relay
/// page (LinkedIn's standard flow), X on `x_port` (register the same port in the sandbox's X seed:
/// see [`world_for_x`]). Google needs nothing more than [`world`] saved.
pub async fn use_network(w: &World, network: NetworkId, x_port: Option<u16>) {
    use herald_core::networks::RedirectMode;
    use herald_sandbox::*;
    let (id, secret) = match network {
        NetworkId::GoogleBusiness => (DEMO_GOOGLE_CLIENT_ID, None),
        NetworkId::Facebook => (DEMO_FACEBOOK_CLIENT_ID, Some(DEMO_FACEBOOK_CLIENT_SECRET)),
        NetworkId::Instagram => (DEMO_INSTAGRAM_CLIENT_ID, Some(DEMO_INSTAGRAM_CLIENT_SECRET)),
        NetworkId::Linkedin => (DEMO_LINKEDIN_CLIENT_ID, Some(DEMO_LINKEDIN_CLIENT_SECRET)),
        NetworkId::X => (DEMO_X_CLIENT_ID, None),
        NetworkId::Tiktok | NetworkId::Wechat => panic!("{network:?} cannot be connected"),
    };
    w.herald.save_credentials(network, id, secret.map(|s| Sensitive::new(s.to_owned()))).await.unwrap();
    let relay = format!("{}{}", w.sandbox.base_url(), RELAY_PATH);
    match network {
        NetworkId::Facebook | NetworkId::Instagram | NetworkId::Linkedin => {
            w.herald.save_connect_setup(network, RedirectMode::Relay, None, Some(&relay)).await.unwrap();
        }
        NetworkId::X => {
            let port = x_port.expect("X needs its fixed port");
            w.herald.save_connect_setup(network, RedirectMode::FixedPort, Some(port), None).await.unwrap();
        }
        _ => {}
    }
}

/// A world whose sandbox X app has `http://127.0.0.1:{port}/callback` registered on a free port,
/// with Herald's X credentials and fixed port saved. Returns the port.
pub async fn world_for_x() -> (World, u16) {
    let port = free_port();
    let mut config = SandboxConfig::demo();
    config.x.redirect_uris = vec![format!("http://127.0.0.1:{port}/callback")];
    let w = world_with(config, |_| {}).await;
    use_network(&w, NetworkId::X, Some(port)).await;
    (w, port)
}
