//! Deciding how Herald starts: live against the real networks, or in demo mode against the
//! sandbox (in-process, or an external one named by `HERALD_SANDBOX_URL`).
//!
//! The mode is, in this order: what `HERALD_DEMO` says (`1`/`true`: demo, `0`/`false`: live);
//! else the choice the user made in Settings ("Use my real accounts" / "Back to demo"), kept in
//! the live data directory as the file `mode` (`live` or `demo`); else, on a first start, live
//! when the live database already has network credentials and demo otherwise.
//!
//! Live data is the data directory itself with the keyring service `herald`; demo data lives
//! in `<data>/demo` with the keyring service `herald-demo`, so the two never mix. Credentials for
//! the live mode are always saved into the live data, even while the demo runs.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use herald_core::api::Credentials;
use herald_core::store::Recovery;
use herald_core::{Config, Endpoints, Error, Herald, NetworkId, Sensitive};

/// The file in the live data directory that remembers the chosen mode.
pub const MODE_FILE: &str = "mode";
/// Keyring service of the live data.
pub const LIVE_SERVICE: &str = "herald";
/// Keyring service of the demo data.
pub const DEMO_SERVICE: &str = "herald-demo";
/// The demo's data directory, inside the live one.
pub const DEMO_DIR: &str = "demo";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Live,
    Demo,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Demo => "demo",
        }
    }
}

/// What the launch environment says, read once at start (tests build one directly).
#[derive(Clone, Debug)]
pub struct BootEnv {
    /// The live data directory (`HERALD_DATA_DIR` or the OS default).
    pub data_dir: PathBuf,
    /// `HERALD_DEMO`, when set.
    pub demo: Option<String>,
    /// `HERALD_SANDBOX_URL`, when set and not empty.
    pub sandbox_url: Option<String>,
    /// `HERALD_ENDPOINTS_FILE`, when set.
    pub endpoints_file: Option<PathBuf>,
    /// `HERALD_SANDBOX_X_PORT`: the X callback port the external sandbox (`HERALD_SANDBOX_URL`)
    /// registered; ignored without it (the in-process sandbox registers the port Herald picks).
    pub sandbox_x_port: Option<u16>,
    /// `--demo-check-every=<seconds>`: how often the demo checks each connection (6 h unless
    /// given), so a revoke in the sandbox shows within seconds. Ignored outside the demo.
    pub demo_check_every: Option<u64>,
}

impl BootEnv {
    pub fn from_env() -> Self {
        Self {
            data_dir: herald_core::default_data_dir(),
            demo: std::env::var("HERALD_DEMO").ok(),
            sandbox_url: std::env::var("HERALD_SANDBOX_URL").ok().filter(|u| !u.is_empty()),
            endpoints_file: std::env::var_os("HERALD_ENDPOINTS_FILE").map(PathBuf::from),
            sandbox_x_port: std::env::var("HERALD_SANDBOX_X_PORT").ok().and_then(|p| p.trim().parse().ok()),
            demo_check_every: demo_check_every(std::env::args()),
        }
    }

    /// The mode `HERALD_DEMO` imposes on this launch, if any.
    pub fn forced(&self) -> Option<Mode> {
        match self.demo.as_deref().map(str::trim) {
            Some("1" | "true") => Some(Mode::Demo),
            Some("0" | "false") => Some(Mode::Live),
            _ => None,
        }
    }

    /// The live configuration: the data directory, the real endpoints (or those of
    /// `HERALD_ENDPOINTS_FILE`) and the `herald` keyring service.
    pub fn live_config(&self) -> herald_core::Result<Config> {
        let mut config = Config::new(self.data_dir.clone());
        config.vault_service = LIVE_SERVICE.to_owned();
        if let Some(file) = &self.endpoints_file {
            let json = std::fs::read_to_string(file)
                .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", file.display())))?;
            config.endpoints = Endpoints::from_json(&json)?;
        }
        Ok(config)
    }
}

/// The value of `--demo-check-every=<seconds>`, if given and at least 1.
pub fn demo_check_every(args: impl IntoIterator<Item = String>) -> Option<u64> {
    args.into_iter()
        .find_map(|arg| arg.strip_prefix("--demo-check-every=").map(|v| v.trim().parse::<u64>().ok()))
        .flatten()
        .filter(|&secs| secs >= 1)
}

