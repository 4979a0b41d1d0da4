//! The one-shot loopback listener that receives the browser's redirect (RFC 8252 §7.3).
//!
//! Binds `127.0.0.1` (never a wildcard address) on an ephemeral port and waits for exactly one
//! answer to one flow on `GET /callback`: it checks `state` in constant time, shows the user a
//! small "you can close this tab" page and closes.
//!
//! Anything on the machine can reach the port, and any web page can make the browser request
//! it (`<img src="http://127.0.0.1:N/callback">`), so only an answer carrying this flow's exact
//! `state`, once, may end the flow. Everything else (a favicon request, a wrong path or method,
//! a malformed or oversized request, a wrong, missing or repeated `state`, any other repeated
//! parameter) gets an error page and the flow keeps waiting for the real browser until its
//! timeout or cancel.
//!
//! How a request is read is split from what it means: [`interpret_request`] is a pure function
//! of the request head's bytes, called by [`CallbackListener::receive`] and, with arbitrary
//! bytes, by the tests and the fuzz target (`core/fuzz`). Each connection is served in its own
//! task with its own deadlines, so a client that never finishes its request cannot hold up the
//! browser's. At most [`MAX_CONNECTIONS`] are served at once; when all are taken, the oldest
//! one that is not carrying the flow's answer is dropped to make room, so idle sockets cannot
//! starve the browser either. The first answer for the flow wins and closes the listener.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use subtle::ConstantTimeEq;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinSet};

use super::{bounded_text, is_vschar};
use crate::error::{Error, Result};
use crate::secret::Sensitive;

pub const CALLBACK_PATH: &str = "/callback";
/// A browser's GET with a long query still fits; anything larger is not a redirect.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// The longest query string of a callback (the code, state, issuer and an error text).
pub const MAX_QUERY_BYTES: usize = 8 * 1024;
/// The longest authorization code accepted (decoded).
pub const MAX_CODE_BYTES: usize = 2 * 1024;
/// How long one connection may take to send its request head (a browser sends it at once).
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long writing the answer to one connection may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(3);
/// Connections served at once. A new one beyond this takes the place of the oldest one that is
/// not carrying the flow's answer.
pub const MAX_CONNECTIONS: usize = 32;
/// How much of a network's `error` / `error_description` reaches the user.
const MAX_ERROR_CHARS: usize = 200;

pub struct CallbackListener {
    listener: TcpListener,
    port: u16,
}

/// The browser came back with a code for this flow.
#[derive(Debug)]
pub struct Callback {
    pub code: Sensitive<String>,
    pub iss: Option<String>,
}

/// What one request head means to the flow.
#[derive(Debug)]
pub enum Interpretation {
    /// Not this flow's answer: answer with this HTTP status and keep waiting. 403 for a
    /// callback without this flow's exact `state` or with a repeated parameter; 400, 404, 405,
    /// 414 or 431 for a malformed request, a wrong path or method, or an oversized one.
    Ignore(u16),
    /// The answer to the sign-in (it carries this flow's `state`, once): the flow ends with this
    /// outcome.
    Callback(Result<Callback>),
}

/// Where a served connection is; decides whether it may be dropped to make room.
const OPEN: u8 = 0;
/// It carries the flow's answer: never dropped.
const ANSWERING: u8 = 1;
/// Dropped to make room; it must not deliver anything any more.
const EVICTED: u8 = 2;

/// One connection being served, in accept order.
struct Slot {
    task: AbortHandle,
    phase: Arc<AtomicU8>,
}

