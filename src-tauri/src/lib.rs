//! Herald's Tauri shell: boots the core, registers commands, forwards events. No domain logic
//! lives here; see `herald-core`.

mod boot;
mod commands;
#[cfg(feature = "demo")]
mod demo_media;
mod error;
mod events;
mod notify;
#[cfg(test)]
mod security_tests;
mod tray;
#[cfg(target_os = "linux")]
mod trim;
mod window;

use std::sync::Arc;
use std::time::Instant;

use herald_core::Herald;
use tauri::Manager;

/// What every command can reach.
pub struct AppState {
    pub herald: Arc<Herald>,
    pub demo: bool,
    /// `HERALD_DEMO` decided the mode of this launch.
    pub forced: bool,
    /// The launch environment the mode was decided from (the live data directory lives here).
    pub env: boot::BootEnv,
    pub recovery: Option<herald_core::store::Recovery>,
    pub started: Instant,
    /// The keyring probe started at boot, so the first status answer does not wait on D-Bus.
    pub keyring_probe: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<herald_core::vault::KeyringHealth>>>,
}

/// Commands and events, declared once; the TypeScript bindings are generated from this.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            commands::app::app_status,
            commands::app::app_ready,
            commands::settings::settings_set_locale,
            commands::settings::networks_list,
            commands::settings::credentials_get,
            commands::settings::credentials_save,
            commands::settings::settings_connect_setup_get,
            commands::settings::settings_connect_setup_save,
            commands::settings::settings_connect_check,
            commands::settings::data_export,
            commands::settings::data_import,
            commands::accounts::accounts_list,
            commands::accounts::accounts_connect_begin,
            commands::accounts::accounts_connect_wait,
            commands::accounts::accounts_connect_cancel,
            commands::accounts::accounts_connect_finish,
            commands::accounts::accounts_disconnect,
            commands::accounts::accounts_check,
            commands::accounts::accounts_check_now,
            commands::mode::mode_status,
            commands::mode::mode_use_live,
            commands::mode::mode_use_demo,
            commands::publishing::publishing_status,
            commands::publishing::publishing_pause,
            commands::publishing::posts_reconcile,
            commands::publishing::posts_missed,
            commands::publishing::posts_resolve_missed,
            commands::posts::posts_save_draft,
            commands::posts::posts_get,
            commands::posts::posts_check,
            commands::posts::posts_schedule,
            commands::posts::posts_unschedule,
            commands::posts::posts_reschedule,
            commands::posts::posts_delete,
            commands::posts::posts_calendar,
            commands::posts::posts_archive,
            commands::posts::posts_retry,
            commands::posts::posts_keep_as_draft,
            commands::posts::posts_create_many,
            commands::posts::posts_import_csv,
            commands::posts::posts_settings_get,
            commands::posts::posts_settings_save,
            commands::shell::shell_take_reconnect,
            commands::shell::posts_open_permalink,
            commands::shell::settings_autostart_get,
            commands::shell::settings_autostart_set,
            commands::media::media_pick_files,
            commands::media::media_import_files,
            commands::media::media_item,
            commands::media::media_thumbnail,
            commands::media::media_fit,
            commands::media_host::media_host_get,
            commands::media_host::media_host_save,
            commands::media_host::media_host_test,
            commands::media_host::media_host_clear,
        ])
        .events(tauri_specta::collect_events![events::AccountsChanged, events::PostsChanged, events::OpenReconnect])
}

/// The TypeScript the UI imports from `ui/src/ipc/bindings.ts`.
pub fn typescript_bindings() -> Result<String, String> {
    let ts = specta_typescript::Typescript::default()
        .bigint(specta_typescript::BigIntExportBehavior::Number)
        .header("// @ts-nocheck");
    specta_builder().export_str(ts).map_err(|e| e.to_string())
}

