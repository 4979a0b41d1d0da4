//! Posts: drafts saved as the user types, validated per target from each network's data, and
//! scheduled as one publish attempt per target (see [`crate::scheduler`]).

pub mod csv_import;
pub mod images;
mod manage;
pub mod settings;
pub mod time;
pub mod validate;

use chrono::{DateTime, Utc};

use crate::api::{DraftInput, Post, PostProblem, PostState, ProblemCode, TargetCheck, TargetInput};
use crate::error::{Error, Result};
use crate::networks::NetworkId;
use crate::store::posts::{DraftRow, ScheduleRow};
use crate::{CoreEvent, Herald};

/// Longest text Herald stores for a post (well above every network's limit).
pub const MAX_TEXT_BYTES: usize = 256 * 1024;
/// Most targets one post may have.
pub const MAX_TARGETS: usize = 100;
/// A time this far in the past still counts as "now" when scheduling.
pub(crate) const PAST_TOLERANCE: chrono::Duration = chrono::Duration::minutes(1);

pub(crate) fn check_id(what: &str, id: &str) -> Result<()> {
    if uuid::Uuid::parse_str(id).is_err() || id.len() != 36 {
        return Err(Error::InvalidInput(format!("{what} is not a valid id")));
    }
    Ok(())
}

pub(crate) fn check_input(draft: &DraftInput) -> Result<()> {
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
    if draft.images.len() > images::MAX_IMAGES {
        return Err(Error::InvalidInput(format!("a post may carry at most {} images", images::MAX_IMAGES)));
    }
    if draft.images.iter().any(|p| p.is_empty() || p.len() > images::MAX_PATH_BYTES || p.contains('\0')) {
        return Err(Error::InvalidInput("an image path is empty or too long".into()));
    }
    Ok(())
}

fn one(code: ProblemCode) -> PostProblem {
    PostProblem::new(code)
}

/// Targets without duplicates (the first of an account wins).
pub(crate) fn unique_targets(draft: &DraftInput) -> Vec<TargetInput> {
    let mut targets: Vec<TargetInput> = Vec::with_capacity(draft.targets.len());
    for target in &draft.targets {
        if !targets.iter().any(|t| t.account_id == target.account_id) {
            targets.push(target.clone());
        }
    }
    targets
}

/// What scheduling a draft found: per target its problems, and the targets' networks.
pub(crate) struct Plan {
    pub per_target: Vec<(String, Vec<PostProblem>)>,
    pub targets: Vec<(String, NetworkId)>,
    pub blocked: bool,
}

impl Herald {
    /// Save what the composer holds (autosave): creates the post when `id` is `None`. Returns
    /// the stored post. Nothing is validated against the networks here (see [`Self::posts_check`]).
    pub async fn posts_save_draft(&self, draft: &DraftInput) -> Result<Post> {
        check_input(draft)?;
        let id = draft.id.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let targets = unique_targets(draft);
        let row = DraftRow {
            id: &id,
            text: &draft.text,
            link: draft.link.as_deref().filter(|l| !l.is_empty()),
            targets: &targets,
            scheduled_at: draft.scheduled_at,
            zone: draft.zone.as_deref(),
            images: &draft.images,
        };
        self.store().save_draft(&row, Utc::now()).await?;
        self.media_changed().await;
        self.posts_changed();
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
        let mut images = Vec::with_capacity(draft.images.len());
        for id in &draft.images {
            let facts = self.store().media_item(id).await?.as_ref().map(images::ImageFacts::from);
            images.push(images::ImageRef { id: id.clone(), facts });
        }
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
            let (length, limit, mut problems) = validate::check(account.network, text, draft.link.as_deref(), &images);
            let by_address = account.network.spec().posts.is_some_and(|p| p.images.fetches_url);
            if by_address && !draft.images.is_empty() && !self.media_host_configured().await? {
                problems.push(one(ProblemCode::MediaHostRequired));
            }
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
        let draft = draft_of(&post);
        let now = Utc::now();
        let plan = self.plan(&draft, now).await?;
        self.store().set_problems(&post.id, &plan.per_target).await?;
        if plan.blocked {
            tracing::info!(post = %post.id, "not scheduled: a target has problems; it stays a draft");
            self.posts_changed();
            return self.posts_get(id).await;
        }
        let due: DateTime<Utc> = post.scheduled_at.unwrap_or(now);
        self.store().schedule(&post.id, due, &plan.targets, now).await?;
        self.posts_changed();
        let post = self.posts_get(id).await?;
        debug_assert_eq!(post.state, PostState::Scheduled);
        Ok(post)
    }

