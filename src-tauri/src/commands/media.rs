//! The media library: photos added from the file picker or dropped on the window (paths),
//! their thumbnails, and fitted copies for a network.

use herald_core::api::MediaItem;
use herald_core::NetworkId;
use tauri::State;

use crate::error::{CmdResult, IntoIpc};
use crate::AppState;

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
