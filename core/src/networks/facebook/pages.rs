//! The Pages a person manages (`/me/accounts`), checked and turned into candidates after consent.

use serde::Deserialize;
use url::Url;

use super::graph::graph_get;
use super::NAME;
use crate::api::{AccountKind, Candidate};
use crate::error::{Error, Result};
use crate::net::{self, bounded_text, MAX_NAME_CHARS};
use crate::networks::{Consented, Ctx};
use crate::oauth::token_problem;
use crate::secret::Sensitive;
use crate::vault::TokenSet;

/// Pages asked for per `/me/accounts` request (Graph's default is 25).
const PAGES_PER_REQUEST: u32 = 100;
/// Upper bound on `/me/accounts` pages followed, so a misbehaving server cannot loop us forever.
const MAX_PAGES: usize = 20;
/// Most permissions read from `/me/permissions` (Facebook has a few dozen).
const MAX_PERMISSIONS: usize = 200;
/// Hosts (with their subdomains) a Page picture may come from.
const AVATAR_HOSTS: &[&str] = &["fbcdn.net"];
#[derive(Deserialize)]
struct PermissionsPage {
    #[serde(default)]
    data: Vec<Permission>,
}

#[derive(Deserialize)]
struct Permission {
    permission: String,
    status: String,
}

#[derive(Deserialize)]
struct AccountsPage {
    #[serde(default)]
    data: Vec<PageEntry>,
    #[serde(default)]
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Paging {
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize)]
struct PageEntry {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    access_token: Option<String>,
    /// What the person may do on the Page; absent when Graph does not say.
    #[serde(default)]
    tasks: Option<Vec<String>>,
    #[serde(default)]
    picture: Option<Picture>,
}

#[derive(Deserialize)]
struct Picture {
    data: PictureData,
}

#[derive(Deserialize)]
struct PictureData {
    #[serde(default)]
    url: Option<String>,
}

/// The Pages the user manages (`/me/accounts`), each a candidate with its Page token in
/// `account_tokens`; granted scopes from `/me/permissions`. The person's own profile is never
/// a candidate: Herald publishes to Pages only.
pub(crate) async fn after_consent(ctx: &Ctx<'_>, mut tokens: TokenSet) -> Result<Consented> {
    let graph = &ctx.endpoints.facebook.graph;
    let permissions_url = net::join_resource(NAME, graph, "me/permissions", "")?;
    let permissions: PermissionsPage = graph_get(ctx.http, permissions_url, &tokens.access_token).await?;
    let granted: Vec<String> = permissions
        .data
        .into_iter()
        .take(MAX_PERMISSIONS)
        .filter(|p| p.status == "granted")
        .map(|p| bounded_text(&p.permission, MAX_NAME_CHARS))
        .collect();

    let accounts_url = net::join_resource(NAME, graph, "me/accounts", "")?;
    let mut url = accounts_url.clone();
    url.query_pairs_mut()
        .append_pair("fields", "id,name,access_token,tasks,picture")
        .append_pair("limit", &PAGES_PER_REQUEST.to_string());
    let mut candidates: Vec<Candidate> = Vec::new();
    for _ in 0..MAX_PAGES {
        let page: AccountsPage = graph_get(ctx.http, url.clone(), &tokens.access_token).await?;
        for entry in page.data {
            if let Some((candidate, token)) = page_candidate(entry)? {
                if !candidates.iter().any(|c| c.external_id == candidate.external_id) {
                    tokens.account_tokens.insert(candidate.external_id.clone(), token);
                    candidates.push(candidate);
                }
            }
        }
        match page.paging.and_then(|p| p.next).filter(|n| !n.is_empty()) {
            Some(next) => url = next_page(&accounts_url, &next)?,
            None => break,
        }
    }
    if candidates.is_empty() {
        let hint = if granted.iter().any(|p| p == "pages_show_list") {
            ""
        } else {
            " and allow Herald to see your Pages (pages_show_list)"
        };
        return Err(Error::Rejected {
            network: NAME,
            detail: format!(
                "no Page Herald can publish to was shared. Herald publishes to business Pages only, never to \
                 personal profiles: connect again and tick at least one Page you manage{hint}."
            ),
            auth: false,
        });
    }
    Ok(Consented { tokens, candidates, granted_scopes: Some(granted) })
}

/// `paging.next` is followed only to the same listing on the configured Graph host: same
/// origin, same path, no user info. Anything else is refused before the token could leave.
fn next_page(accounts: &Url, next: &str) -> Result<Url> {
    let refuse = || Error::Network {
        network: NAME,
        detail: format!("the list of Pages pointed to an address Herald will not follow ({})", bounded_text(next, 80)),
    };
    let url = Url::parse(next).map_err(|_| refuse())?;
    let same = url.scheme() == accounts.scheme()
        && url.host() == accounts.host()
        && url.port_or_known_default() == accounts.port_or_known_default()
        && url.path() == accounts.path()
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none();
    if same {
        Ok(url)
    } else {
        Err(refuse())
    }
}