/// The mode chosen in Settings, if any. An unreadable or unknown file counts as no choice.
pub fn saved_mode(data_dir: &Path) -> Option<Mode> {
    let text = match std::fs::read_to_string(data_dir.join(MODE_FILE)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!("the saved mode cannot be read: {e}");
            return None;
        }
    };
    match text.trim() {
        "live" => Some(Mode::Live),
        "demo" => Some(Mode::Demo),
        other => {
            tracing::warn!(saved = %other.chars().take(20).collect::<String>(), "unknown saved mode ignored");
            None
        }
    }
}

/// Remember `mode` for the next starts (written whole: a crash leaves the old file or the new).
pub fn save_mode(data_dir: &Path, mode: Mode) -> herald_core::Result<()> {
    let file = data_dir.join(MODE_FILE);
    let partial = data_dir.join(format!("{MODE_FILE}.partial"));
    std::fs::create_dir_all(data_dir)
        .and_then(|()| std::fs::write(&partial, format!("{}\n", mode.as_str())))
        .and_then(|()| std::fs::rename(&partial, &file))
        .map_err(|e| Error::StorageFile(format!("could not save the chosen mode in {}: {e}", file.display())))
}

pub struct Booted {
    pub herald: Arc<Herald>,
    pub demo: bool,
    /// The mode was imposed by `HERALD_DEMO`, so switching in Settings cannot change it.
    pub forced: bool,
    /// A damaged or newer-schema database that was set aside at start (the user is told).
    pub recovery: Option<Recovery>,
    /// Keeps the in-process sandbox alive for the app's lifetime.
    #[cfg(feature = "demo")]
    pub _sandbox: Option<herald_sandbox::Sandbox>,
    /// Keeps the demo's local media host (moto) running for the app's lifetime.
    #[cfg(feature = "demo")]
    pub _media_host: Option<crate::demo_media::DemoMediaHost>,
}

pub async fn boot(env: &BootEnv) -> herald_core::Result<Booted> {
    let forced = env.forced();
    match forced.or_else(|| saved_mode(&env.data_dir)) {
        Some(Mode::Demo) => boot_demo(env, None, forced.is_some()).await,
        Some(Mode::Live) => {
            // Opening checks the database (and sets a damaged one aside); the report travels.
            let herald = Herald::open(env.live_config()?).await?;
            Ok(live(herald, forced.is_some()))
        }
        None => {
            if !env.data_dir.join(herald_core::store::DB_FILE).exists() {
                return boot_demo(env, None, false).await;
            }
            let herald = Herald::open(env.live_config()?).await?;
            if herald.store().has_any_credentials().await? {
                return Ok(live(herald, false));
            }
            let recovery = herald.store().recovery().cloned();
            herald.shutdown().await;
            boot_demo(env, recovery, false).await
        }
    }
}

fn live(herald: Arc<Herald>, forced: bool) -> Booted {
    let recovery = herald.store().recovery().cloned();
    Booted {
        herald,
        demo: false,
        forced,
        recovery,
        #[cfg(feature = "demo")]
        _sandbox: None,
        #[cfg(feature = "demo")]
        _media_host: None,
    }
}

/// One network's credentials as the user typed them.
pub struct NewCredentials {
    pub network: NetworkId,
    pub client_id: String,
    pub client_secret: Option<Sensitive<String>>,
}

/// Save credentials into the live data (database and the `herald` keyring service), whatever
/// mode this process runs in. In demo mode the live data is opened just for this.
pub async fn save_live_credentials(env: &BootEnv, new: NewCredentials) -> herald_core::Result<Credentials> {
    let herald = Herald::open(env.live_config()?).await?;
    let saved = herald.save_credentials(new.network, &new.client_id, new.client_secret).await;
    herald.shutdown().await;
    saved
}

/// Whether the live data has any network credentials (without creating it when it does not exist).
pub async fn live_has_credentials(env: &BootEnv) -> herald_core::Result<bool> {
    if !env.data_dir.join(herald_core::store::DB_FILE).exists() {
        return Ok(false);
    }
    let herald = Herald::open(env.live_config()?).await?;
    let any = herald.store().has_any_credentials().await;
    herald.shutdown().await;
    any
}

/// "Use my real accounts": save `new` (when given) into the live data, then make the next start
/// live. Refused when `HERALD_DEMO` decides the mode, or when the live data would have no
/// credentials to connect with; nothing is remembered then.
pub async fn choose_live(env: &BootEnv, new: Option<NewCredentials>) -> herald_core::Result<()> {
    refuse_if_forced(env)?;
    if let Some(new) = new {
        save_live_credentials(env, new).await?;
    }
    if !live_has_credentials(env).await? {
        return Err(Error::CredentialsMissing("your real accounts"));
    }
    save_mode(&env.data_dir, Mode::Live)
}

