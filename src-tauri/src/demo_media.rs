//! The demo's media host: moto's S3 server on a loopback port, for the demo's Instagram and
//! Google photos (they fetch photos by address). `tests/setup.sh` installs it; without it the
//! demo runs with no media host, and the composer says which targets need one.
//!
//! The server runs for the app's lifetime: it is started through `setpriv --pdeathsig TERM`
//! from a thread that lives as long as the server does, so it ends with Herald even when
//! Herald is killed, and it is also stopped when the demo's state is dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running demo media host (stopped on drop).
pub struct DemoMediaHost {
    pub endpoint: String,
    pid: u32,
}

impl Drop for DemoMediaHost {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
    }
}

/// Where moto's server is: `HERALD_MOTO_SERVER`, the tools directory of `tests/setup.sh`
/// (`HERALD_TOOLS`, else `~/.cache/herald/tools`), else `moto_server` on the PATH.
fn moto_program() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("HERALD_MOTO_SERVER") {
        return Some(PathBuf::from(explicit)).filter(|p| p.is_file());
    }
    let tools = std::env::var_os("HERALD_TOOLS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/herald/tools")));
    if let Some(candidate) = tools.map(|t| t.join("moto/bin/moto_server")).filter(|p| p.is_file()) {
        return Some(candidate);
    }
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| PathBuf::from(d).join("moto_server")).find(|p| p.is_file())
}

fn free_port() -> Option<u16> {
    std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok().map(|a| a.port())
}

/// Start the demo's media host, or `None` (logged) when moto is not installed or fails.
pub fn start() -> Option<DemoMediaHost> {
    let Some(program) = moto_program() else {
        tracing::info!(
            "demo: no media host (moto is not installed: run tests/setup.sh); photos to Instagram and Google need one"
        );
        return None;
    };
    let port = free_port()?;
    let (tx, rx) = mpsc::channel::<Option<u32>>();
    let spawn = move || -> std::io::Result<Child> {
        Command::new("setpriv")
            .args(["--pdeathsig", "TERM", "--"])
            .arg(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    };
    // The thread that starts the server waits for it: the server's parent-death signal is tied
    // to this thread, which therefore lives exactly as long as the server (or Herald).
    let started = std::thread::Builder::new().name("demo-media-host".into()).spawn(move || match spawn() {
        Ok(mut child) => {
            let _ = tx.send(Some(child.id()));
            let _ = child.wait();
        }
        Err(e) => {
            tracing::warn!("demo: the media host could not start: {e}");
            let _ = tx.send(None);
        }
    });
    if started.is_err() {
        return None;
    }
    let pid = rx.recv_timeout(Duration::from_secs(5)).ok().flatten()?;
    let host = DemoMediaHost { endpoint: format!("http://127.0.0.1:{port}"), pid };
    let begun = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if begun.elapsed() > Duration::from_secs(20) {
            tracing::warn!("demo: the media host did not answer in 20 s");
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    tracing::info!(endpoint = %host.endpoint, "demo: local media host (moto) started");
    Some(host)
}
