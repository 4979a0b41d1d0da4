//! What the OAuth integration tests share: the network name and an `OAuthConfig` shaped like
//! Google's, with placeholder endpoints (the tests supply the answers).

use herald_core::oauth::OAuthConfig;
use herald_core::Sensitive;

pub const NETWORK: &str = "Google Business Profile";

pub fn oauth_config() -> OAuthConfig {
    OAuthConfig {
        network_name: NETWORK,
        client_id: "client-id.apps.example".into(),
        client_secret: Some(Sensitive::new("client-secret".into())),
        authorize: url::Url::parse("https://accounts.example/o/oauth2/v2/auth").unwrap(),
        token: url::Url::parse("https://oauth2.example/token").unwrap(),
        revoke: None,
        scopes: vec!["https://www.googleapis.com/auth/business.manage".into()],
        extra_authorize_params: vec![("access_type", "offline")],
        issuer: Some("https://accounts.google.com".into()),
        issuer_required: false,
        pkce: herald_core::oauth::PkceStyle::default(),
    }
}
