//! Configuration and seed data: what the sandbox knows before any request arrives.

use serde::{Deserialize, Serialize};

use crate::http::random_token;

/// Client id of the OAuth client seeded by [`SandboxConfig::demo`].
pub const DEMO_GOOGLE_CLIENT_ID: &str = "herald-demo.apps.sandbox.invalid";
/// Client secret of the OAuth client seeded by [`SandboxConfig::demo`].
pub const DEMO_GOOGLE_CLIENT_SECRET: &str = "sandbox-google-secret";

/// Everything a sandbox starts with.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// The Google OAuth client and the Business Profile data behind it.
    pub google: GoogleSeed,
    /// Lifetime of issued access tokens, in seconds (Google: 3599). Zero or less means every
    /// access token is already expired when issued.
    pub access_token_ttl_secs: i64,
    /// When set, the authorize endpoint answers at once instead of showing a consent page.
    pub auto_consent: Option<AutoConsent>,
    /// Issue codes, access and refresh tokens as bare random base64url strings, without
    /// Google's recognisable prefixes (`4/0A`, `ya29.`, `1//`) — as most networks do. Leak tests
    /// use it so that nothing is caught merely for looking like a Google token.
    pub opaque_secrets: bool,
    /// The Facebook app, its user and the Pages they manage.
    pub facebook: FacebookSeed,
    /// The Instagram app (Instagram Login) and the professional account that signs in.
    pub instagram: InstagramSeed,
    /// The LinkedIn app, its member and the organizations the member administers.
    pub linkedin: LinkedInSeed,
    /// The X app (public native client) and the account that signs in.
    pub x: XSeed,
    /// The admin API (`/__sandbox/*`): `None` (the default, and what the app's in-process demo
    /// sandbox uses) leaves it unrouted (404); `Some(token)` serves it to requests carrying
    /// `Authorization: Bearer <token>`. Give tests a random token ([`crate::new_admin_token`]).
    pub admin_token: Option<String>,
}

impl SandboxConfig {
    /// The demo seed: one OAuth client, one account "Forno Rossi S.r.l." with two locations.
    pub fn demo() -> Self {
        Self {
            google: GoogleSeed {
                client_id: DEMO_GOOGLE_CLIENT_ID.to_owned(),
                client_secret: DEMO_GOOGLE_CLIENT_SECRET.to_owned(),
                accounts: vec![GoogleAccountSeed {
                    name: "accounts/108000000001".to_owned(),
                    account_name: "Forno Rossi S.r.l.".to_owned(),
                    locations: vec![
                        GoogleLocationSeed {
                            name: "locations/5550000001".to_owned(),
                            title: "Forno Rossi — Centro".to_owned(),
                        },
                        GoogleLocationSeed {
                            name: "locations/5550000002".to_owned(),
                            title: "Forno Rossi — Stazione".to_owned(),
                        },
                    ],
                }],
                edits_per_minute: 10,
            },
            access_token_ttl_secs: 3599,
            auto_consent: None,
            opaque_secrets: false,
            facebook: FacebookSeed::demo(),
            instagram: InstagramSeed::demo(),
            linkedin: LinkedInSeed::demo(),
            x: XSeed::demo(),
            admin_token: None,
        }
    }
}

impl SandboxConfig {
    /// The demo seed with nothing recognisable: [`opaque_secrets`](Self::opaque_secrets) set and
    /// a random client secret of the same kind instead of [`DEMO_GOOGLE_CLIENT_SECRET`].
    pub fn opaque() -> Self {
        let mut config = Self::demo();
        config.opaque_secrets = true;
        config.google.client_secret = random_token();
        config.facebook.client_secret = random_token();
        config.instagram.client_secret = random_token();
        config.linkedin.client_secret = random_token();
        config
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self::demo()
    }
}

/// The Google "Desktop app" OAuth client and the Business Profile accounts a user can grant.
#[derive(Clone, Debug)]
pub struct GoogleSeed {
    pub client_id: String,
    pub client_secret: String,
    pub accounts: Vec<GoogleAccountSeed>,
    /// Local-post creations a location takes per minute before `429 RESOURCE_EXHAUSTED`
    /// (Business Profile APIs: 10 edits per minute per profile).
    pub edits_per_minute: u32,
}

