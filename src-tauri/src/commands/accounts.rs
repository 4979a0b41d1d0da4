use herald_core::api::{Account, Candidate, ConnectFlow, DisconnectOutcome};
use herald_core::NetworkId;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::{CmdResult, IntoIpc};
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn accounts_list(state: State<'_, AppState>) -> CmdResult<Vec<Account>> {
    state.herald.accounts().await.ipc()
}

/// Start a sign-in and open the system browser at the network's consent page.
#[tauri::command]
#[specta::specta]
pub async fn accounts_connect_begin(
    app: AppHandle,
    state: State<'_, AppState>,
    network: NetworkId,
    reconnect_account_id: Option<String>,
) -> CmdResult<ConnectFlow> {
    let flow = state.herald.connect_begin(network, reconnect_account_id.as_deref()).await.ipc()?;
    // Only ever send the browser to a configured authorize endpoint.
    if !state.herald.config().endpoints.is_authorize_url(&flow.authorize_url) {
        let _ = state.herald.connect_cancel(&flow.flow_id);
        return Err(herald_core::Error::InvalidInput("refusing to open an unexpected address".into()).to_ipc());
    }
    if let Err(e) = app.opener().open_url(&flow.authorize_url, None::<&str>) {
        // The dialog shows the URL with a copy button, so the user can still go on.
        tracing::warn!("could not open the system browser: {e}");
    }
    Ok(flow)
}

#[tauri::command]
#[specta::specta]
pub async fn accounts_connect_wait(state: State<'_, AppState>, flow_id: String) -> CmdResult<Vec<Candidate>> {
    state.herald.connect_wait(&flow_id).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub fn accounts_connect_cancel(state: State<'_, AppState>, flow_id: String) -> CmdResult<()> {
    state.herald.connect_cancel(&flow_id).ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn accounts_connect_finish(
    state: State<'_, AppState>,
    flow_id: String,
    external_ids: Vec<String>,
) -> CmdResult<Vec<Account>> {
    state.herald.connect_finish(&flow_id, &external_ids).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn accounts_disconnect(state: State<'_, AppState>, account_id: String) -> CmdResult<DisconnectOutcome> {
    state.herald.disconnect(&account_id).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn accounts_check(state: State<'_, AppState>) -> CmdResult<Vec<Account>> {
    state.herald.check_accounts().await.ipc()
}

/// "Check connections": one cheap call per connection now, answered once they are all checked.
#[tauri::command]
#[specta::specta]
pub async fn accounts_check_now(state: State<'_, AppState>) -> CmdResult<Vec<Account>> {
    state.herald.check_connections_now().await.ipc()
}