/// A Page id: Graph ids are decimal digits.
pub(crate) fn is_graph_id(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

/// One listed Page, checked: a numeric id, a cleaned name, a usable Page token, and a role that
/// lets the person publish (`CREATE_CONTENT` or `MANAGE` when Graph lists the tasks). A Page
/// Herald could not publish to is left out (`Ok(None)`); a malformed one fails the listing.
fn page_candidate(entry: PageEntry) -> Result<Option<(Candidate, Sensitive<String>)>> {
    if !is_graph_id(&entry.id) {
        return Err(Error::Network {
            network: NAME,
            detail: format!("the answer listed a Page Herald cannot use ({})", bounded_text(&entry.id, 80)),
        });
    }
    let can_publish = entry.tasks.as_ref().is_none_or(|t| t.iter().any(|t| t == "CREATE_CONTENT" || t == "MANAGE"));
    let Some(token) = entry.access_token.filter(|t| token_problem(t).is_none()) else {
        tracing::info!(page = %entry.id, "Facebook listed a Page without a usable Page token: left out");
        return Ok(None);
    };
    if !can_publish {
        tracing::info!(page = %entry.id, "the person cannot publish on this Page: left out");
        return Ok(None);
    }
    let name = bounded_text(&entry.name, MAX_NAME_CHARS);
    let avatar_url = entry.picture.and_then(|p| p.data.url).and_then(|u| cdn_image(&u, AVATAR_HOSTS));
    let candidate = Candidate {
        display_name: if name.is_empty() { entry.id.clone() } else { name },
        external_id: entry.id,
        kind: AccountKind::Page,
        avatar_url,
        already_connected: false,
        parent_id: None,
    };
    Ok(Some((candidate, Sensitive::new(token))))
}

/// `url` if it is an `https` image on one of `hosts` (or a subdomain), default port, no user
/// info; anything else is dropped (the UI would otherwise load it from wherever it points).
pub(crate) fn cdn_image(url: &str, hosts: &[&str]) -> Option<String> {
    if url.len() > 2048 {
        return None;
    }
    let parsed = Url::parse(url).ok()?;
    let Some(url::Host::Domain(host)) = parsed.host() else {
        return None;
    };
    let on_cdn = hosts.iter().any(|allowed| {
        host == *allowed || host.strip_suffix(allowed).is_some_and(|sub| sub.len() > 1 && sub.ends_with('.'))
    });
    (parsed.scheme() == "https"
        && parsed.port().is_none()
        && parsed.username().is_empty()
        && parsed.password().is_none()
        && on_cdn)
        .then(|| parsed.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_https_pictures_on_the_cdn_are_kept() {
        let ok = "https://scontent.xx.fbcdn.net/v/t1/p50x50/1.png?oh=1";
        assert_eq!(cdn_image(ok, AVATAR_HOSTS).as_deref(), Some(ok));
        for bad in [
            "http://scontent.xx.fbcdn.net/1.png",
            "https://fbcdn.net.evil.example/1.png",
            "https://evilfbcdn.net/1.png",
            "https://user@scontent.fbcdn.net/1.png",
            "https://scontent.fbcdn.net:8443/1.png",
            "https://sandbox.herald.invalid/img/forno-rossi.png",
            "javascript:alert(1)",
        ] {
            assert_eq!(cdn_image(bad, AVATAR_HOSTS), None, "{bad}");
        }
    }

    fn entry(json: &str) -> PageEntry {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn listed_pages_are_checked_before_use() {
        let (page, token) = page_candidate(entry(
            r#"{"id":"104000000000001","name":"Forno\u001b[31m Rossi\u202e\n","access_token":"EAAGx","tasks":["MANAGE"]}"#,
        ))
        .unwrap()
        .unwrap();
        assert_eq!((page.external_id.as_str(), page.display_name.as_str()), ("104000000000001", "Forno Rossi"));
        assert_eq!(token.expose(), "EAAGx");
        for bad_id in ["../me", "104/feed", "", "1e5", "104000000000001?x=1"] {
            let json = format!(r#"{{"id":"{bad_id}","name":"x","access_token":"EAAGx"}}"#);
            assert!(page_candidate(entry(&json)).is_err(), "{bad_id}");
        }
        let no_token = r#"{"id":"1","name":"x","access_token":"bad\ntoken"}"#;
        assert!(page_candidate(entry(no_token)).unwrap().is_none(), "an unusable Page token leaves the Page out");
        let viewer = r#"{"id":"1","name":"x","access_token":"EAAGx","tasks":["ANALYZE"]}"#;
        assert!(page_candidate(entry(viewer)).unwrap().is_none(), "nothing to publish there");
        let long = format!(r#"{{"id":"1","name":"{}","access_token":"EAAGx"}}"#, "n".repeat(5000));
        let (page, _) = page_candidate(entry(&long)).unwrap().unwrap();
        assert!(page.display_name.chars().count() <= MAX_NAME_CHARS + 1);
    }

    #[test]
    fn paging_stays_on_the_listing() {
        let accounts = Url::parse("https://graph.facebook.com/v25.0/me/accounts").unwrap();
        assert!(next_page(&accounts, "https://graph.facebook.com/v25.0/me/accounts?after=QVFI&limit=100").is_ok());
        for bad in [
            "https://evil.example/v25.0/me/accounts?after=x",
            "http://graph.facebook.com/v25.0/me/accounts?after=x",
            "https://graph.facebook.com/v25.0/me/feed?after=x",
            "https://graph.facebook.com:444/v25.0/me/accounts",
            "https://a@graph.facebook.com/v25.0/me/accounts",
            "/v25.0/me/accounts?after=x",
        ] {
            assert!(next_page(&accounts, bad).is_err(), "{bad}");
        }
    }
}
