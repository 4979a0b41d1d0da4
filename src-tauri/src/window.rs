//! The main window's life: created from `tauri.conf.json`'s window config, destroyed (not
//! hidden) when closed so WebKit's web process exits, and created again by "Open Herald", a
//! notification click or a second launch. Herald keeps running in the tray in between.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use tauri::{AppHandle, Manager, WebviewWindowBuilder};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};
use tauri_specta::Event;

use crate::events::OpenReconnect;

/// The label of the one window, as in `tauri.conf.json`.
pub const MAIN: &str = "main";

/// Setting remembering that the "Herald keeps running in the tray" notice was shown once.
pub const TRAY_NOTICE_SETTING: &str = "shell.tray_notice_shown";

/// The command-line flag autostart passes: start in the tray, without a window.
pub const IN_TRAY_ARG: &str = "--in-tray";

/// The main window exists (set when built, cleared when destroyed).
pub static MAIN_OPEN: AtomicBool = AtomicBool::new(false);

/// An account whose reconnect the next (or current) window should open; taken once by the UI.
#[derive(Default)]
pub struct PendingReconnect(Mutex<Option<String>>);

impl PendingReconnect {
    pub fn set(&self, account_id: String) {
        if let Ok(mut pending) = self.0.lock() {
            *pending = Some(account_id);
        }
    }

    pub fn take(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut pending| pending.take())
    }
}

/// Show the window (create it when closed), on the accounts page's reconnect of `reconnect`
/// when given.
pub fn open(app: &AppHandle, reconnect: Option<String>) {
    if let Some(account_id) = &reconnect {
        app.state::<PendingReconnect>().set(account_id.clone());
    }
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        if let Some(account_id) = reconnect {
            // A page already loaded takes the pending reconnect when told; a page still loading
            // takes it at start.
            if let Err(e) = (OpenReconnect { account_id }).emit(app) {
                tracing::warn!("could not tell the window to reconnect: {e}");
            }
        }
        return;
    }
    if let Err(e) = create(app) {
        tracing::error!("could not open the window: {e}");
    }
}

/// Build the main window from its config (the state plugin restores its size and position).
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == MAIN).cloned() else {
        return Err(tauri::Error::WindowNotFound);
    };
    tracing::info!("opening the window");
    WebviewWindowBuilder::from_config(app, &config)?.build()?;
    MAIN_OPEN.store(true, Ordering::SeqCst);
    Ok(())
}

/// The window was closed and destroyed: save its size and position now (a process ended from
/// the tray later would lose them), and say once that Herald keeps running in the tray.
pub fn closed(app: &AppHandle) {
    MAIN_OPEN.store(false, Ordering::SeqCst);
    tracing::info!("window closed; Herald keeps running in the tray");
    if let Err(e) = app.save_window_state(StateFlags::all()) {
        tracing::warn!("could not save the window's size and position: {e}");
    }
    #[cfg(target_os = "linux")]
    tauri::async_runtime::spawn(end_network_process());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let herald = app.state::<crate::AppState>().herald.clone();
        match herald.store().setting(TRAY_NOTICE_SETTING).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                let lang = crate::tray::Lang::of(&herald).await;
                crate::notify::show_tray_notice(&app, lang);
                if let Err(e) = herald.store().set_setting(TRAY_NOTICE_SETTING, Some("1")).await {
                    tracing::warn!("could not remember the tray notice: {e}");
                }
            }
            Err(e) => tracing::warn!("could not read the tray notice setting: {e}"),
        }
    });
}

/// WebKitGTK's network process outlives the last web view (Tauri keeps the web context on Linux
/// so the next window reuses it, tauri-apps/tauri#14626), costing ~30 MiB while Herald sits in
/// the tray. Once the web process has gone, end it: the next window's web process asks WebKit
/// for a network process, and WebKit starts a new one.
#[cfg(target_os = "linux")]
async fn end_network_process() {
    use rustix::process::{kill_process, Pid, Signal};
    // The web process exits first; a network process still serving it must not be cut off.
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if MAIN_OPEN.load(Ordering::SeqCst) {
            return;
        }
        let children = own_children();
        if children.iter().any(|(_, name)| name.starts_with("WebKitWebProces")) {
            continue;
        }
        for (pid, name) in children.iter().filter(|(_, name)| name.starts_with("WebKitNetworkPr")) {
            match Pid::from_raw(*pid).map(|pid| kill_process(pid, Signal::TERM)) {
                Some(Ok(())) => tracing::info!(pid, name = %name, "ended WebKit's idle network process"),
                Some(Err(e)) => tracing::debug!(pid, "could not end WebKit's network process: {e}"),
                None => {}
            }
        }
        // The web view's teardown has finished by now; give back what it leaves behind.
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        if MAIN_OPEN.load(Ordering::SeqCst) {
            return;
        }
        if let Ok(released) = tokio::task::spawn_blocking(crate::trim::release).await {
            tracing::info!(
                mappings = released.mappings,
                pss_before_kib = released.pss_before_kib,
                pss_after_kib = released.pss_after_kib,
                "memory released while in the tray"
            );
        }
        return;
    }
}

/// This process's children as (pid, command name), from /proc.
#[cfg(target_os = "linux")]
fn own_children() -> Vec<(i32, String)> {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: i32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // "pid (comm) state ppid …"; comm may hold spaces and parentheses.
            let (head, rest) = stat.rsplit_once(')')?;
            let name = head.split_once('(')?.1.to_owned();
            let ppid = rest.split_whitespace().nth(1)?;
            (ppid == me).then_some((pid, name))
        })
        .collect()
}

/// Whether this launch should start in the tray (autostart at login), without a window.
pub fn starts_in_tray(args: impl IntoIterator<Item = String>) -> bool {
    args.into_iter().any(|arg| arg == IN_TRAY_ARG)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_reconnect_is_taken_once() {
        let pending = PendingReconnect::default();
        assert_eq!(pending.take(), None);
        pending.set("a1".into());
        pending.set("a2".into());
        assert_eq!(pending.take().as_deref(), Some("a2"));
        assert_eq!(pending.take(), None);
    }

    #[test]
    fn only_the_autostart_flag_starts_in_the_tray() {
        assert!(!starts_in_tray(["herald".to_owned()]));
        assert!(starts_in_tray(["herald".to_owned(), IN_TRAY_ARG.to_owned()]));
    }
}
