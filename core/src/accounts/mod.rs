//! Connecting, listing, checking and disconnecting accounts.
//!
//! A connect is a *flow*: `connect_begin` opens a loopback listener and builds the authorize URL
//! (the shell opens the browser); `connect_wait` resolves once the browser came back, the code
//! was exchanged and the network listed what the user may connect; `connect_finish` stores the
//! chosen accounts (tokens into the keyring first, then rows into SQLite). Until `finish`,
//! nothing is persisted, so a failed or cancelled flow leaves existing accounts untouched.

mod check;
mod cleanup;
mod grant_lock;
mod health;

pub(crate) use grant_lock::GrantLocks;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::{Account, AccountKind, Candidate, ConnectFlow, ConnectSetup, DisconnectOutcome, RevokeOutcome};
use crate::error::{Error, Result};
use crate::networks::{self, NetworkAvailability, NetworkId, RedirectMode};
use crate::oauth::listener::{CallbackListener, CALLBACK_PATH};
use crate::oauth::OAuthConfig;
use crate::store::{DeletionReason, NewAccount};
use crate::vault::{KeyringHealth, TokenSet};
use crate::{CoreEvent, Herald};
use cleanup::EntryDeletion;

/// Most accounts one finish may connect (a bound on input from the UI).
const MAX_SELECTION: usize = 200;
/// Longest external id accepted from the UI (network ids are far shorter).
const MAX_EXTERNAL_ID: usize = 512;

/// Flow and account ids are UUIDs Herald generated: anything else is refused before any lookup.
pub(crate) fn check_id(what: &str, id: &str) -> Result<()> {
    let valid = (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!("{what} is not a valid id")))
    }
}

pub(crate) struct Flow {
    network: NetworkId,
    reconnect: Option<Account>,
    cancel: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<Authorized>>>,
    authorized: Option<Authorized>,
}

struct Authorized {
    tokens: TokenSet,
    candidates: Vec<Candidate>,
    /// The scopes the person granted, when the network says (`None`: assume all).
    granted_scopes: Option<Vec<String>>,
}

/// The scopes an account of `kind` needs that the person did not grant (none when the network
/// does not say what was granted).
fn missing_for(network: NetworkId, kind: AccountKind, granted: Option<&[String]>) -> Vec<String> {
    let (Some(facts), Some(granted)) = (network.spec().connect, granted) else {
        return Vec::new();
    };
    facts.required_for(kind).iter().filter(|s| !granted.iter().any(|g| g == *s)).map(|s| (*s).to_owned()).collect()
}

/// Where the browser's answer comes back for a sign-in in `setup`'s mode, the loopback listener
/// being on `port`: the redirect URI to send, and the `state` prefix the relay reads the port from.
pub(crate) fn sign_in_address(
    setup: &ConnectSetup,
    network: &'static str,
    port: u16,
) -> Result<(String, Option<String>)> {
    match setup.mode {
        RedirectMode::Loopback | RedirectMode::FixedPort => {
            Ok((format!("http://127.0.0.1:{port}{CALLBACK_PATH}"), None))
        }
        // The relay forwards to the port carried at the front of `state`.
        RedirectMode::Relay => {
            Ok((setup.relay_url.clone().ok_or(Error::RelayMissing(network))?, Some(port.to_string())))
        }
    }
}

