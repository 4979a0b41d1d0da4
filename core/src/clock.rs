//! The time the core reads, injected: the system clock in the app, a settable clock in tests,
//! so expiry, warning thresholds and periodic checks are tested without waiting.
//!
//! Only the wall clock is injected. Sleeping still uses tokio's monotonic timer: a task sleeps
//! for `due - clock.now()` and also wakes when a settable clock is set ([`Clock::changes`]).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use tokio::sync::watch;

/// A source of the current (wall-clock) time.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// A receiver that changes whenever the clock is set by hand (`None`: it never is, as the
    /// system clock): a sleeping task wakes and reads the time again.
    fn changes(&self) -> Option<watch::Receiver<DateTime<Utc>>> {
        None
    }
}

/// The operating system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until set, for tests.
#[derive(Debug)]
pub struct TestClock {
    now: Mutex<DateTime<Utc>>,
    changes: watch::Sender<DateTime<Utc>>,
}

impl TestClock {
    pub fn new(start: DateTime<Utc>) -> Arc<Self> {
        let (changes, _) = watch::channel(start);
        Arc::new(Self { now: Mutex::new(start), changes })
    }

    /// Move the clock to `at` (forward or back) and wake whoever sleeps on it.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = at;
        self.changes.send_replace(at);
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.set(self.now() + by);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn changes(&self) -> Option<watch::Receiver<DateTime<Utc>>> {
        Some(self.changes.subscribe())
    }
}

/// Move an instant measured by the system clock (as the networks' answers are read:
/// `Utc::now() + expires_in`) onto `clock`'s time line. The identity for the system clock.
pub fn rebase(clock: &dyn Clock, at: DateTime<Utc>) -> DateTime<Utc> {
    at + (clock.now() - Utc::now())
}
