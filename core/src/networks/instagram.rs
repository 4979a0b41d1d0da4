//! Instagram business and creator accounts through Instagram Login (relay page): the code
//! exchange, the 60-day token and its `ig_refresh_token` renewal.

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

pub const NAME: &str = "Instagram";

pub const SPEC: NetworkSpec = NetworkSpec {
    id: NetworkId::Instagram,
    name: NAME,
    availability: NetworkAvailability::Available,
    client_secret: SecretRule::Required,
    sends_issuer: false,
    connect: Some(ConnectFacts {
        scopes: &["instagram_business_basic", "instagram_business_content_publish"],
        required_scopes: &["instagram_business_basic", "instagram_business_content_publish"],
        redirect: RedirectRule { allowed: &[RedirectMode::Relay], default: RedirectMode::Relay, default_port: 0 },
        extra_authorize_params: &[],
        pkce: PkceStyle::Base64Url,
        revoke_is_user_wide: false,
    }),
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstagramEndpoints {
    /// `https://www.instagram.com/oauth/authorize`.
    pub authorize: Url,
    /// `https://api.instagram.com/oauth/access_token` (code → short-lived token, form POST).
    pub token: Url,
    /// Base of `graph.instagram.com`, ending in `/` (`access_token`, `refresh_access_token`, `me`).
    pub graph: Url,
}

impl InstagramEndpoints {
    pub fn production() -> Self {
        let parse = |s: &str| Url::parse(s).unwrap_or_else(|_| unreachable!("constant URL {s}"));
        Self {
            authorize: parse("https://www.instagram.com/oauth/authorize"),
            token: parse("https://api.instagram.com/oauth/access_token"),
            graph: parse("https://graph.instagram.com/"),
        }
    }

    pub fn sandbox(base: &str) -> Result<Self> {
        Ok(Self {
            authorize: join(base, "/instagram/www/oauth/authorize")?,
            token: join(base, "/instagram/api/oauth/access_token")?,
            graph: join(base, "/instagram/graph/")?,
        })
    }

    pub fn urls(&self) -> Vec<(&'static str, &Url)> {
        vec![("authorize", &self.authorize), ("token", &self.token), ("graph", &self.graph)]
    }
}

pub(crate) fn oauth_endpoints(endpoints: &InstagramEndpoints) -> OAuthEndpoints {
    OAuthEndpoints {
        authorize: endpoints.authorize.clone(),
        token: endpoints.token.clone(),
        revoke: None,
        issuer: None,
    }
}

/// Code → short-lived token (POST form) → 60-day token (`ig_exchange_token`).
pub(crate) async fn exchange_code(
    _ctx: &Ctx<'_>,
    _code: Sensitive<String>,
    _verifier: PkceCodeVerifier,
) -> Result<TokenSet> {
    Err(Error::NetworkNotSupported(NAME))
}

/// The signed-in professional account (`/me`) is the one candidate.
pub(crate) async fn after_consent(_ctx: &Ctx<'_>, _tokens: TokenSet) -> Result<Consented> {
    Err(Error::NetworkNotSupported(NAME))
}

/// `ig_refresh_token`: a token at least 24 h old and unexpired gets another 60 days.
pub(crate) async fn refresh(_ctx: &Ctx<'_>, _tokens: &TokenSet) -> Result<TokenSet> {
    Err(Error::NetworkNotSupported(NAME))
}
