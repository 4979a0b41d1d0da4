//! Deciding how Herald starts: live against the real networks, or in demo mode against the
//! sandbox (in-process, or an external one named by `HERALD_SANDBOX_URL`).
//!
//! Demo mode is chosen when `HERALD_DEMO=1`, or when `HERALD_DEMO` is unset and no network
//! credentials have been saved in the live data directory. Demo data lives in its own
//! directory (`<data>/demo`) and keyring service, so it never mixes with real accounts.

use std::path::Path;
use std::sync::Arc;

use herald_core::store::Recovery;
use herald_core::{Config, Endpoints, Herald, NetworkId, Sensitive};

pub struct Booted {
    pub herald: Arc<Herald>,
    pub demo: bool,
    /// A damaged or newer-schema database that was set aside at start (the user is told).
    pub recovery: Option<Recovery>,
    /// Keeps the in-process sandbox alive for the app's lifetime.
    #[cfg(feature = "demo")]
    pub _sandbox: Option<herald_sandbox::Sandbox>,
}

pub async fn boot() -> herald_core::Result<Booted> {
    let data_dir = herald_core::default_data_dir();
    let forced = match std::env::var("HERALD_DEMO").ok().as_deref() {
        Some("1" | "true") => Some(true),
        Some("0" | "false") => Some(false),
        _ => None,
    };
    if forced == Some(true) || (forced.is_none() && !data_dir.join(herald_core::store::DB_FILE).exists()) {
        return boot_demo(&data_dir, None).await;
    }
    let mut config = Config::new(data_dir.clone());
    if let Some(file) = std::env::var_os("HERALD_ENDPOINTS_FILE") {
        let json = std::fs::read_to_string(&file).map_err(|e| {
            herald_core::Error::InvalidInput(format!("cannot read {}: {e}", Path::new(&file).display()))
        })?;
        config.endpoints = Endpoints::from_json(&json)?;
    }
    // Opening checks the database (and sets a damaged one aside); the report travels with us.
    let herald = Herald::open(config).await?;
    let recovery = herald.store().recovery().cloned();
    if forced.is_none() && !herald.store().has_any_credentials().await? {
        herald.shutdown().await;
        return boot_demo(&data_dir, recovery).await;
    }
    Ok(Booted {
        herald,
        demo: false,
        recovery,
        #[cfg(feature = "demo")]
        _sandbox: None,
    })
}

#[cfg(feature = "demo")]
async fn boot_demo(data_dir: &Path, live_recovery: Option<Recovery>) -> herald_core::Result<Booted> {
    use herald_sandbox::{Sandbox, SandboxConfig, DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET};

    let (base_url, sandbox) = match std::env::var("HERALD_SANDBOX_URL").ok().filter(|u| !u.is_empty()) {
        Some(url) => (url, None),
        None => {
            let sandbox = Sandbox::start(SandboxConfig::demo())
                .await
                .map_err(|e| herald_core::Error::Internal(format!("could not start the demo sandbox: {e}")))?;
            (sandbox.base_url(), Some(sandbox))
        }
    };
    tracing::info!(sandbox = %base_url, "demo mode");
    let mut config = Config::new(data_dir.join("demo"));
    config.endpoints = Endpoints::sandbox(&base_url)?;
    config.vault_service = "herald-demo".to_owned();
    let herald = Herald::open(config).await?;
    if herald.store().client_id(NetworkId::GoogleBusiness).await?.is_none() {
        // The sandbox's public demo client; its "secret" is a published test value. Saving it
        // may fail when the keyring is unavailable: the UI then explains that state.
        if let Err(e) = herald
            .save_credentials(
                NetworkId::GoogleBusiness,
                DEMO_GOOGLE_CLIENT_ID,
                Some(Sensitive::new(DEMO_GOOGLE_CLIENT_SECRET.to_owned())),
            )
            .await
        {
            tracing::warn!("demo credentials not saved: {e}");
            herald.store().set_client_id(NetworkId::GoogleBusiness, DEMO_GOOGLE_CLIENT_ID).await?;
        }
    }
    let recovery = herald.store().recovery().cloned().or(live_recovery);
    Ok(Booted { herald, demo: true, recovery, _sandbox: sandbox })
}

#[cfg(not(feature = "demo"))]
async fn boot_demo(_data_dir: &Path, _live_recovery: Option<Recovery>) -> herald_core::Result<Booted> {
    Err(herald_core::Error::Internal(
        "this build of Herald has no demo mode; configure network credentials and start with HERALD_DEMO=0".into(),
    ))
}
