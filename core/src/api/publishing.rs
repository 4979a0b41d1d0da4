//! The scheduler on the wire: its status, quotas, reconciliation and missed posts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::networks::NetworkId;

/// How much of a network's publishing quota one account has used in the current window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct QuotaUse {
    pub account_id: String,
    pub network: NetworkId,
    pub used: u32,
    pub limit: u32,
    /// The window's length in seconds (Instagram: 86,400; X: 900; Google: 60).
    pub window_secs: u32,
    /// When the oldest counted publish leaves the window (`None`: nothing counted).
    pub frees_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PublishingStatus {
    pub paused: bool,
    /// When the scheduler next has something to do (a due post, a retry, a quota freeing up).
    pub next_due: Option<DateTime<Utc>>,
    /// One entry per connected account of a network with a known quota.
    pub quotas: Vec<QuotaUse>,
}

/// What one reconciliation run did: `checked` unconfirmed attempts looked up, `found` on the
/// network (now published), `still_unconfirmed` left for the user to decide.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileReport {
    pub checked: u32,
    pub found: u32,
    pub still_unconfirmed: u32,
}

/// An attempt that was due while Herald was not running, later than the grace period: held
/// until the user decides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MissedPost {
    pub attempt_id: String,
    pub post_id: String,
    pub account_id: String,
    pub network: NetworkId,
    pub due_at: DateTime<Utc>,
    pub zone: Option<String>,
    /// The post's text (or the target's variant), at most 120 characters.
    pub excerpt: String,
}

/// What to do with missed posts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MissedAction {
    /// Publish now.
    PublishNow,
    /// Publish at `at` instead (must be in the future).
    Reschedule { at: DateTime<Utc> },
    /// Do not publish: the attempt is withdrawn and the post is a draft again when nothing else
    /// of it is scheduled.
    KeepAsDraft,
}
