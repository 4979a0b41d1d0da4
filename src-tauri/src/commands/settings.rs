use herald_core::api::{Credentials, NetworkInfo};
use herald_core::{NetworkId, Sensitive};
use tauri::State;

use crate::error::{CmdResult, IntoIpc};
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn settings_set_locale(state: State<'_, AppState>, locale: Option<String>) -> CmdResult<()> {
    state.herald.set_locale(locale.as_deref()).await.ipc()
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
    state.herald.save_credentials(network, &client_id, client_secret.map(Sensitive::new)).await.ipc()
}
