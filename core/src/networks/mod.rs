//! The networks Herald knows. Everything a network *is* (names, endpoints, scopes, lifetimes,
//! limits) is data here, overridable for the sandbox; code elsewhere reads it, never repeats it.

pub mod google;

use serde::{Deserialize, Serialize};
use specta::Type;
use url::Url;

use crate::error::{Error, Result};
use crate::net;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NetworkId {
    Facebook,
    Instagram,
    Linkedin,
    GoogleBusiness,
    X,
    Tiktok,
    Wechat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NetworkAvailability {
    /// Connect works in this version.
    Available,
    /// Listed, but its connector ships in a later version of Herald.
    LaterVersion,
    /// Shown as "coming soon"; not clickable.
    ComingSoon,
    /// Existing links keep working; no new ones.
    Deprecated,
}

/// Static facts about a network.
#[derive(Clone, Copy, Debug)]
pub struct NetworkSpec {
    pub id: NetworkId,
    pub name: &'static str,
    pub availability: NetworkAvailability,
    pub client_secret_required: bool,
    /// The authorization server always puts `iss` in its authorization responses (RFC 9207),
    /// so an answer without it is refused as a possible mix-up.
    pub sends_issuer: bool,
}

/// In the order the Connect popup lists them.
pub const ALL: [NetworkSpec; 7] = [
    NetworkSpec {
        id: NetworkId::Instagram,
        name: "Instagram",
        availability: NetworkAvailability::LaterVersion,
        client_secret_required: true,
        sends_issuer: false,
    },
    NetworkSpec {
        id: NetworkId::Facebook,
        name: "Facebook",
        availability: NetworkAvailability::LaterVersion,
        client_secret_required: true,
        sends_issuer: false,
    },
    NetworkSpec {
        id: NetworkId::Linkedin,
        name: "LinkedIn",
        availability: NetworkAvailability::LaterVersion,
        client_secret_required: true,
        sends_issuer: false,
    },
    NetworkSpec {
        id: NetworkId::GoogleBusiness,
        name: "Google Business Profile",
        availability: NetworkAvailability::Available,
        client_secret_required: false,
        sends_issuer: true,
    },
    NetworkSpec {
        id: NetworkId::X,
        name: "X",
        availability: NetworkAvailability::LaterVersion,
        client_secret_required: false,
        sends_issuer: false,
    },
    NetworkSpec {
        id: NetworkId::Tiktok,
        name: "TikTok",
        availability: NetworkAvailability::ComingSoon,
        client_secret_required: true,
        sends_issuer: false,
    },
    NetworkSpec {
        id: NetworkId::Wechat,
        name: "WeChat",
        availability: NetworkAvailability::Deprecated,
        client_secret_required: true,
        sends_issuer: false,
    },
];

impl NetworkId {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Facebook => "facebook",
            Self::Instagram => "instagram",
            Self::Linkedin => "linkedin",
            Self::GoogleBusiness => "google_business",
            Self::X => "x",
            Self::Tiktok => "tiktok",
            Self::Wechat => "wechat",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ALL.iter().map(|spec| spec.id).find(|id| id.as_str() == s)
    }

    pub fn spec(self) -> NetworkSpec {
        // ALL lists every variant; the fallback is unreachable but keeps this total.
        ALL.iter().copied().find(|spec| spec.id == self).unwrap_or(ALL[3])
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

/// Where each network lives. Defaults are the real services; tests and demo mode point them at
/// the sandbox. Can be overridden from a JSON file (see [`Endpoints::from_json`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    pub google: google::GoogleEndpoints,
}

impl Default for Endpoints {
    fn default() -> Self {
        Self { google: google::GoogleEndpoints::production() }
    }
}

impl Endpoints {
    /// Every network served by a herald-sandbox at `base` (e.g. `http://127.0.0.1:4123`).
    pub fn sandbox(base: &str) -> Result<Self> {
        let endpoints = Self { google: google::GoogleEndpoints::sandbox(base)? };
        endpoints.validate()?;
        Ok(endpoints)
    }

    /// Every endpoint of every network, named as in the endpoints file (`google.token`).
    pub fn entries(&self) -> Vec<(String, &Url)> {
        self.google.urls().into_iter().map(|(name, url)| (format!("google.{name}"), url)).collect()
    }

    /// Refuse a set-up that could send a code, a token or a secret in clear text: every endpoint
    /// must be `https`, or `http` to a loopback IP literal ([`net::check_endpoint`]); a network
    /// that always sends `iss` must have an issuer to compare it with. The message names the
    /// first bad entry.
    pub fn validate(&self) -> Result<()> {
        for (name, url) in self.entries() {
            net::check_endpoint(&name, url)?;
        }
        if NetworkId::GoogleBusiness.spec().sends_issuer && self.google.issuer.as_deref().is_none_or(str::is_empty) {
            return Err(Error::InvalidInput(
                "endpoint google.issuer must be set: Google names itself (iss) in every sign-in answer".into(),
            ));
        }
        Ok(())
    }

    /// Whether the system browser may be sent to `url`: it must be an http(s) URL whose origin
    /// and path are exactly one of the configured authorize endpoints (no user info; plain http
    /// only on loopback, for the sandbox). Anything else — a string from a feed, a network's
    /// answer, a look-alike host — is refused.
    pub fn is_authorize_url(&self, url: &str) -> bool {
        let Ok(url) = Url::parse(url) else { return false };
        let loopback = matches!(url.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
            || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
        let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && loopback);
        if !scheme_ok || !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
            return false;
        }
        [&self.google.authorize].iter().any(|endpoint| {
            endpoint.scheme() == url.scheme()
                && endpoint.host() == url.host()
                && endpoint.port_or_known_default() == url.port_or_known_default()
                && endpoint.path() == url.path()
        })
    }

    /// Read an endpoints file (`HERALD_ENDPOINTS_FILE`) and [`Self::validate`] it.
    pub fn from_json(json: &str) -> Result<Self> {
        let endpoints: Self =
            serde_json::from_str(json).map_err(|e| Error::InvalidInput(format!("endpoints file: {e}")))?;
        endpoints.validate().map_err(|e| match e {
            Error::InvalidInput(why) => Error::InvalidInput(format!("endpoints file: {why}")),
            other => other,
        })?;
        Ok(endpoints)
    }
}

