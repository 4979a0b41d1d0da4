//! DST: a daily 09:00 Europe/Rome post is at 09:00 local on both sides of both changes.
#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, NaiveTime, Timelike};
use herald_core::posts::time::{daily, instant, zone};

#[test]
fn a_daily_0900_rome_post_stays_at_0900_across_both_dst_changes() {
    let rome = zone("Europe/Rome").unwrap();
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
    // 2026: summer time starts 29 March, ends 25 October.
    let spring = daily(NaiveDate::from_ymd_opt(2026, 3, 27).unwrap(), nine, rome, 4);
    let autumn = daily(NaiveDate::from_ymd_opt(2026, 10, 23).unwrap(), nine, rome, 4);
    let utc_hours = |v: &[chrono::DateTime<chrono::Utc>]| v.iter().map(|t| t.hour()).collect::<Vec<_>>();
    assert_eq!(utc_hours(&spring), vec![8, 8, 7, 7]);
    assert_eq!(utc_hours(&autumn), vec![7, 7, 8, 8]);
    for t in spring.iter().chain(&autumn) {
        assert_eq!(t.with_timezone(&rome).time(), nine, "{t}");
    }
    assert!(spring.windows(2).all(|w| w[1] > w[0]));
}

#[test]
fn skipped_and_repeated_local_times_are_resolved() {
    let rome = zone("Europe/Rome").unwrap();
    let gap = instant(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(), NaiveTime::from_hms_opt(2, 30, 0).unwrap(), rome);
    assert_eq!(gap.with_timezone(&rome).time(), NaiveTime::from_hms_opt(3, 30, 0).unwrap());
    let twice =
        instant(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(), NaiveTime::from_hms_opt(2, 30, 0).unwrap(), rome);
    assert_eq!(twice.hour(), 0, "the first 02:30 (summer time, UTC+2)");
    assert!(zone("Mars/Olympus").is_err());
}