impl Herald {
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        self.store().accounts().await
    }

    /// The OAuth set-up for `network` from its data, the saved credentials and its redirect mode.
    pub(crate) async fn oauth_config(&self, network: NetworkId) -> Result<OAuthConfig> {
        let setup = self.connect_setup(network).await?;
        self.oauth_config_for(network, &setup).await
    }

    /// [`Self::oauth_config`] for a set-up already read.
    pub(crate) async fn oauth_config_for(&self, network: NetworkId, setup: &ConnectSetup) -> Result<OAuthConfig> {
        let spec = network.spec();
        let client_id = self.store().client_id(network).await?.ok_or(Error::CredentialsMissing(spec.name))?;
        let client_secret = self.vault().client_secret(network).await?;
        let may_ask_organizations = network != NetworkId::Linkedin
            || networks::linkedin::may_ask_organizations(self.store(), &client_id).await?;
        let mut oauth =
            networks::oauth_config(network, &self.config().endpoints, client_id, client_secret, setup.mode)?;
        if !may_ask_organizations {
            oauth.scopes.retain(|s| !networks::linkedin::ORGANIZATION_SCOPES.contains(&s.as_str()));
        }
        Ok(oauth)
    }

    /// Start a sign-in. Refuses when the network has no connector yet, credentials are missing,
    /// or the keyring is unavailable (tokens could not be kept safely).
    pub async fn connect_begin(&self, network: NetworkId, reconnect_account_id: Option<&str>) -> Result<ConnectFlow> {
        let spec = network.spec();
        match spec.availability {
            NetworkAvailability::Available => {}
            NetworkAvailability::Deprecated => return Err(Error::NetworkDeprecated(spec.name)),
            NetworkAvailability::LaterVersion | NetworkAvailability::ComingSoon => {
                return Err(Error::NetworkNotSupported(spec.name))
            }
        }
        let reconnect = match reconnect_account_id {
            Some(id) => {
                check_id("the account", id)?;
                let (account, _) =
                    self.store().account(id).await?.ok_or_else(|| Error::NotFound("The account".into()))?;
                if account.network != network {
                    return Err(Error::InvalidInput("the account belongs to another network".into()));
                }
                Some(account)
            }
            None => None,
        };
        if let KeyringHealth::Unavailable(why) = self.vault().health().await {
            return Err(Error::KeyringUnavailable(why));
        }
        let setup = self.connect_setup(network).await?;
        let oauth = self.oauth_config_for(network, &setup).await?;
        if oauth.client_secret.is_none() && spec.client_secret_needed(setup.mode) {
            return Err(Error::CredentialsMissing(spec.name));
        }

        // One sign-in at a time: a new one ends any other (and frees a fixed port).
        self.cancel_all_flows();

        let listener = match setup.mode {
            RedirectMode::FixedPort => CallbackListener::bind_port(setup.port).await?,
            RedirectMode::Loopback | RedirectMode::Relay => CallbackListener::bind().await?,
        };
        let (redirect_uri, state_prefix) = sign_in_address(&setup, spec.name, listener.local_addr()?.port())?;
        let authorization = oauth.authorize_with_state_prefix(&redirect_uri, state_prefix.as_deref())?;
        let flow_id = uuid::Uuid::new_v4().to_string();
        let timeout = self.config().flow_timeout;
        let expires_at = Utc::now() + chrono::Duration::from_std(timeout).unwrap_or(chrono::Duration::minutes(5));
        let (cancel_tx, mut cancel_rx) = oneshot::channel::<()>();
        let http = self.http.clone();
        let endpoints = self.config().endpoints.clone();
        let state = authorization.state;
        let verifier = authorization.verifier;

        let task = tokio::spawn(async move {
            let callback = tokio::select! {
                received = listener.receive(state.expose()) => received?,
                _ = &mut cancel_rx => return Err(Error::FlowCancelled),
                () = tokio::time::sleep(timeout) => return Err(Error::FlowTimedOut(timeout.as_secs())),
            };
            oauth.check_issuer(callback.iss.as_deref())?;
            let ctx = networks::Ctx { http: &http, endpoints: &endpoints, oauth: &oauth, redirect_uri: &redirect_uri };
            let tokens = networks::exchange_code(network, &ctx, callback.code, verifier).await?;
            let consented = networks::after_consent(network, &ctx, tokens).await?;
            Ok(Authorized {
                tokens: consented.tokens,
                candidates: consented.candidates,
                granted_scopes: consented.granted_scopes,
            })
        });

        self.lock_flows().insert(
            flow_id.clone(),
            Flow { network, reconnect: reconnect.clone(), cancel: Some(cancel_tx), task: Some(task), authorized: None },
        );
        tracing::info!(network = network.as_str(), flow = %flow_id, "sign-in started");
        Ok(ConnectFlow {
            flow_id,
            network,
            authorize_url: authorization.url.to_string(),
            expires_at,
            reconnect_account_id: reconnect.map(|a| a.id),
        })
    }

    /// Wait for the browser; returns what the user may connect.
    pub async fn connect_wait(&self, flow_id: &str) -> Result<Vec<Candidate>> {
        check_id("the sign-in", flow_id)?;
        let (task, network, reconnect) = {
            let mut flows = self.lock_flows();
            let flow = flows.get_mut(flow_id).ok_or(Error::FlowNotFound)?;
            if let Some(authorized) = &flow.authorized {
                return Ok(authorized.candidates.clone());
            }
            (flow.task.take().ok_or(Error::FlowNotFound)?, flow.network, flow.reconnect.clone())
        };
        let outcome = match task.await {
            Ok(outcome) => outcome,
            Err(join) if join.is_cancelled() => Err(Error::FlowCancelled),
            Err(join) => Err(Error::Internal(format!("sign-in task failed: {join}"))),
        };
        let outcome = match outcome {
            // LinkedIn refuses scopes the app was not granted before the person sees anything.
            Err(e @ Error::ConsentDenied(_)) if network == NetworkId::Linkedin => {
                let client_id = self.store().client_id(network).await.ok().flatten().unwrap_or_default();
                Err(networks::linkedin::authorize_refused(self.store(), &client_id, e).await)
            }
            other => other,
        };
        let result = async {
            let mut authorized = outcome?;
            if let Some(account) = &reconnect {
                if !authorized.candidates.iter().any(|c| c.external_id == account.external_id) {
                    return Err(Error::DifferentAccount(account.display_name.clone()));
                }
            }
            let connected = self.store().external_ids(network).await?;
            for candidate in &mut authorized.candidates {
                candidate.already_connected = connected.contains(&candidate.external_id);
            }
            Ok(authorized)
        }
        .await;
        let mut flows = self.lock_flows();
        match result {
            Ok(authorized) => {
                let candidates = authorized.candidates.clone();
                match flows.get_mut(flow_id) {
                    Some(flow) => flow.authorized = Some(authorized),
                    None => return Err(Error::FlowCancelled),
                }
                tracing::info!(flow = %flow_id, candidates = candidates.len(), "sign-in authorized");
                Ok(candidates)
            }
            Err(e) => {
                flows.remove(flow_id);
                tracing::warn!(flow = %flow_id, code = ?e.code(), "sign-in failed: {e}");
                Err(e)
            }
        }
    }

    /// End a sign-in; nothing it obtained is kept.
    pub fn connect_cancel(&self, flow_id: &str) -> Result<()> {
        check_id("the sign-in", flow_id)?;
        let mut flow = self.lock_flows().remove(flow_id).ok_or(Error::FlowNotFound)?;
        if let Some(cancel) = flow.cancel.take() {
            let _ = cancel.send(());
        }
        tracing::info!(flow = %flow_id, "sign-in cancelled");
        Ok(())
    }

    pub(crate) fn cancel_all_flows(&self) {
        let flows: Vec<Flow> = self.lock_flows().drain().map(|(_, f)| f).collect();
        for mut flow in flows {
            if let Some(cancel) = flow.cancel.take() {
                let _ = cancel.send(());
            }
        }
    }

    /// Keep the chosen candidates: tokens into the keyring, then the accounts into SQLite.
    pub async fn connect_finish(&self, flow_id: &str, external_ids: &[String]) -> Result<Vec<Account>> {
        check_id("the sign-in", flow_id)?;
        if let Some(bad) = external_ids
            .iter()
            .find(|id| id.is_empty() || id.len() > MAX_EXTERNAL_ID || id.chars().any(char::is_control))
        {
            let shown: String = bad.chars().take(40).filter(|c| !c.is_control()).collect();
            return Err(Error::InvalidInput(format!("{shown:?} is not a valid account reference")));
        }
        if external_ids.is_empty() {
            return Err(Error::InvalidInput("pick at least one account to connect".into()));
        }
        if external_ids.len() > MAX_SELECTION {
            return Err(Error::InvalidInput(format!("at most {MAX_SELECTION} accounts can be connected at once")));
        }
        let (network, authorized) = {
            let mut flows = self.lock_flows();
            let flow = flows.get(flow_id).ok_or(Error::FlowNotFound)?;
            if flow.authorized.is_none() {
                return Err(Error::InvalidInput("the sign-in has not finished in the browser yet".into()));
            }
            let chosen: HashSet<&String> = external_ids.iter().collect();
            let known: HashSet<&String> =
                flow.authorized.iter().flat_map(|a| a.candidates.iter().map(|c| &c.external_id)).collect();
            if let Some(unknown) = chosen.iter().find(|id| !known.contains(*id)) {
                return Err(Error::InvalidInput(format!("{unknown:?} was not offered by this sign-in")));
            }
            let flow = flows.remove(flow_id).ok_or(Error::FlowNotFound)?;
            (flow.network, flow.authorized.ok_or(Error::FlowNotFound)?)
        };
        let chosen: HashSet<&String> = external_ids.iter().collect();
        let accounts: Vec<NewAccount> = authorized
            .candidates
            .iter()
            .filter(|c| chosen.contains(&c.external_id))
            .map(|c| NewAccount {
                external_id: c.external_id.clone(),
                kind: c.kind,
                display_name: c.display_name.clone(),
                avatar_url: c.avatar_url.clone(),
                missing_permissions: missing_for(network, c.kind, authorized.granted_scopes.as_deref()),
                parent_id: c.parent_id.clone(),
            })
            .collect();

        let grant_id = uuid::Uuid::new_v4().to_string();
        self.vault().put_tokens(&grant_id, &authorized.tokens).await?;
        let saved = self.store().save_connection(&grant_id, network, &accounts, authorized.tokens.expires_at).await;
        let (stored, orphans) = match saved {
            Ok(saved) => saved,
            Err(e) => {
                // Do not leave a secret behind that no account points to.
                self.delete_grant_entry(&grant_id, DeletionReason::ConnectRolledBack).await;
                return Err(e);
            }
        };
        // Their rows are gone: under each grant's lock, a refresh still running for one of them
        // either finished writing before this delete or will find the grant gone and write nothing.
        for orphan in orphans {
            self.delete_grant_entry(&orphan, DeletionReason::Replaced).await;
        }
        tracing::info!(network = network.as_str(), connected = stored.len(), "accounts connected");
        self.emit(CoreEvent::AccountsChanged);
        self.wake_health();
        Ok(stored)
    }

    /// Remove an account. Its sign-in is revoked at the network and deleted from the keyring when
    /// no other account of that network still relies on Herald's access; a failed revoke still
    /// deletes the local secrets and says so.
    pub async fn disconnect(&self, account_id: &str) -> Result<DisconnectOutcome> {
        check_id("the account", account_id)?;
        // The grant's lock is held from reading its tokens until its entry is deleted: a refresh
        // running now finishes first, so its new token is the one revoked and deleted, never
        // written back afterwards.
        let (account, grant_id, _grant) = loop {
            let (account, grant_id) =
                self.store().account(account_id).await?.ok_or_else(|| Error::NotFound("The account".into()))?;
            let Some(grant) = grant_id.clone() else {
                break (account, None, None);
            };
            let guard = self.grant_locks.lock(&grant).await;
            // A reconnect may have moved the account to another grant while this waited.
            let (account, now) =
                self.store().account(account_id).await?.ok_or_else(|| Error::NotFound("The account".into()))?;
            if now.as_deref() == Some(grant.as_str()) {
                break (account, grant_id, Some(guard));
            }
        };
        let tokens = match &grant_id {
            Some(grant) => self.vault().tokens(grant).await.unwrap_or_else(|e| {
                tracing::warn!(grant = %grant, "keyring read failed during disconnect: {e}");
                None
            }),
            None => None,
        };
        let removed = self.store().remove_account(account_id).await?;
        let orphaned = matches!(removed, Some((_, true)));
        let network = account.network;

        let mut outcome = DisconnectOutcome { revoke: RevokeOutcome::KeptForOtherAccounts, detail: None };
        if orphaned {
            // Where revoking ends Herald's access for that user everywhere (Google, Facebook,
            // LinkedIn), keep it while other accounts of this network remain connected.
            let user_wide = network.spec().connect.is_some_and(|c| c.revoke_is_user_wide);
            outcome = if user_wide && self.store().count_accounts(network).await? > 0 {
                DisconnectOutcome { revoke: RevokeOutcome::KeptForOtherAccounts, detail: None }
            } else {
                self.revoke(network, tokens.as_ref()).await
            };
            let note = match &grant_id {
                Some(grant) => match self.delete_grant_entry_locked(grant, DeletionReason::Disconnected).await {
                    EntryDeletion::Deleted => None,
                    EntryDeletion::Pending(e) => Some(format!(
                        "The sign-in could not be deleted from the system keyring yet; Herald will try again \
                         at the next start and at every connection check. {e}"
                    )),
                    EntryDeletion::Failed(e) => {
                        Some(format!("The sign-in could not be deleted from the system keyring: {e}"))
                    }
                },
                None => None,
            };
            if let Some(note) = note {
                outcome.detail = Some(match outcome.detail {
                    Some(d) => format!("{d} {note}"),
                    None => note,
                });
            }
        }
        tracing::info!(network = network.as_str(), revoke = ?outcome.revoke, "account disconnected");
        self.emit(CoreEvent::AccountsChanged);
        self.wake_health();
        Ok(outcome)
    }

    async fn revoke(&self, network: NetworkId, tokens: Option<&TokenSet>) -> DisconnectOutcome {
        let Some(tokens) = tokens else {
            return DisconnectOutcome {
                revoke: RevokeOutcome::Failed,
                detail: Some(
                    "The sign-in was already missing from the system keyring, so it could not be revoked.".into(),
                ),
            };
        };
        let oauth = match self.oauth_config(network).await {
            Ok(oauth) => oauth,
            Err(e) => return DisconnectOutcome { revoke: RevokeOutcome::Failed, detail: Some(e.to_string()) },
        };
        let endpoints = &self.config().endpoints;
        let ctx = networks::Ctx { http: &self.http, endpoints, oauth: &oauth, redirect_uri: "" };
        match networks::revoke(network, &ctx, tokens).await {
            Ok(true) => DisconnectOutcome { revoke: RevokeOutcome::Revoked, detail: None },
            Ok(false) => DisconnectOutcome { revoke: RevokeOutcome::NotSupported, detail: None },
            Err(e) => DisconnectOutcome { revoke: RevokeOutcome::Failed, detail: Some(e.to_string()) },
        }
    }

    fn lock_flows(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Flow>> {
        // A poisoned lock only means a panic elsewhere mid-update of a plain map: keep going.
        self.flows.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// For callers outside the core that want to know when a token runs out.
pub fn expires_within(expires_at: Option<DateTime<Utc>>, margin: chrono::Duration) -> bool {
    expires_at.is_some_and(|at| at - Utc::now() <= margin)
}
