//! Logging: `tracing` to a daily-rotating file in the log directory (seven kept) and to stderr,
//! both through a redacting writer. Herald's own code never logs a secret (they are
//! `Sensitive`); the redactor is the second line of defence, for dependencies logging at trace
//! level (HTTP headers, form bodies) and for anything a future change gets wrong. Both sinks
//! get plain text (no ANSI colours), and the redactor strips any escape sequence it meets, so
//! that nothing can sit between a key and its value; it knows keys in JSON, forms, headers and
//! Debug prints, with their quotes and separators escaped or percent-encoded, `Bearer` on its
//! own, Google's token shapes, and any long mixed-case base64url run (an opaque token).

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::error::{Error, Result};

pub const LOG_FILE_PREFIX: &str = "herald";
const KEPT_FILES: usize = 7;
const MASK: &str = "[redacted]";

/// ANSI escape sequences, raw or as a formatter writes them out as text (`\x1b[`, `\u{1b}[`,
/// `\u001b[`, `\033[`, `\e[`), and the one-byte CSI `U+009B`. Stripped before anything else:
/// colour codes between a key and its value would otherwise hide the pair.
static ANSI: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:\x1b|\\x1[bB]|\\u\{1[bB]\}|\\u001[bB]|\\033)(?:\[[\x30-\x3F]*[\x20-\x2F]*[\x40-\x7E]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x40-\x5F])|\\e\[[\x30-\x3F]*[\x20-\x2F]*[\x40-\x7E]|\x{9B}[\x30-\x3F]*[\x20-\x2F]*[\x40-\x7E])",
    )
    .ok()
});

/// One way a secret shows in a line: `re` captures what stays (group 1, may be empty) and the
/// secret (group 2); `accept` decides whether a candidate secret really is one.
struct Rule {
    re: Regex,
    accept: Accept,
}

type Accept = fn(&str) -> bool;

/// Number of rules in [`RULES`]; a rule that failed to compile would be missing (tested).
const RULE_COUNT: usize = 5;

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    // A quote, also escaped (`\"`, `\\\"`), percent-encoded once or twice (`%22`, `%2522`,
    // `%5C%22`), as a JSON unicode escape or an HTML entity.
    let quote = r#"(?:(?:\\|%(?:25)*5[cC])*(?:["'`]|%(?:25)*2[27])|\\u002[27]|&quot;|&#3[49];)"#;
    // Blanks, also `+` (a space in forms) and `%20`.
    let blank = r"(?:\s|\+|%(?:25)*20)*";
    // `:`, `=` or `=>`, also percent-encoded in either case.
    let separator = r"(?:=>|[:=]|%(?:25)*3[aAdD])";
    // A secret's characters: anything but blanks, quotes, backslashes, brackets and the
    // separators of JSON, forms and header lists; percent escapes only of characters that are
    // none of those (so `%22`, `%26`, `%2C` end a value, `%2F`, `%3D`, `%2B` do not).
    let value = r"(?:[^\s\x22'`&,;(){}\[\]<>|\\%]|%(?:25)*(?:2[1348A-Ba-bD-Fd-f]|3[0-9AaDdFf]|[4689A-Fa-f][0-9A-Fa-f]|5[0-9ABEFabef]|7[0-9ABEabe]))+";
    let scheme = r"(?:(?:bearer|basic|token|oauth|digest|mac)(?:\s|\+|%(?:25)*20)+)?";
    // Everything between a key and its value: `": "`, `=`, `%22%3A%22`, `: Some("`, `: ["`.
    let between = format!(r"{quote}?{blank}{separator}{blank}(?:Some\(|\[)?{quote}?{blank}{scheme}");
    let names = r"[a-z0-9_\-]*(?:token|secret|password|passwd|verifier|assertion|api[_\-]?key|cookie|signature|authorization|credentials?|session[_\-]?id|private[_\-]?key)";
    let rules: [(String, Accept); RULE_COUNT] = [
        // A secret-bearing name, its separator and quotes in any encoding, then the value.
        (format!(r"(?i)({names}{between})({value})"), |_| true),
        // `code` (also `auth_code`, `device_code`; after `?`, `&` or their encodings) with a
        // value that is not a plain word, so error codes (`code=NeedsReconnect`, `"code":401`)
        // stay readable.
        (format!(r"(?i)((?:^|[^a-z_]|%[0-9a-f]{{2}})(?:auth_?|device_?|user_?)?code{between})({value})"), |v| {
            v.len() >= 8 && !v.chars().all(|c| c.is_ascii_alphabetic())
        }),
        // `Bearer <token>` wherever it appears.
        (format!(r"(?i)((?:^|[^a-z])bearer(?:\s|\+|%(?:25)*20)+)({value})"), |v| v.len() >= 16),
        // Google's shapes: access tokens, refresh tokens and authorization codes.
        (r"()((?:\bya29\.|\b1//|\b4/0)[A-Za-z0-9_\-.]+)".to_owned(), |_| true),
        // Any long run of base64url in mixed case: an opaque token nobody named. UUIDs, hex
        // digests and identifiers are single-case or short, so they stay readable.
        (r"()([A-Za-z0-9_\-]{32,})".to_owned(), |v| {
            v.bytes().any(|b| b.is_ascii_uppercase()) && v.bytes().any(|b| b.is_ascii_lowercase())
        }),
    ];
    rules.into_iter().filter_map(|(pattern, accept)| Regex::new(&pattern).ok().map(|re| Rule { re, accept })).collect()
});

