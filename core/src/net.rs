//! Herald's one way out to the networks: the HTTP client every request goes through, the rules
//! every endpoint must follow, and the cleaning of everything a network sends back.
//!
//! - **Where a request may go** ([`check_endpoint`]): `https`, or plain `http` only to a
//!   loopback IP literal (the sandbox). Endpoints are checked when they are loaded, and again
//!   by [`Client`] at the moment each request leaves, so a bearer token, a code or a refresh
//!   token never travels in clear text to another machine, whatever built the URL.
//! - **URLs built from a network's answers** ([`join_resource`]): a resource name such as
//!   Google's `accounts/123` is joined onto a configured base only when it is a plain relative
//!   path, and the result must stay under that base (same origin, same path prefix).
//! - **How much is read** ([`read_limited`], [`Client::send`]): every answer is read up to a
//!   cap and refused beyond it; nothing buffers an endless body.
//! - **What text survives** ([`bounded_text`]): network-provided strings lose control
//!   characters, ANSI escape sequences and bidirectional overrides, and are cut to a length,
//!   before they are stored, shown or logged.

use std::time::Duration;

use url::{Host, Url};

use crate::error::{Error, Result};

/// The largest API answer Herald reads (a page of a listing, an error body). Google's
/// location pages of 100 entries with `name,title` are a few tens of KiB.
pub const MAX_API_RESPONSE_BYTES: usize = 2 * 1024 * 1024;
/// How long one request to a network may take, connection included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of a network's error text reaches the user, the store and the logs.
pub const MAX_DETAIL_CHARS: usize = 300;
/// The longest network-provided name Herald keeps (a Page title, a location name).
pub const MAX_NAME_CHARS: usize = 200;

/// Whether `url` may be used as an endpoint: `https`, or `http` to a loopback IP literal
/// (`127.0.0.0/8`, `::1`). No user info, no fragment. `what` names the entry in the message
/// (e.g. `google.token`).
pub fn check_endpoint(what: &str, url: &Url) -> Result<()> {
    let problem = if !url.username().is_empty() || url.password().is_some() {
        Some("must not carry a user name or password")
    } else if url.fragment().is_some() {
        Some("must not have a fragment (#…)")
    } else {
        match url.scheme() {
            "https" if url.host().is_some() => None,
            "http" if is_loopback_literal(url) => None,
            "http" => Some("must use https (plain http is allowed only to a loopback address such as 127.0.0.1)"),
            _ => Some("must be an https URL"),
        }
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(Error::InvalidInput(format!("endpoint {what} ({}) {problem}", shown_url(url)))),
    }
}

/// `http` is acceptable only to an address that cannot leave the machine: an IP literal, since a
/// name such as `localhost` is whatever the resolver says it is.
fn is_loopback_literal(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    }
}

/// A URL for a message: origin and path only (a query could carry something private).
fn shown_url(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    bounded_text(&format!("{}://{host}{port}{}", url.scheme(), url.path()), MAX_DETAIL_CHARS)
}

/// Join a resource name a network sent (e.g. Google's `accounts/108000000001`) onto a
/// configured `base` (ending in `/`), then append `suffix` (e.g. `/locations`). The name must
/// be a relative path of plain segments: no scheme, no leading or doubled `/`, no `.` or `..`
/// segment, no `?`, `#`, `%`, `\` or `@`; and the result must keep `base`'s origin and path prefix.
/// Anything else is refused before a request (and its bearer token) could go elsewhere.
pub fn join_resource(network: &'static str, base: &Url, name: &str, suffix: &str) -> Result<Url> {
    let refuse = || Error::Network {
        network,
        detail: format!("the answer named a resource Herald will not follow ({})", bounded_text(name, 80)),
    };
    let segment_ok = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
    };
    if name.len() > 512 || !name.split('/').all(segment_ok) {
        return Err(refuse());
    }
    if !base.path().ends_with('/') {
        return Err(Error::Internal(format!("endpoint base {} must end with /", shown_url(base))));
    }
    let joined = base.join(&format!("{name}{suffix}")).map_err(|_| refuse())?;
    let same_origin = joined.scheme() == base.scheme()
        && joined.host() == base.host()
        && joined.port_or_known_default() == base.port_or_known_default();
    if !same_origin
        || !joined.path().starts_with(base.path())
        || !joined.username().is_empty()
        || joined.password().is_some()
    {
        return Err(refuse());
    }
    Ok(joined)
}

