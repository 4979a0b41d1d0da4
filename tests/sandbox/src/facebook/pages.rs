//! The Graph reads of the user and its Pages: `/me`, `/me/accounts`, `/me/permissions` (and
//! deauthorizing) and Page nodes.

use axum::body::Bytes;
use axum::http::{header, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::config::{Endpoint, FacebookPageSeed};
use crate::grants::{Auth, Failure, Kind};
use crate::graph::Call;
use crate::http::{self, Params, Rejection};
use crate::shapes::graph_error;
use crate::state::lock;

use super::*;

/// `/me/accounts` entries per answer without `limit` (Graph's default).
const DEFAULT_PAGE_LIMIT: usize = 25;
/// The largest `limit` this sandbox serves.
const MAX_PAGE_LIMIT: usize = 100;

/// Fields of the Page node this sandbox knows.
const PAGE_FIELDS: &[&str] =
    &["id", "name", "access_token", "category", "tasks", "picture", "instagram_business_account"];

/// The `limit` of a listing: [`DEFAULT_PAGE_LIMIT`] when absent, at most [`MAX_PAGE_LIMIT`].
pub(super) fn page_limit(params: &Params) -> Result<usize, Rejection> {
    match params.get("limit").map(str::parse::<usize>) {
        None => Ok(DEFAULT_PAGE_LIMIT),
        Some(Ok(n)) if (1..=MAX_PAGE_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(Box::new(graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            &format!("(#100) The parameter limit must be between 1 and {MAX_PAGE_LIMIT}"),
        ))),
    }
}

fn requested_fields<'a>(params: &'a Params, default: &'a str) -> Result<Vec<&'a str>, Rejection> {
    let fields: Vec<&str> =
        params.get("fields").unwrap_or(default).split(',').map(str::trim).filter(|f| !f.is_empty()).collect();
    match fields.iter().find(|f| !PAGE_FIELDS.contains(f)) {
        Some(unknown) => Err(Box::new(graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            &format!("(#100) Tried accessing nonexisting field ({unknown}) on node type (Page)"),
        ))),
        None => Ok(fields),
    }
}

/// A Page as Graph renders it with `fields`; `access_token` only when given one.
fn render_page(page: &FacebookPageSeed, fields: &[&str], access_token: Option<&str>) -> Value {
    let mut out = Map::new();
    for field in fields {
        let value = match *field {
            "id" => json!(page.id),
            "name" => json!(page.name),
            "category" => json!(page.category),
            "tasks" => json!(page.tasks),
            "access_token" => match access_token {
                Some(token) => json!(token),
                None => continue,
            },
            "picture" => {
                json!({ "data": { "height": 50, "is_silhouette": false, "url": page.picture_url, "width": 50 } })
            }
            "instagram_business_account" => match &page.instagram_business_account {
                Some(id) => json!({ "id": id }),
                None => continue,
            },
            _ => continue,
        };
        out.insert((*field).to_owned(), value);
    }
    // Graph always returns the node id.
    out.entry("id").or_insert_with(|| json!(page.id));
    Value::Object(out)
}

/// `GET /facebook/graph/{v}/me/accounts`: the granted Pages, each with a Page token.
pub(super) async fn accounts(call: Call) -> Response {
    let (params, mut guard, auth) = match open(&call, Endpoint::FacebookAccounts, NO_TOKEN_ME).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let st = &mut *guard;
    if let Kind::Page(_) = auth.kind {
        return graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            "(#100) Tried accessing nonexisting field (accounts) on node type (Page)",
        );
    }
    let fields = match requested_fields(&params, "access_token,category,name,id,tasks") {
        Ok(fields) => fields,
        Err(response) => return *response,
    };
    if !auth.has("pages_show_list") {
        return http::json(StatusCode::OK, &json!({ "data": [] }));
    }
    // A Page token from a long-lived user token does not expire; otherwise it lives as long as
    // the user token.
    let page_ttl = if auth.long_lived { None } else { Some(auth.secs_left().unwrap_or(0)) };
    let granted: Vec<FacebookPageSeed> =
        st.nets.facebook_seed.pages.iter().filter(|p| auth.consent.accounts.contains(&p.id)).cloned().collect();
    // Cursor-based paging as Graph does it: `limit` (default 25), `after` = the cursor of the
    // last entry seen; `paging.next` only while more remain.
    let limit = match page_limit(&params) {
        Ok(limit) => limit,
        Err(response) => return *response,
    };
    let start = match params.get("after") {
        None => 0,
        Some(cursor) => {
            let id = URL_SAFE_NO_PAD.decode(cursor).ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default();
            match granted.iter().position(|p| p.id == id) {
                Some(i) => i + 1,
                None => return graph_error(StatusCode::BAD_REQUEST, 100, None, "(#100) Invalid cursor"),
            }
        }
    };
    let pages: Vec<FacebookPageSeed> = granted.iter().skip(start).take(limit).cloned().collect();
    let more = start + pages.len() < granted.len();
    let mut data = Vec::with_capacity(pages.len());
    for page in &pages {
        let token = fields.contains(&"access_token").then(|| {
            st.nets.facebook.issue(
                &mut st.issued,
                auth.grant,
                Kind::Page(page.id.clone()),
                auth.long_lived,
                "EAAG",
                page_ttl,
            )
        });
        data.push(render_page(page, &fields, token.as_deref()));
    }
    let mut body = json!({ "data": data });
    if let (Some(first), Some(last)) = (pages.first(), pages.last()) {
        let after = URL_SAFE_NO_PAD.encode(&last.id);
        body["paging"] = json!({ "cursors": {
            "before": URL_SAFE_NO_PAD.encode(&first.id),
            "after": after,
        }});
        if more {
            let host = call.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
            if let Ok(mut next) = url::Url::parse(&format!("http://{host}/facebook/graph/{}/me/accounts", call.version))
            {
                next.query_pairs_mut()
                    .extend_pairs(params.pairs().filter(|(k, _)| *k != "after"))
                    .append_pair("after", &after);
                body["paging"]["next"] = json!(next.as_str());
            }
        }
    }
    http::json(StatusCode::OK, &body)
}

