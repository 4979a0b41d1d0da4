//! Herald sandbox: a loopback HTTP server that emulates the social networks' OAuth and API
//! endpoints faithfully enough for the app's real code paths to run against it, in tests and in
//! demo mode.
//!
//! Each network lives in its own module under a path prefix standing for its real hosts
//! (`/google/...`, `/facebook/...`, `/instagram/...`, `/linkedin/...`, `/x/...`; each module's
//! documentation gives its mapping); `/__sandbox/...` holds the control endpoints, served only when
//! [`SandboxConfig::admin_token`] is set and only to requests carrying that token. The [`Sandbox`] handle offers the same controls in-process.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use herald_sandbox::{AutoConsent, Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start(SandboxConfig::demo()).await?;
//! sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
//! let authorize = format!("{}/google/o/oauth2/v2/auth", sandbox.base_url());
//! # let _ = authorize;
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod admin;
mod config;
mod consent_page;
pub mod facebook;
mod faults;
pub mod google;
mod grants;
mod graph;
mod http;
pub mod instagram;
mod instagram_publish;
pub mod linkedin;
mod shapes;
mod state;
pub mod x;
mod x_media;

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{
    AutoConsent, Endpoint, FacebookPageSeed, FacebookSeed, Fault, GoogleAccountSeed, GoogleLocationSeed, GoogleSeed,
    InstagramSeed, LinkedInOrganizationSeed, LinkedInSeed, SandboxConfig, XSeed, XUserSeed, DEMO_FACEBOOK_CLIENT_ID,
    DEMO_FACEBOOK_CLIENT_SECRET, DEMO_FACEBOOK_REDIRECT_URI, DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET,
    DEMO_INSTAGRAM_CLIENT_ID, DEMO_INSTAGRAM_CLIENT_SECRET, DEMO_INSTAGRAM_REDIRECT_URI, DEMO_LINKEDIN_CLIENT_ID,
    DEMO_LINKEDIN_CLIENT_SECRET, DEMO_LINKEDIN_REDIRECT_URI, DEMO_X_CLIENT_ID, DEMO_X_REDIRECT_URI,
};
pub use grants::Published;
use state::{lock, Shared};

/// Largest request body any endpoint accepts.
const BODY_LIMIT: usize = 64 * 1024;
/// How long [`Sandbox::shutdown`] waits for open connections before aborting.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Every route of every emulated network, plus the admin API when there is an admin token,
/// bound to `shared`.
fn router(shared: Shared, admin_token: Option<String>) -> Router {
    let mut routes = Router::new()
        .route(RELAY_PATH, axum::routing::get(relay_page))
        .merge(google::router())
        .merge(facebook::router())
        .merge(instagram::router())
        .merge(linkedin::router())
        .merge(x::router());
    if let Some(token) = admin_token {
        routes = routes.merge(admin::router(token));
    }
    routes
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(faults::after_work))
        .with_state(shared)
}

/// Where the sandbox serves Herald's relay page (`core/relay/relay.html`, the same file users host).
pub const RELAY_PATH: &str = "/relay";

/// The relay page, byte for byte the file Herald ships.
pub const RELAY_PAGE: &str = include_str!("../../../core/relay/relay.html");

async fn relay_page() -> axum::response::Response {
    http::html(axum::http::StatusCode::OK, RELAY_PAGE.to_owned())
}

/// A fresh random admin token (32 random bytes, base64url) for [`SandboxConfig::admin_token`].
pub fn new_admin_token() -> String {
    http::random_token()
}

