//! The member (`/v2/userinfo`) and the organizations they administer, offered after consent.

use serde::Deserialize;
use url::Url;

use super::api::{get_json, join_api};
use super::NAME;
use crate::api::{AccountKind, Candidate};
use crate::error::{Error, Result};
use crate::net::{bounded_text, MAX_DETAIL_CHARS, MAX_NAME_CHARS};
use crate::networks::{Consented, Ctx};
use crate::secret::Sensitive;
use crate::vault::TokenSet;

/// Any of these lets a member read their organization roles (`organizationAcls`).
const ACL_SCOPES: &[&str] =
    &["rw_organization_admin", "r_organization_admin", "w_organization_social", "r_organization_social"];

/// `organizationAcls` page size, and the most pages followed.
const ACL_PAGE_SIZE: usize = 100;
const MAX_ACL_PAGES: usize = 20;
/// Organizations named per batch get.
const ORGANIZATIONS_PER_BATCH: usize = 50;
/// Where member pictures are served (`https://media.licdn.com/dms/image/...`).
const PICTURE_HOST: &str = "media.licdn.com";
/// The member (`/v2/userinfo`) and the organizations they administer
/// (`/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`, names looked up).
/// The member is offered when `openid` was granted, organizations when a scope reading roles was.
pub(crate) async fn after_consent(ctx: &Ctx<'_>, mut tokens: TokenSet) -> Result<Consented> {
    // LinkedIn separates the granted scopes with commas (`openid,profile,w_member_social`).
    let granted_scopes = tokens.granted_scopes.take().map(|scopes| split_scopes(&scopes));
    let granted = |scope: &str| granted_scopes.as_ref().is_none_or(|g| g.iter().any(|s| s == scope));
    let asked = |scope: &str| ctx.oauth.scopes.iter().any(|s| s == scope);

    let mut candidates = Vec::new();
    if granted("openid") {
        candidates.push(member(ctx, &tokens.access_token).await?);
    }
    if ACL_SCOPES.iter().any(|s| asked(s) && granted(s)) {
        candidates.extend(organizations(ctx, &tokens.access_token).await?);
    }
    tokens.granted_scopes = granted_scopes.clone();
    Ok(Consented { tokens, candidates, granted_scopes })
}

fn split_scopes(scopes: &[String]) -> Vec<String> {
    scopes
        .iter()
        .flat_map(|s| s.split([',', ' ']))
        .filter(|s| !s.is_empty())
        .map(|s| bounded_text(s, MAX_DETAIL_CHARS))
        .collect()
}

#[derive(Deserialize)]
struct UserInfo {
    sub: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    picture: Option<String>,
}

async fn member(ctx: &Ctx<'_>, token: &Sensitive<String>) -> Result<Candidate> {
    let url = join_api(ctx, "v2/userinfo")?;
    let info: UserInfo = get_json(ctx, url, token, false).await?;
    if !is_member_id(&info.sub) {
        return Err(Error::Network {
            network: NAME,
            detail: format!("the answer named a member Herald cannot use ({})", bounded_text(&info.sub, 80)),
        });
    }
    let external_id = format!("urn:li:person:{}", info.sub);
    let name = bounded_text(info.name.as_deref().unwrap_or_default(), MAX_NAME_CHARS);
    Ok(Candidate {
        display_name: if name.is_empty() { external_id.clone() } else { name },
        external_id,
        kind: AccountKind::Profile,
        avatar_url: info.picture.as_deref().and_then(picture_url),
        already_connected: false,
        parent_id: None,
    })
}

/// OpenID `sub` is the member id of `urn:li:person:{id}`: letters, digits, `-` and `_`.
fn is_member_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A member picture, kept only when it is https on LinkedIn's image host.
fn picture_url(picture: &str) -> Option<String> {
    let url = Url::parse(picture).ok()?;
    let host_ok = url.host_str().is_some_and(|h| h == PICTURE_HOST || h.ends_with(&format!(".{PICTURE_HOST}")));
    let ok = url.scheme() == "https"
        && host_ok
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        && picture.len() <= 2048;
    ok.then(|| url.to_string())
}

