//! The authorization dialog (standard and native PKCE): its checks, the consent page and the
//! person's decision.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::config::{Endpoint, LinkedInSeed};
use crate::consent_page;
use crate::faults::gate;
use crate::grants::{self, Choice, Pending, Pkce};
use crate::http::{self, Params, Rejection};
use crate::state::{lock, Shared};

use super::*;

fn page(reason: &str) -> Response {
    http::html(StatusCode::BAD_REQUEST, consent_page::network_error_page("LinkedIn", 400, "invalid_request", reason))
}

/// The member and the organizations: what a grant reaches.
fn choices(seed: &LinkedInSeed) -> Vec<Choice> {
    std::iter::once((person_urn(seed), format!("{} {}", seed.given_name, seed.family_name)))
        .chain(seed.organizations.iter().map(|o| (org_urn(o.id), o.localized_name.clone())))
        .collect()
}

pub(super) fn person_urn(seed: &LinkedInSeed) -> String {
    format!("urn:li:person:{}", seed.member_id)
}

pub(super) fn org_urn(id: u64) -> String {
    format!("urn:li:organization:{id}")
}

fn validate_authorize(seed: &LinkedInSeed, params: &Params, native: bool) -> Result<Pending, Rejection> {
    if params.get("client_id") != Some(seed.client_id.as_str()) {
        return Err(Box::new(page("The client_id is invalid: this application was not found.")));
    }
    if native && !seed.native_pkce {
        return Err(Box::new(page("The native PKCE flow is not enabled for this application.")));
    }
    let redirect_uri = params.get("redirect_uri").unwrap_or_default();
    let registered = if native {
        grants::is_loopback_ip_redirect(redirect_uri)
    } else {
        seed.redirect_uris.iter().any(|r| r == redirect_uri)
    };
    if !registered {
        return Err(Box::new(page("The redirect_uri does not match the registered value")));
    }
    if params.get("response_type") != Some("code") {
        return Err(Box::new(page("Invalid response_type: it must be code.")));
    }
    let pkce = if native {
        let Some(challenge) = params.get("code_challenge").filter(|c| grants::is_pkce_value(c)) else {
            return Err(Box::new(page("A valid code_challenge is required.")));
        };
        if params.get("code_challenge_method") != Some("S256") {
            return Err(Box::new(page("code_challenge_method must be S256.")));
        }
        Some(Pkce { challenge: challenge.to_owned(), s256: true })
    } else {
        None
    };
    let scopes = grants::split_scopes(params.get("scope").unwrap_or_default(), &[' ']);
    Ok(Pending {
        client_id: seed.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: params.get("state").map(str::to_owned),
        scopes,
        pkce,
        created: std::time::Instant::now(),
    })
}

async fn authorize_flow(shared: &Shared, q: Option<&str>, native: bool) -> Response {
    if let Some(response) = gate(shared, Endpoint::LinkedInAuthorize).await {
        return response;
    }
    let params = Params::from_query(q);
    let mut st = lock(shared);
    let pending = match validate_authorize(&st.nets.linkedin_seed, &params, native) {
        Ok(pending) => pending,
        Err(page) => return *page,
    };
    // Scope problems come back to the app as a redirect, not as a page. Fidelity note: an app
    // without the Community Management API is refused the organization scopes the same way as
    // scopes LinkedIn does not know.
    let seed = &st.nets.linkedin_seed;
    let unknown = pending
        .scopes
        .iter()
        .find(|s| !KNOWN_SCOPES.contains(&s.as_str()) || (!seed.organization_products && is_organization_scope(s)));
    if pending.scopes.is_empty() || unknown.is_some() {
        let description = match unknown {
            Some(scope) => format!("Scope \"{scope}\" is not authorized for your application"),
            None => "The scope parameter is required".to_owned(),
        };
        let mut pairs = vec![("error", "unauthorized_scope_error"), ("error_description", description.as_str())];
        if let Some(state) = &pending.state {
            pairs.push(("state", state.as_str()));
        }
        return grants::redirect_with(&pending.redirect_uri, &pairs, None);
    }
    let choices = choices(&st.nets.linkedin_seed);
    grants::ask(&mut st, &FLAVOR, pending, &choices)
}

/// `GET /linkedin/www/oauth/v2/authorization` (standard flow, exact registered redirect)
pub(super) async fn authorize_standard(State(shared): State<Shared>, RawQuery(q): RawQuery) -> Response {
    authorize_flow(&shared, q.as_deref(), false).await
}

/// `GET /linkedin/www/oauth/native-pkce/authorization` (loopback on any port, PKCE S256)
pub(super) async fn authorize_native(State(shared): State<Shared>, RawQuery(q): RawQuery) -> Response {
    authorize_flow(&shared, q.as_deref(), true).await
}

/// `POST /linkedin/www/oauth/v2/authorization/consent` (sandbox consent page form)
pub(super) async fn consent(State(shared): State<Shared>, body: Bytes) -> Response {
    let mut st = lock(&shared);
    let choices = choices(&st.nets.linkedin_seed);
    grants::answer(&mut st, &FLAVOR, &body, &choices)
}