/// A Business Profile account (`accounts/{id}`).
#[derive(Clone, Debug)]
pub struct GoogleAccountSeed {
    /// Resource name, e.g. `accounts/108000000001`.
    pub name: String,
    /// Display name, e.g. `Forno Rossi S.r.l.`.
    pub account_name: String,
    pub locations: Vec<GoogleLocationSeed>,
}

/// A Business Profile location (`locations/{id}`).
#[derive(Clone, Debug)]
pub struct GoogleLocationSeed {
    /// Resource name, e.g. `locations/5550000001`.
    pub name: String,
    pub title: String,
}

/// What a scripted user answers on the consent screen.
///
/// JSON: `{"approve":{"locations":null}}`, `{"approve":{"locations":["locations/5550000001"]}}`,
/// `{"choose":{"accounts":["104000000000001"],"declined_scopes":["pages_manage_posts"]}}` or
/// `"deny"`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoConsent {
    /// Allow access; `locations: None` grants every seeded location, otherwise only the listed
    /// location names.
    Approve { locations: Option<Vec<String>> },
    /// Allow with choices, on any network: `accounts: None` keeps every selectable account
    /// (Google locations, Facebook Pages), otherwise only the listed ids/names; every scope in
    /// `declined_scopes` is unticked (the network then reports it declined).
    Choose {
        #[serde(default)]
        accounts: Option<Vec<String>>,
        #[serde(default)]
        declined_scopes: Vec<String>,
    },
    /// Press "Cancel": the app gets the network's "user denied" answer.
    Deny,
}

/// The endpoints whose hits are counted and that faults can be injected into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    GoogleAuthorize,
    GoogleToken,
    GoogleRevoke,
    GoogleAccounts,
    GoogleLocations,
    /// `www.facebook.com/{v}/dialog/oauth`
    FacebookAuthorize,
    /// `graph.facebook.com/{v}/oauth/access_token` (code exchange and `fb_exchange_token`)
    FacebookToken,
    /// `GET /me/accounts`
    FacebookAccounts,
    /// `GET /me/permissions`
    FacebookPermissions,
    /// `DELETE /me/permissions` (deauthorize the app)
    FacebookRevoke,
    /// `GET /me`, `GET /{page-id}`
    FacebookNode,
    /// `POST /{page-id}/feed`
    FacebookFeed,
    /// `www.instagram.com/oauth/authorize`
    InstagramAuthorize,
    /// `POST api.instagram.com/oauth/access_token` (short-lived token)
    InstagramToken,
    /// `GET graph.instagram.com/access_token` (`ig_exchange_token`)
    InstagramExchange,
    /// `GET graph.instagram.com/refresh_access_token` (`ig_refresh_token`)
    InstagramRefresh,
    /// `GET graph.instagram.com/{v}/me`
    InstagramMe,
    /// `www.linkedin.com/oauth/v2/authorization` and `/oauth/native-pkce/authorization`
    #[serde(rename = "linkedin_authorize")]
    LinkedInAuthorize,
    /// `POST www.linkedin.com/oauth/v2/accessToken`
    #[serde(rename = "linkedin_token")]
    LinkedInToken,
    /// `POST www.linkedin.com/oauth/v2/revoke`
    #[serde(rename = "linkedin_revoke")]
    LinkedInRevoke,
    /// `GET api.linkedin.com/v2/userinfo`
    #[serde(rename = "linkedin_userinfo")]
    LinkedInUserinfo,
    /// `GET api.linkedin.com/rest/organizationAcls`
    #[serde(rename = "linkedin_organization_acls")]
    LinkedInOrganizationAcls,
    /// `GET api.linkedin.com/rest/organizations/{id}` and `?ids=List(…)`
    #[serde(rename = "linkedin_organizations")]
    LinkedInOrganizations,
    /// `POST api.linkedin.com/rest/posts`
    #[serde(rename = "linkedin_posts")]
    LinkedInPosts,
    /// `x.com/i/oauth2/authorize`
    XAuthorize,
    /// `POST api.x.com/2/oauth2/token`
    XToken,
    /// `POST api.x.com/2/oauth2/revoke`
    XRevoke,
    /// `GET api.x.com/2/users/me`
    XUsersMe,
    /// `POST api.x.com/2/tweets`
    XTweets,
    /// `GET api.x.com/2/users/{id}/tweets`
    XUserTweets,
    /// `api.x.com/2/media/upload/…` (initialize, append, finalize, STATUS)
    XMediaUpload,
    /// `POST api.linkedin.com/rest/images?action=initializeUpload` and the `PUT` to its upload URL
    #[serde(rename = "linkedin_images")]
    LinkedInImages,
    /// `POST mybusiness.googleapis.com/v4/{location}/localPosts`
    GoogleLocalPosts,
    /// `GET mybusiness.googleapis.com/v4/{location}/localPosts`
    GoogleLocalPostsList,
    /// `POST /{page-id}/photos`
    FacebookPhotos,
    /// `GET /{page-id}/feed` and `/{page-id}/published_posts`
    FacebookFeedList,
    /// `POST graph.instagram.com/{v}/{ig-id}/media` (create a container)
    InstagramMedia,
    /// `GET graph.instagram.com/{v}/{container-id}` (container status)
    InstagramContainer,
    /// `POST graph.instagram.com/{v}/{ig-id}/media_publish`
    InstagramMediaPublish,
    /// `GET graph.instagram.com/{v}/{ig-id}/media` (recent media)
    InstagramMediaList,
    /// `GET graph.instagram.com/{v}/{ig-id}/content_publishing_limit`
    InstagramPublishingLimit,
    /// `GET api.linkedin.com/rest/posts?q=author`
    #[serde(rename = "linkedin_posts_list")]
    LinkedInPostsList,
}