impl CallbackListener {
    pub async fn bind() -> Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| Error::Internal(format!("could not open the sign-in listener on 127.0.0.1: {e}")))?;
        let port = listener.local_addr().map_err(|e| Error::Internal(format!("sign-in listener address: {e}")))?.port();
        Ok(Self { listener, port })
    }

    /// Bind `127.0.0.1:port` for a network that only accepts one registered callback (X). A
    /// port another program holds is reported as such, before the browser is opened.
    pub async fn bind_port(port: u16) -> Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse | std::io::ErrorKind::PermissionDenied => Error::PortBusy(port),
            _ => Error::Internal(format!("could not open the sign-in listener on 127.0.0.1:{port}: {e}")),
        })?;
        Ok(Self { listener, port })
    }

    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// The address the listener is bound to (always `127.0.0.1`).
    pub fn local_addr(&self) -> Result<std::net::SocketAddr> {
        self.listener.local_addr().map_err(|e| Error::Internal(format!("sign-in listener address: {e}")))
    }

    /// Serve until the answer for `expected_state` arrives: a request carrying exactly that
    /// `state`, with a code or an error. Returning, or dropping the future (cancel, timeout),
    /// closes the port and every open connection.
    pub async fn receive(self, expected_state: &str) -> Result<Callback> {
        let expected: Arc<str> = Arc::from(expected_state);
        let decided = Arc::new(AtomicBool::new(false));
        let mut connections: JoinSet<Option<Result<Callback>>> = JoinSet::new();
        let mut slots: VecDeque<Slot> = VecDeque::with_capacity(MAX_CONNECTIONS + 1);
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        slots.retain(|slot| !slot.task.is_finished());
                        // All taken only by connections carrying this flow's answer (which needs
                        // the state): close this one unanswered.
                        if slots.len() < MAX_CONNECTIONS || evict_oldest(&mut slots) {
                            let phase = Arc::new(AtomicU8::new(OPEN));
                            let task = connections.spawn(serve(
                                stream,
                                Arc::clone(&expected),
                                Arc::clone(&decided),
                                Arc::clone(&phase),
                            ));
                            slots.push_back(Slot { task, phase });
                        }
                    }
                    // Out of file descriptors and the like: do not spin.
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                },
                Some(joined) = connections.join_next(), if !connections.is_empty() => {
                    if let Ok(Some(outcome)) = joined {
                        return outcome;
                    }
                }
            }
        }
    }
}

/// Drop the oldest connection that is not carrying the flow's answer; `false` when there is none.
fn evict_oldest(slots: &mut VecDeque<Slot>) -> bool {
    // The exchange settles a race with `serve` marking the same connection as the answer.
    let Some(index) = slots
        .iter()
        .position(|slot| slot.phase.compare_exchange(OPEN, EVICTED, Ordering::SeqCst, Ordering::SeqCst).is_ok())
    else {
        return false;
    };
    if let Some(slot) = slots.remove(index) {
        slot.task.abort();
    }
    true
}

/// Serve one connection; `Some` when it carried the answer that ends the flow.
async fn serve(
    mut stream: TcpStream,
    expected_state: Arc<str>,
    decided: Arc<AtomicBool>,
    phase: Arc<AtomicU8>,
) -> Option<Result<Callback>> {
    let Ok(head) = tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await else {
        respond(&mut stream, 408).await;
        return None;
    };
    let Some(head) = head else {
        respond(&mut stream, 400).await;
        return None;
    };
    match interpret_request(&head, &expected_state) {
        Interpretation::Ignore(status) => {
            respond(&mut stream, status).await;
            if head.len() > MAX_REQUEST_BYTES {
                linger(&mut stream).await;
            }
            None
        }
        Interpretation::Callback(outcome) => {
            // From here on this connection is not dropped to make room; if it already was, it
            // is being aborted and delivers nothing.
            if phase.compare_exchange(OPEN, ANSWERING, Ordering::SeqCst, Ordering::SeqCst).is_err() {
                return None;
            }
            // Exactly one answer ends the flow; a racing second one is refused.
            if decided.swap(true, Ordering::SeqCst) {
                respond(&mut stream, 409).await;
                return None;
            }
            respond_outcome(&mut stream, &outcome).await;
            Some(outcome)
        }
    }
}

