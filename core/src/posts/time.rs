//! Schedules are UTC instants plus the IANA zone they were chosen in, so a DST change never
//! shifts a post: the instant of "09:00 in Europe/Rome" is computed for each date.

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// The zone named by an IANA name (`Europe/Rome`).
pub fn zone(name: &str) -> Result<Tz> {
    name.parse::<Tz>()
        .map_err(|_| Error::InvalidInput(format!("unknown time zone {:?}", crate::net::bounded_text(name, 64))))
}

/// The instant of `time` on `date` in `zone`. A time skipped by a spring-forward change is
/// moved forward by the gap (02:30 on the change night is 03:30); a time that happens twice
/// in autumn is its first occurrence.
pub fn instant(date: NaiveDate, time: NaiveTime, zone: Tz) -> DateTime<Utc> {
    let local = date.and_time(time);
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // In the gap: the same wall-clock time an hour later is after the change.
            let later = local + chrono::Duration::hours(1);
            match zone.from_local_datetime(&later) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
                LocalResult::None => Utc.from_utc_datetime(&local),
            }
        }
    }
}

/// The instants of a daily post at `time` in `zone` for `days` days from `first`.
pub fn daily(first: NaiveDate, time: NaiveTime, zone: Tz, days: u32) -> Vec<DateTime<Utc>> {
    (0..days)
        .filter_map(|d| first.checked_add_days(Days::new(u64::from(d))))
        .map(|date| instant(date, time, zone))
        .collect()
}
