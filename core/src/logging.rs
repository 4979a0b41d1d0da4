//! Logging: `tracing` to a daily-rotating file in the log directory (seven kept) and to stderr,
//! both through a redacting writer. Herald's own code never logs a secret (they are
//! `Sensitive`); the redactor is the second line of defence, for dependencies logging at trace
//! level (HTTP headers, form bodies) and for anything a future change gets wrong.

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

static PATTERNS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let rules: [(&str, &str); 4] = [
        // Authorization headers, whatever the scheme.
        (r"(?i)(authorization[\x22']?\s*[:=]\s*[\x22']?\s*(?:bearer|basic|token)?\s*)[^\s\x22',;}]+", "${1}[redacted]"),
        // key=value, "key":"value", key: value for every secret-bearing parameter name.
        (
            r"(?i)((?:access_token|refresh_token|id_token|client_secret|code_verifier|code|token|password|secret|assertion)[\x22']?\s*[:=]\s*[\x22']?)[^\s\x22'&,;}]+",
            "${1}[redacted]",
        ),
        // Token shapes that need no key: Google access/refresh tokens and authorization codes.
        (r"\bya29\.[A-Za-z0-9_\-.]+", MASK),
        (r"(?:\b1//|\b4/0)[A-Za-z0-9_\-]+", MASK),
    ];
    rules
        .into_iter()
        .filter_map(|(pattern, replacement)| Regex::new(pattern).ok().map(|re| (re, replacement)))
        .collect()
});

/// `text` with every recognisable secret replaced by a mask.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for (re, replacement) in PATTERNS.iter() {
        if re.is_match(&out) {
            out = Cow::Owned(re.replace_all(&out, *replacement).into_owned());
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
            tracing_subscriber::fmt::layer()
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
        ];
        for (line, secret) in cases {
            let out = redact(line);
            assert!(!out.contains(secret), "{line:?} → {out:?}");
            assert!(out.contains("[redacted]"), "{out:?}");
        }
    }

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(super::PATTERNS.len(), 4);
    }

    #[test]
    fn ordinary_lines_are_untouched() {
        let line = "sign-in started network=google_business flow=6f1c";
        assert_eq!(redact(line), line);
    }
}