/// `text` without ANSI escapes and with every recognisable secret replaced by a mask.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    if let Some(ansi) = ANSI.as_ref().filter(|ansi| ansi.is_match(text)) {
        out = Cow::Owned(ansi.replace_all(text, "").into_owned());
    }
    for rule in RULES.iter() {
        if !rule.re.is_match(&out) {
            continue;
        }
        let replaced = rule.re.replace_all(&out, |caps: &regex::Captures<'_>| {
            let secret = caps.get(2).map_or("", |m| m.as_str());
            let kept = caps.get(1).map_or("", |m| m.as_str());
            if (rule.accept)(secret) {
                format!("{kept}{MASK}")
            } else {
                caps[0].to_owned()
            }
        });
        if let Cow::Owned(changed) = replaced {
            out = Cow::Owned(changed);
        }
    }
    out
}

/// A writer that redacts each formatted event before passing it on.
pub struct Redacting<W>(W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[derive(Clone)]
pub struct RedactingMakeWriter<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMakeWriter<M> {
    type Writer = Redacting<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        Redacting(self.0.make_writer())
    }
}

/// Keep alive for as long as logs should reach the file (flushes on drop).
pub struct LogGuard {
    _file: WorkerGuard,
}

/// Install the global subscriber: `filter` (an `EnvFilter` directive such as `info` or
/// `herald_core=trace`) for the file in `log_dir`, and for stderr too when `stderr` is set.
pub fn init(log_dir: &Path, filter: &str, stderr: bool) -> Result<LogGuard> {
    std::fs::create_dir_all(log_dir)
        .map_err(|e| Error::Internal(format!("cannot create log directory {}: {e}", log_dir.display())))?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(KEPT_FILES)
        .build(log_dir)
        .map_err(|e| Error::Internal(format!("cannot open the log file: {e}")))?;
    let (file, guard) = tracing_appender::non_blocking(appender);
    let env_filter = |directive: &str| EnvFilter::try_new(directive).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(RedactingMakeWriter(file))
                .with_filter(env_filter(filter)),
        )
        .with(stderr.then(|| {
            // Plain text here too: colour codes around field names would split `key=value`.
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(RedactingMakeWriter(io::stderr))
                .with_filter(env_filter(filter))
        }))
        .try_init()
        .map_err(|e| Error::Internal(format!("logging already initialised: {e}")))?;
    Ok(LogGuard { _file: guard })
}

#[cfg(test)]
mod tests {
    use super::redact;

    /// Redacts `line` and checks that `secret` is gone and a mask took its place.
    fn assert_masked(line: &str, secret: &str) {
        let out = redact(line);
        assert!(!out.contains(secret), "{line:?} → {out:?}");
        assert!(out.contains("[redacted]"), "{line:?} → {out:?}");
    }

    #[test]
    fn secrets_in_every_shape_are_masked() {
        let cases = [
            ("authorization: Bearer ya29.a0AfB_byC-1.x", "ya29"),
            ("\"authorization\": \"Basic aGVsbG86d29ybGQ=\"", "aGVsbG86"),
            ("grant_type=refresh_token&refresh_token=1%2F%2Fabc&client_secret=s3cr3t", "s3cr3t"),
            ("{\"access_token\":\"opaque-token-value\",\"expires_in\":3599}", "opaque-token-value"),
            ("GET /callback?code=4/0AXyz_12&state=abc", "4/0AXyz"),
            ("code_verifier=verifier-value-123", "verifier-value-123"),
            ("token 1//09abcDEF-ghi left in a message", "1//09abcDEF"),
            // Shapes the first redactor already caught; kept so they stay caught.
            (
                "headers={\"content-type\": \"application/json\", \"authorization\": \"Bearer opaque-bearer-1\"}",
                "opaque-bearer-1",
            ),
            ("{'refresh_token': 'opaque-refresh-1'}", "opaque-refresh-1"),
            ("GET /callback?code=opaque-code-0001&state=abc", "opaque-code-0001"),
            ("password=\x1b[1mopaque-password\x1b[22m", "opaque-password"),
            ("{\"accessToken\":\"opaque-camel\",\"x-api-key\":\"opaque-api-key\"}", "opaque-camel"),
        ];
        for (line, secret) in cases {
            assert_masked(line, secret);
        }
    }

    // Each case below passed the first redactor unmasked.

