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

/// One target of a post as the composer sends it: an account and, optionally, the text to use
/// there instead of the post's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TargetInput {
    pub account_id: String,
    pub variant: Option<String>,
}

/// What the composer autosaves (on every keystroke): `id` is `None` for a new post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DraftInput {
    pub id: Option<String>,
    pub text: String,
    pub link: Option<String>,
    pub targets: Vec<TargetInput>,
    /// When to publish (a UTC instant) and the IANA zone it was chosen in.
    pub scheduled_at: Option<DateTime<Utc>>,
    pub zone: Option<String>,
}

/// Why a post cannot be scheduled for a target; the UI words it from the code and numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// Nothing to publish.
    TextEmpty,
    /// Longer than the network takes (`limit`, `count` in the network's own counting).
    TextTooLong,
    /// The network publishes only posts with an image or video (Instagram).
    MediaRequired,
    /// More hashtags than the network takes (`limit`, `count`).
    TooManyHashtags,
    /// The link is not an http(s) address.
    LinkInvalid,
    /// The account is not (or no longer) connected to Herald.
    AccountNotFound,
    /// Herald cannot publish to this network in this version.
    NetworkCannotPublish,
    /// The post has no target.
    NoTargets,
    /// No time was chosen.
    ScheduleMissing,
    /// The chosen time is in the past.
    ScheduleInPast,
    /// The time zone is not an IANA name Herald knows.
    ZoneUnknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PostProblem {
    pub code: ProblemCode,
    pub limit: Option<u32>,
    pub count: Option<u32>,
}

/// The composer's live check of one target: its counter and what stops it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TargetCheck {
    pub account_id: String,
    pub network: Option<NetworkId>,
    /// The length as the network counts it (X: weighted characters).
    pub length: u32,
    pub limit: Option<u32>,
    pub problems: Vec<PostProblem>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PostState {
    Draft,
    Scheduled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AttemptState {
    Scheduled,
    Publishing,
    Published,
    Failed,
    Unconfirmed,
}

impl AttemptState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Publishing => "publishing",
            Self::Published => "published",
            Self::Failed => "failed",
            Self::Unconfirmed => "unconfirmed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Scheduled, Self::Publishing, Self::Published, Self::Failed, Self::Unconfirmed]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Why an attempt is waiting, failed or unconfirmed. Stored as its snake_case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AttemptReason {
    /// Waiting: the account needs a reconnect before Herald can publish.
    NeedsReconnect,
    /// Failed: the network refused the post itself (duplicate, too long, not allowed...).
    ContentRejected,
    /// Failed: the network no longer accepts the account's sign-in.
    SignInRejected,
    /// Failed, retryable: the network's rate limit (see `retry_at`).
    RateLimited,
    /// Failed, retryable: the network could not be reached; nothing was sent.
    NetworkUnavailable,
    /// Unconfirmed: the network did not answer in time; it may have published.
    TimedOut,
    /// Unconfirmed: the network answered with a server error; it may have published.
    ServerError,
    /// Unconfirmed: Herald stopped while the network call was under way.
    Interrupted,
    /// Failed: the network publishes only posts with an image (Instagram).
    NeedsImage,
    /// Failed: the account was disconnected from Herald.
    AccountGone,
    /// Failed: Herald cannot publish to this network in this version.
    NotSupported,
}

impl AttemptReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NeedsReconnect => "needs_reconnect",
            Self::ContentRejected => "content_rejected",
            Self::SignInRejected => "sign_in_rejected",
            Self::RateLimited => "rate_limited",
            Self::NetworkUnavailable => "network_unavailable",
            Self::TimedOut => "timed_out",
            Self::ServerError => "server_error",
            Self::Interrupted => "interrupted",
            Self::NeedsImage => "needs_image",
            Self::AccountGone => "account_gone",
            Self::NotSupported => "not_supported",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::NeedsReconnect,
            Self::ContentRejected,
            Self::SignInRejected,
            Self::RateLimited,
            Self::NetworkUnavailable,
            Self::TimedOut,
            Self::ServerError,
            Self::Interrupted,
            Self::NeedsImage,
            Self::AccountGone,
            Self::NotSupported,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// One recorded attempt to publish a post to one account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub id: String,
    pub post_id: String,
    pub account_id: String,
    pub network: NetworkId,
    pub due_at: DateTime<Utc>,
    pub state: AttemptState,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub network_post_id: Option<String>,
    pub permalink: Option<String>,
    pub reason: Option<AttemptReason>,
    pub retryable: bool,
    pub retry_at: Option<DateTime<Utc>>,
    /// The network's own words, bounded and cleaned (never Herald's sentences).
    pub detail: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PostTarget {
    pub account_id: String,
    pub variant: Option<String>,
    /// Why the post cannot be scheduled for this account (empty: it can, or it was not checked).
    pub problems: Vec<PostProblem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Post {
    pub id: String,
    pub text: String,
    pub link: Option<String>,
    pub state: PostState,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub zone: Option<String>,
    pub targets: Vec<PostTarget>,
    pub attempts: Vec<Attempt>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
