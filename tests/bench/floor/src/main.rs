//! A bare Tauri window: the floor Herald's start-up time and memory are compared against.

use std::time::Instant;

#[tauri::command]
fn ready(started: tauri::State<'_, Instant>) {
    println!("HERALD_READY {}", started.elapsed().as_millis());
}

fn main() {
    let started = Instant::now();
    let app = tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("floor app failed: {e}");
        std::process::exit(1);
    }
}
