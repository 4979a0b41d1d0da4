//! The desktop shell around the window: the reconnect a tray item or notification asked for,
//! and start at login.

use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;

use crate::error::CmdResult;
use crate::window::PendingReconnect;

/// The account whose reconnect the tray or a notification asked for, once.
#[tauri::command]
#[specta::specta]
pub fn shell_take_reconnect(pending: State<'_, PendingReconnect>) -> CmdResult<Option<String>> {
    Ok(pending.take())
}

/// Whether Herald starts (in the tray) when the user logs in.
#[tauri::command]
#[specta::specta]
pub fn settings_autostart_get(app: AppHandle) -> CmdResult<bool> {
    app.autolaunch().is_enabled().map_err(autostart_error)
}

#[tauri::command]
#[specta::specta]
pub fn settings_autostart_set(app: AppHandle, enabled: bool) -> CmdResult<bool> {
    let manager = app.autolaunch();
    if enabled { manager.enable() } else { manager.disable() }.map_err(autostart_error)?;
    tracing::info!(enabled, "start at login changed");
    manager.is_enabled().map_err(autostart_error)
}

fn autostart_error(e: tauri_plugin_autostart::Error) -> crate::error::IpcError {
    tracing::warn!("start at login: {e}");
    herald_core::Error::Internal("the start-at-login setting could not be changed on this system".into()).to_ipc()
}

/// Open a published post on its network, in the system browser. The window names the attempt;
/// the address comes from what the network answered (never from the window).
#[tauri::command]
#[specta::specta]
pub async fn posts_open_permalink(
    app: AppHandle,
    state: State<'_, crate::AppState>,
    attempt_id: String,
) -> CmdResult<()> {
    use crate::error::IntoIpc;
    use tauri_plugin_opener::OpenerExt;
    let link = state.herald.posts_permalink_to_open(&attempt_id).await.ipc()?;
    app.opener().open_url(&link, None::<&str>).map_err(|e| {
        tracing::warn!("could not open the system browser: {e}");
        herald_core::Error::Internal("the system browser could not be opened".into()).to_ipc()
    })
}
