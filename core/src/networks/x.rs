//! X (API v2): OAuth 2.0 with PKCE for a public client on a fixed, registered loopback port; the
//! refresh token rotates on every use. The signed-in user (`/2/users/me`) is the one candidate.

use serde::{Deserialize, Serialize};
use url::Url;

use super::{
    join, ConnectFacts, Consented, Ctx, NetworkAvailability, NetworkId, NetworkSpec, OAuthEndpoints, RedirectMode,
    RedirectRule, SecretRule,
};
use crate::error::{Error, Result};
use crate::oauth::PkceStyle;
use crate::vault::TokenSet;

pub const NAME: &str = "X";
/// The callback port X apps are usually registered with (`http://127.0.0.1:8080/callback`).
pub const DEFAULT_PORT: u16 = 8080;

pub const SPEC: NetworkSpec = NetworkSpec {
    id: NetworkId::X,
    name: NAME,
    availability: NetworkAvailability::Available,
    client_secret: SecretRule::None,
    sends_issuer: false,
    connect: Some(ConnectFacts {
        scopes: &["tweet.read", "tweet.write", "users.read", "offline.access", "media.write"],
        required_scopes: &["tweet.read", "tweet.write", "users.read", "offline.access"],
        redirect: RedirectRule {
            allowed: &[RedirectMode::FixedPort],
            default: RedirectMode::FixedPort,
            default_port: DEFAULT_PORT,
        },
        extra_authorize_params: &[],
        pkce: PkceStyle::Base64Url,
        revoke_is_user_wide: false,
    }),
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct XEndpoints {
    /// `https://x.com/i/oauth2/authorize`.
    pub authorize: Url,
    /// `https://api.x.com/2/oauth2/token` (code exchange and refresh).
    pub token: Url,
    /// `https://api.x.com/2/oauth2/revoke`.
    pub revoke: Url,
    /// Base of API v2, ending in `/2/`.
    pub api: Url,
}

impl XEndpoints {
    pub fn production() -> Self {
        let parse = |s: &str| Url::parse(s).unwrap_or_else(|_| unreachable!("constant URL {s}"));
        Self {
            authorize: parse("https://x.com/i/oauth2/authorize"),
            token: parse("https://api.x.com/2/oauth2/token"),
            revoke: parse("https://api.x.com/2/oauth2/revoke"),
            api: parse("https://api.x.com/2/"),
        }
    }

    pub fn sandbox(base: &str) -> Result<Self> {
        Ok(Self {
            authorize: join(base, "/x/www/i/oauth2/authorize")?,
            token: join(base, "/x/api/2/oauth2/token")?,
            revoke: join(base, "/x/api/2/oauth2/revoke")?,
            api: join(base, "/x/api/2/")?,
        })
    }

    pub fn urls(&self) -> Vec<(&'static str, &Url)> {
        vec![("authorize", &self.authorize), ("token", &self.token), ("revoke", &self.revoke), ("api", &self.api)]
    }
}

pub(crate) fn oauth_endpoints(endpoints: &XEndpoints) -> OAuthEndpoints {
    OAuthEndpoints {
        authorize: endpoints.authorize.clone(),
        token: endpoints.token.clone(),
        revoke: Some(endpoints.revoke.clone()),
        issuer: None,
    }
}

/// The signed-in user (`/2/users/me?user.fields=profile_image_url`).
pub(crate) async fn after_consent(_ctx: &Ctx<'_>, _tokens: TokenSet) -> Result<Consented> {
    Err(Error::NetworkNotSupported(NAME))
}
