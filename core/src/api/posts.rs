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
    /// Local image files, in order (validated per network, stored with the post).
    #[serde(default)]
    pub images: Vec<String>,
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
    /// More images than the network takes (`limit`, `count`).
    TooManyImages,
    /// The image file (`image`) is missing or cannot be read as an image.
    ImageUnreadable,
    /// The network does not take this kind of image (`image`; JPEG and PNG, GIF where allowed).
    ImageTypeNotAllowed,
    /// The image file (`image`) is larger than the network takes (`limit`, `count` in bytes).
    ImageTooLarge,
    /// The image (`image`) is narrower or wider than the network takes (Instagram 4:5 to 1.91:1;
    /// `count` is its width/height ratio × 1000, `limit` the bound it crosses × 1000).
    ImageAspectRatio,
    /// Herald cannot publish images to this network in this version (text-only posts work).
    ImagesNotYetSupported,
    /// The network fetches photos by address (Instagram, Google) and no media host is set up
    /// (Settings → Media host); text-only posts work.
    MediaHostRequired,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PostProblem {
    pub code: ProblemCode,
    pub limit: Option<u32>,
    pub count: Option<u32>,
    /// The photo the problem is about (its media id).
    #[serde(default)]
    pub image: Option<String>,
    /// A fitted copy of that photo (smaller, or JPEG) would fix it: the composer offers one.
    #[serde(default)]
    pub fixable: bool,
}

impl PostProblem {
    pub fn new(code: ProblemCode) -> Self {
        Self { code, limit: None, count: None, image: None, fixable: false }
    }

    pub fn counted(code: ProblemCode, limit: u32, count: u32) -> Self {
        Self { code, limit: Some(limit), count: Some(count), image: None, fixable: false }
    }

    pub fn fixable(mut self) -> Self {
        self.fixable = true;
        self
    }

    pub fn about(mut self, image: &str) -> Self {
        self.image = Some(image.to_owned());
        self
    }
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
    /// Failed: the post has photos for a network that fetches them by address (Instagram,
    /// Google) and no media host is set up.
    MediaHostRequired,
    /// Failed, retryable: the media host could not be reached; nothing was sent to the network.
    MediaHostUnreachable,
    /// Failed: the media host refused the keys or has no such bucket (fix the setting, retry).
    MediaHostRefused,
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
            Self::MediaHostRequired => "media_host_required",
            Self::MediaHostUnreachable => "media_host_unreachable",
            Self::MediaHostRefused => "media_host_refused",
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
            Self::MediaHostRequired,
            Self::MediaHostUnreachable,
            Self::MediaHostRefused,
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
    /// What the user decided about a failed or unconfirmed attempt.
    pub resolution: Option<AttemptResolution>,
}

/// What the user decided about a failed or unconfirmed attempt (it stays in the archive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AttemptResolution {
    /// A new attempt was made ("Retry", "Publish again").
    Retried,
    /// The post went back to being a draft.
    KeptAsDraft,
}

impl AttemptResolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Retried => "retried",
            Self::KeptAsDraft => "kept_as_draft",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Retried, Self::KeptAsDraft].into_iter().find(|r| r.as_str() == s)
    }
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
    /// Local image files, in order.
    pub images: Vec<String>,
    pub attempts: Vec<Attempt>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a calendar entry shows: a draft with a time, or its target's latest attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    Draft,
    Scheduled,
    Publishing,
    Published,
    Failed,
    Unconfirmed,
}

impl From<AttemptState> for EntryState {
    fn from(s: AttemptState) -> Self {
        match s {
            AttemptState::Scheduled => Self::Scheduled,
            AttemptState::Publishing => Self::Publishing,
            AttemptState::Published => Self::Published,
            AttemptState::Failed => Self::Failed,
            AttemptState::Unconfirmed => Self::Unconfirmed,
        }
    }
}

/// One target of one post in the calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CalendarEntry {
    pub post_id: String,
    /// The target's latest attempt (`None` for a draft).
    pub attempt_id: Option<String>,
    pub account_id: String,
    /// `None` when the account is no longer connected to Herald.
    pub network: Option<NetworkId>,
    /// When it is (or was) due.
    pub at: DateTime<Utc>,
    /// The IANA zone the time was chosen in.
    pub zone: Option<String>,
    pub state: EntryState,
    /// The start of the target's text, at most 120 characters.
    pub excerpt: String,
    pub permalink: Option<String>,
    pub reason: Option<AttemptReason>,
    /// The account must be reconnected before this post can publish.
    pub needs_reconnect: bool,
    /// The post's first photo (a media id), for a thumbnail.
    pub first_image: Option<String>,
}

/// Which attempts the archive lists. `before` is the `next` cursor of the previous page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveFilter {
    pub account_id: Option<String>,
    pub network: Option<NetworkId>,
    pub state: Option<AttemptState>,
    pub before: Option<String>,
    /// Page size (default 50, at most 200).
    pub limit: Option<u32>,
}

/// One attempt in the archive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveEntry {
    pub attempt: Attempt,
    /// The account's name (`None` when it is no longer connected to Herald).
    pub account_name: Option<String>,
    /// The start of the text published there, at most 120 characters.
    pub excerpt: String,
    /// The post's first photo (a media id), for a thumbnail.
    pub first_image: Option<String>,
}

/// Newest first; `next` continues after the last entry (`None`: nothing older).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ArchivePage {
    pub entries: Vec<ArchiveEntry>,
    pub next: Option<String>,
}

/// The posts settings: the business's time zone and the catch-up grace period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PostsSettings {
    /// IANA name; the OS zone until the user chooses one.
    pub zone: String,
    /// Posts missed by less than this are published at start without asking.
    pub grace_minutes: u32,
    /// The operating system's zone (read-only; ignored when saving).
    #[serde(default)]
    pub os_zone: String,
}

/// Why a CSV row cannot be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CsvProblemCode {
    /// The first row is not the header `date,time,text,accounts,image path`.
    HeaderMissing,
    /// The row cannot be read as CSV (quotes, wrong number of fields).
    RowMalformed,
    /// The date is not `YYYY-MM-DD`.
    BadDate,
    /// The time is not `HH:MM`.
    BadTime,
    /// The time is in the past.
    InPast,
    /// No account is named, or a name matches none (`value`) or several of them.
    UnknownAccount,
    /// The post cannot be published to an account it names (`account_id`, `problems`).
    InvalidForTarget,
    /// More rows than one import takes (`value`: the limit).
    TooManyRows,
    /// The file holds no post.
    Empty,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CsvProblem {
    /// The line in the file (the header is line 1).
    pub line: u32,
    pub code: CsvProblemCode,
    /// What the row said (bounded), for the message.
    pub value: Option<String>,
    pub account_id: Option<String>,
    pub problems: Vec<PostProblem>,
}

/// All or nothing: `posts` are the scheduled posts when `problems` is empty; otherwise nothing
/// was imported and every bad row is listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CsvImport {
    pub posts: Vec<Post>,
    pub problems: Vec<CsvProblem>,
}
