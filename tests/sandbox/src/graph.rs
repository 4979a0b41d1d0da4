//! What the Graph API emulations (Facebook in [`crate::facebook`], Instagram in
//! [`crate::instagram`] and [`crate::instagram_publish`]) share: the `vN.M` version in the path,
//! the opening of a versioned handler (fault gate, then version check), the parameters of a call
//! (query and form) and the token it presents.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse as _, Response};

use crate::config::Endpoint;
use crate::faults::gate;
use crate::http::Params;
use crate::shapes::graph_error;
use crate::state::Shared;

/// `vN.M`, as Graph versions are written.
pub(crate) fn is_version(version: &str) -> bool {
    let Some(rest) = version.strip_prefix('v') else {
        return false;
    };
    let mut parts = rest.split('.');
    let ok = |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

/// Graph's answer to a path whose version is not `vN.M`.
pub(crate) fn bad_version(version: &str) -> Response {
    graph_error(StatusCode::BAD_REQUEST, 2500, None, &format!("Unknown path components: /{version}"))
}

/// The opening of every versioned Graph handler: the fault gate of `endpoint`, then the version
/// check. `Err` is the answer to send.
pub(crate) async fn enter(shared: &Shared, endpoint: Endpoint, version: &str) -> Result<(), Response> {
    if let Some(response) = gate(shared, endpoint).await {
        return Err(response);
    }
    if !is_version(version) {
        return Err(bad_version(version));
    }
    Ok(())
}

/// A versioned Graph request as its handler receives it: the sandbox, the `{version}` and
/// `{node}` of the route, the headers and the query. [`Call::enter`] opens every handler.
pub(crate) struct Call {
    pub shared: Shared,
    pub version: String,
    /// The `{node}` segment (a Page, an account or a container id); empty where the route has none.
    pub node: String,
    pub headers: HeaderMap,
    query: Option<String>,
}

impl FromRequestParts<Shared> for Call {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, shared: &Shared) -> Result<Self, Response> {
        let Path(mut path) = Path::<HashMap<String, String>>::from_request_parts(parts, shared)
            .await
            .map_err(|rejection| rejection.into_response())?;
        Ok(Self {
            shared: shared.clone(),
            version: path.remove("version").unwrap_or_default(),
            node: path.remove("node").unwrap_or_default(),
            headers: parts.headers.clone(),
            query: parts.uri.query().map(str::to_owned),
        })
    }
}

impl Call {
    /// The fault gate of `endpoint`, then the version check; `Err` is the answer to send.
    pub(crate) async fn enter(&self, endpoint: Endpoint) -> Result<(), Response> {
        enter(&self.shared, endpoint, &self.version).await
    }

    /// The query parameters.
    pub(crate) fn params(&self) -> Params {
        Params::from_query(self.query.as_deref())
    }

    /// The query, and `body` as a form when there is one.
    pub(crate) fn input(&self, body: Option<&[u8]>) -> Input {
        Input { query: self.params(), form: body.map(Params::parse).unwrap_or_default() }
    }

    /// The token the call presents in `access_token` or an `Authorization` header of `schemes`.
    pub(crate) fn token(&self, access_token: Option<&str>, schemes: &[&str]) -> Option<String> {
        presented_token(&self.headers, access_token, schemes)
    }
}

/// The parameters of a Graph call: the query and a form body (Graph takes either), form first.
#[derive(Default)]
pub(crate) struct Input {
    pub query: Params,
    pub form: Params,
}

impl Input {
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.form.get(key).or_else(|| self.query.get(key))
    }
}

/// The access token a call presents: its `access_token` parameter, else an `Authorization`
/// header whose scheme is one of `schemes` (case-insensitive).
pub(crate) fn presented_token(headers: &HeaderMap, access_token: Option<&str>, schemes: &[&str]) -> Option<String> {
    access_token.map(str::to_owned).or_else(|| {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = value.trim().split_once(' ')?;
        let token = token.trim();
        (schemes.iter().any(|s| scheme.eq_ignore_ascii_case(s)) && !token.is_empty()).then(|| token.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_versions() {
        assert!(is_version("v25.0") && is_version("v20.0"));
        assert!(!is_version("25.0") && !is_version("v25") && !is_version("v25.0.1") && !is_version("vX.0"));
        assert!(!is_version("v.0") && !is_version("v25."));
    }
}
