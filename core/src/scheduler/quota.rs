//! Publishing quotas Herald knows from the networks' documentation
//! (`shared/reference/networks.md`), counted locally from the attempts Herald started: an
//! attempt that would exceed one waits (`quota_wait`) until the oldest counted publish leaves
//! the window, instead of calling and being refused.

use chrono::{DateTime, Duration, Utc};

use crate::api::AccountKind;
use crate::networks::NetworkId;

/// At most `limit` publishes per account in any window of `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub window: Duration,
}

/// The quota of one account of `network`, when the network documents one.
/// - Instagram: 100 API posts per rolling 24 h.
/// - X: 100 posts per 15 minutes per user.
/// - Google Business Profile: 10 edits per minute per profile.
/// - LinkedIn: ~150 posts per day per member.
/// - WeChat: a subscription account 1 broadcast per day; a service account (Herald lists it as
///   an organization) 4 per month (counted as 30 days).
pub fn quota_for(network: NetworkId, kind: AccountKind) -> Option<Quota> {
    let q = |limit, window| Some(Quota { limit, window });
    match network {
        NetworkId::Instagram => q(100, Duration::hours(24)),
        NetworkId::X => q(100, Duration::minutes(15)),
        NetworkId::GoogleBusiness => q(10, Duration::minutes(1)),
        NetworkId::Linkedin => q(150, Duration::hours(24)),
        NetworkId::Wechat if kind == AccountKind::Organization => q(4, Duration::days(30)),
        NetworkId::Wechat => q(1, Duration::hours(24)),
        NetworkId::Facebook | NetworkId::Tiktok => None,
    }
}

/// Given the starts of the account's publishes within the window before `now` (oldest first),
/// when may one more go? `None`: now.
pub fn wait_until(quota: Quota, starts: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let inside: Vec<&DateTime<Utc>> = starts.iter().filter(|t| **t > now - quota.window).collect();
    let limit = usize::try_from(quota.limit).unwrap_or(usize::MAX);
    if inside.len() < limit {
        return None;
    }
    // The (len - limit + 1)-th oldest must leave the window before one more fits.
    inside.get(inside.len() - limit).map(|oldest| **oldest + quota.window)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn waits_until_the_oldest_counted_publish_leaves_the_window() {
        let now = Utc::now();
        let quota = Quota { limit: 3, window: Duration::minutes(1) };
        let at = |s| now - Duration::seconds(s);
        assert_eq!(wait_until(quota, &[at(50), at(10)], now), None);
        assert_eq!(wait_until(quota, &[at(50), at(30), at(10)], now), Some(at(50) + Duration::minutes(1)));
        assert_eq!(wait_until(quota, &[at(90), at(30), at(10)], now), None, "one left the window");
        assert_eq!(wait_until(quota, &[at(55), at(50), at(30), at(10)], now), Some(at(50) + Duration::minutes(1)));
    }
}
