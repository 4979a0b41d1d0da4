/// Herald's commands. Each gets an `allow-<command>` permission, and a command not granted by a
/// capability cannot be called from the web view (`capabilities/main.json` grants them; a test
/// checks the two lists against the generated bindings).
const COMMANDS: &[&str] = &[
    "app_status",
    "app_ready",
    "settings_set_locale",
    "networks_list",
    "credentials_get",
    "credentials_save",
    "settings_connect_setup_get",
    "settings_connect_setup_save",
    "settings_connect_check",
    "data_export",
    "data_import",
    "accounts_list",
    "accounts_connect_begin",
    "accounts_connect_wait",
    "accounts_connect_cancel",
    "accounts_connect_finish",
    "accounts_disconnect",
    "accounts_check",
    "accounts_check_now",
    "mode_status",
    "mode_use_live",
    "mode_use_demo",
    "publishing_status",
    "publishing_pause",
    "posts_reconcile",
    "posts_missed",
    "posts_resolve_missed",
    "posts_save_draft",
    "posts_get",
    "posts_check",
    "posts_schedule",
    "posts_unschedule",
    "posts_reschedule",
    "posts_delete",
    "posts_calendar",
    "posts_archive",
    "posts_retry",
    "posts_keep_as_draft",
    "posts_create_many",
    "posts_import_csv",
    "posts_settings_get",
    "posts_settings_save",
    "shell_take_reconnect",
    "posts_open_permalink",
    "settings_autostart_get",
    "settings_autostart_set",
    "media_pick_files",
    "media_import_files",
    "media_item",
    "media_thumbnail",
    "media_fit",
    "media_host_get",
    "media_host_save",
    "media_host_test",
    "media_host_clear",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        eprintln!("tauri build script failed: {e:#}");
        std::process::exit(1);
    }
}
