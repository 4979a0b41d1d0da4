//! No secret reaches a file or the terminal: with logging at trace level (every dependency
//! included) to the log file and to stderr, a full connect + refresh + disconnect against the
//! sandbox — issuing opaque secrets, nothing Google-shaped, and with a random client secret —
//! followed by events that carry those secrets in every shape known to have slipped past a
//! redactor, leaves no token, code or client secret in stderr, the SQLite files, the log files or
//! anything else under the data directory.
//!
//! stderr can only be read from outside the process, so the test runs its own binary again as a
//! child (`HERALD_LEAKS_SESSION` names the scratch directory the child plays the session in) and
//! scans what the child wrote. The child inherits the keyring session of `tests/with-keyring.sh`.
//! Every network takes part: Google, Facebook and Instagram through the relay, LinkedIn's standard
//! flow, X on its fixed port. (Publishing joins this scenario when posts land.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;
use herald_core::networks::RedirectMode;
use herald_core::NetworkId;
use herald_sandbox::{AutoConsent, SandboxConfig};

const SESSION_VAR: &str = "HERALD_LEAKS_SESSION";
const THIS_TEST: &str = "a_full_session_at_trace_level_leaks_no_secret_to_disk_or_stderr";
/// Marks the events the child emits on purpose; each carries one secret in one shape.
const PROBE: &str = "leak-probe";
/// What each shape emitted by [`emit_in_every_shape`] must look like once redacted, in order:
/// the mask stands exactly where the secret was and everything around it stays readable.
const MASKED: [&str; 13] = [
    "a named field client_secret=[redacted]",
    ": refresh_token=[redacted]",
    r#"body="{\"access_token\":\"[redacted]\",\"expires_in\":3599}""#,
    r#"body="\"{\\\"access_token\\\":\\\"[redacted]\\\",\\\"expires_in\\\":3599}\"""#,
    "state=%7B%22access_token%22%3A%22[redacted]%22%2C%22expires_in%22%3A3599%7D",
    "state=%7b%22access_token%22%3a%22[redacted]%22%2c%22expires_in%22%3a3599%7d",
    "body=%7B%22refresh_token%22%3A+%22[redacted]%22%7D",
    r#"headers={"authorization": "Bearer [redacted]", "content-type": "application/x-www-form-urlencoded"}"#,
    ": {'id_token': '[redacted]'}",
    "GET /callback?code=[redacted]&state=abc",
    r#"TokenResponse { refresh_token: Some("[redacted]") }"#,
    "retrying with Bearer [redacted]",
    "stored [redacted] for later",
];
/// Shapes per secret emitted by [`emit_in_every_shape`].
const SHAPES: usize = MASKED.len();

#[tokio::test]
async fn a_full_session_at_trace_level_leaks_no_secret_to_disk_or_stderr() {
    if let Some(dir) = std::env::var_os(SESSION_VAR) {
        play_session(Path::new(&dir)).await;
        return;
    }

    let scratch = tempfile::tempdir().unwrap();
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", THIS_TEST, "--nocapture", "--test-threads=1"])
        .env(SESSION_VAR, scratch.path())
        // Colours would be on by default: the stderr layer must turn them off itself.
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&child.stdout);
    let stderr = child.stderr;
    assert!(
        child.status.success() && stdout.contains("1 passed"),
        "the child session failed: {stdout}\n…{}",
        String::from_utf8_lossy(&stderr[stderr.len().saturating_sub(4000)..])
    );

    let secrets: Vec<String> =
        std::fs::read_to_string(scratch.path().join("secrets")).unwrap().lines().map(str::to_owned).collect();
    // Google 4 (code, access, refresh, refreshed access), Facebook 5 (code, short- and long-lived
    // user tokens, two Page tokens), Instagram 3, LinkedIn 2+, X 5 (rotation), 4 client secrets.
    assert!(secrets.len() >= 20, "every network's codes, tokens and client secrets: {}", secrets.len());
    for secret in &secrets {
        assert!(
            !["ya29.", "1//", "4/0", "sandbox-"].iter().any(|p| secret.starts_with(p)),
            "opaque, not Google-shaped: {}…",
            &secret[..6]
        );
    }
    let probes = secrets.len() * SHAPES;

    let stderr_text = String::from_utf8_lossy(&stderr);
    assert!(!stderr.contains(&0x1b), "stderr is plain text, without ANSI escapes");
    assert!(stderr_text.contains("sign-in started") && stderr_text.contains("token refreshed"), "stderr was captured");
    assert!(stderr_text.contains("TRACE"), "dependencies logged to stderr at trace level");
    assert_eq!(stderr_text.matches(PROBE).count(), probes, "every probe reached stderr");

    let files = files_under(&scratch.path().join("data"));
    let logs: Vec<_> = files.iter().filter(|(name, _)| name.contains("/logs/")).collect();
    assert!(!logs.is_empty(), "a log file was written");
    let log_text: String = logs.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    assert!(log_text.contains("sign-in started") && log_text.contains("token refreshed"), "logs were captured");
    assert!(log_text.contains("TRACE"), "dependencies logged at trace level too");
    assert_eq!(log_text.matches(PROBE).count(), probes, "every probe reached the log file");

    for masked in MASKED {
        let n = secrets.len();
        assert_eq!(stderr_text.matches(masked).count(), n, "stderr shows {masked} once per secret");
        assert_eq!(log_text.matches(masked).count(), n, "the log file shows {masked} once per secret");
    }

    let mut hits = Vec::new();
    for secret in &secrets {
        if contains(&stderr, secret) {
            hits.push(format!("stderr: {}…", &secret[..6]));
        }
        for (name, bytes) in &files {
            if contains(bytes, secret) {
                hits.push(format!("{name}: {}…", &secret[..6]));
            }
        }
    }
    assert!(hits.is_empty(), "secrets leaked: {hits:?}");
}

