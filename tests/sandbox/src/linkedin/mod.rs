//! LinkedIn: OAuth 2.0 (standard 3-legged flow and the native PKCE flow), OpenID userinfo, and
//! the versioned Community Management APIs Herald calls.
//!
//! The real hosts become path prefixes under `/linkedin`, the real path kept after them:
//! `www.linkedin.com/oauth/…` → `/linkedin/www/oauth/…` (`v2/authorization`,
//! `native-pkce/authorization`, `v2/accessToken`, `v2/revoke`) and `api.linkedin.com/…` →
//! `/linkedin/api/…` (`v2/userinfo`, `rest/organizationAcls`, `rest/organizations`,
//! `rest/posts`). The consent page posts to the sandbox-only [`CONSENT_PATH`].
//!
//! Sources: 3-legged flow
//! <https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow>,
//! native PKCE (loopback IP, any port)
//! <https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow-native>,
//! refresh tokens <https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens>,
//! userinfo <https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2>,
//! organizationAcls (`X-Restli-Protocol-Version: 2.0.0` on finders)
//! <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-access-control-by-role>,
//! versioning (`LinkedIn-Version: YYYYMM`) <https://learn.microsoft.com/en-us/linkedin/marketing/versioning>,
//! posts (`x-restli-id`; the `q=author` finder, `count` default 10 and at most 100, `start`,
//! `sortBy`, which needs `r_organization_social` for an organization and the closed
//! `r_member_social` for a member)
//! <https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api>,
//! daily limits (150 posts per member and 100,000 per application a day; 429 past them)
//! <https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits>,
//! errors <https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling>.

use axum::routing::{get, post};
use axum::Router;

use crate::grants::{Flavor, Net};
use crate::state::Shared;

mod dialog;
pub(crate) mod images;
mod members;
mod publish;
mod rest;
mod token;

use dialog::{authorize_native, authorize_standard, consent, org_urn, person_urn};
use members::{organization, organization_acls, organizations_batch, userinfo};
use publish::{posts, posts_by_author};
use rest::{access_denied, authenticate, versioned};
use token::{access_token, revoke};

/// Where the sandbox consent page posts the person's decision (sandbox-only).
pub const CONSENT_PATH: &str = "/linkedin/www/oauth/v2/authorization/consent";

/// Scopes a LinkedIn app of Herald's kind can be granted.
pub const KNOWN_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "w_member_social",
    "r_organization_social",
    "w_organization_social",
    "rw_organization_admin",
    "r_organization_admin",
];

/// Any of these lets the member read their organization roles.
const ACL_SCOPES: &[&str] =
    &["rw_organization_admin", "r_organization_admin", "w_organization_social", "r_organization_social"];

/// The scopes only the Community Management API product grants.
fn is_organization_scope(scope: &str) -> bool {
    scope.contains("_organization_")
}

const FLAVOR: Flavor = Flavor {
    net: Net::LinkedIn,
    brand: "LinkedIn",
    consent_path: CONSENT_PATH,
    code_prefix: "AQT",
    fragment: None,
    deny: &[("error", "user_cancelled_authorize"), ("error_description", "The user cancelled the authorization")],
    pick_accounts: false,
};

/// How many months a `LinkedIn-Version` stays active.
const ACTIVE_VERSION_MONTHS: i64 = 12;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/linkedin/www/oauth/v2/authorization", get(authorize_standard))
        .route("/linkedin/www/oauth/native-pkce/authorization", get(authorize_native))
        .route(CONSENT_PATH, post(consent))
        .route("/linkedin/www/oauth/v2/accessToken", post(access_token))
        .route("/linkedin/www/oauth/v2/revoke", post(revoke))
        .route("/linkedin/api/v2/userinfo", get(userinfo))
        .route("/linkedin/api/rest/organizationAcls", get(organization_acls))
        .route("/linkedin/api/rest/organizations", get(organizations_batch))
        .route("/linkedin/api/rest/organizations/{id}", get(organization))
        .route("/linkedin/api/rest/posts", post(posts).get(posts_by_author))
        .route("/linkedin/api/rest/images", post(images::images))
        .route(
            "/linkedin/upload/dms-uploads/{key}/uploaded-image/0",
            axum::routing::put(images::upload).layer(axum::extract::DefaultBodyLimit::max(images::UPLOAD_BODY_LIMIT)),
        )
}