/// A fault to inject into one endpoint.
///
/// The endpoint first sleeps `delay_ms`; then, if `status` is set, it answers with that status
/// and `body` (or a generic, provider-shaped error for that status) instead of doing its work.
/// Otherwise it does its work (a publish lands in [`crate::Sandbox::published`]) and then, if
/// `stall_ms` is set, waits that long before answering, and, if `drop` is set, closes the
/// connection without answering at all: the two ways a publish can land while its caller never
/// learns it did. `times: None` keeps the fault until cleared; `Some(n)` applies it to the next
/// `n` requests.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Fault {
    pub status: Option<u16>,
    pub body: Option<String>,
    pub delay_ms: u64,
    pub times: Option<u32>,
    /// After the work, wait this long before answering.
    pub stall_ms: u64,
    /// After the work (and any stall), close the connection without sending a response.
    pub drop: bool,
}

impl Fault {
    /// Answer `status` (provider-shaped body) instead of doing the work.
    pub fn status(status: u16) -> Self {
        Self { status: Some(status), ..Self::default() }
    }

    /// Do the work, then answer only after `ms` milliseconds.
    pub fn stall(ms: u64) -> Self {
        Self { stall_ms: ms, ..Self::default() }
    }

    /// Do the work, then close the connection without answering.
    pub fn drop_connection() -> Self {
        Self { drop: true, ..Self::default() }
    }

    /// Applies to the next `n` requests only.
    pub fn times(self, n: u32) -> Self {
        Self { times: Some(n), ..self }
    }
}

/// Client id of the Facebook app seeded by [`SandboxConfig::demo`].
pub const DEMO_FACEBOOK_CLIENT_ID: &str = "1100000000000001";
/// Client secret (app secret) of the demo Facebook app.
pub const DEMO_FACEBOOK_CLIENT_SECRET: &str = "sandbox-facebook-secret";
/// The exact redirect URI registered for the demo Facebook app (the relay page).
pub const DEMO_FACEBOOK_REDIRECT_URI: &str = "https://relay.herald.invalid/callback";
/// Client id (Instagram app id) of the Instagram app seeded by [`SandboxConfig::demo`].
pub const DEMO_INSTAGRAM_CLIENT_ID: &str = "1200000000000001";
/// Client secret of the demo Instagram app.
pub const DEMO_INSTAGRAM_CLIENT_SECRET: &str = "sandbox-instagram-secret";
/// The exact redirect URI registered for the demo Instagram app (the relay page).
pub const DEMO_INSTAGRAM_REDIRECT_URI: &str = "https://relay.herald.invalid/callback";
/// Client id of the LinkedIn app seeded by [`SandboxConfig::demo`].
pub const DEMO_LINKEDIN_CLIENT_ID: &str = "78sandboxlinkedin";
/// Client secret of the demo LinkedIn app (standard flow).
pub const DEMO_LINKEDIN_CLIENT_SECRET: &str = "sandbox-linkedin-secret";
/// The redirect URI registered for the demo LinkedIn app's standard flow (the relay page).
pub const DEMO_LINKEDIN_REDIRECT_URI: &str = "https://relay.herald.invalid/callback";
/// Client id of the X app (public native client) seeded by [`SandboxConfig::demo`].
pub const DEMO_X_CLIENT_ID: &str = "c2FuZGJveC14LWNsaWVudDoxOmNp";
/// The exact redirect URI registered for the demo X app (fixed loopback port).
pub const DEMO_X_REDIRECT_URI: &str = "http://127.0.0.1:8080/callback";