/// Text from the other side, fit to store, show and log: ANSI escape sequences and
/// bidirectional-override characters removed, other control characters (newlines included)
/// turned into single spaces, surrounding space trimmed, at most `max` characters (then `…`).
pub fn bounded_text(text: &str, max: usize) -> String {
    let mut cleaned = String::with_capacity(text.len().min(max * 4 + 4));
    let mut chars = text.chars().peekable();
    let mut kept = 0usize;
    let mut pending_space = false;
    let mut cut = false;
    while let Some(c) = chars.next() {
        if c == '\u{1b}' || c == '\u{9b}' {
            skip_escape(c, &mut chars);
            continue;
        }
        if is_bidi_control(c) || c == '\u{feff}' || c == '\u{200b}' {
            continue;
        }
        if c.is_control() || c.is_whitespace() {
            pending_space = kept > 0;
            continue;
        }
        if kept >= max {
            cut = true;
            break;
        }
        if pending_space {
            if kept + 1 >= max {
                cut = true;
                break;
            }
            cleaned.push(' ');
            kept += 1;
            pending_space = false;
        }
        cleaned.push(c);
        kept += 1;
    }
    if cut {
        cleaned.push('…');
    }
    cleaned
}

/// Skip one escape sequence after `ESC` (or the 8-bit CSI): CSI `ESC [ … final`, OSC
/// `ESC ] … BEL|ESC \`, or a two-character `ESC x`.
fn skip_escape(first: char, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    let kind = if first == '\u{9b}' { Some('[') } else { chars.next() };
    match kind {
        Some('[') => {
            // Parameters and intermediates, then one final byte in @..~.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
        Some(']' | 'P' | '_' | '^') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        _ => {}
    }
}

/// Characters that reorder how text is displayed (they can make a message lie about itself).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// A transport error in words, without the URL (which could carry a query worth keeping private).
pub fn describe_transport(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the request timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else if e.is_decode() || e.is_body() {
        "the answer could not be read".to_owned()
    } else {
        "the connection failed".to_owned()
    }
}

/// Read at most `limit` bytes of a body (the rest is dropped with the connection).
pub async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> std::result::Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while body.len() < limit {
        let Some(chunk) = response.chunk().await? else { break };
        let room = limit - body.len();
        body.extend(chunk.iter().take(room));
    }
    Ok(body)
}

/// Why an unrepeatable request got no answer ([`Client::send_unrepeatable`]).
#[derive(Debug)]
pub enum Undelivered {
    /// It surely did not reach the network.
    NotSent(Error),
    /// It may have reached the network and been acted on.
    Unknown(Error),
}

/// An API answer read within [`MAX_API_RESPONSE_BYTES`].
#[derive(Debug)]
pub struct Answer {
    pub status: reqwest::StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

/// The HTTP client every request to a network goes through: no redirects (RFC 9700 §4.11),
/// bounded time, and [`check_endpoint`] on every request's URL before it is sent.
#[derive(Clone, Debug)]
pub struct Client {
    inner: reqwest::Client,
}

impl Client {
    /// The production client: a request gives up after [`REQUEST_TIMEOUT`].
    pub fn new() -> Result<Self> {
        Self::with_timeout(REQUEST_TIMEOUT)
    }

