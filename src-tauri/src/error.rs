//! Errors crossing the IPC boundary: `{code, message}` with a typed code the UI switches on.

pub use herald_core::api::IpcError;

pub type CmdResult<T> = Result<T, IpcError>;

pub trait IntoIpc<T> {
    fn ipc(self) -> CmdResult<T>;
}

impl<T> IntoIpc<T> for herald_core::Result<T> {
    fn ipc(self) -> CmdResult<T> {
        self.map_err(|e| {
            tracing::debug!(code = ?e.code(), "command failed: {e}");
            e.to_ipc()
        })
    }
}