/// A Facebook app (client), its user, and the Pages that user manages.
#[derive(Clone, Debug)]
pub struct FacebookSeed {
    pub client_id: String,
    pub client_secret: String,
    /// Redirect URIs registered in the app dashboard; Facebook requires an exact match.
    pub redirect_uris: Vec<String>,
    /// App-scoped id of the user who signs in.
    pub user_id: String,
    pub user_name: String,
    pub pages: Vec<FacebookPageSeed>,
    /// Lifetime of the user token from the code exchange (real: about 1–2 hours).
    pub short_lived_ttl_secs: i64,
    /// Lifetime of the long-lived user token from `fb_exchange_token` (real: about 60 days).
    pub long_lived_ttl_secs: i64,
    /// Posts (feed posts and published photos) a Page may make per minute before Graph answers
    /// code 368, subcode 1390008 ("posting too fast"). Meta publishes no number; the sandbox's
    /// default is 30.
    pub posts_per_minute: u32,
}

/// A Facebook Page the user can grant.
#[derive(Clone, Debug)]
pub struct FacebookPageSeed {
    pub id: String,
    pub name: String,
    pub category: String,
    /// What the user may do on the Page (`MANAGE`, `CREATE_CONTENT`, `MODERATE`, …).
    pub tasks: Vec<String>,
    pub picture_url: String,
    /// Id of the Instagram business account linked to the Page, if any.
    pub instagram_business_account: Option<String>,
}

impl FacebookSeed {
    /// "Forno Rossi" with two Pages; the first is linked to the Instagram business account.
    pub fn demo() -> Self {
        let all_tasks = ["ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT", "MANAGE"];
        Self {
            client_id: DEMO_FACEBOOK_CLIENT_ID.to_owned(),
            client_secret: DEMO_FACEBOOK_CLIENT_SECRET.to_owned(),
            redirect_uris: vec![DEMO_FACEBOOK_REDIRECT_URI.to_owned()],
            user_id: "10160000000000001".to_owned(),
            user_name: "Giulia Rossi".to_owned(),
            pages: vec![
                FacebookPageSeed {
                    id: "104000000000001".to_owned(),
                    name: "Forno Rossi".to_owned(),
                    category: "Bakery".to_owned(),
                    tasks: all_tasks.iter().map(|t| (*t).to_owned()).collect(),
                    picture_url: "https://sandbox.herald.invalid/img/forno-rossi.png".to_owned(),
                    instagram_business_account: Some("17841400000000001".to_owned()),
                },
                FacebookPageSeed {
                    id: "104000000000002".to_owned(),
                    name: "Forno Rossi — Pasticceria".to_owned(),
                    category: "Pastry Shop".to_owned(),
                    tasks: ["ANALYZE", "MODERATE", "CREATE_CONTENT"].iter().map(|t| (*t).to_owned()).collect(),
                    picture_url: "https://sandbox.herald.invalid/img/forno-rossi-pasticceria.png".to_owned(),
                    instagram_business_account: None,
                },
            ],
            short_lived_ttl_secs: 5400,
            long_lived_ttl_secs: 5_184_000,
            posts_per_minute: 30,
        }
    }
}