#[derive(Deserialize)]
struct AclPage {
    #[serde(default)]
    elements: Vec<Acl>,
    #[serde(default)]
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Acl {
    #[serde(default)]
    organization: Option<String>,
}

#[derive(Deserialize)]
struct Paging {
    #[serde(default)]
    total: Option<usize>,
}

#[derive(Deserialize)]
struct OrganizationsBatch {
    #[serde(default)]
    results: std::collections::BTreeMap<String, Organization>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Organization {
    #[serde(default)]
    localized_name: Option<String>,
    #[serde(default)]
    vanity_name: Option<String>,
}

/// The organizations the member administers (approved), named.
async fn organizations(ctx: &Ctx<'_>, token: &Sensitive<String>) -> Result<Vec<Candidate>> {
    let mut ids: Vec<String> = Vec::new();
    for page in 0..MAX_ACL_PAGES {
        let start = page * ACL_PAGE_SIZE;
        let mut url = join_api(ctx, "rest/organizationAcls")?;
        url.query_pairs_mut()
            .append_pair("q", "roleAssignee")
            .append_pair("role", "ADMINISTRATOR")
            .append_pair("state", "APPROVED")
            .append_pair("start", &start.to_string())
            .append_pair("count", &ACL_PAGE_SIZE.to_string());
        let acls: AclPage = get_json(ctx, url, token, true).await?;
        let listed = acls.elements.len();
        for acl in acls.elements {
            let urn = acl.organization.unwrap_or_default();
            let id = organization_id(&urn).ok_or_else(|| Error::Network {
                network: NAME,
                detail: format!("the answer named an organization Herald cannot use ({})", bounded_text(&urn, 80)),
            })?;
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_owned());
            }
        }
        let total = acls.paging.and_then(|p| p.total).unwrap_or(0);
        if listed == 0 || start + listed >= total {
            break;
        }
    }

    let mut candidates = Vec::new();
    for chunk in ids.chunks(ORGANIZATIONS_PER_BATCH) {
        let mut url = join_api(ctx, "rest/organizations")?;
        // Rest.li 2.0: the list's parentheses and commas stay literal; the ids are digits.
        url.set_query(Some(&format!("ids=List({})", chunk.join(","))));
        let batch: OrganizationsBatch = get_json(ctx, url, token, true).await?;
        for id in chunk {
            let Some(org) = batch.results.get(id) else {
                tracing::warn!(organization = %id, "LinkedIn did not name an administered organization; not offered");
                continue;
            };
            let name = [&org.localized_name, &org.vanity_name]
                .into_iter()
                .flatten()
                .map(|n| bounded_text(n, MAX_NAME_CHARS))
                .find(|n| !n.is_empty());
            let external_id = format!("urn:li:organization:{id}");
            candidates.push(Candidate {
                display_name: name.unwrap_or_else(|| external_id.clone()),
                external_id,
                kind: AccountKind::Organization,
                avatar_url: None,
                already_connected: false,
                parent_id: None,
            });
        }
    }
    Ok(candidates)
}

/// The numeric id of `urn:li:organization:{id}`, or `None` for anything else.
fn organization_id(urn: &str) -> Option<&str> {
    let id = urn.strip_prefix("urn:li:organization:")?;
    ((1..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_linkedin_are_checked_before_use() {
        assert_eq!(organization_id("urn:li:organization:90000001"), Some("90000001"));
        for bad in [
            "urn:li:organization:",
            "urn:li:organization:12/../x",
            "urn:li:organization:1?x=y",
            "urn:li:organization:1,2",
            "urn:li:organizationBrand:1",
            "urn:li:person:1",
            "urn:li:organization:123456789012345678901",
        ] {
            assert!(organization_id(bad).is_none(), "{bad}");
        }
        assert!(is_member_id("gR0ss1Sbx7") && is_member_id("a-b_c"));
        assert!(!is_member_id("") && !is_member_id("a/b") && !is_member_id("a b") && !is_member_id(&"x".repeat(65)));
    }

    #[test]
    fn only_https_pictures_on_linkedins_host_are_kept() {
        let ok = "https://media.licdn.com/dms/image/v2/D4E03AQ/profile-displayphoto-shrink_100_100/0/1?e=1&v=beta";
        assert_eq!(picture_url(ok).as_deref(), Some(ok));
        for bad in [
            "http://media.licdn.com/dms/image/x",
            "https://media.licdn.com.evil.example/x",
            "https://evilmedia.licdn.com/x",
            "https://user@media.licdn.com/x",
            "https://media.licdn.com:8443/x",
            "https://sandbox.herald.invalid/img/giulia-rossi.jpg",
            "javascript:alert(1)",
        ] {
            assert!(picture_url(bad).is_none(), "{bad}");
        }
    }
    #[test]
    fn granted_scopes_are_split_on_commas() {
        let got = split_scopes(&["openid,profile,w_member_social".to_owned()]);
        assert_eq!(got, ["openid", "profile", "w_member_social"]);
    }
}
