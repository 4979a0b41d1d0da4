use herald_core::api::{ConnectCheck, ConnectSetup, Credentials, ExportResult, NetworkInfo, RedirectMode};
use herald_core::transfer::ImportSummary;
use herald_core::{NetworkId, Sensitive};
use tauri::{AppHandle, Manager, State};

use crate::error::{CmdResult, IntoIpc};
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn settings_set_locale(app: AppHandle, state: State<'_, AppState>, locale: Option<String>) -> CmdResult<()> {
    state.herald.set_locale(locale.as_deref()).await.ipc()?;
    // The tray's menu speaks the app's language too.
    crate::tray::refresh(&app);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn networks_list(state: State<'_, AppState>) -> CmdResult<Vec<NetworkInfo>> {
    state.herald.networks().await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn credentials_get(state: State<'_, AppState>, network: NetworkId) -> CmdResult<Credentials> {
    state.herald.credentials(network).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn credentials_save(
    state: State<'_, AppState>,
    network: NetworkId,
    client_id: String,
    client_secret: Option<String>,
) -> CmdResult<Credentials> {
    if state.demo {
        // The demo's store holds the sandbox's client; real credentials belong to the live data
        // (`mode_use_live`), never here.
        return Err(herald_core::Error::InvalidInput(
            "the demo does not keep real credentials; use \"Use my real accounts\" to enter them".into(),
        )
        .to_ipc());
    }
    state.herald.save_credentials(network, &client_id, client_secret.map(Sensitive::new)).await.ipc()
}

/// How `network`'s sign-ins come back to Herald (redirect mode, fixed port, relay address).
#[tauri::command]
#[specta::specta]
pub async fn settings_connect_setup_get(state: State<'_, AppState>, network: NetworkId) -> CmdResult<ConnectSetup> {
    state.herald.connect_setup(network).await.ipc()
}

/// Save `network`'s redirect mode, fixed port and relay address. The demo's set-up is the
/// sandbox's (written at every demo start), so it is not editable there.
#[tauri::command]
#[specta::specta]
pub async fn settings_connect_setup_save(
    state: State<'_, AppState>,
    network: NetworkId,
    mode: RedirectMode,
    port: Option<u16>,
    relay_url: Option<String>,
) -> CmdResult<ConnectSetup> {
    if state.demo {
        return Err(herald_core::Error::InvalidInput(
            "the demo's sign-in set-up is the sandbox's; use \"Use my real accounts\" to set up your own".into(),
        )
        .to_ipc());
    }
    state.herald.save_connect_setup(network, mode, port, relay_url.as_deref()).await.ipc()
}

/// Ask the network's sign-in page whether it accepts the saved client id and redirect address.
#[tauri::command]
#[specta::specta]
pub async fn settings_connect_check(state: State<'_, AppState>, network: NetworkId) -> CmdResult<ConnectCheck> {
    state.herald.connect_check(network).await.ipc()
}

/// Write settings and accounts (never secrets) to a JSON file in the Documents folder.
#[tauri::command]
#[specta::specta]
pub async fn data_export(app: AppHandle, state: State<'_, AppState>) -> CmdResult<ExportResult> {
    let json = state.herald.export_data().await.ipc()?;
    let folder = app
        .path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| herald_core::Error::Internal(format!("no folder to export to: {e}")).to_ipc())?;
    let name = format!("Herald export {}.json", chrono_stamp());
    let path = folder.join(name);
    std::fs::create_dir_all(&folder)
        .and_then(|()| std::fs::write(&path, json))
        .map_err(|e| herald_core::Error::StorageFile(format!("could not write {}: {e}", path.display())).to_ipc())?;
    tracing::info!(path = %path.display(), "data exported");
    Ok(ExportResult { path: path.display().to_string() })
}

/// Import a file made by `data_export` (its contents, read by the UI from a file the user picked).
#[tauri::command]
#[specta::specta]
pub async fn data_import(state: State<'_, AppState>, contents: String) -> CmdResult<ImportSummary> {
    state.herald.import_data(&contents).await.ipc()
}

fn chrono_stamp() -> String {
    herald_core::now_stamp()
}
