//! LinkedIn: the native PKCE flow on a loopback port when LinkedIn enabled it for the user's
//! app, otherwise the standard flow through the relay with the client secret; then the member
//! profile (OpenID `userinfo`) and the organizations the member administers (`organizationAcls`).
//!
//! `oauth`: code exchange and revoke; `scopes`: the remembered refusal of the organization
//! scopes; `accounts`: the member and organizations offered after consent; `api`: API GETs and
//! LinkedIn's error classification; `publish`: posting.

mod accounts;
mod api;
mod images;
mod oauth;
mod publish;
mod recent;
mod scopes;

use serde::{Deserialize, Serialize};
use url::Url;

use super::{
    join, ConnectFacts, NetworkAvailability, NetworkId, NetworkSpec, OAuthEndpoints, RedirectMode, RedirectRule,
    SecretRule,
};
use crate::api::AccountKind;
use crate::error::Result;
use crate::oauth::PkceStyle;

pub(crate) use accounts::after_consent;
pub(crate) use api::probe;
pub(crate) use oauth::{exchange_code, revoke};
pub(crate) use publish::{little_text, publish};
pub(crate) use recent::recent_posts;
pub(crate) use scopes::{authorize_refused, forget_organizations_refusal, may_ask_organizations};

pub const NAME: &str = "LinkedIn";

/// The `LinkedIn-Version` of every `/rest` call. LinkedIn serves each monthly version for at
/// least a year; past that it answers 426 `NONEXISTENT_VERSION` and Herald must move on.
pub const API_VERSION: &str = "202610";
/// The Rest.li protocol of the versioned API (finders and batch gets need it).
const RESTLI_PROTOCOL: &str = "2.0.0";

/// The scopes only the Community Management API product grants: an app without it gets
/// `unauthorized_scope_error` for asking.
pub const ORGANIZATION_SCOPES: &[&str] = &["r_organization_social", "w_organization_social", "rw_organization_admin"];

pub const SPEC: NetworkSpec = NetworkSpec {
    id: NetworkId::Linkedin,
    name: NAME,
    availability: NetworkAvailability::Available,
    // The standard flow needs it; the native PKCE flow does not.
    client_secret: SecretRule::Optional,
    sends_issuer: false,
    connect: Some(ConnectFacts {
        scopes: &[
            "openid",
            "profile",
            "w_member_social",
            "r_organization_social",
            "w_organization_social",
            "rw_organization_admin",
        ],
        required_scopes: &["openid", "profile", "w_member_social"],
        required_scopes_by_kind: &[(AccountKind::Organization, &["w_organization_social"])],
        redirect: RedirectRule {
            allowed: &[RedirectMode::Relay, RedirectMode::Loopback],
            default: RedirectMode::Relay,
            default_port: 0,
        },
        extra_authorize_params: &[],
        pkce: PkceStyle::Base64Url,
        revoke_is_user_wide: true,
    }),
    posts: Some(super::PostLimits {
        max_chars: 3_000,
        counting: super::CharCounting::Chars,
        media_required: false,
        max_hashtags: None,
        publish_ready: true,
        images: super::ImageLimits {
            max_count: 20,
            max_bytes: None,
            formats: &[super::ImageFormat::Jpeg, super::ImageFormat::Png, super::ImageFormat::Gif],
            aspect_milli: None,
            upload_ready: true,
            fetches_url: false,
        },
    }),
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedinEndpoints {
    /// Standard flow: `https://www.linkedin.com/oauth/v2/authorization`.
    pub authorize: Url,
    /// Native PKCE flow: `https://www.linkedin.com/oauth/native-pkce/authorization`.
    pub native_authorize: Url,
    /// `https://www.linkedin.com/oauth/v2/accessToken`.
    pub token: Url,
    /// `https://www.linkedin.com/oauth/v2/revoke`.
    pub revoke: Url,
    /// Base of `api.linkedin.com`, ending in `/` (`v2/userinfo`, `rest/...`).
    pub api: Url,
}

impl LinkedinEndpoints {
    pub fn production() -> Self {
        let parse = |s: &str| Url::parse(s).unwrap_or_else(|_| unreachable!("constant URL {s}"));
        Self {
            authorize: parse("https://www.linkedin.com/oauth/v2/authorization"),
            native_authorize: parse("https://www.linkedin.com/oauth/native-pkce/authorization"),
            token: parse("https://www.linkedin.com/oauth/v2/accessToken"),
            revoke: parse("https://www.linkedin.com/oauth/v2/revoke"),
            api: parse("https://api.linkedin.com/"),
        }
    }

    pub fn sandbox(base: &str) -> Result<Self> {
        Ok(Self {
            authorize: join(base, "/linkedin/www/oauth/v2/authorization")?,
            native_authorize: join(base, "/linkedin/www/oauth/native-pkce/authorization")?,
            token: join(base, "/linkedin/www/oauth/v2/accessToken")?,
            revoke: join(base, "/linkedin/www/oauth/v2/revoke")?,
            api: join(base, "/linkedin/api/")?,
        })
    }

    pub fn urls(&self) -> Vec<(&'static str, &Url)> {
        vec![
            ("authorize", &self.authorize),
            ("native_authorize", &self.native_authorize),
            ("token", &self.token),
            ("revoke", &self.revoke),
            ("api", &self.api),
        ]
    }
}

/// Loopback means LinkedIn's native PKCE flow; the relay means the standard flow.
pub(crate) fn oauth_endpoints(endpoints: &LinkedinEndpoints, mode: RedirectMode) -> OAuthEndpoints {
    let authorize = match mode {
        RedirectMode::Loopback => endpoints.native_authorize.clone(),
        RedirectMode::FixedPort | RedirectMode::Relay => endpoints.authorize.clone(),
    };
    OAuthEndpoints { authorize, token: endpoints.token.clone(), revoke: Some(endpoints.revoke.clone()), issuer: None }
}
