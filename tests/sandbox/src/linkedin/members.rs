//! The member and their organizations: `userinfo`, `organizationAcls`, `organizations`.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::config::{Endpoint, LinkedInSeed};
use crate::faults::gate;
use crate::http::{self, Params};
use crate::shapes::linkedin_error;
use crate::state::{lock, Shared};

use super::*;

/// `GET /linkedin/api/v2/userinfo` (OpenID Connect; needs `openid`).
pub(super) async fn userinfo(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInUserinfo).await {
        return response;
    }
    let st = lock(&shared);
    let auth = match authenticate(&st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    if !auth.has("openid") {
        return access_denied("userinfo.GET.NO_VERSION");
    }
    let seed = &st.nets.linkedin_seed;
    let mut body = json!({ "sub": seed.member_id });
    if auth.has("profile") {
        body["name"] = json!(format!("{} {}", seed.given_name, seed.family_name));
        body["given_name"] = json!(seed.given_name);
        body["family_name"] = json!(seed.family_name);
        body["picture"] = json!(seed.picture_url);
        body["locale"] = json!({ "country": "IT", "language": "it" });
    }
    if auth.has("email") {
        body["email"] = json!("giulia@fornorossi.invalid");
        body["email_verified"] = json!(true);
    }
    http::json(StatusCode::OK, &body)
}

/// `GET /linkedin/api/rest/organizationAcls?q=roleAssignee[&role=ADMINISTRATOR][&state=APPROVED]`
pub(super) async fn organization_acls(
    State(shared): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInOrganizationAcls).await {
        return response;
    }
    let version = match versioned(&headers) {
        Ok(version) => version,
        Err(response) => return *response,
    };
    let params = Params::from_query(q.as_deref());
    let st = lock(&shared);
    let auth = match authenticate(&st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    match params.get("q") {
        Some("roleAssignee") => {}
        Some(other) => {
            return linkedin_error(
                StatusCode::BAD_REQUEST,
                None,
                None,
                &format!("Finder '{other}' is not supported on organizationAcls"),
            )
        }
        None => return linkedin_error(StatusCode::BAD_REQUEST, None, None, "Missing required query parameter: q"),
    }
    if !ACL_SCOPES.iter().any(|s| auth.has(s)) {
        return access_denied(&format!("organizationAcls.FINDER-roleAssignee.{version}"));
    }
    let seed = &st.nets.linkedin_seed;
    let role_ok = params.get("role").is_none_or(|r| r == "ADMINISTRATOR");
    let state_ok = params.get("state").is_none_or(|s| s == "APPROVED");
    let elements: Vec<Value> = seed
        .organizations
        .iter()
        .filter(|o| role_ok && state_ok && auth.consent.accounts.contains(&org_urn(o.id)))
        .map(|o| {
            json!({
                "roleAssignee": person_urn(seed),
                "state": "APPROVED",
                "role": "ADMINISTRATOR",
                "organization": org_urn(o.id),
            })
        })
        .collect();
    let count: usize = params.get("count").and_then(|c| c.parse().ok()).unwrap_or(10);
    let start: usize = params.get("start").and_then(|c| c.parse().ok()).unwrap_or(0);
    let total = elements.len();
    let page: Vec<Value> = elements.into_iter().skip(start).take(count).collect();
    http::json(
        StatusCode::OK,
        &json!({
            "paging": { "start": start, "count": count, "links": [], "total": total },
            "elements": page,
        }),
    )
}

fn render_org(seed: &LinkedInSeed, id: u64) -> Option<Value> {
    let org = seed.organizations.iter().find(|o| o.id == id)?;
    Some(json!({
        "id": org.id,
        "localizedName": org.localized_name,
        "vanityName": org.vanity_name,
        "name": {
            "localized": { "it_IT": org.localized_name },
            "preferredLocale": { "country": "IT", "language": "it" },
        },
    }))
}

fn org_not_found(id: &str) -> Response {
    linkedin_error(StatusCode::NOT_FOUND, None, None, &format!("Organization {id} not found"))
}

/// `GET /linkedin/api/rest/organizations/{id}`
pub(super) async fn organization(State(shared): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInOrganizations).await {
        return response;
    }
    if let Err(response) = versioned(&headers) {
        return *response;
    }
    let st = lock(&shared);
    if let Err(response) = authenticate(&st, &headers) {
        return *response;
    }
    match id.parse().ok().and_then(|n| render_org(&st.nets.linkedin_seed, n)) {
        Some(org) => http::json(StatusCode::OK, &org),
        None => org_not_found(&id),
    }
}

/// `GET /linkedin/api/rest/organizations?ids=List(1,2)` (Rest.li 2.0 batch get).
pub(super) async fn organizations_batch(
    State(shared): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(response) = gate(&shared, Endpoint::LinkedInOrganizations).await {
        return response;
    }
    if let Err(response) = versioned(&headers) {
        return *response;
    }
    // Rest.li 2.0 keeps the list's structure literal: `List(`, `,` and `)` percent-encoded are
    // part of a value, not a list (fidelity note: a decoded match would accept `List%281%29`).
    let literal = q.as_deref().unwrap_or_default().split('&').any(|pair| pair.starts_with("ids=List("));
    let params = Params::from_query(q.as_deref());
    let st = lock(&shared);
    if let Err(response) = authenticate(&st, &headers) {
        return *response;
    }
    let Some(list) = params.get("ids").filter(|_| literal).and_then(|ids| ids.strip_prefix("List(")?.strip_suffix(')'))
    else {
        return linkedin_error(StatusCode::BAD_REQUEST, None, None, "Expected ids=List(…) (Rest.li protocol 2.0)");
    };
    let mut results = serde_json::Map::new();
    let mut statuses = serde_json::Map::new();
    let mut errors = serde_json::Map::new();
    for id in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match id.parse().ok().and_then(|n| render_org(&st.nets.linkedin_seed, n)) {
            Some(org) => {
                results.insert(id.to_owned(), org);
                statuses.insert(id.to_owned(), json!(200));
            }
            None => {
                statuses.insert(id.to_owned(), json!(404));
                errors
                    .insert(id.to_owned(), json!({ "status": 404, "message": format!("Organization {id} not found") }));
            }
        }
    }
    http::json(StatusCode::OK, &json!({ "results": results, "statuses": statuses, "errors": errors }))
}
