//! The media library: photos added from the file picker or dropped on the window (paths),
//! their thumbnails, and fitted copies for a network.

use herald_core::api::MediaItem;
use herald_core::NetworkId;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt as _;

use crate::error::{CmdResult, IntoIpc};
use crate::AppState;

/// "Add photos…": the system's file dialog (opened here, so the web view never handles paths),
/// then the chosen photos go into the library. Cancelled: no photos.
#[tauri::command]
#[specta::specta]
pub async fn media_pick_files(app: AppHandle, state: State<'_, AppState>, title: String) -> CmdResult<Vec<MediaItem>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .add_filter("JPEG, PNG, GIF", &["jpg", "jpeg", "png", "gif", "JPG", "JPEG", "PNG", "GIF"])
        .pick_files(move |picked| {
            let _ = tx.send(picked);
        });
    let picked = rx.await.ok().flatten().unwrap_or_default();
    let paths: Vec<String> =
        picked.into_iter().filter_map(|p| p.into_path().ok()).map(|p| p.display().to_string()).collect();
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    state.herald.media_import_files(&paths).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn media_import_files(state: State<'_, AppState>, paths: Vec<String>) -> CmdResult<Vec<MediaItem>> {
    state.herald.media_import_files(&paths).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn media_item(state: State<'_, AppState>, id: String) -> CmdResult<MediaItem> {
    state.herald.media_item(&id).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn media_thumbnail(state: State<'_, AppState>, id: String) -> CmdResult<String> {
    state.herald.media_thumbnail(&id).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn media_fit(state: State<'_, AppState>, id: String, network: NetworkId) -> CmdResult<MediaItem> {
    state.herald.media_fit(&id, network).await.ipc()
}