/// An Instagram app (Instagram Login) and the professional account that signs in.
#[derive(Clone, Debug)]
pub struct InstagramSeed {
    pub client_id: String,
    pub client_secret: String,
    /// Redirect URIs registered in the app dashboard; Instagram requires an exact match.
    pub redirect_uris: Vec<String>,
    /// The Instagram professional account id (`user_id`), e.g. `17841400000000001`.
    pub user_id: String,
    /// The app-scoped id Graph returns as `id`.
    pub app_scoped_id: String,
    pub username: String,
    /// `BUSINESS` or `MEDIA_CREATOR`.
    pub account_type: String,
    pub profile_picture_url: String,
    /// Lifetime of the short-lived token from the code exchange (real: 1 hour).
    pub short_lived_ttl_secs: i64,
    /// Lifetime of long-lived and refreshed tokens (real: 60 days).
    pub long_lived_ttl_secs: i64,
    /// How old a long-lived token must be before `ig_refresh_token` accepts it (real: 24 h).
    pub refresh_min_age_secs: i64,
    /// How long a media container stays `IN_PROGRESS` at least (the image fetch may take
    /// longer), in milliseconds.
    pub container_processing_ms: u64,
    /// How long the image fetch of a container may take before it fails (2207003).
    pub fetch_timeout_ms: u64,
    /// How long an unpublished container lives before it is `EXPIRED` (real: 24 hours).
    pub container_ttl_secs: u64,
    /// Posts the account may publish per 24 hours through the API (real: 100).
    pub publish_limit: u32,
}

impl InstagramSeed {
    /// `@fornorossi`, the business account linked to the "Forno Rossi" Page.
    pub fn demo() -> Self {
        Self {
            client_id: DEMO_INSTAGRAM_CLIENT_ID.to_owned(),
            client_secret: DEMO_INSTAGRAM_CLIENT_SECRET.to_owned(),
            redirect_uris: vec![DEMO_INSTAGRAM_REDIRECT_URI.to_owned()],
            user_id: "17841400000000001".to_owned(),
            app_scoped_id: "9100000000000001".to_owned(),
            username: "fornorossi".to_owned(),
            account_type: "BUSINESS".to_owned(),
            profile_picture_url: "https://sandbox.herald.invalid/img/fornorossi-ig.png".to_owned(),
            short_lived_ttl_secs: 3600,
            long_lived_ttl_secs: 5_184_000,
            refresh_min_age_secs: 86_400,
            container_processing_ms: 300,
            fetch_timeout_ms: 10_000,
            container_ttl_secs: 86_400,
            publish_limit: 100,
        }
    }
}

/// A LinkedIn app, the member who signs in, and the organizations they administer.
#[derive(Clone, Debug)]
pub struct LinkedInSeed {
    pub client_id: String,
    pub client_secret: String,
    /// Redirect URIs registered for the standard (3-legged) flow: exact match.
    pub redirect_uris: Vec<String>,
    /// Whether LinkedIn enabled the native PKCE flow for this app (loopback, any port).
    pub native_pkce: bool,
    /// Whether the app gets refresh tokens (LinkedIn: approved partners only).
    pub refresh_tokens: bool,
    /// Whether the app has the Community Management API product, the only one granting the
    /// organization scopes (`w_organization_social`, `r_organization_social`,
    /// `rw_organization_admin`, `r_organization_admin`). Without it LinkedIn refuses an authorize
    /// request naming one of them with `unauthorized_scope_error`.
    pub organization_products: bool,
    /// Member id; the person URN is `urn:li:person:{id}` and OpenID `sub` is the same id.
    pub member_id: String,
    pub given_name: String,
    pub family_name: String,
    pub picture_url: String,
    pub organizations: Vec<LinkedInOrganizationSeed>,
    /// Access token lifetime (real: 60 days).
    pub access_token_ttl_secs: i64,
    /// Refresh token lifetime, not sliding (real: 365 days).
    pub refresh_token_ttl_secs: i64,
    /// Posts a member may create per day before 429 (real: 150).
    pub member_daily_posts: u32,
    /// Posts the application may create per day, all members together (real: 100,000).
    pub app_daily_posts: u32,
}

/// A LinkedIn organization (company page) the member administers.
#[derive(Clone, Debug)]
pub struct LinkedInOrganizationSeed {
    /// Numeric id; the URN is `urn:li:organization:{id}`.
    pub id: u64,
    pub localized_name: String,
    pub vanity_name: String,
}

