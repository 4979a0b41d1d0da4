//! Connection health's wire types.

use serde::{Deserialize, Serialize};
use specta::Type;

/// What a desktop notification about an account says. Stored (as its snake_case name) once it
/// was sent, so each is sent once per threshold per account, not at every start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The sign-in expires within 20 days and Herald cannot renew it by itself.
    Expires20Days,
    /// The sign-in expires within 7 days.
    Expires7Days,
    /// The sign-in expires within a day.
    Expires1Day,
    /// The account needs a reconnect (or was disconnected by the network).
    NeedsReconnect,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expires20Days => "expires_20_days",
            Self::Expires7Days => "expires_7_days",
            Self::Expires1Day => "expires_1_day",
            Self::NeedsReconnect => "needs_reconnect",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Expires20Days, Self::Expires7Days, Self::Expires1Day, Self::NeedsReconnect]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The expiry warnings, earliest first, with how long before the expiry each is due.
    pub fn expiry_warnings() -> [(Self, chrono::Duration); 3] {
        [
            (Self::Expires20Days, chrono::Duration::days(20)),
            (Self::Expires7Days, chrono::Duration::days(7)),
            (Self::Expires1Day, chrono::Duration::days(1)),
        ]
    }
}