pub fn run() {
    let started = Instant::now();
    let filter = std::env::var("HERALD_LOG").unwrap_or_else(|_| "info".to_owned());
    let log_dir = herald_core::default_data_dir().join("logs");
    // Held until the app exits so the file writer flushes.
    let _logs = match herald_core::logging::init(&log_dir, &filter, true) {
        Ok(guard) => Some(guard),
        Err(e) => {
            eprintln!("Herald: logging to {} is unavailable: {e}", log_dir.display());
            None
        }
    };

    // The mode is decided before the window exists: its Content-Security-Policy depends on it.
    let env = boot::BootEnv::from_env();
    let booted = match tauri::async_runtime::block_on(boot::boot(&env)) {
        Ok(booted) => booted,
        Err(e) => {
            tracing::error!("Herald could not start: {e}");
            eprintln!("Herald could not start: {e}");
            std::process::exit(1);
        }
    };
    let mut context = tauri::generate_context!("tauri.conf.json");
    allow_demo_images(&mut context.config_mut().app.security.csp, booted.demo);

    let builder = specta_builder();
    let app = tauri::Builder::default()
        // First: a second launch hands over to the running Herald before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| window::open(app, None)))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_autostart::Builder::new().arg(window::IN_TRAY_ARG).build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            tracing::debug!(ms = started.elapsed().as_millis() as u64, "setup");
            builder.mount_events(app);
            let herald = booted.herald.clone();
            let herald_for_shell = herald.clone();
            events::forward(app.handle().clone(), &herald);
            spawn_health_checks(herald.clone());
            spawn_scheduler(herald.clone());
            if let Some(recovery) = &booted.recovery {
                tracing::warn!(backup = %recovery.backup_path.display(), "the database was set aside: {}", recovery.detail);
            }
            let vault = herald.vault().clone();
            let probe = tauri::async_runtime::spawn(async move { vault.health().await });
            let state = AppState {
                herald,
                demo: booted.demo,
                forced: booted.forced,
                env,
                recovery: booted.recovery.clone(),
                started,
                keyring_probe: std::sync::Mutex::new(Some(probe)),
            };
            app.manage(booted);
            app.manage(state);
            app.manage(window::PendingReconnect::default());
            tray::install(app.handle(), &herald_for_shell)?;
            notify::install(app.handle());
            if !window::starts_in_tray(std::env::args()) {
                window::create(app.handle())?;
            }
            tracing::info!(ms = started.elapsed().as_millis() as u64, "core ready");
            Ok(())
        })
        .build(context);
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!("Herald could not start: {e}");
            eprintln!("Herald could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| match event {
        // The last window closed: Herald stays in the tray. Quit (`exit`) and restarts carry a code.
        tauri::RunEvent::ExitRequested { code: None, api, .. } => api.prevent_exit(),
        tauri::RunEvent::WindowEvent { label, event: tauri::WindowEvent::Destroyed, .. } if label == window::MAIN => {
            window::closed(handle)
        }
        tauri::RunEvent::Exit => {
            let state = handle.state::<AppState>();
            tauri::async_runtime::block_on(state.herald.shutdown());
        }
        _ => {}
    });
}

/// The image source only a demo window may load from: the sandbox on loopback.
pub(crate) const DEMO_IMAGE_SOURCE: &str = "http://127.0.0.1:*";

/// The shipped CSP loads images only from the app and the networks' CDNs over https; the demo
/// adds its sandbox on loopback, and only the demo.
pub(crate) fn allow_demo_images(csp: &mut Option<tauri::utils::config::Csp>, demo: bool) {
    use tauri::utils::config::Csp;
    if !demo {
        return;
    }
    match csp {
        Some(Csp::DirectiveMap(directives)) => {
            directives.entry("img-src".to_owned()).or_default().push(DEMO_IMAGE_SOURCE)
        }
        Some(Csp::Policy(policy)) => {
            *policy = policy.replacen("img-src ", &format!("img-src {DEMO_IMAGE_SOURCE} "), 1);
        }
        None => {}
    }
}

/// The scheduler: publishes due posts, reconciles what an earlier run left unconfirmed, holds
/// posts missed while Herald was not running.
fn spawn_scheduler(herald: Arc<Herald>) {
    tauri::async_runtime::spawn(async move {
        if let Err(e) = herald.start_scheduler().await {
            tracing::error!("the scheduler could not start: {e}");
        }
    });
}

/// Connection health lives in the core: one task that sleeps until a renewal, a warning or a
/// check is due (see `herald_core::health`). It must start inside Tauri's runtime.
fn spawn_health_checks(herald: Arc<Herald>) {
    tauri::async_runtime::spawn(async move {
        herald.start_health();
    });
}

#[cfg(test)]
mod tests {
    /// The committed bindings must equal what the Rust types generate. Run with
    /// `UPDATE_BINDINGS=1` to rewrite them after changing a command or type.
    #[test]
    fn typescript_bindings_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/ipc/bindings.ts");
        let fresh = super::typescript_bindings().unwrap_or_else(|e| panic!("export failed: {e}"));
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/ipc/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p herald typescript_bindings` and commit it"
        );
    }
}
