//! Facebook: Facebook Login (manual flow) for a Pages app, and the Graph API calls Herald makes.
//!
//! The real hosts become path prefixes under `/facebook`, the real path kept after them:
//! `www.facebook.com/{v}/dialog/oauth` → `/facebook/www/{v}/dialog/oauth`, and
//! `graph.facebook.com/{v}/…` → `/facebook/graph/{v}/…` (e.g.
//! `/facebook/graph/v25.0/me/accounts`). `{v}` is any `vN.M`. The consent page posts to the
//! sandbox-only [`CONSENT_PATH`].
//!
//! Sources: manual login flow
//! <https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow>, long-lived
//! tokens <https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived>,
//! Pages <https://developers.facebook.com/docs/pages/getting-started> and
//! <https://developers.facebook.com/docs/graph-api/reference/user/accounts/>, permissions
//! <https://developers.facebook.com/docs/graph-api/reference/user/permissions/>, errors
//! <https://developers.facebook.com/docs/graph-api/guides/error-handling/>.
//!
//! Publishing: `POST /{page-id}/feed` (`message`, `link`, `attached_media[n]={"media_fbid":…}`)
//! <https://developers.facebook.com/docs/pages-api/posts>, `POST /{page-id}/photos` (multipart
//! `source` or a `url` the sandbox really fetches; `message`; `published=false` for a photo to
//! attach later; JPEG or PNG under 4 MB)
//! <https://developers.facebook.com/docs/graph-api/reference/page/photos/>, and for
//! reconciliation `GET /{page-id}/feed` and `/{page-id}/published_posts`
//! <https://developers.facebook.com/docs/graph-api/reference/page/feed/>. Throttling
//! (<https://developers.facebook.com/docs/graph-api/overview/rate-limiting/>): a Page posting
//! faster than [`FacebookSeed::posts_per_minute`] gets code 368, subcode 1390008; codes 4, 17
//! and 32 are injected with [`throttle_fault`].

use axum::routing::{get, post};
use axum::Router;

use crate::grants::{Flavor, Net};
use crate::state::Shared;

mod dialog;
mod pages;
mod publish;
mod token;

use dialog::{authorize, consent};
use pages::{accounts, deauthorize, may_read, me, no_such_object, node, page_limit, permissions};
use publish::{feed, feed_list, photos, PHOTO_BODY_LIMIT};
pub use publish::{throttle_fault, PHOTO_MAX_BYTES};
use token::{access_token, authenticate, open, token_failure, NO_TOKEN, NO_TOKEN_ME, SCHEMES};

/// Where the sandbox consent page posts the person's decision (sandbox-only).
pub const CONSENT_PATH: &str = "/facebook/www/dialog/oauth/consent";

/// Permissions a Pages app asks for; the dialog refuses others as invalid scopes.
pub const KNOWN_SCOPES: &[&str] = &[
    "public_profile",
    "email",
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_metadata",
    "pages_read_user_content",
    "business_management",
    "instagram_basic",
    "instagram_content_publish",
    "read_insights",
];

const FLAVOR: Flavor = Flavor {
    net: Net::Facebook,
    brand: "Facebook",
    consent_path: CONSENT_PATH,
    code_prefix: "AQB",
    // Facebook appends `#_=_` to the redirect.
    fragment: Some("_=_"),
    deny: &[
        ("error", "access_denied"),
        ("error_code", "200"),
        ("error_description", "Permissions error"),
        ("error_reason", "user_denied"),
    ],
    pick_accounts: true,
};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/facebook/www/{version}/dialog/oauth", get(authorize))
        .route(CONSENT_PATH, post(consent))
        .route("/facebook/graph/{version}/oauth/access_token", get(access_token))
        .route("/facebook/graph/{version}/me", get(me))
        .route("/facebook/graph/{version}/me/accounts", get(accounts))
        .route("/facebook/graph/{version}/me/permissions", get(permissions).delete(deauthorize))
        .route("/facebook/graph/{version}/{node}", get(node))
        .route("/facebook/graph/{version}/{node}/feed", post(feed).get(feed_list))
        .route("/facebook/graph/{version}/{node}/published_posts", get(feed_list))
        .route(
            "/facebook/graph/{version}/{node}/photos",
            post(photos).layer(axum::extract::DefaultBodyLimit::max(PHOTO_BODY_LIMIT)),
        )
}
