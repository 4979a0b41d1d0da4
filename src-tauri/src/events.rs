//! Events the UI listens to, and the bridge from the core's channel to them.

use std::sync::Arc;

use herald_core::{CoreEvent, Herald};
use serde::{Deserialize, Serialize};
use tauri::AppHandle;
use tauri_specta::Event;

/// The accounts list changed: reload it.
#[derive(Clone, Debug, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct AccountsChanged;

/// A post or one of its publish attempts changed: reload the calendar, archive or composer.
#[derive(Clone, Debug, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct PostsChanged;

/// Open the accounts page on this account's reconnect (tray menu or notification click). The
/// page takes it with `shell_take_reconnect`, so a request is acted on once.
#[derive(Clone, Debug, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct OpenReconnect {
    pub account_id: String,
}

/// Forward core events to the UI for as long as the app runs.
pub fn forward(app: AppHandle, herald: &Arc<Herald>) {
    let mut events = herald.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(CoreEvent::AccountsChanged) => {
                    if let Err(e) = AccountsChanged.emit(&app) {
                        tracing::warn!("could not notify the window: {e}");
                    }
                }
                Ok(CoreEvent::PostsChanged) => {
                    if let Err(e) = PostsChanged.emit(&app) {
                        tracing::warn!("could not notify the window: {e}");
                    }
                }
                Ok(CoreEvent::Notify { account_id, kind }) => {
                    tracing::info!(account = %account_id, kind = kind.as_str(), "desktop notification");
                    crate::notify::notify_account(&app, account_id, crate::notify::NotifyKind::from(kind));
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    let _ = AccountsChanged.emit(&app);
                    let _ = PostsChanged.emit(&app);
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}
