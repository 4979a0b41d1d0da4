//! LinkedIn: the native PKCE flow on a loopback port when LinkedIn enabled it for the user's
//! app, otherwise the standard flow through the relay with the client secret; then the member
//! profile (OpenID `userinfo`) and the organizations the member administers (`organizationAcls`).

use serde::{Deserialize, Serialize};
use url::Url;

use super::{
    join, ConnectFacts, Consented, Ctx, NetworkAvailability, NetworkId, NetworkSpec, OAuthEndpoints, RedirectMode,
    RedirectRule, SecretRule,
};
use crate::error::{Error, Result};
use crate::oauth::PkceStyle;
use crate::vault::TokenSet;

pub const NAME: &str = "LinkedIn";

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
        redirect: RedirectRule {
            allowed: &[RedirectMode::Relay, RedirectMode::Loopback],
            default: RedirectMode::Relay,
            default_port: 0,
        },
        extra_authorize_params: &[],
        pkce: PkceStyle::Base64Url,
        revoke_is_user_wide: true,
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

/// The member (`/v2/userinfo`) and the organizations they administer
/// (`/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`, names looked up).
pub(crate) async fn after_consent(_ctx: &Ctx<'_>, _tokens: TokenSet) -> Result<Consented> {
    Err(Error::NetworkNotSupported(NAME))
}
