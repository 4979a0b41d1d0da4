//! What every API call checks: the presented token and the `LinkedIn-Version` header.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::grants::{Auth, Failure, Kind};
use crate::http::{self, Rejection};
use crate::shapes::linkedin_error;
use crate::state::State as SandboxState;

use super::*;

fn token_failure(failure: Failure) -> Response {
    match failure {
        Failure::Unknown => {
            linkedin_error(StatusCode::UNAUTHORIZED, Some(65600), Some("INVALID_ACCESS_TOKEN"), "Invalid access token")
        }
        Failure::Expired => linkedin_error(
            StatusCode::UNAUTHORIZED,
            Some(65602),
            Some("EXPIRED_ACCESS_TOKEN"),
            "The token used in the request has expired",
        ),
        Failure::Revoked => linkedin_error(
            StatusCode::UNAUTHORIZED,
            Some(65601),
            Some("REVOKED_ACCESS_TOKEN"),
            "The token used in the request has been revoked by the user",
        ),
    }
}

/// The bearer access token (never a refresh token).
pub(super) fn authenticate(st: &SandboxState, headers: &HeaderMap) -> Result<Auth, Rejection> {
    let Some(token) = http::bearer(headers) else {
        return Err(Box::new(linkedin_error(
            StatusCode::UNAUTHORIZED,
            Some(65604),
            Some("EMPTY_ACCESS_TOKEN"),
            "Empty oauth2_access_token",
        )));
    };
    match st.nets.linkedin.check(token) {
        Ok(auth) if auth.kind == Kind::Access => Ok(auth),
        Ok(_) => Err(Box::new(token_failure(Failure::Unknown))),
        Err(failure) => Err(Box::new(token_failure(failure))),
    }
}

/// `(year, month)` of today (UTC), from the system clock.
fn current_year_month() -> (i64, i64) {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let days = i64::try_from(secs / 86_400).unwrap_or_default();
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

/// Whether `version` (`YYYYMM` or `YYYYMM.RR`) is one of the active monthly versions.
fn is_active_version(version: &str, (year, month): (i64, i64)) -> bool {
    let base = version.split_once('.').map_or(version, |(base, rev)| {
        if rev.len() == 2 && rev.bytes().all(|b| b.is_ascii_digit()) {
            base
        } else {
            ""
        }
    });
    if base.len() != 6 || !base.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (Ok(y), Ok(m)) = (base[..4].parse::<i64>(), base[4..].parse::<i64>()) else {
        return false;
    };
    if !(1..=12).contains(&m) {
        return false;
    }
    let asked = y * 12 + (m - 1);
    let now = year * 12 + (month - 1);
    asked <= now && now - asked < ACTIVE_VERSION_MONTHS
}

/// The headers every `/rest` call needs: `LinkedIn-Version` (active) and
/// `X-Restli-Protocol-Version: 2.0.0`. Returns the version.
pub(super) fn versioned(headers: &HeaderMap) -> Result<String, Rejection> {
    let Some(version) = headers.get("linkedin-version").and_then(|v| v.to_str().ok()).map(str::trim) else {
        return Err(Box::new(linkedin_error(
            StatusCode::BAD_REQUEST,
            None,
            Some("VERSION_MISSING"),
            "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
        )));
    };
    if !is_active_version(version, current_year_month()) {
        return Err(Box::new(linkedin_error(
            StatusCode::UPGRADE_REQUIRED,
            None,
            Some("NONEXISTENT_VERSION"),
            &format!("Requested version {version} is not active"),
        )));
    }
    let protocol = headers.get("x-restli-protocol-version").and_then(|v| v.to_str().ok()).map(str::trim);
    if protocol != Some("2.0.0") {
        return Err(Box::new(linkedin_error(
            StatusCode::BAD_REQUEST,
            None,
            None,
            "This request requires the header X-Restli-Protocol-Version: 2.0.0",
        )));
    }
    Ok(version.to_owned())
}

pub(super) fn access_denied(resource: &str) -> Response {
    linkedin_error(
        StatusCode::FORBIDDEN,
        Some(100),
        Some("ACCESS_DENIED"),
        &format!("Not enough permissions to access: {resource}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_active_for_twelve_months() {
        let now = (2026, 3);
        assert!(is_active_version("202603", now));
        assert!(is_active_version("202504", now));
        assert!(is_active_version("202510.01", now));
        assert!(!is_active_version("202503", now), "13 months old");
        assert!(!is_active_version("202604", now), "future");
        assert!(!is_active_version("2025-10", now) && !is_active_version("20251001", now));
        assert!(!is_active_version("202513", now));
    }

    #[test]
    fn civil_date_is_plausible() {
        let (year, month) = current_year_month();
        assert!(year >= 2025 && (1..=12).contains(&month));
    }
}
