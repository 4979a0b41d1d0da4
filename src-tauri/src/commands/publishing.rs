//! The scheduler's commands: its status and pause switch, reconciliation on demand, and the
//! posts missed while Herald was not running.

use herald_core::api::{MissedAction, MissedPost, PublishingStatus, ReconcileReport};
use tauri::State;

use crate::error::{CmdResult, IntoIpc};
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn publishing_status(state: State<'_, AppState>) -> CmdResult<PublishingStatus> {
    state.herald.publishing_status().await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn publishing_pause(state: State<'_, AppState>, paused: bool) -> CmdResult<()> {
    state.herald.set_publishing_paused(paused).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_reconcile(state: State<'_, AppState>) -> CmdResult<ReconcileReport> {
    state.herald.reconcile().await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_missed(state: State<'_, AppState>) -> CmdResult<Vec<MissedPost>> {
    state.herald.posts_missed().await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_resolve_missed(
    state: State<'_, AppState>,
    attempt_ids: Vec<String>,
    action: MissedAction,
) -> CmdResult<()> {
    state.herald.posts_resolve_missed(&attempt_ids, action).await.map(drop).ipc()
}
