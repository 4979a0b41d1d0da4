//! The organization scopes LinkedIn refused to an app: remembered per client id, and the
//! authorize step's `unauthorized_scope_error` turned into what the user can act on.

use super::{NAME, ORGANIZATION_SCOPES};
use crate::error::{Error, Result};
use crate::store::Store;

/// Settings key remembering, for one client id, that LinkedIn refused it the organization
/// scopes (the app lacks the Community Management API).
const ORGANIZATIONS_REFUSED_KEY: &str = "linkedin.organizations_refused_for";

/// Whether the next sign-in may ask for the organization scopes: not when LinkedIn refused them
/// to this very app before (saving LinkedIn's credentials again forgets that).
pub(crate) async fn may_ask_organizations(store: &Store, client_id: &str) -> Result<bool> {
    Ok(store.setting(ORGANIZATIONS_REFUSED_KEY).await?.as_deref() != Some(client_id))
}

/// Forget a refusal of the organization scopes (new or re-saved credentials).
pub(crate) async fn forget_organizations_refusal(store: &Store) -> Result<()> {
    store.set_setting(ORGANIZATIONS_REFUSED_KEY, None).await
}

/// Turn LinkedIn's `unauthorized_scope_error` from the authorize step into what the user can
/// act on. An organization scope refused means the app lacks the Community Management API:
/// Herald remembers it, and the next sign-in asks for the member profile only. Other answers
/// are returned as they were.
pub(crate) async fn authorize_refused(store: &Store, client_id: &str, error: Error) -> Error {
    let Error::ConsentDenied(reason) = &error else {
        return error;
    };
    let Some(description) = reason.strip_prefix("unauthorized_scope_error") else {
        return error;
    };
    let scope = description.split('"').nth(1).unwrap_or_default();
    if ORGANIZATION_SCOPES.contains(&scope) || scope == "r_organization_admin" {
        if let Err(e) = store.set_setting(ORGANIZATIONS_REFUSED_KEY, Some(client_id)).await {
            tracing::warn!("could not remember LinkedIn's refusal of the organization scopes: {e}");
        }
        return Error::Rejected {
            network: NAME,
            detail: format!(
                "your LinkedIn app may not post to organization pages (\"{scope}\" needs LinkedIn's Community \
                 Management API). Connect again: Herald will now ask only for your member profile. Once LinkedIn \
                 approves the app for organization pages, save its credentials again in Settings."
            ),
            auth: false,
        };
    }
    let scope = if scope.is_empty() { "a permission Herald needs".to_owned() } else { format!("\"{scope}\"") };
    Error::Rejected {
        network: NAME,
        detail: format!(
            "your LinkedIn app may not ask for {scope}. In the LinkedIn Developer Portal, add the products \
             \"Sign In with LinkedIn using OpenID Connect\" and \"Share on LinkedIn\" to the app, then connect again."
        ),
        auth: false,
    }
}
