//! Retrying calls that surely published nothing: exponential backoff with jitter, a 429's reset
//! time honoured, a bounded number of tries.

use chrono::{DateTime, Duration, Utc};

/// How many calls an attempt gets before a transient failure becomes its final state.
pub const MAX_TRIES: i64 = 5;
/// The first retry's delay; each next one doubles, up to [`MAX_DELAY`].
const BASE_DELAY_MS: i64 = 2_000;
const MAX_DELAY_MS: i64 = 10 * 60 * 1_000;

/// When try number `tries + 1` may go, after `tries` failed ones: `base · 2^(tries-1)`, with
/// "equal jitter" (half fixed, half random) so many attempts failing together do not come back
/// together; never before the network's own reset time (`reset`, from a 429's headers).
pub fn next_try(tries: i64, reset: Option<DateTime<Utc>>, now: DateTime<Utc>, random: u64) -> DateTime<Utc> {
    let exp = u32::try_from(tries.clamp(1, 20) - 1).unwrap_or(0);
    let delay = BASE_DELAY_MS.saturating_mul(1_i64 << exp).min(MAX_DELAY_MS);
    let half = delay / 2;
    let jitter = i64::try_from(random % u64::try_from(half.max(1)).unwrap_or(1)).unwrap_or(0);
    let backoff = now + Duration::milliseconds(half + jitter);
    match reset {
        Some(reset) if reset > backoff => reset,
        _ => backoff,
    }
}

/// A random number for the jitter (a v4 UUID's random bits: no extra dependency).
pub fn random() -> u64 {
    let bits = uuid::Uuid::new_v4().as_u128();
    u64::try_from(bits & u128::from(u64::MAX)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_honours_the_reset() {
        let now = Utc::now();
        for tries in 1..=4 {
            let full = 2_000 * (1 << (tries - 1));
            for random in [0, 7, u64::MAX] {
                let wait = (next_try(tries, None, now, random) - now).num_milliseconds();
                assert!((full / 2..full).contains(&wait), "try {tries}: {wait} ms");
            }
        }
        assert!((next_try(30, None, now, 0) - now).num_milliseconds() <= MAX_DELAY_MS);
        let reset = now + Duration::seconds(90);
        assert_eq!(next_try(1, Some(reset), now, 0), reset, "a later reset wins");
        assert!(next_try(4, Some(now), now, 0) > now + Duration::seconds(7), "an earlier reset does not shorten it");
    }
}
