//! Posts on the wire: drafts, per-target checks, attempts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::networks::NetworkId;

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
    /// Waiting: the account used up the network's publishing quota; it goes at `retry_at`.
    QuotaWait,
    /// Waiting for the user: it was due while Herald was not running, later than the grace
    /// period (publish now, reschedule or keep as draft).
    Missed,
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
            Self::QuotaWait => "quota_wait",
            Self::Missed => "missed",
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
            Self::QuotaWait,
            Self::Missed,
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
