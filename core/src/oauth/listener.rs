//! The one-shot loopback listener that receives the browser's redirect (RFC 8252 §7.3).
//!
//! Binds `127.0.0.1` on an ephemeral port, answers exactly one `GET /callback`, checks `state`,
//! shows the user a small "you can close this tab" page and closes. Anything else on the port
//! (a favicon request, a wrong path) gets a 404 and does not end the flow.

use std::time::Duration;

use subtle::ConstantTimeEq;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{Error, Result};
use crate::secret::Sensitive;

pub const CALLBACK_PATH: &str = "/callback";
/// A browser's GET with a long query still fits; anything larger is not a redirect.
const MAX_REQUEST_BYTES: usize = 16 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(10);

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

impl CallbackListener {
    pub async fn bind() -> Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| Error::Internal(format!("could not open the sign-in listener on 127.0.0.1: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::Internal(format!("sign-in listener address: {e}")))?
            .port();
        Ok(Self { listener, port })
    }

    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Serve until the callback for `expected_state` arrives (or a fatal answer does).
    pub async fn receive(self, expected_state: &str) -> Result<Callback> {
        loop {
            let Ok((stream, _)) = self.listener.accept().await else { continue };
            match handle(stream, expected_state).await {
                Handled::Ignored => continue,
                Handled::Done(result) => return result,
            }
        }
    }
}

enum Handled {
    Ignored,
    Done(Result<Callback>),
}

async fn handle(mut stream: TcpStream, expected_state: &str) -> Handled {
    let Some(target) = read_request_target(&mut stream).await else {
        respond(&mut stream, 400, "Bad request", "This address only accepts Herald's sign-in.").await;
        return Handled::Ignored;
    };
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    if path != CALLBACK_PATH {
        respond(&mut stream, 404, "Not found", "This address only accepts Herald's sign-in.").await;
        return Handled::Ignored;
    }
    let params = CallbackParams::parse(query);
    let state_ok = params
        .state
        .as_deref()
        .is_some_and(|got| bool::from(got.as_bytes().ct_eq(expected_state.as_bytes())));
    if !state_ok {
        respond(&mut stream, 400, "Sign-in refused", "This answer does not belong to the sign-in Herald started, so it was ignored. Nothing was connected. You can close this tab.").await;
        return Handled::Done(Err(Error::StateMismatch));
    }
    if let Some(error) = params.error {
        respond(&mut stream, 200, "Sign-in cancelled", "You declined access, so nothing was connected. You can close this tab and return to Herald.").await;
        let reason = match params.error_description {
            Some(description) => format!("{error}: {description}"),
            None => error,
        };
        return Handled::Done(Err(Error::ConsentDenied(reason)));
    }
    let Some(code) = params.code.filter(|c| !c.is_empty()) else {
        respond(&mut stream, 400, "Sign-in failed", "The network's answer had no authorization code. Please try again from Herald.").await;
        return Handled::Done(Err(Error::InvalidInput("the browser's answer had no authorization code".into())));
    };
    respond(&mut stream, 200, "Herald is signed in", "You can close this tab and return to Herald to pick what to connect.").await;
    Handled::Done(Ok(Callback { code: Sensitive::new(code), iss: params.iss }))
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
    fn parse(query: &str) -> Self {
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
            // A repeated parameter is ambiguous: keep the first, as most servers do.
            if slot.is_none() {
                *slot = Some(value.into_owned());
            }
        }
        params
    }
}

/// The request target of a `GET` request line, or `None` for anything else.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let head_complete = tokio::time::timeout(READ_TIMEOUT, async {
        loop {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.windows(4).any(|w| w == b"\r\n\r\n") {
                return Some(());
            }
            if buf.len() > MAX_REQUEST_BYTES {
                return None;
            }
        }
    })
    .await
    .ok()
    .flatten();
    head_complete?;
    let head = std::str::from_utf8(&buf).ok()?;
    let mut parts = head.lines().next()?.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    (method == "GET" && version.starts_with("HTTP/1.")).then(|| target.to_owned())
}

async fn respond(stream: &mut TcpStream, status: u16, title: &str, message: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;\
         margin:0;background:#f5f7fa;color:#1d2733}}main{{max-width:28rem;padding:2rem;background:#fff;\
         border-radius:12px;box-shadow:0 2px 12px #0002}}h1{{font-size:1.3rem}}</style></head>\
         <body><main><h1>{title}</h1><p>{message}</p></main></body></html>"
    );
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // The browser may already be gone; the flow's outcome does not depend on this write.
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_value_of_a_repeated_parameter_wins() {
        let p = CallbackParams::parse("code=a&state=s1&state=s2&iss=https%3A%2F%2Fx");
        assert_eq!(p.code.as_deref(), Some("a"));
        assert_eq!(p.state.as_deref(), Some("s1"));
        assert_eq!(p.iss.as_deref(), Some("https://x"));
    }
}
