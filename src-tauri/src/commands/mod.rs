//! Tauri commands, one module per domain. Each is a thin call into herald-core.

pub mod accounts;
pub mod app;
pub mod media;
pub mod media_host;
pub mod mode;
pub mod posts;
pub mod publishing;
pub mod settings;
pub mod shell;