pub(crate) fn join(base: &str, path: &str) -> Result<Url> {
    let base = base.trim_end_matches('/');
    Url::parse(&format!("{base}{path}")).map_err(|e| Error::InvalidInput(format!("bad endpoint {base}{path}: {e}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_configured_authorize_endpoints_may_be_opened() {
        let real = Endpoints::default();
        assert!(real.is_authorize_url("https://accounts.google.com/o/oauth2/v2/auth?client_id=x&state=y"));
        for hostile in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "http://accounts.google.com/o/oauth2/v2/auth",
            "https://accounts.google.com.evil.example/o/oauth2/v2/auth",
            "https://accounts.google.com@evil.example/o/oauth2/v2/auth",
            "https://user:pw@accounts.google.com/o/oauth2/v2/auth",
            "https://accounts.google.com/o/oauth2/v2/auth/../../logout",
            "https://accounts.google.com/signin",
            "https://accounts.google.com:8443/o/oauth2/v2/auth",
            "https://accounts.google.com/o/oauth2/v2/auth#frag",
            "ms-settings:privacy",
            "",
            "not a url",
        ] {
            assert!(!real.is_authorize_url(hostile), "{hostile}");
        }

        let sandbox = Endpoints::sandbox("http://127.0.0.1:4010").unwrap();
        assert!(sandbox.is_authorize_url("http://127.0.0.1:4010/google/o/oauth2/v2/auth?x=1"));
        assert!(!sandbox.is_authorize_url("http://127.0.0.1:4011/google/o/oauth2/v2/auth?x=1"));
        assert!(!sandbox.is_authorize_url("https://accounts.google.com/o/oauth2/v2/auth"));
    }
}
