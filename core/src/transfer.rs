//! Export and import of the user's data as one JSON file, to move Herald to another computer or
//! keep a copy. Secrets never leave the keyring: the file holds settings, each network's public
//! client id and the accounts' public facts; no token, grant id or client secret. Imported
//! accounts therefore arrive as "needs reconnect" and the user signs in to them again.
//!
//! The file (`version` 2; a version 1 file is the same without `posts`):
//! ```json
//! { "format": "herald-export", "version": 1, "exportedAt": "2026-11-22T10:00:00Z",
//!   "settings": { "locale": "it" },
//!   "networkCredentials": [ { "network": "google_business", "clientId": "…" } ],
//!   "accounts": [ { "network": "google_business", "externalId": "locations/1", "kind": "location",
//!                   "displayName": "Caffè Roma", "avatarUrl": null, "connectedAt": "…" } ],
//!   "posts": [ { "id": "…uuid…", "text": "…", "link": null, "state": "scheduled",
//!                "scheduledAt": "2026-12-01T08:00:00Z", "zone": "Europe/Rome", "images": [],
//!                "createdAt": "…", "targets": [ { "network": "x", "externalId": "…", "variant": null } ] } ] }
//! ```
//! `posts` carries drafts and posts with an attempt still to make (never what was published:
//! that history stays on the computer that published it). Every target must name an account of
//! the same file. A post already here (same id) is left as it is; an imported scheduled post
//! whose time has passed arrives as a draft.
//! Import is strict (size, format, version, every field, unknown fields rejected) and all or
//! nothing. It only adds: a setting, client id or account (same network + external id) that
//! already exists here is left as it is. Within a file, a repeated setting key or network keeps
//! its last value (as JSON objects do); a repeated account is imported once.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::AccountKind;
use crate::error::{Error, Result};
use crate::networks::NetworkId;
use crate::store::{PortableAccount, PortablePost, PortableTarget, Snapshot};
use crate::{CoreEvent, Herald};

/// The `format` field of every export file.
pub const FORMAT: &str = "herald-export";
/// The file version this build writes; it imports every version from 1 up to this one.
pub const VERSION: u32 = 2;
/// The most posts one file may carry.
pub const MAX_IMPORT_POSTS: usize = 100_000;
/// The largest file import accepts.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;
/// The most accounts one file may carry.
pub const MAX_IMPORT_ACCOUNTS: usize = 10_000;
/// The last error recorded on an imported account.
pub const IMPORTED_NOTE: &str = "Imported from another computer: reconnect to sign in again.";

const MAX_SETTINGS: usize = 1_000;
const MAX_SETTING_KEY: usize = 64;
const MAX_SETTING_VALUE: usize = 4_096;
/// Same limit as `settings::save_credentials`.
const MAX_CLIENT_ID: usize = 512;
const MAX_EXTERNAL_ID: usize = 512;
const MAX_DISPLAY_NAME: usize = 512;
const MAX_AVATAR_URL: usize = 2_048;
/// The only hosts (each with its subdomains) an imported avatar may be loaded from: the
/// networks' image servers, the same list as the `img-src` of the app's shipped CSP.
pub const AVATAR_HOSTS: [&str; 5] =
    ["googleusercontent.com", "fbcdn.net", "cdninstagram.com", "media.licdn.com", "pbs.twimg.com"];
/// Values `Herald::set_locale` accepts (keep in step with `settings.rs`).
const SUPPORTED_LOCALES: [&str; 2] = ["en", "it"];

/// What an import added (entries already present on this computer are not counted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub settings: u32,
    pub credentials: u32,
    pub accounts: u32,
    pub posts: u32,
    /// Scheduled posts came in, so publishing was paused: Herald on the old computer may still
    /// be publishing them. The user resumes once it is stopped.
    pub publishing_paused: bool,
}

/// The export file. Version 2 added `posts` (absent in a version 1 file: nothing to add); an
/// older Herald refuses a version 2 file with a "newer version" message instead of silently
/// dropping what it cannot store.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExportFile {
    format: String,
    version: u32,
    exported_at: DateTime<Utc>,
    settings: BTreeMap<String, String>,
    network_credentials: Vec<CredentialRecord>,
    accounts: Vec<AccountRecord>,
    #[serde(default)]
    posts: Vec<PostRecord>,
}

