//! PKCE (RFC 7636, S256 only): how each network wants the challenge written, and the challenge itself.

use oauth2::{PkceCodeChallenge, PkceCodeVerifier};

/// PKCE is always S256; networks differ in how the digest is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PkceStyle {
    /// RFC 7636: BASE64URL-NOPAD(SHA-256(verifier)).
    #[default]
    Base64Url,
    /// TikTok Login Kit for Desktop: lowercase hex of SHA-256(verifier).
    Hex,
    /// The network does not take PKCE (Instagram Login documents no `code_challenge` and no
    /// `code_verifier`): nothing is sent, and `state` plus the client secret protect the flow.
    NotSupported,
}

/// The S256 challenge for `verifier`, written the way `style` says; `None` when the network
/// takes no PKCE.
pub fn pkce_challenge(verifier: &PkceCodeVerifier, style: PkceStyle) -> Option<String> {
    match style {
        PkceStyle::Base64Url => Some(PkceCodeChallenge::from_code_verifier_sha256(verifier).as_str().to_owned()),
        PkceStyle::Hex => {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(verifier.secret().as_bytes());
            Some(digest.iter().map(|b| format!("{b:02x}")).collect())
        }
        PkceStyle::NotSupported => None,
    }
}

#[cfg(test)]
mod pkce_tests {
    use super::*;
    use crate::oauth::OAuthConfig;
    use url::Url;

    /// RFC 7636 Appendix B: the verifier and its S256 challenge.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn s256_base64url_matches_rfc_7636() {
        let verifier = PkceCodeVerifier::new(VERIFIER.to_owned());
        assert_eq!(
            pkce_challenge(&verifier, PkceStyle::Base64Url).as_deref(),
            Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        );
    }

    #[test]
    fn s256_hex_for_tiktok_is_the_hex_digest_of_the_same_verifier() {
        let verifier = PkceCodeVerifier::new(VERIFIER.to_owned());
        // The same 32 bytes as E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM, written in hex.
        assert_eq!(
            pkce_challenge(&verifier, PkceStyle::Hex).as_deref(),
            Some("13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3")
        );
    }

    #[test]
    fn the_authorize_url_carries_the_challenge_in_the_network_style() {
        for style in [PkceStyle::Base64Url, PkceStyle::Hex, PkceStyle::NotSupported] {
            let config = OAuthConfig {
                network_name: "Test",
                client_id: "client".into(),
                client_secret: None,
                authorize: Url::parse("https://auth.example/authorize").unwrap_or_else(|_| unreachable!()),
                token: Url::parse("https://auth.example/token").unwrap_or_else(|_| unreachable!()),
                revoke: None,
                scopes: vec!["a".into()],
                extra_authorize_params: vec![],
                issuer: None,
                issuer_required: false,
                pkce: style,
            };
            let Ok(auth) = config.authorize("http://127.0.0.1:1/callback") else { panic!("authorize") };
            let query: Vec<(String, String)> = auth.url.query_pairs().into_owned().collect();
            let get = |k: &str| query.iter().filter(|(key, _)| key == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
            let challenge: Vec<String> = pkce_challenge(&auth.verifier, style).into_iter().collect();
            assert_eq!(get("code_challenge"), challenge, "{style:?}");
            let method: Vec<String> = challenge.iter().map(|_| "S256".to_owned()).collect();
            assert_eq!(get("code_challenge_method"), method, "{style:?}");
        }
    }
}
