//! One async lock per grant, so a grant's keyring entry is never written and deleted at once.
//!
//! Whoever reads, refreshes and writes a grant's tokens (the health check) and whoever deletes
//! them (disconnect, orphans at connect, pending-deletion retries) holds the grant's lock for the
//! whole sequence. A writer re-checks in SQLite that the grant still exists before writing; a
//! deleter deletes the grant's row first and the keyring entry under the lock afterwards. So a
//! token written by a refresh that raced a disconnect is always deleted again, or never written.
//!
//! Entries live only while someone holds or waits for them: the last guard out removes its entry.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::OwnedMutexGuard;

/// A grant's lock and how many callers hold or wait for it.
#[derive(Debug)]
struct Slot {
    lock: Arc<tokio::sync::Mutex<()>>,
    users: usize,
}

#[derive(Debug, Default)]
pub(crate) struct GrantLocks {
    slots: Mutex<HashMap<String, Slot>>,
}

/// Held while working on one grant's keyring entry. Dropping it releases the grant.
pub(crate) struct GrantGuard<'a> {
    // Fields drop in order: the lock is released before the entry may be removed.
    _held: OwnedMutexGuard<()>,
    _user: User<'a>,
}

/// One caller holding or waiting for a grant; the last one out removes the entry. Being a
/// value of its own, it also cleans up after a caller whose wait was cancelled.
struct User<'a> {
    locks: &'a GrantLocks,
    grant_id: String,
}

impl GrantLocks {
    /// Wait until no one else works on `grant_id`, then hold it until the guard is dropped.
    pub(crate) async fn lock(&self, grant_id: &str) -> GrantGuard<'_> {
        let lock = {
            let mut map = self.map();
            let slot = map
                .entry(grant_id.to_owned())
                .or_insert_with(|| Slot { lock: Arc::new(tokio::sync::Mutex::new(())), users: 0 });
            slot.users += 1;
            Arc::clone(&slot.lock)
        };
        let user = User { locks: self, grant_id: grant_id.to_owned() };
        let held = lock.lock_owned().await;
        GrantGuard { _held: held, _user: user }
    }

    /// How many grants are held or waited for (entries are removed when the last user leaves).
    pub(crate) fn len(&self) -> usize {
        self.map().len()
    }

    fn map(&self) -> MutexGuard<'_, HashMap<String, Slot>> {
        // A poisoned lock only means a panic elsewhere mid-update of a plain map: keep going.
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for User<'_> {
    fn drop(&mut self) {
        let mut map = self.locks.map();
        if let Some(slot) = map.get_mut(&self.grant_id) {
            slot.users = slot.users.saturating_sub(1);
            if slot.users == 0 {
                map.remove(&self.grant_id);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn one_holder_per_grant_and_no_entry_left_behind() {
        let locks = Arc::new(GrantLocks::default());
        let first = locks.lock("g1").await;
        let other = locks.lock("g2").await;
        assert_eq!(locks.len(), 2);

        let waiter = {
            let locks = Arc::clone(&locks);
            tokio::spawn(async move {
                let _second = locks.lock("g1").await;
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiter.is_finished(), "g1 is held: the second holder waits");
        drop(other);
        assert_eq!(locks.len(), 1, "g2's entry went with its last guard");
        drop(first);
        tokio::time::timeout(Duration::from_secs(5), waiter).await.unwrap().unwrap();
        assert_eq!(locks.len(), 0, "the waiter's guard removed g1's entry");
    }

    #[tokio::test]
    async fn a_cancelled_wait_leaves_no_entry() {
        let locks = GrantLocks::default();
        let held = locks.lock("g1").await;
        let gave_up = tokio::time::timeout(Duration::from_millis(20), locks.lock("g1")).await;
        assert!(gave_up.is_err(), "g1 is held");
        drop(held);
        assert_eq!(locks.len(), 0);
    }
}