#[derive(Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum PostRecordState {
    Draft,
    Scheduled,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PostRecord {
    id: String,
    text: String,
    link: Option<String>,
    state: PostRecordState,
    scheduled_at: Option<DateTime<Utc>>,
    zone: Option<String>,
    #[serde(default)]
    images: Vec<String>,
    created_at: DateTime<Utc>,
    targets: Vec<TargetRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TargetRecord {
    network: NetworkId,
    external_id: String,
    variant: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CredentialRecord {
    network: NetworkId,
    client_id: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AccountRecord {
    network: NetworkId,
    external_id: String,
    kind: AccountKind,
    display_name: String,
    avatar_url: Option<String>,
    connected_at: DateTime<Utc>,
}

/// Read first and leniently, so a wrong or future file gets a precise message.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

impl Herald {
    /// Everything portable as a JSON export file (see the module docs). Contains no secret.
    pub async fn export_data(&self) -> Result<String> {
        let snapshot = self.store().snapshot().await?;
        let file = ExportFile {
            format: FORMAT.to_owned(),
            version: VERSION,
            exported_at: Utc::now(),
            settings: snapshot.settings,
            network_credentials: snapshot
                .credentials
                .into_iter()
                .map(|(network, client_id)| CredentialRecord { network, client_id })
                .collect(),
            accounts: snapshot
                .accounts
                .into_iter()
                .map(|a| AccountRecord {
                    network: a.network,
                    external_id: a.external_id,
                    kind: a.kind,
                    display_name: a.display_name,
                    avatar_url: a.avatar_url,
                    connected_at: a.connected_at,
                })
                .collect(),
            posts: snapshot
                .posts
                .into_iter()
                .map(|p| PostRecord {
                    id: p.id,
                    text: p.text,
                    link: p.link,
                    state: if p.scheduled { PostRecordState::Scheduled } else { PostRecordState::Draft },
                    scheduled_at: p.scheduled_at,
                    zone: p.zone,
                    images: p.images,
                    created_at: p.created_at,
                    targets: p
                        .targets
                        .into_iter()
                        .map(|t| TargetRecord { network: t.network, external_id: t.external_id, variant: t.variant })
                        .collect(),
                })
                .collect(),
        };
        serde_json::to_string_pretty(&file).map_err(|e| Error::Internal(format!("could not write the export: {e}")))
    }

    /// Add the contents of an export file, all or nothing. Anything invalid is an
    /// [`Error::InvalidInput`] and changes nothing.
    pub async fn import_data(&self, json: &str) -> Result<ImportSummary> {
        let snapshot = parse(json)?;
        let added = self.store().merge_snapshot(&snapshot, IMPORTED_NOTE).await?;
        if added.accounts > 0 {
            self.emit(CoreEvent::AccountsChanged);
        }
        let scheduled_in = added.posts > 0 && snapshot.posts.iter().any(|p| p.scheduled);
        if scheduled_in && !self.publishing_paused() {
            tracing::info!("scheduled posts imported: publishing paused until the user resumes it");
            self.set_publishing_paused(true).await?;
        }
        if added.posts > 0 {
            self.posts_changed();
        }
        Ok(ImportSummary {
            settings: added.settings,
            credentials: added.credentials,
            accounts: added.accounts,
            posts: added.posts,
            publishing_paused: scheduled_in,
        })
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidInput(message.into())
}

/// Check an export file completely and turn it into what the store merges.
fn parse(json: &str) -> Result<Snapshot> {
    if json.len() > MAX_IMPORT_BYTES {
        return Err(invalid(format!(
            "the file is too large to be a Herald export ({} bytes; the limit is {MAX_IMPORT_BYTES})",
            json.len()
        )));
    }
    let header: Header = serde_json::from_str(json).map_err(|e| match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            invalid(format!("the file is not a Herald export (not valid JSON: {})", short(&e)))
        }
        _ => invalid(format!(
            "the file is not a Herald export (expected an object with \"format\" and \"version\": {})",
            short(&e)
        )),
    })?;
    match header.format.as_deref() {
        Some(FORMAT) => {}
        Some(other) => return Err(invalid(format!("the file is not a Herald export (format {:?})", shorten(other)))),
        None => return Err(invalid("the file is not a Herald export (no \"format\" field)")),
    }
    match header.version {
        Some(v) if v > u64::from(VERSION) => {
            return Err(invalid(format!(
                "the file was exported by a newer version of Herald (file version {v}; this version reads \
                 up to {VERSION}). Update Herald to import it."
            )))
        }
        Some(v) if v >= 1 => {}
        Some(v) => return Err(invalid(format!("the export file has an unknown version {v}"))),
        None => return Err(invalid("the export file has no \"version\" field")),
    }
    let file: ExportFile =
        serde_json::from_str(json).map_err(|e| invalid(format!("the export file is malformed: {}", short(&e))))?;
    validate(file)
}

fn validate(file: ExportFile) -> Result<Snapshot> {
    if file.settings.len() > MAX_SETTINGS {
        return Err(invalid(format!(
            "the export file has {} settings; at most {MAX_SETTINGS} are allowed",
            file.settings.len()
        )));
    }
    if file.accounts.len() > MAX_IMPORT_ACCOUNTS {
        return Err(invalid(format!(
            "the export file has {} accounts; at most {MAX_IMPORT_ACCOUNTS} can be imported at once",
            file.accounts.len()
        )));
    }
    if file.posts.len() > MAX_IMPORT_POSTS {
        return Err(invalid(format!(
            "the export file has {} posts; at most {MAX_IMPORT_POSTS} can be imported at once",
            file.posts.len()
        )));
    }
    if file.network_credentials.len() > crate::networks::ALL.len() * 4 {
        return Err(invalid("the export file lists too many network credentials"));
    }

    let mut snapshot = Snapshot::default();
    for (key, value) in file.settings {
        let key_ok = key.len() <= MAX_SETTING_KEY
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
        if !key_ok {
            return Err(invalid(format!(
                "setting name {:?} is not valid (lowercase letters, digits, '_', '.', '-'; at most {MAX_SETTING_KEY})",
                shorten(&key)
            )));
        }
        text(&format!("setting {key:?}"), &value, MAX_SETTING_VALUE, true)?;
        if key == crate::store::settings::LOCALE && !SUPPORTED_LOCALES.contains(&value.as_str()) {
            return Err(invalid(format!(
                "unsupported language {:?}; use one of {SUPPORTED_LOCALES:?}",
                shorten(&value)
            )));
        }
        snapshot.settings.insert(key, value);
    }
    for record in file.network_credentials {
        let client_id = record.client_id.trim();
        text(&format!("the client ID for {}", record.network.name()), client_id, MAX_CLIENT_ID, false)?;
        snapshot.credentials.insert(record.network, client_id.to_owned());
    }
    for (n, record) in file.accounts.into_iter().enumerate() {
        let which = format!("account {}", n + 1);
        text(&format!("{which}: externalId"), &record.external_id, MAX_EXTERNAL_ID, false)?;
        text(&format!("{which}: displayName"), &record.display_name, MAX_DISPLAY_NAME, false)?;
        if let Some(avatar) = &record.avatar_url {
            text(&format!("{which}: avatarUrl"), avatar, MAX_AVATAR_URL, false)?;
            if !is_network_image(avatar) {
                return Err(invalid(format!(
                    "{which}: avatarUrl must be an https address on a network's image server ({})",
                    AVATAR_HOSTS.join(", ")
                )));
            }
        }
        snapshot.accounts.push(PortableAccount {
            network: record.network,
            external_id: record.external_id,
            kind: record.kind,
            display_name: record.display_name,
            avatar_url: record.avatar_url,
            connected_at: record.connected_at,
        });
    }
    let mut post_ids = std::collections::HashSet::new();
    for (n, record) in file.posts.into_iter().enumerate() {
        let which = format!("post {}", n + 1);
        if record.id.len() != 36 || uuid::Uuid::parse_str(&record.id).is_err() {
            return Err(invalid(format!("{which}: id is not a valid id")));
        }
        if record.text.len() > crate::posts::MAX_TEXT_BYTES {
            return Err(invalid(format!("{which}: the text is too long")));
        }
        if let Some(link) = &record.link {
            if !crate::posts::validate::is_web_link(link) {
                return Err(invalid(format!("{which}: link is not an http(s) address")));
            }
        }
        if let Some(zone) = &record.zone {
            if zone.len() > 64 || crate::posts::time::zone(zone).is_err() {
                return Err(invalid(format!("{which}: zone {:?} is not a time zone Herald knows", shorten(zone))));
            }
        }
        if record.targets.len() > crate::posts::MAX_TARGETS || record.images.len() > crate::posts::images::MAX_IMAGES {
            return Err(invalid(format!("{which}: too many accounts or images")));
        }
        for image in &record.images {
            text(&format!("{which}: image"), image, crate::posts::images::MAX_PATH_BYTES, false)?;
        }
        if record.state == PostRecordState::Scheduled && record.scheduled_at.is_none() {
            return Err(invalid(format!("{which}: a scheduled post needs scheduledAt")));
        }
        let mut targets = Vec::with_capacity(record.targets.len());
        for target in record.targets {
            let known =
                snapshot.accounts.iter().any(|a| a.network == target.network && a.external_id == target.external_id);
            if !known {
                return Err(invalid(format!("{which}: it names an account the file does not carry")));
            }
            if target.variant.as_ref().is_some_and(|v| v.len() > crate::posts::MAX_TEXT_BYTES) {
                return Err(invalid(format!("{which}: a variant is too long")));
            }
            if targets
                .iter()
                .any(|t: &PortableTarget| t.network == target.network && t.external_id == target.external_id)
            {
                continue;
            }
            targets.push(PortableTarget {
                network: target.network,
                external_id: target.external_id,
                variant: target.variant,
            });
        }
        if !post_ids.insert(record.id.clone()) {
            return Err(invalid(format!("{which}: the id appears twice")));
        }
        snapshot.posts.push(PortablePost {
            id: record.id,
            text: record.text,
            link: record.link,
            scheduled: record.state == PostRecordState::Scheduled,
            scheduled_at: record.scheduled_at,
            zone: record.zone,
            targets,
            images: record.images,
            created_at: record.created_at,
        });
    }
    Ok(snapshot)
}

/// `https://` on the default port, no user info, host one of [`AVATAR_HOSTS`] or a subdomain.
fn is_network_image(address: &str) -> bool {
    let Ok(url) = url::Url::parse(address) else {
        return false;
    };
    let Some(url::Host::Domain(host)) = url.host() else {
        return false;
    };
    url.scheme() == "https"
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        && AVATAR_HOSTS.iter().any(|allowed| {
            host == *allowed || host.strip_suffix(allowed).is_some_and(|sub| sub.len() > 1 && sub.ends_with('.'))
        })
}

/// A string field: at most `max` characters, no control characters, and (unless `may_be_empty`)
/// not blank.
fn text(what: &str, value: &str, max: usize, may_be_empty: bool) -> Result<()> {
    if !may_be_empty && value.trim().is_empty() {
        return Err(invalid(format!("{what} is empty")));
    }
    if value.chars().count() > max {
        return Err(invalid(format!("{what} is longer than {max} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(format!("{what} contains control characters")));
    }
    Ok(())
}

/// A hostile value quoted in an error message stays short.
fn shorten(value: &str) -> String {
    shorten_to(value, 40)
}

/// serde's messages quote the offending value (an unknown variant, a string of the wrong type),
/// which in a hostile file may be megabytes long.
fn short(e: &serde_json::Error) -> String {
    shorten_to(&e.to_string(), 300)
}

fn shorten_to(value: &str, keep: usize) -> String {
    if value.chars().count() <= keep {
        value.to_owned()
    } else {
        format!("{}…", value.chars().take(keep).collect::<String>())
    }
}