/// The child's part: log at trace level to a file under `dir/data/logs` and to stderr, connect,
/// refresh, disconnect, emit every secret in every shape, and list the secrets in `dir/secrets`.
async fn play_session(dir: &Path) {
    let data_dir = dir.join("data");
    let guard = herald_core::logging::init(&data_dir.join("logs"), "trace", true).expect("logging starts");
    let mut config = SandboxConfig::opaque();
    let x_port = free_port();
    config.x.redirect_uris = vec![format!("http://127.0.0.1:{x_port}/callback")];
    let clients = [
        (NetworkId::Facebook, config.facebook.client_id.clone(), Some(config.facebook.client_secret.clone())),
        (NetworkId::Instagram, config.instagram.client_id.clone(), Some(config.instagram.client_secret.clone())),
        (NetworkId::Linkedin, config.linkedin.client_id.clone(), Some(config.linkedin.client_secret.clone())),
        (NetworkId::X, config.x.client_id.clone(), None),
    ];
    let mut client_secrets: Vec<String> = clients.iter().filter_map(|(_, _, secret)| secret.clone()).collect();
    client_secrets.push(config.google.client_secret.clone());
    let w = world_with(config, |c| {
        c.refresh_margin = chrono::Duration::days(61);
        c.data_dir = data_dir.clone();
    })
    .await;

    // Google, then every other network the way each really connects: Facebook and Instagram
    // through the relay (secrets in Graph query strings, Page tokens), LinkedIn's standard flow
    // (client secret in the form), X on its fixed port (rotating refresh token).
    connect(&w, None).await;
    let relay = format!("{}{}", w.sandbox.base_url(), herald_sandbox::RELAY_PATH);
    for (network, client_id, secret) in clients {
        w.herald.save_credentials(network, &client_id, secret.map(herald_core::Sensitive::new)).await.unwrap();
        let (mode, port, relay) = match network {
            NetworkId::X => (RedirectMode::FixedPort, Some(x_port), None),
            _ => (RedirectMode::Relay, None, Some(relay.as_str())),
        };
        w.herald.save_connect_setup(network, mode, port, relay).await.unwrap();
        w.sandbox.set_auto_consent(Some(AutoConsent::Approve { locations: None }));
        let flow = w.herald.connect_begin(network, None).await.unwrap();
        browser_visits(&flow.authorize_url).await;
        let offered = w.herald.connect_wait(&flow.flow_id).await.unwrap();
        let ids: Vec<String> = offered.iter().map(|c| c.external_id.clone()).collect();
        w.herald.connect_finish(&flow.flow_id, &ids).await.unwrap();
    }
    let checked = w.herald.check_accounts().await.unwrap();
    let networks: std::collections::BTreeSet<_> = checked.iter().map(|a| a.network).collect();
    assert_eq!(networks.len(), 5, "every network connected: {networks:?}");
    for account in checked {
        w.herald.disconnect(&account.id).await.unwrap();
    }

    let mut secrets = w.sandbox.issued_secrets();
    secrets.extend(client_secrets);
    for secret in &secrets {
        emit_in_every_shape(secret);
    }
    drop(guard); // flush the log file
    std::fs::write(dir.join("secrets"), secrets.join("\n")).unwrap();
}

/// One event per shape that got past the first redactor (and a few it caught), each carrying
/// `secret` and [`PROBE`]. Keep [`MASKED`] in step.
fn emit_in_every_shape(secret: &str) {
    let json = format!("{{\"access_token\":\"{secret}\",\"expires_in\":3599}}");
    let spaced = format!("{{\"refresh_token\": \"{secret}\"}}");
    let headers = BTreeMap::from([
        ("authorization", format!("Bearer {secret}")),
        ("content-type", "application/x-www-form-urlencoded".to_owned()),
    ]);
    // A field name, coloured on a terminal: `\x1b[3mclient_secret\x1b[0m\x1b[2m=\x1b[0m…`.
    tracing::debug!(client_secret = %secret, "{PROBE}: a named field");
    // The same colour codes inside a message.
    tracing::debug!("{PROBE}: \x1b[3mrefresh_token\x1b[0m\x1b[2m=\x1b[0m{secret}");
    // JSON inside a quoted field, escaped once and twice.
    tracing::debug!(body = ?json, "{PROBE}: escaped JSON");
    tracing::debug!(body = ?format!("{json:?}"), "{PROBE}: JSON escaped twice");
    // Percent-encoded JSON, upper and lower case hex, and a form body with `+` for spaces.
    tracing::debug!("{PROBE}: GET /cb?state={}", percent_encode(&json, false));
    tracing::debug!("{PROBE}: GET /cb?state={}", percent_encode(&json, true));
    tracing::debug!("{PROBE}: body={}", url::form_urlencoded::byte_serialize(spaced.as_bytes()).collect::<String>());
    // A header map, single quotes, a query string, a Debug print of an Option.
    tracing::debug!(?headers, "{PROBE}: a header map");
    tracing::debug!("{PROBE}: {{'id_token': '{secret}'}}");
    tracing::debug!("{PROBE}: GET /callback?code={secret}&state=abc");
    tracing::debug!("{PROBE}: TokenResponse {{ refresh_token: Some({secret:?}) }}");
    // `Bearer` with no header name, and the secret with no name at all.
    tracing::debug!("{PROBE}: retrying with Bearer {secret}");
    tracing::debug!("{PROBE}: stored {secret} for later");
}

/// `text` percent-encoded byte by byte (everything but unreserved characters), hex in
/// lower or upper case.
fn percent_encode(text: &str, lower: bool) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ if lower => format!("%{b:02x}"),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