impl LinkedInSeed {
    /// Giulia Rossi, administrator of two organizations.
    pub fn demo() -> Self {
        Self {
            client_id: DEMO_LINKEDIN_CLIENT_ID.to_owned(),
            client_secret: DEMO_LINKEDIN_CLIENT_SECRET.to_owned(),
            redirect_uris: vec![DEMO_LINKEDIN_REDIRECT_URI.to_owned()],
            native_pkce: true,
            refresh_tokens: true,
            organization_products: true,
            member_id: "gR0ss1Sbx7".to_owned(),
            given_name: "Giulia".to_owned(),
            family_name: "Rossi".to_owned(),
            picture_url: "https://sandbox.herald.invalid/img/giulia-rossi.jpg".to_owned(),
            organizations: vec![
                LinkedInOrganizationSeed {
                    id: 90000001,
                    localized_name: "Forno Rossi S.r.l.".to_owned(),
                    vanity_name: "forno-rossi".to_owned(),
                },
                LinkedInOrganizationSeed {
                    id: 90000002,
                    localized_name: "Rossi Catering".to_owned(),
                    vanity_name: "rossi-catering".to_owned(),
                },
            ],
            access_token_ttl_secs: 5_184_000,
            refresh_token_ttl_secs: 31_536_000,
            member_daily_posts: 150,
            app_daily_posts: 100_000,
        }
    }
}

/// An X app (OAuth 2.0 public "native app" client) and the account that signs in.
#[derive(Clone, Debug)]
pub struct XSeed {
    pub client_id: String,
    /// `None` for a public client (no secret); `Some` makes it confidential (HTTP Basic).
    pub client_secret: Option<String>,
    /// Callback URLs registered for the app; X requires an exact match.
    pub redirect_uris: Vec<String>,
    pub user_id: String,
    pub name: String,
    pub username: String,
    pub profile_image_url: String,
    /// Access token lifetime (real: 2 hours).
    pub access_token_ttl_secs: i64,
    /// Other X accounts the person could be signed in as (the first of the sign-in is the one
    /// above). Tests pick one with `AutoConsent::Choose { accounts: Some(vec![user_id]) }`.
    pub other_users: Vec<XUserSeed>,
    /// `POST /2/tweets` requests a user may make per window before 429.
    pub tweets_per_window: u32,
    /// Length of that window, in seconds (X: 15 minutes).
    pub tweet_window_secs: u64,
}

/// Another X account (see [`XSeed::other_users`]).
#[derive(Clone, Debug)]
pub struct XUserSeed {
    pub user_id: String,
    pub name: String,
    pub username: String,
    pub profile_image_url: String,
}

impl XSeed {
    /// `@FornoRossi`, callback on the fixed loopback port 8080.
    pub fn demo() -> Self {
        Self {
            client_id: DEMO_X_CLIENT_ID.to_owned(),
            client_secret: None,
            redirect_uris: vec![DEMO_X_REDIRECT_URI.to_owned()],
            user_id: "1500000000000000001".to_owned(),
            name: "Forno Rossi".to_owned(),
            username: "FornoRossi".to_owned(),
            profile_image_url: "https://sandbox.herald.invalid/img/fornorossi_normal.jpg".to_owned(),
            access_token_ttl_secs: 7200,
            other_users: vec![XUserSeed {
                user_id: "1500000000000000002".to_owned(),
                name: "Rossi Catering".to_owned(),
                username: "RossiCatering".to_owned(),
                profile_image_url: "https://sandbox.herald.invalid/img/rossicatering_normal.jpg".to_owned(),
            }],
            tweets_per_window: 100,
            tweet_window_secs: 900,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn serde_shapes_match_the_admin_api() {
        let approve = AutoConsent::Approve { locations: None };
        assert_eq!(serde_json::to_string(&approve).unwrap(), r#"{"approve":{"locations":null}}"#);
        assert_eq!(serde_json::to_string(&AutoConsent::Deny).unwrap(), r#""deny""#);
        let parsed: AutoConsent = serde_json::from_str(r#"{"approve":{}}"#).unwrap();
        assert!(matches!(parsed, AutoConsent::Approve { locations: None }));
        let chosen: AutoConsent = serde_json::from_str(r#"{"choose":{"declined_scopes":["x"]}}"#).unwrap();
        assert!(
            matches!(chosen, AutoConsent::Choose { accounts: None, ref declined_scopes } if declined_scopes == &["x"])
        );
        assert_eq!(serde_json::to_string(&Endpoint::LinkedInToken).unwrap(), r#""linkedin_token""#);
        assert_eq!(serde_json::to_string(&Endpoint::XUsersMe).unwrap(), r#""x_users_me""#);
        assert_eq!(serde_json::to_string(&Endpoint::GoogleAuthorize).unwrap(), r#""google_authorize""#);
        let fault: Fault = serde_json::from_str(r#"{"status":500}"#).unwrap();
        assert_eq!((fault.status, fault.delay_ms, fault.times), (Some(500), 0, None));
    }
}
