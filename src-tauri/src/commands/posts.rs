//! Posts: drafts (autosave), the composer's checks, scheduling, the calendar, the archive,
//! "Create multiple posts" and the CSV import, the posts settings.

use chrono::{DateTime, Utc};
use herald_core::api::{
    ArchiveFilter, ArchivePage, CalendarEntry, CsvImport, DraftInput, Post, PostsSettings, TargetCheck,
};
use tauri::State;

use crate::error::{CmdResult, IntoIpc};
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn posts_save_draft(state: State<'_, AppState>, draft: DraftInput) -> CmdResult<Post> {
    state.herald.posts_save_draft(&draft).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_get(state: State<'_, AppState>, id: String) -> CmdResult<Post> {
    state.herald.posts_get(&id).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_check(state: State<'_, AppState>, draft: DraftInput) -> CmdResult<Vec<TargetCheck>> {
    state.herald.posts_check(&draft).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_schedule(state: State<'_, AppState>, id: String) -> CmdResult<Post> {
    state.herald.posts_schedule(&id).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_unschedule(state: State<'_, AppState>, id: String) -> CmdResult<Post> {
    state.herald.posts_unschedule(&id).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_reschedule(
    state: State<'_, AppState>,
    id: String,
    at: DateTime<Utc>,
    zone: String,
) -> CmdResult<Post> {
    state.herald.posts_reschedule(&id, at, &zone).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_delete(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    state.herald.posts_delete(&id).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_calendar(
    state: State<'_, AppState>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> CmdResult<Vec<CalendarEntry>> {
    state.herald.posts_calendar(from, to).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_archive(state: State<'_, AppState>, filter: ArchiveFilter) -> CmdResult<ArchivePage> {
    state.herald.posts_archive(&filter).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_retry(state: State<'_, AppState>, attempt_id: String, confirm: bool) -> CmdResult<Post> {
    state.herald.posts_retry(&attempt_id, confirm).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_keep_as_draft(state: State<'_, AppState>, attempt_id: String) -> CmdResult<Post> {
    state.herald.posts_keep_as_draft(&attempt_id).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_create_many(
    state: State<'_, AppState>,
    drafts: Vec<DraftInput>,
    schedule: bool,
) -> CmdResult<Vec<Post>> {
    state.herald.posts_create_many(&drafts, schedule).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_import_csv(state: State<'_, AppState>, csv: String) -> CmdResult<CsvImport> {
    state.herald.posts_import_csv(&csv).await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_settings_get(state: State<'_, AppState>) -> CmdResult<PostsSettings> {
    state.herald.posts_settings().await.ipc()
}

#[tauri::command]
#[specta::specta]
pub async fn posts_settings_save(state: State<'_, AppState>, settings: PostsSettings) -> CmdResult<PostsSettings> {
    state.herald.posts_settings_save(&settings).await.ipc()
}