/// "Back to demo": make the next start a demo. The live data is left exactly as it is.
pub fn choose_demo(env: &BootEnv) -> herald_core::Result<()> {
    refuse_if_forced(env)?;
    if !cfg!(feature = "demo") {
        return Err(Error::InvalidInput("this build of Herald has no demo mode".into()));
    }
    save_mode(&env.data_dir, Mode::Demo)
}

fn refuse_if_forced(env: &BootEnv) -> herald_core::Result<()> {
    match env.forced() {
        Some(_) => Err(Error::InvalidInput(
            "this launch of Herald was started with the HERALD_DEMO setting, which decides the mode; start \
             Herald without it to switch"
                .into(),
        )),
        None => Ok(()),
    }
}

#[cfg(feature = "demo")]
async fn boot_demo(env: &BootEnv, live_recovery: Option<Recovery>, forced: bool) -> herald_core::Result<Booted> {
    use herald_sandbox::{Sandbox, SandboxConfig};

    let (base_url, x_port, sandbox) = match &env.sandbox_url {
        Some(url) => (url.clone(), env.sandbox_x_port.unwrap_or(DEMO_X_PORT), None),
        None => {
            // X accepts only its registered callback: the demo app registers port 8080 unless
            // another program holds it, then a free port instead (saved below as X's port).
            let x_port = demo_x_port();
            let mut config = SandboxConfig::demo();
            config.x.redirect_uris = vec![format!("http://127.0.0.1:{x_port}/callback")];
            // No admin token: the in-process sandbox serves no `/__sandbox/*` route.
            let sandbox = Sandbox::start(config)
                .await
                .map_err(|e| Error::Internal(format!("could not start the demo sandbox: {e}")))?;
            (sandbox.base_url(), x_port, Some(sandbox))
        }
    };
    tracing::info!(sandbox = %base_url, x_port, "demo mode");
    let mut config = Config::new(env.data_dir.join(DEMO_DIR));
    config.endpoints = Endpoints::sandbox(&base_url)?;
    config.vault_service = DEMO_SERVICE.to_owned();
    if let Some(secs) = env.demo_check_every {
        tracing::info!(secs, "demo: each connection is checked this often");
        config.check_every = chrono::Duration::seconds(secs.try_into().unwrap_or(i64::MAX));
    }
    let herald = Herald::open(config).await?;
    seed_demo(&herald, &base_url, x_port).await?;
    // The demo's photos to Instagram and Google go through a local media host, when moto is
    // installed (a fresh port each start, so saved each time).
    let media_host = tokio::task::spawn_blocking(crate::demo_media::start).await.ok().flatten();
    match &media_host {
        Some(host) => {
            if let Err(e) = herald.media_host_use_demo(&host.endpoint).await {
                tracing::warn!("demo: the local media host could not be set up: {e}");
            }
        }
        None => {
            if herald.media_host_get().await.is_ok_and(|h| h.demo) {
                herald.media_host_clear().await?;
            }
        }
    }
    let recovery = herald.store().recovery().cloned().or(live_recovery);
    Ok(Booted { herald, demo: true, forced, recovery, _sandbox: sandbox, _media_host: media_host })
}

/// The port the demo X app is registered with ([`herald_sandbox::DEMO_X_REDIRECT_URI`]).
#[cfg(feature = "demo")]
pub const DEMO_X_PORT: u16 = 8080;

/// [`DEMO_X_PORT`] when nothing listens there, else a port the system says is free.
#[cfg(feature = "demo")]
fn demo_x_port() -> u16 {
    if std::net::TcpListener::bind(("127.0.0.1", DEMO_X_PORT)).is_ok() {
        return DEMO_X_PORT;
    }
    let free = std::net::TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()).map(|a| a.port());
    match free {
        Ok(port) => {
            tracing::info!(port, "port {DEMO_X_PORT} is busy: the demo X app uses another callback port");
            port
        }
        Err(e) => {
            tracing::warn!("no free port for the demo X app ({e}); keeping {DEMO_X_PORT}");
            DEMO_X_PORT
        }
    }
}

/// Key of the setting that records the demo's sample WeChat link was added once (so a
/// disconnect of it is not undone at the next start).
#[cfg(feature = "demo")]
const DEMO_WECHAT_SEEDED: &str = "demo.wechat_seeded";

