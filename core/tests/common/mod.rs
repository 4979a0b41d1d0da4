//! Shared set-up for core integration tests: a temporary data directory with a real SQLite file,
//! the real OS keyring (a unique service name per test), and a herald-sandbox over loopback.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

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
/// loopback listener, as a browser would after the user clicked "Allow".
pub async fn browser_visits(url: &str) -> reqwest::Response {
    reqwest::Client::new().get(url).send().await.expect("browser request")
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
