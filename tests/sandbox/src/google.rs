//! Google: OAuth 2.0 for a "Desktop app" client and the Business Profile listing APIs.
//!
//! The real hosts become path prefixes under `/google`:
//! `accounts.google.com/o/oauth2/v2/auth` → `/google/o/oauth2/v2/auth`,
//! `oauth2.googleapis.com/token` → `/google/token`, `oauth2.googleapis.com/revoke` →
//! `/google/revoke`, `mybusinessaccountmanagement.googleapis.com/v1/accounts` →
//! `/google/mybusinessaccountmanagement/v1/accounts`, and
//! `mybusinessbusinessinformation.googleapis.com/v1/{account}/locations` →
//! `/google/mybusinessbusinessinformation/v1/{account}/locations`, and
//! `mybusiness.googleapis.com/v4/accounts/{a}/locations/{l}/localPosts` →
//! `/google/mybusiness/v4/accounts/{a}/locations/{l}/localPosts` (see `posts.rs`).

mod api;
mod oauth;
mod posts;

use axum::routing::{get, post};
use axum::Router;

use crate::state::Shared;

/// The only scope the Business Profile APIs need.
pub const SCOPE_BUSINESS_MANAGE: &str = "https://www.googleapis.com/auth/business.manage";

/// Authorization endpoint (browser).
pub const AUTHORIZE_PATH: &str = "/google/o/oauth2/v2/auth";
/// Where the sandbox consent page posts the user's decision (sandbox-only).
pub const CONSENT_PATH: &str = "/google/o/oauth2/v2/consent";
/// Token endpoint (code exchange and refresh).
pub const TOKEN_PATH: &str = "/google/token";
/// Token revocation endpoint.
pub const REVOKE_PATH: &str = "/google/revoke";
/// Account Management API: list accounts.
pub const ACCOUNTS_PATH: &str = "/google/mybusinessaccountmanagement/v1/accounts";
/// Business Information API base; locations are at `{this}/accounts/{id}/locations`.
pub const BUSINESS_INFORMATION_BASE: &str = "/google/mybusinessbusinessinformation/v1";

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route(AUTHORIZE_PATH, get(oauth::authorize))
        .route(CONSENT_PATH, post(oauth::consent))
        .route(TOKEN_PATH, post(oauth::token))
        .route(REVOKE_PATH, post(oauth::revoke))
        .route(ACCOUNTS_PATH, get(api::accounts))
        .route("/google/mybusinessbusinessinformation/v1/accounts/{account_id}/locations", get(api::locations))
        .route(
            "/google/mybusiness/v4/accounts/{account_id}/locations/{location_id}/localPosts",
            get(posts::list).post(posts::create),
        )
}