/// Put back, in the background, a demo client secret that went missing from the keyring (the
/// user cleared it): a start never waits on the keyring for this.
#[cfg(feature = "demo")]
fn repair_demo_secrets(herald: &Herald, clients: &[(NetworkId, &'static str, Option<&'static str>)]) {
    let vault = herald.vault().clone();
    let secrets: Vec<(NetworkId, &'static str)> =
        clients.iter().filter_map(|(network, _, secret)| secret.map(|s| (*network, s))).collect();
    tauri::async_runtime::spawn(async move {
        for (network, secret) in secrets {
            if matches!(vault.client_secret(network).await, Ok(None)) {
                if let Err(e) = vault.put_client_secret(network, &Sensitive::new(secret.to_owned())).await {
                    tracing::warn!(network = network.as_str(), "demo client secret not restored: {e}");
                }
            }
        }
    });
}

/// Every network's sandbox client in the demo's store and keyring, and how its sign-ins come
/// back (rewritten when it changed: the in-process sandbox's port changes at every start).
/// Saving a secret may fail when the keyring is unavailable: the id is kept and the UI explains
/// that state.
#[cfg(feature = "demo")]
async fn seed_demo(herald: &Herald, base_url: &str, x_port: u16) -> herald_core::Result<()> {
    use herald_core::api::{AccountKind, AccountStatus, RedirectMode};
    use herald_sandbox::*;

    let clients: [(NetworkId, &'static str, Option<&'static str>); 5] = [
        (NetworkId::GoogleBusiness, DEMO_GOOGLE_CLIENT_ID, Some(DEMO_GOOGLE_CLIENT_SECRET)),
        (NetworkId::Facebook, DEMO_FACEBOOK_CLIENT_ID, Some(DEMO_FACEBOOK_CLIENT_SECRET)),
        (NetworkId::Instagram, DEMO_INSTAGRAM_CLIENT_ID, Some(DEMO_INSTAGRAM_CLIENT_SECRET)),
        (NetworkId::Linkedin, DEMO_LINKEDIN_CLIENT_ID, Some(DEMO_LINKEDIN_CLIENT_SECRET)),
        (NetworkId::X, DEMO_X_CLIENT_ID, None),
    ];
    for (network, client_id, secret) in clients {
        // SQLite only: a warm start never waits on the keyring here (a secret gone from the
        // keyring is put back in the background, below).
        if herald.store().client_id(network).await?.as_deref() == Some(client_id) {
            continue;
        }
        // The sandbox's public demo clients; their "secrets" are published test values.
        if let Err(e) = herald.save_credentials(network, client_id, secret.map(|s| Sensitive::new(s.to_owned()))).await
        {
            tracing::warn!(network = network.as_str(), "demo credentials not saved: {e}");
            herald.store().set_client_id(network, client_id).await?;
        }
    }
    let relay = format!("{}{RELAY_PATH}", base_url.trim_end_matches('/'));
    // LinkedIn's native PKCE flow (the demo app has it); the relay stays saved as the fallback.
    let setups = [
        (NetworkId::Facebook, RedirectMode::Relay, None, Some(relay.as_str())),
        (NetworkId::Instagram, RedirectMode::Relay, None, Some(relay.as_str())),
        (NetworkId::Linkedin, RedirectMode::Loopback, None, Some(relay.as_str())),
        (NetworkId::X, RedirectMode::FixedPort, Some(x_port), None),
    ];
    for (network, mode, port, relay_url) in setups {
        // Written only when it changed (the in-process sandbox's port changes at every start).
        let current = herald.connect_setup(network).await?;
        let same = current.mode == mode
            && port.is_none_or(|p| current.port == p)
            && relay_url.is_none_or(|r| current.relay_url.as_deref() == Some(r));
        if !same {
            herald.save_connect_setup(network, mode, port, relay_url).await?;
        }
    }
    repair_demo_secrets(herald, &clients);

    // A WeChat link from before WeChat was deprecated: listed, disconnectable, not reconnectable.
    if herald.store().setting(DEMO_WECHAT_SEEDED).await?.is_none() {
        herald
            .store()
            .add_linked_account(
                NetworkId::Wechat,
                "gh_forno_rossi",
                AccountKind::Profile,
                "Forno Rossi 罗西面包坊",
                AccountStatus::Connected,
            )
            .await?;
        herald.store().set_setting(DEMO_WECHAT_SEEDED, Some("1")).await?;
    }
    Ok(())
}

#[cfg(not(feature = "demo"))]
async fn boot_demo(_env: &BootEnv, _live_recovery: Option<Recovery>, _forced: bool) -> herald_core::Result<Booted> {
    Err(Error::Internal(
        "this build of Herald has no demo mode; configure network credentials and start with HERALD_DEMO=0".into(),
    ))
}

#[cfg(all(test, feature = "demo"))]
#[allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "boot_tests.rs"]
mod tests;
