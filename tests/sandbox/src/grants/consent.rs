//! The consent step: redirect and scope checks, auto-consent or the consent page, and the
//! redirect back to the app.

use axum::http::StatusCode;
use axum::response::Response;
use url::{Host, Url};

use crate::config::AutoConsent;
use crate::consent_page::{self, NetworkConsentView};
use crate::http::{self, Params};
use crate::state::State;

use super::*;

/// `http(s)://127.0.0.1:{port}/…` or `http(s)://[::1]:{port}/…` (LinkedIn native PKCE).
pub(crate) fn is_loopback_ip_redirect(uri: &str) -> bool {
    let Ok(url) = Url::parse(uri) else {
        return false;
    };
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        _ => false,
    };
    matches!(url.scheme(), "http" | "https")
        && loopback
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none()
}

/// Scopes as the network separates them (`,` for Meta, ` ` for LinkedIn and X; Meta also takes
/// spaces), in order, without duplicates or empties.
pub(crate) fn split_scopes(raw: &str, separators: &[char]) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in raw.split(|c| separators.contains(&c)).map(str::trim).filter(|s| !s.is_empty()) {
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    scopes
}

/// How one network answers the consent step.
pub(crate) struct Flavor {
    pub net: Net,
    /// Shown on the consent page: "Facebook", "Instagram", "LinkedIn", "X".
    pub brand: &'static str,
    /// Where the consent page posts (sandbox-only path).
    pub consent_path: &'static str,
    /// Prefix of issued codes.
    pub code_prefix: &'static str,
    /// Fragment appended to the redirect (`_=_` for Facebook, `_` for Instagram).
    pub fragment: Option<&'static str>,
    /// Query pairs added (after nothing else but `state`) when the person cancels.
    pub deny: &'static [(&'static str, &'static str)],
    /// Whether the consent page lists accounts to pick (Facebook Pages).
    pub pick_accounts: bool,
}

/// A selectable account on the consent page: (id, label).
pub(crate) type Choice = (String, String);

pub(crate) fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)], fragment: Option<&str>) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return http::html(
            StatusCode::BAD_REQUEST,
            consent_page::network_error_page("Sandbox", 400, "invalid_request", "Invalid redirect_uri."),
        );
    };
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in pairs {
            query.append_pair(key, value);
        }
    }
    url.set_fragment(fragment);
    http::redirect(url.as_str())
}

fn approve(st: &mut State, flavor: &Flavor, pending: Pending, consent: Consent) -> Response {
    let redirect_uri = pending.redirect_uri.clone();
    let state = pending.state.clone();
    let State { nets, issued, .. } = st;
    let code = nets.book(flavor.net).issue_code(issued, flavor.code_prefix, pending, consent);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = &state {
        pairs.push(("state", state.as_str()));
    }
    redirect_with(&redirect_uri, &pairs, flavor.fragment)
}

fn deny(flavor: &Flavor, pending: &Pending) -> Response {
    let mut pairs: Vec<(&str, &str)> = flavor.deny.to_vec();
    if let Some(state) = &pending.state {
        pairs.push(("state", state.as_str()));
    }
    redirect_with(&pending.redirect_uri, &pairs, flavor.fragment)
}

fn consent_of(pending: &Pending, choices: &[Choice], accounts: Option<&[String]>, declined: &[String]) -> Consent {
    let (granted, declined): (Vec<String>, Vec<String>) =
        pending.scopes.iter().cloned().partition(|s| !declined.contains(s));
    let accounts = choices
        .iter()
        .filter(|(id, _)| accounts.is_none_or(|only| only.contains(id)))
        .map(|(id, _)| id.clone())
        .collect();
    Consent { granted, declined, accounts }
}

/// After validation: answers at once under auto-consent, otherwise shows the consent page.
pub(crate) fn ask(st: &mut State, flavor: &Flavor, pending: Pending, choices: &[Choice]) -> Response {
    match st.auto_consent.clone() {
        Some(AutoConsent::Deny) => deny(flavor, &pending),
        Some(AutoConsent::Approve { .. }) => {
            let consent = consent_of(&pending, choices, None, &[]);
            approve(st, flavor, pending, consent)
        }
        Some(AutoConsent::Choose { accounts, declined_scopes }) => {
            let consent = consent_of(&pending, choices, accounts.as_deref(), &declined_scopes);
            approve(st, flavor, pending, consent)
        }
        None => {
            let origin =
                Url::parse(&pending.redirect_uri).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
            let scopes = pending.scopes.clone();
            let client_id = pending.client_id.clone();
            let request_id = st.nets.book(flavor.net).add_pending(pending);
            let view = NetworkConsentView {
                brand: flavor.brand,
                request_id: &request_id,
                form_action: flavor.consent_path,
                client_id: &client_id,
                redirect_origin: &origin,
                accounts: if flavor.pick_accounts { choices } else { &[] },
                scopes: &scopes,
            };
            http::html(StatusCode::OK, consent_page::network_consent(&view))
        }
    }
}

/// The consent page's form post (`request_id`, `decision`, repeated `account` and `scope`):
/// unticked scopes are declined, unticked accounts not granted.
pub(crate) fn answer(st: &mut State, flavor: &Flavor, body: &[u8], choices: &[Choice]) -> Response {
    let params = Params::parse(body);
    let bad = |reason: &str| {
        http::html(
            StatusCode::BAD_REQUEST,
            consent_page::network_error_page(flavor.brand, 400, "invalid_request", reason),
        )
    };
    let Some(request_id) = params.get("request_id") else {
        return bad("Missing required parameter: request_id");
    };
    let decision = params.get("decision");
    if !matches!(decision, Some("allow" | "deny")) {
        return bad("decision must be \"allow\" or \"deny\".");
    }
    let Some(pending) = st.nets.book(flavor.net).take_pending(request_id) else {
        return bad("This sign-in request has expired or was already answered. Start again from the app.");
    };
    if decision == Some("deny") {
        return deny(flavor, &pending);
    }
    let ticked: Vec<String> = params.all("scope").map(str::to_owned).collect();
    let declined: Vec<String> = pending.scopes.iter().filter(|s| !ticked.contains(s)).cloned().collect();
    let consent = if flavor.pick_accounts {
        let picked: Vec<String> = params.all("account").map(str::to_owned).collect();
        consent_of(&pending, choices, Some(&picked), &declined)
    } else {
        consent_of(&pending, choices, None, &declined)
    };
    approve(st, flavor, pending, consent)
}
