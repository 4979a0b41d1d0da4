//! LinkedIn's code exchange (native PKCE without the secret, or the standard flow) and revoke.

use crate::error::Result;
use crate::networks::Ctx;
use crate::oauth::PkceCodeVerifier;
use crate::secret::Sensitive;
use crate::vault::TokenSet;

/// Loopback runs LinkedIn's native PKCE flow, which authenticates the exchange with the PKCE
/// verifier alone: the client secret (kept for the standard flow and for revoking) is not sent.
pub(crate) async fn exchange_code(
    ctx: &Ctx<'_>,
    code: Sensitive<String>,
    verifier: PkceCodeVerifier,
) -> Result<TokenSet> {
    if is_native(ctx) {
        let mut public = ctx.oauth.clone();
        public.client_secret = None;
        return public.exchange_code(ctx.http, ctx.redirect_uri, code, verifier).await;
    }
    ctx.oauth.exchange_code(ctx.http, ctx.redirect_uri, code, verifier).await
}

fn is_native(ctx: &Ctx<'_>) -> bool {
    ctx.oauth.authorize == ctx.endpoints.linkedin.native_authorize
}

/// `POST /oauth/v2/revoke` with the access token; LinkedIn authenticates it with the client
/// secret, so without one (a native-only app) there is no way to revoke.
pub(crate) async fn revoke(ctx: &Ctx<'_>, tokens: &TokenSet) -> Result<bool> {
    if ctx.oauth.client_secret.is_none() {
        return Ok(false);
    }
    ctx.oauth.revoke(ctx.http, &tokens.access_token).await
}
