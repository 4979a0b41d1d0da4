//! herald-core: Herald's domain logic, headless. Networks, OAuth, the keyring vault, the SQLite
//! store and the account services. It never depends on a GUI toolkit: the shell talks to it
//! through [`Herald`]'s methods and the [`CoreEvent`] channel.

pub mod accounts;
pub mod api;
pub mod clock;
pub mod error;
pub mod health;
pub mod logging;
pub mod media;
mod mediahost;
pub mod net;
pub mod networks;
pub mod oauth;
pub mod posts;
pub mod scheduler;
pub mod secret;
pub mod settings;
pub mod store;
pub mod transfer;
pub mod vault;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;

pub use error::{Error, Result};
pub use networks::{Endpoints, NetworkId};
pub use secret::Sensitive;
use store::Store;
use vault::Vault;

/// Something the UI or tray should know about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoreEvent {
    /// The set of accounts or one of their statuses changed.
    AccountsChanged,
    /// A post or one of its publish attempts changed (saved, scheduled, moved, published...).
    PostsChanged,
    /// Something the user should be told even with the window closed (a desktop notification):
    /// an account's sign-in expires soon or needs a reconnect. Sent once per threshold per
    /// account, remembered across restarts.
    Notify { account_id: String, kind: api::NoticeKind },
}

/// How a [`Herald`] is set up. Everything environment-specific is here, so tests and demo mode
/// run the same code against a temporary directory and the sandbox.
#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    pub endpoints: Endpoints,
    /// Service name of Herald's entries in the OS keyring.
    pub vault_service: String,
    /// How long a sign-in may wait for the browser.
    pub flow_timeout: Duration,
    /// Tokens expiring within this margin are refreshed by a health check.
    pub refresh_margin: chrono::Duration,
    /// How long one request to a network may take ([`net::REQUEST_TIMEOUT`]).
    pub request_timeout: Duration,
    /// How often the health task checks each connection ([`health::CHECK_EVERY`]; the demo may
    /// shorten it).
    pub check_every: chrono::Duration,
    /// The wall clock the health task reads (the system clock; a [`clock::TestClock`] in tests).
    pub clock: Arc<dyn clock::Clock>,
}

impl Config {
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            endpoints: Endpoints::default(),
            vault_service: "herald".to_owned(),
            flow_timeout: Duration::from_secs(5 * 60),
            refresh_margin: chrono::Duration::minutes(10),
            request_timeout: net::REQUEST_TIMEOUT,
            check_every: health::CHECK_EVERY,
            clock: Arc::new(clock::SystemClock),
        }
    }
}

/// The default data directory: `$HERALD_DATA_DIR`, else the OS data dir (`~/.local/share/herald`).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HERALD_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("herald")
}

/// A local timestamp for file names, e.g. `2026-11-22 1930`.
pub fn now_stamp() -> String {
    chrono::Local::now().format("%Y-%m-%d %H%M").to_string()
}

/// The core: one per app (or per test).
pub struct Herald {
    config: Config,
    store: Store,
    vault: Vault,
    http: net::Client,
    events: broadcast::Sender<CoreEvent>,
    flows: Mutex<HashMap<String, accounts::Flow>>,
    /// One lock per grant around writing and deleting its keyring entry.
    grant_locks: accounts::GrantLocks,
    scheduler: scheduler::SchedulerState,
    health: health::HealthState,
}

impl Herald {
    /// Open the store and, if earlier keyring deletes failed, retry them in the background.
    pub async fn open(config: Config) -> Result<Arc<Self>> {
        // Whatever built the endpoints (defaults, a file, the sandbox), none may leak a secret.
        config.endpoints.validate()?;
        let store = Store::open(&config.data_dir).await?;
        let vault = Vault::new(config.vault_service.clone());
        let (events, _) = broadcast::channel(64);
        let pending_deletions = store.has_pending_deletions().await?;
        let herald = Arc::new(Self {
            store,
            vault,
            http: net::Client::with_timeout(config.request_timeout)?,
            events,
            flows: Mutex::new(HashMap::new()),
            grant_locks: accounts::GrantLocks::default(),
            scheduler: scheduler::SchedulerState::default(),
            health: health::HealthState::default(),
            config,
        });
        if pending_deletions {
            herald.retry_keyring_deletions_soon();
        }
        Ok(herald)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    pub fn subscribe(&self) -> broadcast::Receiver<CoreEvent> {
        self.events.subscribe()
    }

    fn emit(&self, event: CoreEvent) {
        if matches!(event, CoreEvent::AccountsChanged) {
            // Tokens may have changed; an account connected again may free attempts that
            // waited for it.
            self.forget_cached_tokens();
            self.wake_scheduler();
        }
        // No subscriber is fine (headless use).
        let _ = self.events.send(event);
    }

    pub async fn shutdown(&self) {
        self.cancel_all_flows();
        self.store.close().await;
    }
}