/// `GET /facebook/graph/{v}/me/permissions`: `{"data":[{"permission","status"}]}`.
pub(super) async fn permissions(call: Call) -> Response {
    let (_, _st, auth) = match open(&call, Endpoint::FacebookPermissions, NO_TOKEN_ME).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let mut data: Vec<Value> = Vec::new();
    if !auth.consent.granted.iter().chain(&auth.consent.declined).any(|s| s == "public_profile") {
        data.push(json!({ "permission": "public_profile", "status": "granted" }));
    }
    data.extend(auth.consent.granted.iter().map(|p| json!({ "permission": p, "status": "granted" })));
    data.extend(auth.consent.declined.iter().map(|p| json!({ "permission": p, "status": "declined" })));
    http::json(StatusCode::OK, &json!({ "data": data }))
}

/// `DELETE /facebook/graph/{v}/me/permissions`: removes the app, every token of the grant dies.
pub(super) async fn deauthorize(call: Call, body: Bytes) -> Response {
    if let Err(response) = call.enter(Endpoint::FacebookRevoke).await {
        return response;
    }
    let input = call.input(Some(&body));
    let token = call
        .token(input.query.get("access_token"), SCHEMES)
        .or_else(|| input.form.get("access_token").map(str::to_owned));
    let mut st = lock(&call.shared);
    let auth = match authenticate(&st, token.as_deref(), NO_TOKEN_ME) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    st.nets.facebook.revoke_grant(auth.grant);
    http::json(StatusCode::OK, &json!({ "success": true }))
}

/// `GET /facebook/graph/{v}/me`: the user (user token) or the Page (Page token).
pub(super) async fn me(call: Call) -> Response {
    let (params, st, auth) = match open(&call, Endpoint::FacebookNode, NO_TOKEN_ME).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let seed = &st.nets.facebook_seed;
    match &auth.kind {
        Kind::Page(id) => match seed.pages.iter().find(|p| &p.id == id) {
            Some(page) => match requested_fields(&params, "name,id") {
                Ok(fields) => http::json(StatusCode::OK, &render_page(page, &fields, None)),
                Err(response) => *response,
            },
            None => token_failure(Failure::Unknown, &seed.client_id),
        },
        _ => http::json(StatusCode::OK, &json!({ "name": seed.user_name, "id": seed.user_id })),
    }
}

pub(super) fn no_such_object(id: &str) -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        100,
        Some(33),
        &format!(
            "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )
}

/// Whether the caller may read Page `id`: with that Page's token, or a user token that granted it.
pub(super) fn may_read(auth: &Auth, id: &str) -> bool {
    match &auth.kind {
        Kind::Page(page_id) => page_id == id,
        _ => auth.consent.accounts.iter().any(|a| a == id),
    }
}

/// `GET /facebook/graph/{v}/{page-id}`: a granted Page (e.g. `fields=instagram_business_account`).
pub(super) async fn node(call: Call) -> Response {
    let id = call.node.as_str();
    let (params, st, auth) = match open(&call, Endpoint::FacebookNode, NO_TOKEN).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let Some(page) = st.nets.facebook_seed.pages.iter().find(|p| p.id == id) else {
        return graph_error(
            StatusCode::NOT_FOUND,
            803,
            None,
            &format!("(#803) Some of the aliases you requested do not exist: {id}"),
        );
    };
    if !may_read(&auth, id) {
        return no_such_object(id);
    }
    match requested_fields(&params, "name,id") {
        Ok(fields) => http::json(StatusCode::OK, &render_page(page, &fields, None)),
        Err(response) => *response,
    }
}