/// Read a request head: up to and including the blank line, or just over
/// [`MAX_REQUEST_BYTES`] (which [`interpret_request`] refuses). `None` when the peer closed
/// or failed first.
async fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        let searched_from = buf.len().saturating_sub(3);
        buf.extend_from_slice(chunk.get(..n)?);
        if find(buf.get(searched_from..)?, b"\r\n\r\n").is_some() || buf.len() > MAX_REQUEST_BYTES {
            return Some(buf);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What a request head means for the flow waiting on `expected_state`. Pure: no I/O, no
/// panics on any input. `head` is what the connection sent up to and including the blank line
/// that ends the head; longer than [`MAX_REQUEST_BYTES`] is refused.
pub fn interpret_request(head: &[u8], expected_state: &str) -> Interpretation {
    if head.len() > MAX_REQUEST_BYTES {
        return Interpretation::Ignore(431);
    }
    if find(head, b"\r\n\r\n").is_none() {
        return Interpretation::Ignore(400);
    }
    let Some(line) = find(head, b"\r\n").and_then(|end| head.get(..end)) else {
        return Interpretation::Ignore(400);
    };
    let Ok(line) = std::str::from_utf8(line) else {
        return Interpretation::Ignore(400);
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Interpretation::Ignore(400);
    };
    if !matches!(version, "HTTP/1.0" | "HTTP/1.1") || target.is_empty() {
        return Interpretation::Ignore(400);
    }
    // Printable ASCII only (RFC 3986); browsers percent-encode everything else.
    if !target.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Interpretation::Ignore(400);
    }
    if method != "GET" {
        return Interpretation::Ignore(405);
    }
    // A fragment never leaves a browser: whatever sent one is not the redirect.
    if target.contains('#') {
        return Interpretation::Ignore(400);
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != CALLBACK_PATH {
        return Interpretation::Ignore(404);
    }
    if query.len() > MAX_QUERY_BYTES {
        return Interpretation::Ignore(414);
    }
    interpret_query(query, expected_state)
}

/// The callback's meaning once the path is right. Without this flow's exact `state` (or with a
/// repeated parameter) the request is not this flow's answer, whoever sent it: ignored (403).
fn interpret_query(query: &str, expected_state: &str) -> Interpretation {
    let Some(params) = CallbackParams::parse(query) else {
        return Interpretation::Ignore(403);
    };
    let state_ok = !expected_state.is_empty()
        && params.state.as_deref().is_some_and(|got| bool::from(got.as_bytes().ct_eq(expected_state.as_bytes())));
    if !state_ok {
        return Interpretation::Ignore(403);
    }
    Interpretation::Callback(answer(params))
}

/// What this flow's answer says: a code, or why there is none.
fn answer(params: CallbackParams) -> Result<Callback> {
    if let Some(error) = params.error {
        let error = bounded_text(&error, MAX_ERROR_CHARS);
        let reason = match params.error_description {
            Some(description) => format!("{error}: {}", bounded_text(&description, MAX_ERROR_CHARS)),
            None => error,
        };
        return Err(Error::ConsentDenied(reason));
    }
    let Some(code) = params.code.filter(|c| !c.is_empty()) else {
        return Err(Error::InvalidInput("the browser's answer had no authorization code".into()));
    };
    if code.len() > MAX_CODE_BYTES {
        return Err(Error::InvalidInput(format!(
            "the authorization code in the browser's answer is longer than {} KiB",
            MAX_CODE_BYTES / 1024
        )));
    }
    if !is_vschar(&code) {
        return Err(Error::InvalidInput(
            "the authorization code in the browser's answer has characters a code cannot have".into(),
        ));
    }
    Ok(Callback { code: Sensitive::new(code), iss: params.iss })
}

#[derive(Default)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    iss: Option<String>,
}

impl CallbackParams {
    /// The parameters Herald reads; `None` when one is repeated, which makes the answer
    /// ambiguous (which `state`, which `code`?): no such request is taken as this flow's answer.
    fn parse(query: &str) -> Option<Self> {
        let mut params = Self::default();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match key.as_ref() {
                "code" => &mut params.code,
                "state" => &mut params.state,
                "error" => &mut params.error,
                "error_description" => &mut params.error_description,
                "iss" => &mut params.iss,
                _ => continue,
            };
            if slot.is_some() {
                return None;
            }
            *slot = Some(value.into_owned());
        }
        Some(params)
    }
}

/// Tell the browser how the sign-in went.
async fn respond_outcome(stream: &mut TcpStream, outcome: &Result<Callback>) {
    let (status, title, message) = match outcome {
        Ok(_) => (200, "Herald is signed in", "You can close this tab and return to Herald to pick what to connect."),
        Err(Error::ConsentDenied(_)) => (
            200,
            "Sign-in cancelled",
            "You declined access, so nothing was connected. You can close this tab and return to Herald.",
        ),
        Err(_) => (
            400,
            "Sign-in failed",
            "The network's answer could not be used (for example, it had no authorization code). Please try again from Herald.",
        ),
    };
    write_page(stream, status, title, message).await;
}

/// Answer a request that is not the sign-in's.
async fn respond(stream: &mut TcpStream, status: u16) {
    let (title, message) = match status {
        403 => (
            "Not this sign-in's answer",
            "This answer does not belong to the sign-in Herald is waiting for, so it was ignored. Nothing was connected. You can close this tab.",
        ),
        404 => ("Not found", "This address only accepts Herald's sign-in."),
        405 => ("Method not allowed", "This address only accepts Herald's sign-in."),
        408 => ("Request timeout", "The request took too long."),
        409 => {
            ("Sign-in already finished", "Herald already received the answer to this sign-in. You can close this tab.")
        }
        414 | 431 => ("Request too large", "This address only accepts Herald's sign-in."),
        _ => ("Bad request", "This address only accepts Herald's sign-in."),
    };
    write_page(stream, status, title, message).await;
}

