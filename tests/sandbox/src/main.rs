//! `herald-sandbox [--port N]`: runs the sandbox with the demo seed until Ctrl-C, with its admin
//! API behind a token (from `HERALD_SANDBOX_ADMIN_TOKEN`, or a random one it prints).

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;

use herald_sandbox::{new_admin_token, Sandbox, SandboxConfig};

const USAGE: &str = "usage: herald-sandbox [--port N]\n\n\
Serves the Herald network sandbox (demo seed) on 127.0.0.1. Port 0 (the default) picks a free\n\
port; the first line on stdout is `herald-sandbox listening on http://127.0.0.1:PORT`.\n\n\
The admin API (/__sandbox/*) answers only requests with `Authorization: Bearer TOKEN` and,\n\
for changes, `Content-Type: application/json`. TOKEN is $HERALD_SANDBOX_ADMIN_TOKEN (an\n\
environment variable, so other local users cannot read it from the command line); without\n\
it a random token is made and printed as the second line: `admin token: TOKEN`.\n\n\
$HERALD_SANDBOX_X_PORT, when set, is the port of the X app's registered callback\n\
(http://127.0.0.1:PORT/callback) instead of 8080; Herald reads the same variable.";

/// Where the X app's callback port comes from (Herald's demo reads the same variable).
const X_PORT_ENV: &str = "HERALD_SANDBOX_X_PORT";

/// Where the admin token comes from.
const TOKEN_ENV: &str = "HERALD_SANDBOX_ADMIN_TOKEN";

fn parse_port(mut args: impl Iterator<Item = String>) -> Result<Option<u16>, String> {
    let mut port = 0_u16;
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" | "-p" => args.next().ok_or_else(|| "--port needs a value".to_owned())?,
            other => match other.strip_prefix("--port=") {
                Some(value) => value.to_owned(),
                None => return Err(format!("unknown argument: {other}")),
            },
        };
        port = value.parse().map_err(|_| format!("invalid port: {value}"))?;
    }
    Ok(Some(port))
}

#[tokio::main]
async fn main() -> ExitCode {
    let port = match parse_port(std::env::args().skip(1)) {
        Ok(Some(port)) => port,
        Ok(None) => {
            // Ignore a closed pipe (`herald-sandbox --help | head`).
            let _ = writeln!(std::io::stdout(), "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("herald-sandbox: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let given = std::env::var(TOKEN_ENV).ok().filter(|t| !t.trim().is_empty());
    let print_token = given.is_none();
    let token = given.unwrap_or_else(new_admin_token);
    let mut config = SandboxConfig { admin_token: Some(token.clone()), ..SandboxConfig::demo() };
    if let Ok(value) = std::env::var(X_PORT_ENV) {
        match value.trim().parse::<u16>() {
            Ok(port) if port >= 1024 => config.x.redirect_uris = vec![format!("http://127.0.0.1:{port}/callback")],
            _ => {
                eprintln!("herald-sandbox: {X_PORT_ENV} must be a port from 1024 to 65535, not {value:?}");
                return ExitCode::from(2);
            }
        }
    }
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let sandbox = match Sandbox::start_on(addr, config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("herald-sandbox: cannot listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut stdout = std::io::stdout().lock();
        let mut written = writeln!(stdout, "herald-sandbox listening on {}", sandbox.base_url());
        if print_token {
            written = written.and_then(|()| writeln!(stdout, "admin token: {token}"));
        }
        let written = written.and_then(|()| stdout.flush());
        if let Err(error) = written {
            eprintln!("herald-sandbox: cannot write to stdout: {error}");
            return ExitCode::FAILURE;
        }
    }
    let signal = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    match signal {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("herald-sandbox: cannot wait for Ctrl-C: {error}");
            ExitCode::FAILURE
        }
    }
}