    #[test]
    fn ansi_escapes_around_a_key_do_not_hide_its_value() {
        // The stderr layer with colours on: field names italic, `=` dimmed.
        assert_masked("\x1b[3mclient_secret\x1b[0m\x1b[2m=\x1b[0mlowercase-secret-one", "lowercase-secret-one");
        // The same sequences as tracing-subscriber escapes them inside a message.
        assert_masked("\\x1b[3mclient_secret\\x1b[0m\\x1b[2m=\\x1b[0mlowercase-secret-two", "lowercase-secret-two");
        assert_masked("access_token\\u{1b}[0m=opaque-access-three", "opaque-access-three");
        assert!(!redact("\x1b[31mred\x1b[0m").contains('\x1b'), "escapes are stripped");
    }

    #[test]
    fn json_inside_a_quoted_field_is_masked() {
        assert_masked(
            r#"body="{\"access_token\":\"opaque-access-value\",\"expires_in\":3599}""#,
            "opaque-access-value",
        );
        assert_masked(r#"body="{\"access_token\": \"opaque-access-spaced\"}""#, "opaque-access-spaced");
        // Debug of a Debug string: the quotes are escaped twice.
        assert_masked(
            r#"outer="body=\"{\\\"refresh_token\\\":\\\"opaque-refresh-value\\\"}\"""#,
            "opaque-refresh-value",
        );
        assert_masked(r"\u0022id_token\u0022:\u0022opaque-id-token\u0022", "opaque-id-token");
        assert_masked("&quot;client_secret&quot;:&quot;opaque-client-secret&quot;", "opaque-client-secret");
    }

    #[test]
    fn percent_encoded_json_and_forms_are_masked() {
        let cases = [
            ("state=%7B%22access_token%22%3A%22opaque-upper-hex%22%7D", "opaque-upper-hex"),
            ("state=%7b%22access_token%22%3a%22opaque-lower-hex%22%7d", "opaque-lower-hex"),
            ("q=%7B%22refresh_token%22%3A+%22opaque-plus-space%22%7D", "opaque-plus-space"),
            ("q=%7B%22expires_in%22%3A3599%2C%22id_token%22%3A%22opaque-after-comma%22%7D", "opaque-after-comma"),
            ("next=https%3A%2F%2Fx.invalid%2Fcb%3Fcode%3Dopaque-code-value1%26state%3Dabc", "opaque-code-value1"),
            ("body=grant_type%3Drefresh_token%26refresh_token%3Dopaque-form-value", "opaque-form-value"),
            ("q=%5C%22client_secret%5C%22%3A%5C%22opaque-escaped-encoded%5C%22", "opaque-escaped-encoded"),
            ("q=%2522access_token%2522%253A%2522opaque-double-encoded%2522", "opaque-double-encoded"),
        ];
        for (line, secret) in cases {
            assert_masked(line, secret);
        }
        // The value ends where its encoded closing quote starts: what follows stays readable.
        let out = redact("%22access_token%22%3A%22opaque-value%22%2C%22expires_in%22%3A3599");
        assert!(out.ends_with("%22%2C%22expires_in%22%3A3599"), "{out}");
    }

    #[test]
    fn other_shapes_are_masked() {
        let cases = [
            // A header map whose values are lists.
            ("{\"authorization\": [\"Bearer opaque-bearer-list\"]}", "opaque-bearer-list"),
            // Bearer with no header name in front.
            ("retrying with Bearer opaque-bearer-alone-value", "opaque-bearer-alone-value"),
            ("%22Bearer%20opaque-bearer-encoded-value%22", "opaque-bearer-encoded-value"),
            // Debug of an Option field.
            ("TokenResponse { refresh_token: Some(\"opaque-refresh-some\") }", "opaque-refresh-some"),
            // Single quotes, encoded.
            ("%27refresh_token%27%3A%27opaque-single-quoted%27", "opaque-single-quoted"),
            // camelCase and prefixed names.
            ("x-api-key: opaque-api-key", "opaque-api-key"),
            ("Cookie: sid=opaque-cookie", "opaque-cookie"),
            // An opaque token without any name: long, mixed-case base64url.
            (
                "stored Zq3vT9xKpL2mWb7YcR4nHs8dFg1jAe6uQo5iVt0yXk_ for later",
                "Zq3vT9xKpL2mWb7YcR4nHs8dFg1jAe6uQo5iVt0yXk_",
            ),
        ];
        for (line, secret) in cases {
            assert_masked(line, secret);
        }
    }

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(super::RULES.len(), super::RULE_COUNT);
        assert!(super::ANSI.is_some());
    }

    #[test]
    fn ordinary_lines_are_untouched() {
        let lines = [
            "sign-in started network=google_business flow=6f1c",
            "token refreshed grant=0b6f3c1e-2d4a-4c8e-9f17-5a3b2c1d0e9f network=google_business",
            "sign-in failed: the network refused code=NeedsReconnect",
            "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\",\"status\":\"UNAUTHENTICATED\"}}",
            "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"scope\":\"https://www.googleapis.com/auth/business.manage\"}",
            "grant_type=authorization_code&response_type=code&status_code=200",
            "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 path=/home/user/.local/share/herald",
            "herald_core::accounts::health: refresh scheduled tokens=2 secrets_checked=true",
        ];
        for line in lines {
            assert_eq!(redact(line), line);
        }
    }
}
