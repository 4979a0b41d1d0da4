//! Posts: drafts saved as the user types, validated per target from each network's data, and
//! scheduled as one publish attempt per target (see [`crate::scheduler`]).

pub mod time;
pub mod validate;

use chrono::{DateTime, Utc};

use crate::api::{DraftInput, Post, PostProblem, PostState, ProblemCode, TargetCheck, TargetInput};
use crate::error::{Error, Result};
use crate::networks::NetworkId;
use crate::store::posts::DraftRow;
use crate::Herald;

/// Longest text Herald stores for a post (well above every network's limit).
pub const MAX_TEXT_BYTES: usize = 256 * 1024;
/// Most targets one post may have.
pub const MAX_TARGETS: usize = 100;
/// A time this far in the past still counts as "now" when scheduling.
const PAST_TOLERANCE: chrono::Duration = chrono::Duration::minutes(1);

fn check_id(what: &str, id: &str) -> Result<()> {
    if uuid::Uuid::parse_str(id).is_err() || id.len() != 36 {
        return Err(Error::InvalidInput(format!("{what} is not a valid id")));
    }
    Ok(())
}

fn check_input(draft: &DraftInput) -> Result<()> {
    if let Some(id) = &draft.id {
        check_id("the post", id)?;
    }
    if draft.text.len() > MAX_TEXT_BYTES || draft.link.as_ref().is_some_and(|l| l.len() > 2048) {
        return Err(Error::InvalidInput("the post is too long to store".into()));
    }
    if draft.targets.len() > MAX_TARGETS {
        return Err(Error::InvalidInput(format!("a post may go to at most {MAX_TARGETS} accounts")));
    }
    for target in &draft.targets {
        check_id("an account", &target.account_id)?;
        if target.variant.as_ref().is_some_and(|v| v.len() > MAX_TEXT_BYTES) {
            return Err(Error::InvalidInput("a variant is too long to store".into()));
        }
    }
    if let Some(zone) = &draft.zone {
        if zone.len() > 64 {
            return Err(Error::InvalidInput("the time zone name is too long".into()));
        }
    }
    Ok(())
}

fn one(code: ProblemCode) -> PostProblem {
    PostProblem { code, limit: None, count: None }
}

impl Herald {
    /// Save what the composer holds (autosave): creates the post when `id` is `None`. Returns
    /// the stored post. Nothing is validated against the networks here (see [`Self::posts_check`]).
    pub async fn posts_save_draft(&self, draft: &DraftInput) -> Result<Post> {
        check_input(draft)?;
        let id = draft.id.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut targets: Vec<TargetInput> = Vec::with_capacity(draft.targets.len());
        for target in &draft.targets {
            if !targets.iter().any(|t| t.account_id == target.account_id) {
                targets.push(target.clone());
            }
        }
        let row = DraftRow {
            id: &id,
            text: &draft.text,
            link: draft.link.as_deref().filter(|l| !l.is_empty()),
            targets: &targets,
            scheduled_at: draft.scheduled_at,
            zone: draft.zone.as_deref(),
        };
        self.store().save_draft(&row, Utc::now()).await?;
        self.wake_scheduler();
        self.store().post(&id).await?.ok_or_else(|| Error::NotFound("The post".into()))
    }

    pub async fn posts_get(&self, id: &str) -> Result<Post> {
        check_id("the post", id)?;
        self.store().post(id).await?.ok_or_else(|| Error::NotFound("The post".into()))
    }

    /// The composer's live check: per target, the length as its network counts it, the limit
    /// and every problem.
    pub async fn posts_check(&self, draft: &DraftInput) -> Result<Vec<TargetCheck>> {
        check_input(draft)?;
        let mut checks = Vec::with_capacity(draft.targets.len());
        for target in &draft.targets {
            let account = self.store().account(&target.account_id).await?.map(|(a, _)| a);
            let Some(account) = account else {
                checks.push(TargetCheck {
                    account_id: target.account_id.clone(),
                    network: None,
                    length: 0,
                    limit: None,
                    problems: vec![one(ProblemCode::AccountNotFound)],
                });
                continue;
            };
            let text = target.variant.as_deref().unwrap_or(&draft.text);
            let (length, limit, problems) = validate::check(account.network, text, draft.link.as_deref());
            checks.push(TargetCheck {
                account_id: target.account_id.clone(),
                network: Some(account.network),
                length,
                limit,
                problems,
            });
        }
        Ok(checks)
    }

    /// Schedule a saved post for its time: every target is validated; if any has a problem
    /// (or the time or zone has one), nothing is scheduled, the post stays a draft and the
    /// problems are stored on its targets. Otherwise one attempt per target is created.
    /// An account that needs a reconnect does not stop scheduling: its attempt waits.
    pub async fn posts_schedule(&self, id: &str) -> Result<Post> {
        let post = self.posts_get(id).await?;
        let draft = DraftInput {
            id: Some(post.id.clone()),
            text: post.text.clone(),
            link: post.link.clone(),
            targets: post
                .targets
                .iter()
                .map(|t| TargetInput { account_id: t.account_id.clone(), variant: t.variant.clone() })
                .collect(),
            scheduled_at: post.scheduled_at,
            zone: post.zone.clone(),
        };
        let checks = self.posts_check(&draft).await?;
        let mut per_target: Vec<(String, Vec<PostProblem>)> =
            checks.iter().map(|c| (c.account_id.clone(), c.problems.clone())).collect();
        let mut post_problems = Vec::new();
        if checks.is_empty() {
            post_problems.push(one(ProblemCode::NoTargets));
        }
        let now = Utc::now();
        match post.scheduled_at {
            None => post_problems.push(one(ProblemCode::ScheduleMissing)),
            Some(at) if at < now - PAST_TOLERANCE => post_problems.push(one(ProblemCode::ScheduleInPast)),
            Some(_) => {}
        }
        if let Some(zone) = &post.zone {
            if time::zone(zone).is_err() {
                post_problems.push(one(ProblemCode::ZoneUnknown));
            }
        }
        // Problems of the whole post show on every target.
        for (_, problems) in &mut per_target {
            problems.extend(post_problems.iter().cloned());
        }
        self.store().set_problems(&post.id, &per_target).await?;
        let blocked = !post_problems.is_empty() || per_target.iter().any(|(_, p)| !p.is_empty());
        if blocked {
            tracing::info!(post = %post.id, "not scheduled: a target has problems; it stays a draft");
            return self.posts_get(id).await;
        }
        let targets: Vec<(String, NetworkId)> =
            checks.iter().filter_map(|c| c.network.map(|n| (c.account_id.clone(), n))).collect();
        let due: DateTime<Utc> = post.scheduled_at.unwrap_or(now);
        self.store().schedule(&post.id, due, &targets, now).await?;
        self.wake_scheduler();
        let post = self.posts_get(id).await?;
        debug_assert_eq!(post.state, PostState::Scheduled);
        Ok(post)
    }
}
