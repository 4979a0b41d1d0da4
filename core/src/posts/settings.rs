//! The posts settings: the business's time zone (default: the operating system's) and the
//! grace period within which posts missed while Herald was not running publish by themselves.

use crate::api::PostsSettings;
use crate::error::{Error, Result};
use crate::Herald;

/// Settings key of the business's IANA time zone (unset: the OS zone).
pub const ZONE_SETTING: &str = "posts.zone";
/// Settings key of the grace period, in minutes (read by the scheduler's catch-up).
pub const GRACE_SETTING: &str = "posts.grace_minutes";
pub const DEFAULT_GRACE_MINUTES: u32 = 15;
/// Longest grace period (a week).
pub const MAX_GRACE_MINUTES: u32 = 7 * 24 * 60;

/// The operating system's IANA zone, or `UTC` when it cannot be read or chrono-tz does not know it.
pub fn os_zone() -> String {
    iana_time_zone::get_timezone().ok().filter(|z| super::time::zone(z).is_ok()).unwrap_or_else(|| "UTC".to_owned())
}

impl Herald {
    pub async fn posts_settings(&self) -> Result<PostsSettings> {
        let os_zone = os_zone();
        let zone = self
            .store()
            .setting(ZONE_SETTING)
            .await?
            .filter(|z| super::time::zone(z).is_ok())
            .unwrap_or_else(|| os_zone.clone());
        let grace_minutes = self
            .store()
            .setting(GRACE_SETTING)
            .await?
            .and_then(|g| g.parse::<u32>().ok())
            .map_or(DEFAULT_GRACE_MINUTES, |g| g.min(MAX_GRACE_MINUTES));
        Ok(PostsSettings { zone, grace_minutes, os_zone })
    }

    /// Save the zone (an IANA name chrono-tz knows) and the grace period (at most a week).
    pub async fn posts_settings_save(&self, settings: &PostsSettings) -> Result<PostsSettings> {
        if settings.zone.len() > 64 {
            return Err(Error::InvalidInput("the time zone name is too long".into()));
        }
        super::time::zone(&settings.zone)?;
        if settings.grace_minutes > MAX_GRACE_MINUTES {
            return Err(Error::InvalidInput(format!("the grace period is at most {MAX_GRACE_MINUTES} minutes")));
        }
        self.store().set_setting(ZONE_SETTING, Some(&settings.zone)).await?;
        self.store().set_setting(GRACE_SETTING, Some(&settings.grace_minutes.to_string())).await?;
        self.posts_changed();
        self.posts_settings().await
    }

    /// The business's time zone.
    pub async fn business_zone(&self) -> Result<chrono_tz::Tz> {
        super::time::zone(&self.posts_settings().await?.zone)
    }
}
