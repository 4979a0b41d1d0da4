//! Configuration and seed data: what the sandbox knows before any request arrives.

use serde::{Deserialize, Serialize};

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
            },
            access_token_ttl_secs: 3599,
            auto_consent: None,
            admin_token: None,
        }
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
/// JSON: `{"approve":{"locations":null}}`, `{"approve":{"locations":["locations/5550000001"]}}`
/// or `"deny"`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoConsent {
    /// Allow access; `locations: None` grants every seeded location, otherwise only the listed
    /// location names.
    Approve { locations: Option<Vec<String>> },
    /// Press "Cancel": the app gets `error=access_denied`.
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
}

/// A fault to inject into one endpoint.
///
/// The endpoint first sleeps `delay_ms`; then, if `status` is set, it answers with that status
/// and `body` (or a generic, provider-shaped error for that status) instead of doing its work.
/// `times: None` keeps the fault until cleared; `Some(n)` applies it to the next `n` requests.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Fault {
    pub status: Option<u16>,
    pub body: Option<String>,
    pub delay_ms: u64,
    pub times: Option<u32>,
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
        assert_eq!(serde_json::to_string(&Endpoint::GoogleAuthorize).unwrap(), r#""google_authorize""#);
        let fault: Fault = serde_json::from_str(r#"{"status":500}"#).unwrap();
        assert_eq!((fault.status, fault.delay_ms, fault.times), (Some(500), 0, None));
    }
}
