use herald_core::api::{AppStatus, KeyringStatus};
use herald_core::vault::KeyringHealth;
use tauri::State;

use crate::error::{CmdResult, IntoIpc};
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn app_status(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    // The first answer uses the probe started at boot; later ones ask the keyring again.
    let prefetched = state.keyring_probe.lock().ok().and_then(|mut probe| probe.take());
    let health = match prefetched {
        Some(probe) => match probe.await {
            Ok(health) => health,
            Err(_) => state.herald.vault().health().await,
        },
        None => state.herald.vault().health().await,
    };
    let keyring = match health {
        KeyringHealth::Available => KeyringStatus { available: true, detail: None },
        KeyringHealth::Unavailable(why) => KeyringStatus { available: false, detail: Some(why) },
    };
    Ok(AppStatus {
        demo: state.demo,
        recovery: state.recovery.clone(),
        keyring,
        locale: state.herald.locale().await.ipc()?,
        data_dir: state.herald.config().data_dir.display().to_string(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}

/// Called by the UI once its first screen is rendered; the start-up benchmark reads the line.
#[tauri::command]
#[specta::specta]
pub fn app_ready(state: State<'_, AppState>) -> CmdResult<()> {
    if std::env::var_os("HERALD_BENCH").is_some() {
        println!("HERALD_READY {}", state.started.elapsed().as_millis());
    }
    tracing::info!(ms = state.started.elapsed().as_millis() as u64, "first screen rendered");
    Ok(())
}
