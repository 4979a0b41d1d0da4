//! The media host setting (Settings → Media host): read, save, test, forget. The secret access
//! key only ever travels from the page to the core, which puts it in the keyring.

use herald_core::api::{MediaHostCheck, MediaHostInput, MediaHostSettings};
use tauri::State;

use crate::error::{CmdResult, IntoIpc};
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn media_host_get(state: State<'_, AppState>) -> CmdResult<MediaHostSettings> {
    state.herald.media_host_get().await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn media_host_save(state: State<'_, AppState>, input: MediaHostInput) -> CmdResult<MediaHostSettings> {
    state.herald.media_host_save(&input).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn media_host_test(state: State<'_, AppState>) -> CmdResult<MediaHostCheck> {
    state.herald.media_host_test().await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn media_host_clear(state: State<'_, AppState>) -> CmdResult<()> {
    state.herald.media_host_clear().await.ipc()
}
