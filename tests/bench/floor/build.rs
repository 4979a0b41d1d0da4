fn main() {
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new()) {
        eprintln!("tauri build script failed: {e:#}");
        std::process::exit(1);
    }
}
