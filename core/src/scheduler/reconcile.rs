//! Reconciliation: each unconfirmed attempt (the call timed out, the connection dropped, the
//! network answered 5xx, Herald died mid-call) is looked up among the account's recent posts on
//! the network, matched by the text Herald sent and a time window around the attempt's start.
//! Found: it is published, with the network's id and permalink. Not found: it stays
//! unconfirmed for the user to decide; nothing is ever sent again by itself.

use chrono::{Duration, Utc};

use crate::api::ReconcileReport;
use crate::error::Result;
use crate::networks::{self, NetworkId, PostContent, PublishCtx, RecentPost};
use crate::store::attempts::UnconfirmedAttempt;
use crate::store::posts::from_ms;
use crate::Herald;

/// A listed post matches an attempt that started at `t` when the network dated it within
/// `[t - BEFORE, t + AFTER]` (clocks differ a little; a network may date a post when its
/// processing ends).
const BEFORE: Duration = Duration::minutes(5);
const AFTER: Duration = Duration::minutes(30);

impl Herald {
    /// Look every unconfirmed attempt up on its network (one listing per account).
    pub async fn reconcile(&self) -> Result<ReconcileReport> {
        let _one_at_a_time = self.scheduler.reconciling.lock().await;
        let unconfirmed = self.store().unconfirmed_attempts().await?;
        let mut report = ReconcileReport::default();
        let mut start = 0;
        while start < unconfirmed.len() {
            let account_id = unconfirmed[start].account_id.clone();
            let end = unconfirmed[start..]
                .iter()
                .position(|a| a.account_id != account_id)
                .map_or(unconfirmed.len(), |n| start + n);
            let group = &unconfirmed[start..end];
            start = end;
            report.checked += u32::try_from(group.len()).unwrap_or(u32::MAX);
            match self.reconcile_account(&account_id, group).await {
                Ok(found) => report.found += found,
                Err(e) => tracing::warn!(account = %account_id, "reconciliation could not read the network: {e}"),
            }
        }
        report.still_unconfirmed = report.checked - report.found;
        if report.found > 0 {
            self.emit(crate::CoreEvent::PostsChanged);
            self.wake_scheduler();
        }
        Ok(report)
    }

    /// Match one account's unconfirmed attempts against its recent posts; returns how many were
    /// found.
    async fn reconcile_account(&self, account_id: &str, attempts: &[UnconfirmedAttempt]) -> Result<u32> {
        let Some((account, Some(grant))) = self.store().account(account_id).await? else { return Ok(0) };
        let network = account.network;
        let Some(tokens) = self.vault().tokens(&grant).await? else { return Ok(0) };
        let account = self.with_google_parent(account, &tokens).await;
        let ctx = PublishCtx { http: &self.http, endpoints: &self.config().endpoints };
        let Some(recent) = networks::recent_posts(network, &ctx, &account, &tokens).await? else { return Ok(0) };
        let mut claimed = self.store().claimed_post_ids(account_id).await?;
        let mut found = 0;
        for attempt in attempts {
            let content = PostContent { text: &attempt.text, link: attempt.link.as_deref(), images: &[] };
            let sent = networks::published_text(network, &content);
            // A Facebook photo post carries its link in the message (a photo has no link field).
            let with_photo = match (network, attempt.link.as_deref()) {
                (NetworkId::Facebook, Some(link)) => Some(format!("{}\n\n{link}", attempt.text.trim_end())),
                _ => None,
            };
            let started = from_ms(attempt.started_at.unwrap_or(attempt.due_at));
            let matching = |p: &&RecentPost| {
                !claimed.contains(&p.id)
                    && (same_text(&p.text, &sent) || with_photo.as_deref().is_some_and(|t| same_text(&p.text, t)))
                    && p.at.is_none_or(|at| at >= started - BEFORE && at <= started + AFTER)
            };
            // Listings are newest first; the oldest match is the one this attempt made.
            let Some(post) = recent.iter().rev().find(matching) else { continue };
            if self.store().confirm_found(&attempt.id, &post.id, post.permalink.as_deref(), Utc::now()).await? {
                tracing::info!(attempt = %attempt.id, network = network.as_str(), "unconfirmed post found on the network");
                claimed.push(post.id.clone());
                found += 1;
            }
        }
        Ok(found)
    }
}

/// The same text, whatever the line endings and surrounding space.
fn same_text(listed: &str, sent: &str) -> bool {
    listed.replace("\r\n", "\n").trim() == sent.replace("\r\n", "\n").trim()
}
