//! The calendar and the archive, and every change a user makes to a scheduled post: unschedule,
//! move (calendar drag), delete, retry ("publish again" for an unconfirmed one) and keep as
//! draft. Each change is one transaction and is announced with [`crate::CoreEvent::PostsChanged`].

use chrono::{DateTime, Utc};

use super::{check_id, time, PAST_TOLERANCE};
use crate::api::{ArchiveFilter, ArchivePage, CalendarEntry, Post};
use crate::error::{Error, Result};
use crate::store::posts::{Change, Refused};
use crate::Herald;

/// Longest range one calendar query covers (a bit more than six weeks: a month view).
const MAX_CALENDAR_RANGE: chrono::Duration = chrono::Duration::days(62);
const DEFAULT_ARCHIVE_PAGE: u32 = 50;
const MAX_ARCHIVE_PAGE: u32 = 200;

fn refused<T>(change: Change<T>, what: &str) -> Result<T> {
    change.map_err(|refused| match refused {
        Refused::NotFound => Error::NotFound(what.to_owned()),
        Refused::State(why) => Error::PostState(why),
        Refused::ConfirmRequired => Error::ConfirmRequired,
    })
}

impl Herald {
    /// Every post between `from` and `to`: one entry per target (its latest attempt for a
    /// scheduled post; drafts with a time included).
    pub async fn posts_calendar(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<CalendarEntry>> {
        if to <= from || to - from > MAX_CALENDAR_RANGE {
            return Err(Error::InvalidInput("the calendar range must be positive and at most 62 days".into()));
        }
        self.store().calendar(from, to).await
    }

    /// Attempts newest first, filtered, one page at a time.
    pub async fn posts_archive(&self, filter: &ArchiveFilter) -> Result<ArchivePage> {
        if let Some(account) = &filter.account_id {
            check_id("the account", account)?;
        }
        if filter.before.as_ref().is_some_and(|c| c.len() > 64) {
            return Err(Error::InvalidInput("the archive position is not valid".into()));
        }
        let limit = filter.limit.unwrap_or(DEFAULT_ARCHIVE_PAGE).clamp(1, MAX_ARCHIVE_PAGE);
        let (entries, next) = self.store().archive(filter, limit).await?;
        Ok(ArchivePage { entries, next })
    }

    /// Back to draft; only attempts not yet started are withdrawn.
    pub async fn posts_unschedule(&self, id: &str) -> Result<Post> {
        check_id("the post", id)?;
        refused(self.store().unschedule(id, Utc::now()).await?, "The post")?;
        self.posts_changed();
        self.posts_get(id).await
    }

    /// Move the post to `at` (chosen in `zone`): the post and its attempts not yet started.
    /// A time in the past is refused.
    pub async fn posts_reschedule(&self, id: &str, at: DateTime<Utc>, zone: &str) -> Result<Post> {
        check_id("the post", id)?;
        if zone.len() > 64 {
            return Err(Error::InvalidInput("the time zone name is too long".into()));
        }
        time::zone(zone)?;
        let now = Utc::now();
        if at < now - PAST_TOLERANCE {
            return Err(Error::ScheduleInPast);
        }
        refused(self.store().reschedule(id, at, zone, now).await?, "The post")?;
        self.posts_changed();
        self.posts_get(id).await
    }

    /// Delete a post, its targets, images and attempts (refused while it is publishing).
    pub async fn posts_delete(&self, id: &str) -> Result<()> {
        check_id("the post", id)?;
        refused(self.store().delete_post(id).await?, "The post")?;
        self.media_changed().await;
        self.posts_changed();
        Ok(())
    }

    /// A new attempt for a failed one's target, due now. An unconfirmed attempt may have been
    /// published: it is retried only with `confirm` ("publish again").
    pub async fn posts_retry(&self, attempt_id: &str, confirm: bool) -> Result<Post> {
        check_id("the attempt", attempt_id)?;
        let post_id = refused(self.store().retry(attempt_id, confirm, Utc::now()).await?, "The attempt")?;
        self.posts_changed();
        self.posts_get(&post_id).await
    }

    /// The permalink of a published attempt, to open in the system browser: only one the
    /// network gave (stored with the attempt) and only on the network's own https site.
    pub async fn posts_permalink_to_open(&self, attempt_id: &str) -> Result<String> {
        check_id("the attempt", attempt_id)?;
        let attempt =
            self.store().attempt(attempt_id).await?.ok_or_else(|| Error::NotFound("The publication".into()))?;
        match attempt.permalink {
            Some(link) if super::validate::is_permalink(&link) => Ok(link),
            Some(_) => Err(Error::InvalidInput("this link does not lead to the network's own site".into())),
            None => Err(Error::NotFound("The link to this post".into())),
        }
    }

    /// A failed or unconfirmed attempt's post goes back to being a draft, text kept.
    pub async fn posts_keep_as_draft(&self, attempt_id: &str) -> Result<Post> {
        check_id("the attempt", attempt_id)?;
        let post_id = refused(self.store().keep_as_draft(attempt_id, Utc::now()).await?, "The attempt")?;
        self.posts_changed();
        self.posts_get(&post_id).await
    }
}
