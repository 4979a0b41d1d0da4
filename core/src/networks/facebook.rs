//! Facebook Pages: Facebook Login (manual flow) through the relay page, the long-lived user
//! token, and the Pages the user manages (`/me/accounts`), each with its own Page token.

use serde::{Deserialize, Serialize};
use url::Url;

use super::{
    join, ConnectFacts, Consented, Ctx, NetworkAvailability, NetworkId, NetworkSpec, OAuthEndpoints, RedirectMode,
    RedirectRule, SecretRule,
};
use crate::error::{Error, Result};
use crate::oauth::{PkceCodeVerifier, PkceStyle};
use crate::secret::Sensitive;
use crate::vault::TokenSet;

pub const NAME: &str = "Facebook";
/// The Graph API version Herald speaks.
pub const GRAPH_VERSION: &str = "v25.0";

/// Business Pages only (never personal profiles); an exact HTTPS redirect and the app secret.
pub const SPEC: NetworkSpec = NetworkSpec {
    id: NetworkId::Facebook,
    name: NAME,
    availability: NetworkAvailability::Available,
    client_secret: SecretRule::Required,
    sends_issuer: false,
    connect: Some(ConnectFacts {
        scopes: &["pages_show_list", "pages_manage_posts", "pages_read_engagement", "business_management"],
        required_scopes: &["pages_show_list", "pages_manage_posts"],
        redirect: RedirectRule { allowed: &[RedirectMode::Relay], default: RedirectMode::Relay, default_port: 0 },
        extra_authorize_params: &[],
        pkce: PkceStyle::Base64Url,
        revoke_is_user_wide: true,
    }),
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacebookEndpoints {
    /// The login dialog, `https://www.facebook.com/{v}/dialog/oauth`.
    pub authorize: Url,
    /// `https://graph.facebook.com/{v}/oauth/access_token` (code exchange and `fb_exchange_token`).
    pub token: Url,
    /// Base of the Graph API, ending in `/{v}/`.
    pub graph: Url,
}

impl FacebookEndpoints {
    pub fn production() -> Self {
        let parse = |s: &str| Url::parse(s).unwrap_or_else(|_| unreachable!("constant URL {s}"));
        Self {
            authorize: parse("https://www.facebook.com/v25.0/dialog/oauth"),
            token: parse("https://graph.facebook.com/v25.0/oauth/access_token"),
            graph: parse("https://graph.facebook.com/v25.0/"),
        }
    }

    pub fn sandbox(base: &str) -> Result<Self> {
        Ok(Self {
            authorize: join(base, &format!("/facebook/www/{GRAPH_VERSION}/dialog/oauth"))?,
            token: join(base, &format!("/facebook/graph/{GRAPH_VERSION}/oauth/access_token"))?,
            graph: join(base, &format!("/facebook/graph/{GRAPH_VERSION}/"))?,
        })
    }

    pub fn urls(&self) -> Vec<(&'static str, &Url)> {
        vec![("authorize", &self.authorize), ("token", &self.token), ("graph", &self.graph)]
    }
}

pub(crate) fn oauth_endpoints(endpoints: &FacebookEndpoints) -> OAuthEndpoints {
    OAuthEndpoints {
        authorize: endpoints.authorize.clone(),
        token: endpoints.token.clone(),
        revoke: None,
        issuer: None,
    }
}

/// Code → short-lived user token (GET, with the app secret and the PKCE verifier) → long-lived
/// user token (`grant_type=fb_exchange_token`, ~60 days, no refresh token).
pub(crate) async fn exchange_code(
    _ctx: &Ctx<'_>,
    _code: Sensitive<String>,
    _verifier: PkceCodeVerifier,
) -> Result<TokenSet> {
    Err(Error::NetworkNotSupported(NAME))
}

/// The Pages the user manages (`/me/accounts`), each a candidate with its Page token in
/// `account_tokens`; granted scopes from `/me/permissions`.
pub(crate) async fn after_consent(_ctx: &Ctx<'_>, _tokens: TokenSet) -> Result<Consented> {
    Err(Error::NetworkNotSupported(NAME))
}

/// `DELETE /me/permissions`: removes the app's access for the user.
pub(crate) async fn revoke(_ctx: &Ctx<'_>, _tokens: &TokenSet) -> Result<bool> {
    Err(Error::NetworkNotSupported(NAME))
}
