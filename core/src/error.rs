//! One error type for the core. Every variant maps to a typed [`ErrorCode`] that crosses the IPC
//! boundary; messages are written for the user and never contain a secret.

use crate::api::ErrorCode;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("The system keyring is unavailable ({0}). Herald keeps sign-ins only there, so it cannot connect accounts until the keyring works.")]
    KeyringUnavailable(String),
    #[error("No client ID is configured for {0}. Add it in Settings.")]
    CredentialsMissing(&'static str),
    #[error("{0} arrives in a later version of Herald.")]
    NetworkNotSupported(&'static str),
    #[error("This sign-in is no longer in progress.")]
    FlowNotFound,
    #[error("The sign-in was cancelled.")]
    FlowCancelled,
    #[error("The sign-in timed out: no answer came from the browser within {0} seconds.")]
    FlowTimedOut(u64),
    #[error("The browser's answer did not belong to this sign-in (state mismatch). Nothing was connected.")]
    StateMismatch,
    #[error("The browser's answer came from an unexpected sign-in server (issuer mismatch). Nothing was connected.")]
    IssuerMismatch,
    #[error("Access was declined in the browser ({0}). Nothing was connected.")]
    ConsentDenied(String),
    #[error("{network} refused the sign-in: {detail}")]
    TokenExchange { network: &'static str, detail: String },
    #[error("Could not talk to {network}: {detail}")]
    Network { network: &'static str, detail: String },
    #[error("{network} rejected the request: {detail}")]
    Rejected { network: &'static str, detail: String, auth: bool },
    #[error("This sign-in belongs to a different account than the one being reconnected. Sign in as the account that owns \"{0}\".")]
    DifferentAccount(String),
    #[error("Port {0} on this computer is already in use by another program, so the sign-in cannot come back to Herald. Close that program or choose another port in Settings (and register the new address with the network).")]
    PortBusy(u16),
    #[error("{0} needs the address of your relay page. Add it in Settings.")]
    RelayMissing(&'static str),
    #[error("{0} no longer accepts new links. Accounts linked earlier keep working until you disconnect them.")]
    NetworkDeprecated(&'static str),
    #[error("Invalid input: {0}")]
    InvalidInput(String),
    #[error("{0} was not found.")]
    NotFound(String),
    #[error("Storage error: {0}")]
    Storage(#[from] sqlx::Error),
    #[error("The database could not be upgraded: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A file operation on the data directory failed (creating it, setting a damaged database aside).
    #[error("Storage error: {0}")]
    StorageFile(String),
    #[error("{0}")]
    Internal(String),
    #[error("The chosen time is in the past. Choose a time from now on.")]
    ScheduleInPast,
    #[error("The last attempt may have been published already. Check the account, then confirm to publish again.")]
    ConfirmRequired,
    #[error("{0}")]
    PostState(String),
    #[error("Nothing was created: {0}")]
    BatchInvalid(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::KeyringUnavailable(_) => ErrorCode::KeyringUnavailable,
            Error::CredentialsMissing(_) => ErrorCode::CredentialsMissing,
            Error::NetworkNotSupported(_) => ErrorCode::NetworkNotSupported,
            Error::FlowNotFound => ErrorCode::FlowNotFound,
            Error::FlowCancelled => ErrorCode::FlowCancelled,
            Error::FlowTimedOut(_) => ErrorCode::FlowTimedOut,
            Error::StateMismatch | Error::IssuerMismatch => ErrorCode::StateMismatch,
            Error::ConsentDenied(_) => ErrorCode::ConsentDenied,
            Error::TokenExchange { .. } => ErrorCode::TokenExchangeFailed,
            Error::Network { .. } => ErrorCode::NetworkError,
            Error::Rejected { .. } => ErrorCode::NetworkRejected,
            Error::DifferentAccount(_) => ErrorCode::DifferentAccount,
            Error::PortBusy(_) => ErrorCode::PortBusy,
            Error::RelayMissing(_) => ErrorCode::RelayMissing,
            Error::NetworkDeprecated(_) => ErrorCode::NetworkDeprecated,
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Storage(_) | Error::Migrate(_) | Error::StorageFile(_) => ErrorCode::Storage,
            Error::Internal(_) => ErrorCode::Internal,
            Error::ScheduleInPast => ErrorCode::ScheduleInPast,
            Error::ConfirmRequired => ErrorCode::ConfirmRequired,
            Error::PostState(_) => ErrorCode::PostStateConflict,
            Error::BatchInvalid(_) => ErrorCode::BatchInvalid,
        }
    }

    /// What crosses the IPC boundary.
    pub fn to_ipc(&self) -> crate::api::IpcError {
        crate::api::IpcError { code: self.code(), message: self.to_string() }
    }
}
