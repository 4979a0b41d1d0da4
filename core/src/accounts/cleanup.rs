//! Deleting grants' keyring entries, and retrying the deletes that failed.
//!
//! A delete that fails (keyring locked, Secret Service gone) is recorded in SQLite and retried at
//! the next start and at every connection check until it succeeds, so a refresh token never
//! outlives the grant it belonged to.

use crate::error::{Error, Result};
use crate::store::DeletionReason;
use crate::vault::Vault;
use crate::Herald;

/// What became of a keyring entry that had to go.
#[derive(Debug)]
pub(crate) enum EntryDeletion {
    Deleted,
    /// The delete failed and is recorded: it will be retried.
    Pending(Error),
    /// The delete failed and could not even be recorded.
    Failed(Error),
}

impl Herald {
    /// Delete a grant's keyring entry. The caller holds the grant's lock and has already removed
    /// the grant from SQLite (so no refresh can write the entry back afterwards).
    pub(crate) async fn delete_grant_entry_locked(&self, grant_id: &str, reason: DeletionReason) -> EntryDeletion {
        let Err(error) = self.vault().delete_tokens(grant_id).await else {
            return EntryDeletion::Deleted;
        };
        let entry = Vault::grant_entry(grant_id);
        let recorded = self.store().record_failed_deletion(self.vault().service(), &entry, reason, &error).await;
        match recorded {
            Ok(()) => {
                tracing::warn!(grant = %grant_id, reason = reason.as_str(), "keyring delete failed, will retry: {error}");
                EntryDeletion::Pending(error)
            }
            Err(store_error) => {
                tracing::error!(grant = %grant_id, "keyring delete failed ({error}) and could not be recorded: {store_error}");
                EntryDeletion::Failed(error)
            }
        }
    }

    /// [`Self::delete_grant_entry_locked`], taking the grant's lock first.
    pub(crate) async fn delete_grant_entry(&self, grant_id: &str, reason: DeletionReason) -> EntryDeletion {
        let _grant = self.grant_locks.lock(grant_id).await;
        self.delete_grant_entry_locked(grant_id, reason).await
    }

    /// Try every recorded keyring delete again. Returns how many are still pending.
    ///
    /// An entry whose grant is (again) in use is never deleted; its record is dropped.
    pub async fn retry_keyring_deletions(&self) -> Result<usize> {
        let pending = self.store().pending_deletions().await?;
        let mut left = 0;
        for deletion in pending {
            let grant = Vault::grant_of_entry(&deletion.entry);
            let _grant = match grant {
                Some(grant) => Some(self.grant_locks.lock(grant).await),
                None => None,
            };
            let in_use = match grant {
                Some(grant) => deletion.service == self.vault().service() && self.store().grant_exists(grant).await?,
                None => false,
            };
            if in_use {
                tracing::warn!(entry = %deletion.entry, "a pending keyring delete names a grant in use: kept");
                self.store().deletion_done(&deletion.service, &deletion.entry).await?;
                continue;
            }
            match Vault::new(deletion.service.clone()).delete_entry(&deletion.entry).await {
                Ok(()) => {
                    self.store().deletion_done(&deletion.service, &deletion.entry).await?;
                    tracing::info!(entry = %deletion.entry, attempts = deletion.attempts + 1, "pending keyring delete done");
                }
                Err(error) => {
                    self.store()
                        .record_failed_deletion(&deletion.service, &deletion.entry, deletion.reason, &error)
                        .await?;
                    tracing::warn!(entry = %deletion.entry, attempts = deletion.attempts + 1, "keyring delete failed again: {error}");
                    left += 1;
                }
            }
        }
        Ok(left)
    }

    /// How many grants are locked or waited for right now (0 when nothing works on a grant).
    pub fn grant_locks_in_use(&self) -> usize {
        self.grant_locks.len()
    }

    /// At start: retry recorded deletes in the background, so opening never waits on D-Bus.
    pub(crate) fn retry_keyring_deletions_soon(self: &std::sync::Arc<Self>) {
        let herald = std::sync::Arc::clone(self);
        tokio::spawn(async move {
            match herald.retry_keyring_deletions().await {
                Ok(0) => {}
                Ok(left) => tracing::warn!(left, "some keyring deletes are still pending"),
                Err(e) => tracing::warn!("could not retry pending keyring deletes: {e}"),
            }
        });
    }
}