    /// A client whose requests give up after `timeout` (tests shorten it).
    pub fn with_timeout(timeout: Duration) -> Result<Self> {
        let inner = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(timeout)
            .user_agent(concat!("Herald/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Internal(format!("HTTP client: {e}")))?;
        Ok(Self { inner })
    }

    pub fn get(&self, url: Url) -> reqwest::RequestBuilder {
        self.inner.get(url)
    }

    pub fn post(&self, url: Url) -> reqwest::RequestBuilder {
        self.inner.post(url)
    }

    pub fn put(&self, url: Url) -> reqwest::RequestBuilder {
        self.inner.put(url)
    }

    pub fn delete(&self, url: Url) -> reqwest::RequestBuilder {
        self.inner.delete(url)
    }

    /// Check a built request's destination, then send it. Nothing leaves for a refused URL.
    pub async fn execute(&self, network: &'static str, request: reqwest::Request) -> Result<reqwest::Response> {
        check_endpoint(network, request.url())?;
        self.inner.execute(request).await.map_err(|e| Error::Network { network, detail: describe_transport(&e) })
    }

    /// Build, check and send `request`; read the answer within `limit` bytes (an answer over it
    /// is an error, not a truncated body).
    pub async fn send_limited(
        &self,
        network: &'static str,
        request: reqwest::RequestBuilder,
        limit: usize,
    ) -> Result<Answer> {
        let request = request.build().map_err(|e| Error::Internal(format!("request: {}", describe_transport(&e))))?;
        let response = self.execute(network, request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_limited(response, limit.saturating_add(1))
            .await
            .map_err(|e| Error::Network { network, detail: describe_transport(&e) })?;
        if body.len() > limit {
            return Err(Error::Network {
                network,
                detail: format!("the answer was larger than {}", size_in_words(limit)),
            });
        }
        Ok(Answer { status, headers, body })
    }

    /// [`Self::send_limited`] with the API cap, [`MAX_API_RESPONSE_BYTES`].
    pub async fn send(&self, network: &'static str, request: reqwest::RequestBuilder) -> Result<Answer> {
        self.send_limited(network, request, MAX_API_RESPONSE_BYTES).await
    }

    /// Send a request that must never be repeated (a publish): like [`Self::send`], but a
    /// failure says whether the request surely did not leave ([`Undelivered::NotSent`]: the URL
    /// was refused or the connection could not be made) or may have been acted on
    /// ([`Undelivered::Unknown`]: a timeout, a dropped connection, an unreadable answer).
    pub async fn send_unrepeatable(
        &self,
        network: &'static str,
        request: reqwest::RequestBuilder,
    ) -> std::result::Result<Answer, Undelivered> {
        let request = request
            .build()
            .map_err(|e| Undelivered::NotSent(Error::Internal(format!("request: {}", describe_transport(&e)))))?;
        check_endpoint(network, request.url()).map_err(Undelivered::NotSent)?;
        let response = self.inner.execute(request).await.map_err(|e| {
            let error = Error::Network { network, detail: describe_transport(&e) };
            if e.is_connect() {
                Undelivered::NotSent(error)
            } else {
                Undelivered::Unknown(error)
            }
        })?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_limited(response, MAX_API_RESPONSE_BYTES.saturating_add(1))
            .await
            .map_err(|e| Undelivered::Unknown(Error::Network { network, detail: describe_transport(&e) }))?;
        if body.len() > MAX_API_RESPONSE_BYTES {
            let detail = format!("the answer was larger than {}", size_in_words(MAX_API_RESPONSE_BYTES));
            return Err(Undelivered::Unknown(Error::Network { network, detail }));
        }
        Ok(Answer { status, headers, body })
    }

    /// The underlying client, for the token requests `oauth2` makes (their URLs are checked in
    /// `oauth::transport` before sending).
    pub(crate) fn reqwest(&self) -> &reqwest::Client {
        &self.inner
    }
}

/// One part of a `multipart/form-data` body: a field, or a file (with a name) when `file` is set.
pub(crate) struct Part<'a> {
    pub name: &'a str,
    pub file: Option<&'a str>,
    pub data: &'a [u8],
}

/// A `multipart/form-data` body (RFC 7578) and its content type. File parts go as
/// `application/octet-stream`; names are Herald's own (`photo-1.jpg`), never the user's path.
pub(crate) fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = format!("herald-{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::with_capacity(parts.iter().map(|p| p.data.len() + 160).sum());
    for Part { name, file, data } in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let disposition = match file {
            Some(file) => format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            ),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `2 MiB`, `64 KiB`.
pub fn size_in_words(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn endpoints_must_be_https_or_loopback_http() {
        for ok in ["https://oauth2.googleapis.com/token", "http://127.0.0.1:4010/google/token", "http://[::1]:80/x"] {
            assert!(check_endpoint("t", &url(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "http://oauth2.googleapis.com/token",
            "http://localhost:4010/token",
            "http://10.0.0.1/token",
            "ftp://example.com/token",
            "https://user:pw@example.com/token",
            "https://example.com/token#x",
            "file:///etc/passwd",
        ] {
            let err = check_endpoint("google.token", &url(bad)).unwrap_err();
            assert!(err.to_string().contains("google.token"), "{bad}: {err}");
        }
    }

    #[test]
    fn resource_names_stay_under_their_base() {
        let base = url("https://mybusinessbusinessinformation.googleapis.com/v1/");
        let ok = join_resource("G", &base, "accounts/108000000001", "/locations").unwrap();
        assert_eq!(
            ok.as_str(),
            "https://mybusinessbusinessinformation.googleapis.com/v1/accounts/108000000001/locations"
        );
        for hostile in [
            "//evil.example/x",
            "https://evil.example/v1/accounts/1",
            "http://127.0.0.1:9/v1/x",
            "/accounts/1",
            "accounts/../../x",
            "accounts/./1",
            "accounts//1",
            "accounts/1?x=y",
            "accounts/1#f",
            "accounts/%2e%2e/x",
            "accounts\\..\\x",
            "evil.example:443/x",
            "user@evil.example",
            "",
        ] {
            assert!(join_resource("G", &base, hostile, "/locations").is_err(), "{hostile}");
        }
    }

    #[test]
    fn network_text_is_cleaned_and_bounded() {
        assert_eq!(bounded_text("a\nb\u{7}c", 10), "a b c");
        assert_eq!(bounded_text("abcdef", 3), "abc…");
        assert_eq!(bounded_text("abc", 3), "abc");
        assert_eq!(bounded_text("\u{1b}[31mred\u{1b}[0m text", 20), "red text");
        assert_eq!(bounded_text("x\u{1b}]0;title\u{7}y", 20), "xy");
        assert_eq!(bounded_text("pay\u{202e}gpj.exe", 20), "paygpj.exe");
        assert_eq!(bounded_text("  line one\r\n\r\nline two  ", 40), "line one line two");
        let long = "é".repeat(100_000);
        let out = bounded_text(&long, 300);
        assert_eq!(out.chars().count(), 301);
        assert!(out.ends_with('…'));
    }
}
