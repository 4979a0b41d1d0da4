//! Facebook Pages: Facebook Login (manual flow) through the relay page, the long-lived user
//! token, and the Pages the user manages (`/me/accounts`), each with its own Page token.
//!
//! `oauth`: code exchange, the long-lived token, revoke; `graph`: Graph error classification
//! (shared with Instagram) and authenticated GETs; `pages`: the Page listing after consent;
//! `publish`: posting to a Page's feed.

mod graph;
mod oauth;
mod pages;
mod publish;
mod recent;

use serde::{Deserialize, Serialize};
use url::Url;

use super::{
    join, ConnectFacts, NetworkAvailability, NetworkId, NetworkSpec, OAuthEndpoints, RedirectMode, RedirectRule,
    SecretRule,
};
use crate::error::Result;
use crate::oauth::PkceStyle;

pub(crate) use graph::{graph_failure, probe};
pub(crate) use oauth::{exchange_code, revoke, GraphToken};
pub(crate) use pages::{after_consent, cdn_image, is_graph_id};
pub(crate) use publish::publish;
pub(crate) use recent::recent_posts;

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
        required_scopes_by_kind: &[],
        redirect: RedirectRule { allowed: &[RedirectMode::Relay], default: RedirectMode::Relay, default_port: 0 },
        extra_authorize_params: &[],
        pkce: PkceStyle::Base64Url,
        revoke_is_user_wide: true,
    }),
    posts: Some(super::PostLimits {
        max_chars: 63_206,
        counting: super::CharCounting::Chars,
        media_required: false,
        max_hashtags: None,
        publish_ready: true,
        images: super::ImageLimits {
            max_count: 10,
            max_bytes: Some(4 * 1024 * 1024 - 1),
            formats: &[super::ImageFormat::Jpeg, super::ImageFormat::Png],
            aspect_milli: None,
            upload_ready: true,
            fetches_url: false,
        },
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