async fn write_page(stream: &mut TcpStream, status: u16, title: &str, message: &str) {
    let reason = match status {
        200 => "OK",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        _ => "Bad Request",
    };
    let allow = if status == 405 { "Allow: GET\r\n" } else { "" };
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;\
         margin:0;background:#f5f7fa;color:#1d2733}}main{{max-width:28rem;padding:2rem;background:#fff;\
         border-radius:12px;box-shadow:0 2px 12px #0002}}h1{{font-size:1.3rem}}</style></head>\
         <body><main><h1>{title}</h1><p>{message}</p></main></body></html>"
    );
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n{allow}\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // The browser may already be gone; the flow's outcome does not depend on this write.
    let _ = tokio::time::timeout(WRITE_TIMEOUT, async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}

/// After refusing an oversized request, read (and drop) what the client is still sending for
/// a moment, so closing does not reset the connection before it reads the answer.
async fn linger(stream: &mut TcpStream) {
    let mut sink = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let mut drained = 0usize;
        while drained < 256 * 1024 {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    })
    .await;
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const STATE: &str = "s-123";

    fn get(target: &str) -> Vec<u8> {
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").into_bytes()
    }

    fn outcome(head: &[u8]) -> Result<Callback> {
        match interpret_request(head, STATE) {
            Interpretation::Callback(outcome) => outcome,
            Interpretation::Ignore(status) => panic!("ignored with {status}"),
        }
    }

    fn ignored(head: &[u8]) -> u16 {
        match interpret_request(head, STATE) {
            Interpretation::Ignore(status) => status,
            Interpretation::Callback(outcome) => panic!("taken as the answer: {outcome:?}"),
        }
    }

    #[test]
    fn a_good_callback_yields_the_code_and_issuer() {
        let cb = outcome(&get("/callback?code=4%2Fabc&state=s-123&iss=https%3A%2F%2Fx")).unwrap();
        assert_eq!(cb.code.expose(), "4/abc");
        assert_eq!(cb.iss.as_deref(), Some("https://x"));
    }

    #[test]
    fn a_repeated_parameter_is_ambiguous_and_ignored() {
        for query in [
            "code=a&state=s-123&state=s-123",
            "code=a&state=other&state=s-123",
            "code=a&code=b&state=s-123",
            "code=a&state=s-123&iss=x&iss=y",
            "error=access_denied&error=x&state=s-123",
        ] {
            assert_eq!(ignored(&get(&format!("/callback?{query}"))), 403, "{query}");
        }
    }

    #[test]
    fn a_callback_without_this_flows_exact_state_is_ignored() {
        for target in [
            "/callback",
            "/callback?",
            "/callback?code=a",
            "/callback?code=a&state=",
            "/callback?code=a&state=s-12",
            "/callback?code=a&state=s-1234",
            "/callback?code=a&state=S-123",
            "/callback?code=a&State=s-123",
            "/callback?code=a&state=s-123%00",
            "/callback?error=access_denied",
            "/callback?error=access_denied&state=other",
        ] {
            assert_eq!(ignored(&get(target)), 403, "{target}");
        }
        // The same state percent-encoded is the same state.
        assert!(outcome(&get("/callback?code=a&state=s%2D123")).is_ok());
    }

    #[test]
    fn requests_that_are_not_the_redirect_are_ignored() {
        assert_eq!(ignored(&get("/favicon.ico")), 404);
        assert_eq!(ignored(b"POST /callback?code=a&state=s-123 HTTP/1.1\r\n\r\n"), 405);
        assert_eq!(ignored(&get("/callback?code=a&state=s-123#frag")), 400);
        assert_eq!(ignored(&get(&format!("/callback?state=s-123&x={}", "a".repeat(MAX_QUERY_BYTES)))), 414);
        assert_eq!(ignored(b"GET /callback?code=a&state=s-123 HTTP/1.1\r\n"), 400);
        assert_eq!(ignored(b"GET /callback?code=a&state=s-123 HTTP/2\r\n\r\n"), 400);
        assert_eq!(ignored(b"GET  /callback HTTP/1.1\r\n\r\n"), 400);
        assert_eq!(ignored(&vec![b'a'; MAX_REQUEST_BYTES + 1]), 431);
    }

    #[test]
    fn a_bad_code_is_invalid_input() {
        let long = "c".repeat(MAX_CODE_BYTES + 1);
        for query in ["state=s-123", "code=&state=s-123", "code=a%0Ab&state=s-123", "code=%C3%A9&state=s-123"] {
            let err = outcome(&get(&format!("/callback?{query}"))).unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)), "{query}: {err:?}");
        }
        let err = outcome(&get(&format!("/callback?code={long}&state=s-123"))).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    }

    #[test]
    fn an_empty_expected_state_matches_nothing() {
        match interpret_request(&get("/callback?code=a&state="), "") {
            Interpretation::Ignore(status) => assert_eq!(status, 403),
            Interpretation::Callback(outcome) => panic!("taken as the answer: {outcome:?}"),
        }
    }
}
