//! Live or demo: what the window shows about the mode, and the two switches ("Use my real
//! accounts", "Back to demo"). A switch is remembered in the live data directory and takes
//! effect by restarting Herald (see `boot.rs`).

use std::time::Duration;

use herald_core::{NetworkId, Sensitive};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::boot::{self, NewCredentials};
use crate::error::{CmdResult, IntoIpc};
use crate::AppState;

/// How long the window has to show "Restarting…" before Herald restarts.
const RESTART_DELAY: Duration = Duration::from_millis(400);

#[derive(Clone, Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ModeStatus {
    pub demo: bool,
    /// `HERALD_DEMO` decides the mode of this launch: the switches are refused.
    pub forced: bool,
    /// This build can run the demo ("Back to demo" is possible).
    pub demo_available: bool,
    /// The live data already has network credentials (switching needs none typed in).
    pub live_configured: bool,
}

/// One network's credentials for the live mode, as typed in the switch dialog.
#[derive(Clone, Debug, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LiveCredentials {
    pub network: NetworkId,
    pub client_id: String,
    /// `None` (or empty) keeps a secret already saved for live use.
    pub client_secret: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn mode_status(state: State<'_, AppState>) -> CmdResult<ModeStatus> {
    let live_configured = if state.demo {
        boot::live_has_credentials(&state.env).await.ipc()?
    } else {
        state.herald.store().has_any_credentials().await.ipc()?
    };
    Ok(ModeStatus { demo: state.demo, forced: state.forced, demo_available: cfg!(feature = "demo"), live_configured })
}

/// "Use my real accounts": save the credentials (when given) into the live data and the
/// `herald` keyring service, remember the choice, and restart Herald in live mode.
#[tauri::command]
#[specta::specta]
pub async fn mode_use_live(
    app: AppHandle,
    state: State<'_, AppState>,
    credentials: Option<LiveCredentials>,
) -> CmdResult<()> {
    let new = credentials.map(|c| NewCredentials {
        network: c.network,
        client_id: c.client_id,
        client_secret: c.client_secret.filter(|s| !s.is_empty()).map(Sensitive::new),
    });
    if state.demo {
        boot::choose_live(&state.env, new).await.ipc()?;
    } else {
        // Already live: the live data is this process's store; nothing to switch.
        if let Some(new) = new {
            state.herald.save_credentials(new.network, &new.client_id, new.client_secret).await.ipc()?;
        }
        return Ok(());
    }
    tracing::info!("switching to live mode: restarting");
    restart_soon(app);
    Ok(())
}

/// "Back to demo": remember the choice and restart Herald in demo mode. The live data stays.
#[tauri::command]
#[specta::specta]
pub fn mode_use_demo(app: AppHandle, state: State<'_, AppState>) -> CmdResult<()> {
    if state.demo {
        return Ok(());
    }
    boot::choose_demo(&state.env).ipc()?;
    tracing::info!("switching to demo mode: restarting");
    restart_soon(app);
    Ok(())
}

/// Restart after the command has answered, so the window can say what is happening.
fn restart_soon(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(RESTART_DELAY).await;
        app.request_restart();
    });
}
