//! Transport types: what the shell sends to the UI. The TypeScript bindings are generated from
//! these (specta), so this module is the single source of the IPC wire format.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

pub use crate::networks::{NetworkAvailability, NetworkId, RedirectMode};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    KeyringUnavailable,
    CredentialsMissing,
    NetworkNotSupported,
    FlowNotFound,
    FlowCancelled,
    FlowTimedOut,
    StateMismatch,
    ConsentDenied,
    TokenExchangeFailed,
    NetworkError,
    NetworkRejected,
    DifferentAccount,
    PortBusy,
    RelayMissing,
    NetworkDeprecated,
    InvalidInput,
    NotFound,
    Storage,
    Internal,
    /// The chosen time is in the past.
    ScheduleInPast,
    /// Publishing again may post twice (the last attempt may have been published): ask first.
    ConfirmRequired,
    /// The post or attempt is not in a state that allows this (e.g. it is publishing now).
    PostStateConflict,
    /// One of several posts cannot be scheduled, so none was created.
    BatchInvalid,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInfo {
    pub id: NetworkId,
    pub name: String,
    pub availability: NetworkAvailability,
    pub credentials_configured: bool,
    pub client_secret_required: bool,
    /// The ways this network's sign-in can come back to Herald (empty: it cannot be connected).
    pub redirect_modes: Vec<RedirectMode>,
    /// Disconnecting revokes Herald's access at the network (else only the local sign-in goes).
    pub revocable: bool,
}

/// How one network's sign-ins come back to Herald.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectSetup {
    pub network: NetworkId,
    pub mode: RedirectMode,
    pub allowed_modes: Vec<RedirectMode>,
    /// The loopback port of [`RedirectMode::FixedPort`].
    pub port: u16,
    /// The relay page's address, for [`RedirectMode::Relay`].
    pub relay_url: Option<String>,
    /// What the user registers with the network as the redirect (callback) URL; `None` when
    /// nothing needs registering (loopback on any port) or the relay address is missing.
    pub redirect_to_register: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Page,
    Organization,
    Location,
    Profile,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Organization => "organization",
            Self::Location => "location",
            Self::Profile => "profile",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Page, Self::Organization, Self::Location, Self::Profile].into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Connected,
    NeedsReconnect,
    Disconnected,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::NeedsReconnect => "needs_reconnect",
            Self::Disconnected => "disconnected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Connected, Self::NeedsReconnect, Self::Disconnected].into_iter().find(|k| k.as_str() == s)
    }
}

/// One connected page / organization / location / profile: one card in the grid.
#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: String,
    pub network: NetworkId,
    pub external_id: String,
    pub kind: AccountKind,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub status: AccountStatus,
    pub connected_at: DateTime<Utc>,
    pub token_expires_at: Option<DateTime<Utc>>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Permissions Herald needs to publish that were not granted at sign-in (network scope
    /// names); non-empty means the account needs a reconnect.
    pub missing_permissions: Vec<String>,
    /// Why the account has its status (or why its last check failed), for the UI to word in the
    /// user's language; `last_error` holds only the technical detail.
    pub status_reason: Option<StatusReason>,
    /// When the account's status last changed (shown with the reason: "since 12 Nov").
    pub status_since: Option<DateTime<Utc>>,
    /// Google: the `accounts/{id}` the location belongs to (needed to publish); never sent to the UI.
    #[serde(skip)]
    pub parent_id: Option<String>,
}

/// Why an account needs attention. Stored as its snake_case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum StatusReason {
    /// The sign-in is gone from the system keyring (cleared by the user or another program).
    KeyringEntryMissing,
    /// The sign-in expired (or is about to) and the network offers no way to renew it.
    ExpiredCannotRenew,
    /// The network refused the sign-in (revoked, expired, password changed...).
    SignInRejected,
    /// The last check could not reach the network or got a passing error; nothing changed.
    CheckFailed,
    /// A permission Herald needs to publish was not granted at sign-in.
    PermissionMissing,
    /// Imported from another computer: the sign-in itself never travels, so reconnect.
    Imported,
}

impl StatusReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeyringEntryMissing => "keyring_entry_missing",
            Self::ExpiredCannotRenew => "expired_cannot_renew",
            Self::SignInRejected => "sign_in_rejected",
            Self::CheckFailed => "check_failed",
            Self::PermissionMissing => "permission_missing",
            Self::Imported => "imported",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::KeyringEntryMissing,
            Self::ExpiredCannotRenew,
            Self::SignInRejected,
            Self::CheckFailed,
            Self::PermissionMissing,
            Self::Imported,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// A sign-in in progress: the browser has been (or is about to be) sent to `authorize_url`.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectFlow {
    pub flow_id: String,
    pub network: NetworkId,
    pub authorize_url: String,
    pub expires_at: DateTime<Utc>,
    pub reconnect_account_id: Option<String>,
}

/// Something the user may connect after consenting (a page, a location...).
#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub external_id: String,
    pub kind: AccountKind,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub already_connected: bool,
    /// The resource a Google location belongs to (`accounts/{id}`), kept at connect for
    /// publishing; never sent to the UI.
    #[serde(skip)]
    pub parent_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RevokeOutcome {
    Revoked,
    Failed,
    NotSupported,
    KeptForOtherAccounts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DisconnectOutcome {
    pub revoke: RevokeOutcome,
    pub detail: Option<String>,
}

#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyringStatus {
    pub available: bool,
    pub detail: Option<String>,
}

#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub demo: bool,
    /// Set when the database was found damaged or from a newer Herald and was set aside.
    pub recovery: Option<crate::store::Recovery>,
    pub keyring: KeyringStatus,
    pub locale: Option<String>,
    pub data_dir: String,
    pub version: String,
}

#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    pub network: NetworkId,
    pub client_id: String,
    pub has_secret: bool,
}

/// Where an export was written.
#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    pub path: String,
}

/// What [`crate::Herald::connect_check`] found wrong with a network's set-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CheckProblem {
    /// The network does not know the client id (app id).
    ClientIdRejected,
    /// The network refused the redirect (callback) address: it is not the one registered.
    RedirectRejected,
    /// The network sent the browser back with an error (e.g. `invalid_scope`, `unauthorized_client`).
    ErrorRedirect,
    /// The network refused the sign-in request for another reason (its page names it).
    RequestRejected,
}

/// The result of checking a network's sign-in set-up against its authorize endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectCheck {
    pub network: NetworkId,
    /// The authorize endpoint answered with a sign-in or consent page (or a redirect to one).
    pub ok: bool,
    pub problem: Option<CheckProblem>,
    /// The HTTP status the authorize endpoint answered with.
    pub status: u16,
    /// The network's own error code, when it sent one (bounded, cleaned text).
    pub detail: Option<String>,
}

mod health;
mod media;
mod media_host;
mod posts;
mod publishing;
pub use health::*;
pub use media::*;
pub use media_host::*;
pub use posts::*;
pub use publishing::*;