    /// Validate `draft` for scheduling: every target, its time and zone.
    pub(crate) async fn plan(&self, draft: &DraftInput, now: DateTime<Utc>) -> Result<Plan> {
        let checks = self.posts_check(draft).await?;
        let mut per_target: Vec<(String, Vec<PostProblem>)> =
            checks.iter().map(|c| (c.account_id.clone(), c.problems.clone())).collect();
        let mut post_problems = Vec::new();
        if checks.is_empty() {
            post_problems.push(one(ProblemCode::NoTargets));
        }
        match draft.scheduled_at {
            None => post_problems.push(one(ProblemCode::ScheduleMissing)),
            Some(at) if at < now - PAST_TOLERANCE => post_problems.push(one(ProblemCode::ScheduleInPast)),
            Some(_) => {}
        }
        if let Some(zone) = &draft.zone {
            if time::zone(zone).is_err() {
                post_problems.push(one(ProblemCode::ZoneUnknown));
            }
        }
        // Problems of the whole post show on every target.
        for (_, problems) in &mut per_target {
            problems.extend(post_problems.iter().cloned());
        }
        let blocked = !post_problems.is_empty() || per_target.iter().any(|(_, p)| !p.is_empty());
        let targets = checks.iter().filter_map(|c| c.network.map(|n| (c.account_id.clone(), n))).collect();
        Ok(Plan { per_target, targets, blocked })
    }

    /// Several posts at once ("Create multiple posts"), all or nothing: every draft is checked
    /// (and, with `schedule`, planned) before any is stored; then all are stored in one
    /// transaction.
    pub async fn posts_create_many(&self, drafts: &[DraftInput], schedule: bool) -> Result<Vec<Post>> {
        if drafts.len() > MAX_BATCH {
            return Err(Error::InvalidInput(format!("at most {MAX_BATCH} posts can be created at once")));
        }
        let now = Utc::now();
        let mut prepared = Vec::with_capacity(drafts.len());
        for (n, draft) in drafts.iter().enumerate() {
            check_input(draft)?;
            if draft.id.is_some() {
                return Err(Error::InvalidInput("new posts have no id yet".into()));
            }
            let plan = if schedule {
                let plan = self.plan(draft, now).await?;
                if plan.blocked {
                    return Err(Error::BatchInvalid(format!(
                        "post {} cannot be scheduled for every account it names",
                        n + 1
                    )));
                }
                Some(plan)
            } else {
                None
            };
            prepared.push((uuid::Uuid::new_v4().to_string(), unique_targets(draft), plan));
        }
        self.store_many(drafts, &prepared, now).await
    }

    pub(crate) async fn store_many(
        &self,
        drafts: &[DraftInput],
        prepared: &[(String, Vec<TargetInput>, Option<Plan>)],
        now: DateTime<Utc>,
    ) -> Result<Vec<Post>> {
        let rows: Vec<(DraftRow<'_>, Option<ScheduleRow<'_>>)> = drafts
            .iter()
            .zip(prepared)
            .map(|(draft, (id, targets, plan))| {
                (
                    DraftRow {
                        id,
                        text: &draft.text,
                        link: draft.link.as_deref().filter(|l| !l.is_empty()),
                        targets,
                        scheduled_at: draft.scheduled_at,
                        zone: draft.zone.as_deref(),
                        images: &draft.images,
                    },
                    plan.as_ref()
                        .map(|plan| ScheduleRow { due: draft.scheduled_at.unwrap_or(now), targets: &plan.targets }),
                )
            })
            .collect();
        self.store().save_many(&rows, now).await?;
        self.media_changed().await;
        self.posts_changed();
        let mut posts = Vec::with_capacity(prepared.len());
        for (id, _, _) in prepared {
            posts.push(self.posts_get(id).await?);
        }
        Ok(posts)
    }

    /// Tell the window and wake the scheduler: a post or an attempt changed.
    pub(crate) fn posts_changed(&self) {
        self.emit(CoreEvent::PostsChanged);
        self.wake_scheduler();
    }
}

/// Most posts one "Create multiple posts" or CSV import takes.
pub const MAX_BATCH: usize = 1000;

/// A stored post as the composer would send it.
pub(crate) fn draft_of(post: &Post) -> DraftInput {
    DraftInput {
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
        images: post.images.clone(),
    }
}