/// A running sandbox server. Dropping it stops the server.
pub struct Sandbox {
    shared: Shared,
    base_url: String,
    shutdown_tx: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1` with an OS-chosen port.
    pub async fn start(config: SandboxConfig) -> io::Result<Sandbox> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts a sandbox on `addr`, which must be a loopback address.
    pub async fn start_on(addr: SocketAddr, config: SandboxConfig) -> io::Result<Sandbox> {
        if !addr.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("herald-sandbox only listens on loopback, refusing {addr}"),
            ));
        }
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let admin_token = config.admin_token.clone();
        let mut config = config;
        // The sandbox serves Herald's relay page itself (`/relay`), registered as a redirect of
        // the networks that need an https one, so demo mode and tests run the relay path.
        let relay = format!("http://{local}{RELAY_PATH}");
        for uris in [
            &mut config.facebook.redirect_uris,
            &mut config.instagram.redirect_uris,
            &mut config.linkedin.redirect_uris,
        ] {
            uris.push(relay.clone());
        }
        let shared = state::new_shared(config);
        // Like Google's authorization server, the sandbox names itself in every authorization
        // response (RFC 9207); its issuer is its own origin. Tests can change or remove it.
        lock(&shared).issuer = Some(format!("http://{local}"));
        let app = router(shared.clone(), admin_token);
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    // A dropped sender also means "stop".
                    let _ = shutdown_rx.await;
                })
                .await;
            if let Err(error) = served {
                tracing::warn!(%error, "herald-sandbox server stopped with an error");
            }
        });
        tracing::debug!(%local, "herald-sandbox listening");
        Ok(Sandbox { shared, base_url: format!("http://{local}"), shutdown_tx: Some(shutdown_tx), task: Some(task) })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Sets (or, with `None`, clears) the scripted answer to the consent screen.
    pub fn set_auto_consent(&self, c: Option<AutoConsent>) {
        lock(&self.shared).auto_consent = c;
    }

    /// Makes authorization responses carry `iss=<issuer>` (RFC 9207; by default the sandbox's
    /// base URL, which Herald's sandbox endpoints expect), or stop carrying it (`None`).
    pub fn set_issuer(&self, issuer: Option<String>) {
        lock(&self.shared).issuer = issuer;
    }

    /// Makes another Instagram professional account the one that signs in from now on, as when
    /// the person switches accounts in the browser: `/me` answers with `user_id` and `username`
    /// (app-scoped id derived from it). Grants and tokens already issued are kept.
    pub fn set_instagram_account(&self, user_id: &str, username: &str) {
        let mut st = lock(&self.shared);
        let seed = &mut st.nets.instagram_seed;
        seed.user_id = user_id.to_owned();
        seed.username = username.to_owned();
        seed.app_scoped_id = format!("91{user_id}");
    }

    /// Injects a fault into `endpoint`, replacing any fault already there.
    pub fn inject(&self, endpoint: Endpoint, fault: Fault) {
        lock(&self.shared).faults.insert(endpoint, fault);
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        lock(&self.shared).faults.clear();
    }

    /// Every access token, refresh token and authorization code ever issued (for leak scans).
    pub fn issued_secrets(&self) -> Vec<String> {
        lock(&self.shared).issued.clone()
    }

    /// Whether `token` (access token, refresh token or code) belongs to a revoked grant.
    pub fn is_revoked(&self, token: &str) -> bool {
        lock(&self.shared).is_revoked(token)
    }

    /// Kills every grant as if the user removed the app's access: refreshing then fails with
    /// `invalid_grant` and API calls with 401.
    pub fn revoke_all_for_tests(&self) {
        lock(&self.shared).revoke_all();
    }

    /// How many requests `endpoint` has received (including faulted ones).
    pub fn hits(&self, endpoint: Endpoint) -> u64 {
        lock(&self.shared).hits.get(&endpoint).copied().unwrap_or(0)
    }

    /// Record a post as if `author` had published it on `network` just now (for tests of what
    /// reads the listings, e.g. reconciliation, on networks whose publishing Herald does not
    /// drive yet). It then appears in that network's recent-posts listing.
    pub fn seed_published(&self, network: &str, author: &str, id: &str, text: &str) -> Published {
        lock(&self.shared).nets.record(network, author, id, text, Vec::new())
    }

    /// Everything published through the sandbox's publishing endpoints, in order.
    pub fn published(&self) -> Vec<Published> {
        lock(&self.shared).nets.published.clone()
    }

    /// Stops accepting connections, lets in-flight requests finish (up to a few seconds), and
    /// waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown_tx.take() {
            let _ = tx.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await.is_err() {
                task.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
