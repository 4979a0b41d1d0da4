//! X: OAuth 2.0 Authorization Code with PKCE for a public ("native app") client, and the API v2
//! calls Herald makes.
//!
//! The real hosts become path prefixes under `/x`, the real path kept after them:
//! `x.com/i/oauth2/authorize` → `/x/www/i/oauth2/authorize`, and `api.x.com/2/…` →
//! `/x/api/2/…` (`oauth2/token`, `oauth2/revoke`, `users/me`, `tweets`). The consent page posts
//! to the sandbox-only [`CONSENT_PATH`].
//!
//! Sources: <https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code>
//! (PKCE required, S256 or plain; `offline.access` for a refresh token; public clients send
//! `client_id` in the body, confidential ones HTTP Basic), users/me
//! <https://docs.x.com/x-api/users/user-lookup-me>, posts
//! <https://docs.x.com/x-api/posts/create-post>, a user's posts (for reconciliation)
//! <https://docs.x.com/x-api/users/get-posts> (`max_results` 5–100, default 10;
//! `pagination_token`; `tweet.fields=created_at`), rate limits and their `x-rate-limit-*` headers
//! <https://docs.x.com/x-api/fundamentals/rate-limits> (`POST /2/tweets`: a per-user window,
//! [`XSeed::tweets_per_window`] per [`XSeed::tweet_window_secs`]; 429 once spent), errors
//! <https://docs.x.com/x-api/fundamentals/response-codes-and-errors>.
//! Refresh tokens rotate on every use; the previous one is accepted once more (as X does, so a
//! response lost on the way does not strand the client), then refused.

use axum::body::Bytes;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::config::{Endpoint, XSeed};
use crate::consent_page;
use crate::faults::gate;
use crate::grants::{self, Auth, Choice, Flavor, Kind, Net, Pending, Pkce};
use crate::http::{self, Params, Rejection};
use crate::shapes::{oauth_error, x_problem, x_unauthorized};
use crate::state::{lock, Shared, State as SandboxState};

/// Where the sandbox consent page posts the person's decision (sandbox-only).
pub const CONSENT_PATH: &str = "/x/www/i/oauth2/authorize/consent";

/// OAuth 2.0 scopes X knows.
pub const KNOWN_SCOPES: &[&str] = &[
    "tweet.read",
    "tweet.write",
    "tweet.moderate.write",
    "users.read",
    "follows.read",
    "follows.write",
    "offline.access",
    "space.read",
    "mute.read",
    "mute.write",
    "like.read",
    "like.write",
    "list.read",
    "list.write",
    "block.read",
    "block.write",
    "bookmark.read",
    "bookmark.write",
    "media.write",
];

/// `user.fields` values of the v2 User object.
const USER_FIELDS: &[&str] = &[
    "affiliation",
    "connection_status",
    "created_at",
    "description",
    "entities",
    "id",
    "location",
    "most_recent_tweet_id",
    "name",
    "pinned_tweet_id",
    "profile_banner_url",
    "profile_image_url",
    "protected",
    "public_metrics",
    "receives_your_dm",
    "subscription_type",
    "url",
    "username",
    "verified",
    "verified_type",
    "withheld",
];

const FLAVOR: Flavor = Flavor {
    net: Net::X,
    brand: "X",
    consent_path: CONSENT_PATH,
    code_prefix: "",
    fragment: None,
    deny: &[("error", "access_denied")],
    pick_accounts: false,
};

const TOKEN_INVALID: &str = "Value passed for the token was invalid.";

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/x/www/i/oauth2/authorize", get(authorize))
        .route(CONSENT_PATH, post(consent))
        .route("/x/api/2/oauth2/token", post(token))
        .route("/x/api/2/oauth2/revoke", post(revoke))
        .route("/x/api/2/users/me", get(users_me))
        .route("/x/api/2/tweets", post(tweets))
        .route("/x/api/2/users/{id}/tweets", get(user_tweets))
        .merge(crate::x_media::router())
}

fn page(reason: &str) -> Response {
    http::html(StatusCode::BAD_REQUEST, consent_page::network_error_page("X", 400, "Something went wrong", reason))
}

/// Who the person can be signed in as: the seeded user first, then [`XSeed::other_users`]. The
/// grant belongs to the first account of its consent (X shows no picker: the sign-in is the
/// account the browser is logged into; auto-consent `Choose` stands for logging in as another).
fn choices(seed: &XSeed) -> Vec<Choice> {
    let mut all = vec![(seed.user_id.clone(), format!("@{}", seed.username))];
    all.extend(seed.other_users.iter().map(|u| (u.user_id.clone(), format!("@{}", u.username))));
    all
}

/// The signed-in user of a grant: (id, name, username, profile image URL).
fn user_of(seed: &XSeed, auth: &Auth) -> (String, String, String, String) {
    let main = (seed.user_id.clone(), seed.name.clone(), seed.username.clone(), seed.profile_image_url.clone());
    match auth.consent.accounts.first() {
        Some(id) if *id != seed.user_id => seed
            .other_users
            .iter()
            .find(|u| &u.user_id == id)
            .map(|u| (u.user_id.clone(), u.name.clone(), u.username.clone(), u.profile_image_url.clone()))
            .unwrap_or(main),
        _ => main,
    }
}

fn validate_authorize(seed: &XSeed, params: &Params) -> Result<Pending, Rejection> {
    if params.get("client_id") != Some(seed.client_id.as_str()) {
        return Err(Box::new(page("You weren't able to give access to the App: unknown client_id.")));
    }
    let redirect_uri = params.get("redirect_uri").unwrap_or_default();
    if !seed.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(Box::new(page(
            "You weren't able to give access to the App: the redirect_uri is not a registered callback URL.",
        )));
    }
    if params.get("response_type") != Some("code") {
        return Err(Box::new(page("response_type must be code.")));
    }
    let Some(state) = params.get("state") else {
        return Err(Box::new(page("Missing required parameter: state")));
    };
    let scopes = grants::split_scopes(params.get("scope").unwrap_or_default(), &[' ']);
    if scopes.is_empty() || scopes.iter().any(|s| !KNOWN_SCOPES.contains(&s.as_str())) {
        return Err(Box::new(page("Invalid scope.")));
    }
    let Some(challenge) = params.get("code_challenge") else {
        return Err(Box::new(page("Missing required parameter: code_challenge")));
    };
    let s256 = match params.get("code_challenge_method") {
        Some("S256") => true,
        Some("plain") => false,
        _ => return Err(Box::new(page("code_challenge_method must be S256 or plain."))),
    };
    if !grants::is_pkce_value(challenge) {
        return Err(Box::new(page("Invalid code_challenge.")));
    }
    Ok(Pending {
        client_id: seed.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: Some(state.to_owned()),
        scopes,
        pkce: Some(Pkce { challenge: challenge.to_owned(), s256 }),
        created: std::time::Instant::now(),
    })
}

/// `GET /x/www/i/oauth2/authorize`
async fn authorize(State(shared): State<Shared>, RawQuery(q): RawQuery) -> Response {
    if let Some(response) = gate(&shared, Endpoint::XAuthorize).await {
        return response;
    }
    let params = Params::from_query(q.as_deref());
    let mut st = lock(&shared);
    let pending = match validate_authorize(&st.nets.x_seed, &params) {
        Ok(pending) => pending,
        Err(page) => return *page,
    };
    let choices = choices(&st.nets.x_seed);
    grants::ask(&mut st, &FLAVOR, pending, &choices)
}

/// `POST /x/www/i/oauth2/authorize/consent` (sandbox consent page form)
async fn consent(State(shared): State<Shared>, body: Bytes) -> Response {
    let mut st = lock(&shared);
    let choices = choices(&st.nets.x_seed);
    grants::answer(&mut st, &FLAVOR, &body, &choices)
}

fn invalid_request(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

/// Public client: `client_id` in the body. Confidential: HTTP Basic with the secret.
fn authenticate_client(seed: &XSeed, headers: &HeaderMap, params: &Params) -> Result<(), Rejection> {
    match &seed.client_secret {
        Some(secret) => match http::basic_auth(headers) {
            Some((id, given)) if id == seed.client_id && &given == secret => Ok(()),
            _ => Err(Box::new(oauth_error(
                StatusCode::UNAUTHORIZED,
                "unauthorized_client",
                "Missing valid authorization header",
            ))),
        },
        None => match params.get("client_id") {
            None => Err(Box::new(invalid_request("Missing required parameter [client_id]."))),
            Some(id) if id == seed.client_id => Ok(()),
            Some(_) => {
                Err(Box::new(oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client authentication failed")))
            }
        },
    }
}

/// `POST /x/api/2/oauth2/token` (form): `authorization_code` and `refresh_token`.
async fn token(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::XToken).await {
        return response;
    }
    let params = Params::parse(&body);
    let mut guard = lock(&shared);
    let st = &mut *guard;
    let seed = st.nets.x_seed.clone();
    if let Err(response) = authenticate_client(&seed, &headers, &params) {
        return *response;
    }
    match params.get("grant_type") {
        Some("authorization_code") => exchange_code(st, &seed, &params),
        Some("refresh_token") => refresh(st, &seed, &params),
        None => invalid_request("Missing required parameter [grant_type]."),
        Some(_) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Value passed for the grant type was invalid.",
        ),
    }
}

fn issue_pair(st: &mut SandboxState, seed: &XSeed, grant: u64, scopes: &[String]) -> Response {
    let ttl = seed.access_token_ttl_secs;
    let access = st.nets.x.issue(&mut st.issued, grant, Kind::Access, false, "", Some(ttl));
    let mut body = json!({
        "token_type": "bearer",
        "expires_in": ttl,
        "access_token": access,
        "scope": scopes.join(" "),
    });
    if scopes.iter().any(|s| s == "offline.access") {
        body["refresh_token"] = json!(st.nets.x.issue(&mut st.issued, grant, Kind::Refresh, false, "", None));
    }
    http::json_no_store(StatusCode::OK, &body)
}

fn exchange_code(st: &mut SandboxState, seed: &XSeed, params: &Params) -> Response {
    let Some(code) = params.get("code") else {
        return invalid_request("Missing required parameter [code].");
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return invalid_request("Missing required parameter [redirect_uri].");
    };
    let Some(verifier) = params.get("code_verifier") else {
        return invalid_request("Missing required parameter [code_verifier].");
    };
    match st.nets.x.redeem(code, &seed.client_id, Some(redirect_uri), Some(verifier)) {
        Ok(grant) => {
            let scopes = st.nets.x.grant(grant).map(|g| g.consent.granted.clone()).unwrap_or_default();
            issue_pair(st, seed, grant, &scopes)
        }
        Err(_) => invalid_request(TOKEN_INVALID),
    }
}

/// Rotates: a new access and refresh token; the presented one is accepted once more.
fn refresh(st: &mut SandboxState, seed: &XSeed, params: &Params) -> Response {
    let Some(refresh_token) = params.get("refresh_token") else {
        return invalid_request("Missing required parameter [refresh_token].");
    };
    let auth = match st.nets.x.check(refresh_token) {
        Ok(auth) if auth.kind == Kind::Refresh => auth,
        _ => return invalid_request(TOKEN_INVALID),
    };
    let Some(entry) = st.nets.x.token_mut(refresh_token) else {
        return invalid_request(TOKEN_INVALID);
    };
    match entry.uses_left {
        Some(0) => return invalid_request(TOKEN_INVALID),
        Some(n) => entry.uses_left = Some(n - 1),
        None => entry.uses_left = Some(1),
    }
    issue_pair(st, seed, auth.grant, &auth.consent.granted)
}

/// `POST /x/api/2/oauth2/revoke` (form: `token`, `token_type_hint`?, `client_id`): ends the
/// grant behind the token. Unknown tokens are answered the same way (RFC 7009 §2.2).
async fn revoke(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::XRevoke).await {
        return response;
    }
    let params = Params::parse(&body);
    let mut st = lock(&shared);
    let seed = st.nets.x_seed.clone();
    if let Err(response) = authenticate_client(&seed, &headers, &params) {
        return *response;
    }
    let Some(token) = params.get("token") else {
        return invalid_request("Missing required parameter [token].");
    };
    if let Ok(auth) = st.nets.x.check(token) {
        st.nets.x.revoke_grant(auth.grant);
    }
    http::json(StatusCode::OK, &json!({ "revoked": true }))
}

fn authenticate(st: &SandboxState, headers: &HeaderMap) -> Result<Auth, Rejection> {
    let token = http::bearer(headers).ok_or_else(|| Box::new(x_unauthorized()))?;
    match st.nets.x.check(token) {
        Ok(auth) if auth.kind == Kind::Access => Ok(auth),
        _ => Err(Box::new(x_unauthorized())),
    }
}

/// The X user behind a bearer access token, with the grant's details (for the media upload).
pub(crate) fn authenticate_user(st: &SandboxState, headers: &HeaderMap) -> Result<(String, Auth), Rejection> {
    let auth = authenticate(st, headers)?;
    let (id, ..) = user_of(&st.nets.x_seed, &auth);
    Ok((id, auth))
}

fn forbidden() -> Response {
    x_problem(StatusCode::FORBIDDEN, "Forbidden", "about:blank", "Forbidden")
}

/// X's 400 for a bad query parameter: the problem plus an `errors` list.
fn invalid_parameter(parameter: &str, values: Vec<String>, message: String) -> Response {
    http::json(
        StatusCode::BAD_REQUEST,
        &json!({
            "errors": [{ "parameters": { parameter: values }, "message": message }],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        }),
    )
}

/// `GET /x/api/2/users/me[?user.fields=profile_image_url,…]` (needs `tweet.read users.read`)
async fn users_me(State(shared): State<Shared>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if let Some(response) = gate(&shared, Endpoint::XUsersMe).await {
        return response;
    }
    let params = Params::from_query(q.as_deref());
    let st = lock(&shared);
    let auth = match authenticate(&st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    let allowed = ["expansions", "tweet.fields", "user.fields"];
    if let Some(bad) = params.keys().find(|k| !allowed.contains(k)) {
        return invalid_parameter(
            bad,
            vec![params.get(bad).unwrap_or_default().to_owned()],
            format!("The query parameter [{bad}] is not one of [{}]", allowed.join(",")),
        );
    }
    let fields: Vec<&str> =
        params.get("user.fields").unwrap_or_default().split(',').filter(|f| !f.is_empty()).collect();
    if let Some(bad) = fields.iter().find(|f| !USER_FIELDS.contains(f)) {
        return invalid_parameter(
            "user.fields",
            vec![(*bad).to_owned()],
            format!("The `user.fields` query parameter value [{bad}] is not one of [{}]", USER_FIELDS.join(",")),
        );
    }
    if !auth.has("users.read") || !auth.has("tweet.read") {
        return forbidden();
    }
    let (id, name, username, image) = user_of(&st.nets.x_seed, &auth);
    let mut user = Map::new();
    user.insert("id".to_owned(), json!(id));
    user.insert("name".to_owned(), json!(name));
    user.insert("username".to_owned(), json!(username));
    for field in fields {
        let value = match field {
            "profile_image_url" => json!(image),
            "protected" => json!(false),
            "verified" => json!(false),
            "description" => json!("Pane, focacce e dolci dal 1962."),
            "location" => json!("Bologna, Italia"),
            "created_at" => json!("2012-04-02T08:30:00.000Z"),
            _ => continue,
        };
        user.insert(field.to_owned(), value);
    }
    http::json(StatusCode::OK, &json!({ "data": Value::Object(user) }))
}

/// The user's rate window for `POST /2/tweets`: counts this request, and returns
/// (limit, remaining, reset as epoch seconds, whether this request is over the limit).
fn spend_tweet_window(st: &mut SandboxState, user: &str) -> (u32, u32, u64, bool) {
    let limit = st.nets.x_seed.tweets_per_window;
    let window = Duration::from_secs(st.nets.x_seed.tweet_window_secs);
    let now = Instant::now();
    let requests = st.nets.x_requests.entry(user.to_owned()).or_default();
    requests.retain(|at| now.duration_since(*at) < window);
    let over = requests.len() >= usize::try_from(limit).unwrap_or(usize::MAX);
    if !over {
        requests.push(now);
    }
    let used = u32::try_from(requests.len()).unwrap_or(u32::MAX);
    let window_left = requests.first().map_or(window, |oldest| window.saturating_sub(now.duration_since(*oldest)));
    // The first whole second at which the window has surely reset (rounded up, as a client
    // that waits until it must not be refused again).
    let reset_at = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default() + window_left;
    let reset = reset_at.as_secs() + u64::from(reset_at.subsec_nanos() > 0);
    (limit, limit.saturating_sub(used), reset, over)
}

fn with_rate_headers(mut response: Response, (limit, remaining, reset): (u32, u32, u64)) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-rate-limit-limit", limit.to_string()),
        ("x-rate-limit-remaining", remaining.to_string()),
        ("x-rate-limit-reset", reset.to_string()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    response
}

/// `POST /x/api/2/tweets` (JSON `{"text": …, "media"?: {"media_ids": […]}}`; needs
/// `tweet.write`): 201 with the new post. Every answer past authentication carries the user's
/// `x-rate-limit-*` headers; a spent window answers 429.
async fn tweets(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(response) = gate(&shared, Endpoint::XTweets).await {
        return response;
    }
    let mut guard = lock(&shared);
    let st = &mut *guard;
    let auth = match authenticate(st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    let (author, ..) = user_of(&st.nets.x_seed, &auth);
    let (limit, remaining, reset, over) = spend_tweet_window(st, &author);
    let response = if over {
        x_problem(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests", "about:blank", "Too Many Requests")
    } else {
        create_tweet(st, &auth, &author, &body)
    };
    with_rate_headers(response, (limit, remaining, reset))
}

fn create_tweet(st: &mut SandboxState, auth: &Auth, author: &str, body: &[u8]) -> Response {
    if !auth.has("tweet.write") || !auth.has("tweet.read") || !auth.has("users.read") {
        return forbidden();
    }
    let Ok(post) = serde_json::from_slice::<Value>(body) else {
        return x_problem(
            StatusCode::BAD_REQUEST,
            "Invalid Request",
            "https://api.twitter.com/2/problems/invalid-request",
            "One or more parameters to your request was invalid.",
        );
    };
    let text = post["text"].as_str().unwrap_or_default().to_owned();
    if text.is_empty() && post.get("media").is_none() {
        return x_problem(
            StatusCode::BAD_REQUEST,
            "Invalid Request",
            "https://api.twitter.com/2/problems/invalid-request",
            "One or more parameters to your request was invalid.",
        );
    }
    let author = author.to_owned();
    if st.nets.published.iter().any(|p| p.network == "x" && p.author == author && p.text == text) {
        return x_problem(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "about:blank",
            "You are not allowed to create a Tweet with duplicate content.",
        );
    }
    let media_ids: Vec<String> = post["media"]["media_ids"]
        .as_array()
        .map(|ids| ids.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let media = match crate::x_media::take_for_tweet(st, &author, &media_ids) {
        Ok(labels) => labels,
        Err(response) => return *response,
    };
    let id = (1_900_000_000_000_000_000_u64 + st.nets.published.len() as u64 + 1).to_string();
    st.nets.record("x", &author, &id, &text, media);
    http::json(StatusCode::CREATED, &json!({ "data": { "id": id, "text": text, "edit_history_tweet_ids": [id] } }))
}

/// `GET /x/api/2/users/{id}/tweets` (`max_results` 5–100, `pagination_token`, `tweet.fields`;
/// needs `tweet.read users.read`): the user's posts, newest first.
async fn user_tweets(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(response) = gate(&shared, Endpoint::XUserTweets).await {
        return response;
    }
    let params = Params::from_query(q.as_deref());
    let st = lock(&shared);
    let auth = match authenticate(&st, &headers) {
        Ok(auth) => auth,
        Err(response) => return *response,
    };
    if !auth.has("tweet.read") || !auth.has("users.read") {
        return forbidden();
    }
    let max = match params.get("max_results") {
        None => 10,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (5..=100).contains(&n) => n,
            _ => {
                return invalid_parameter(
                    "max_results",
                    vec![raw.to_owned()],
                    format!("The `max_results` query parameter value [{raw}] is not between 5 and 100"),
                )
            }
        },
    };
    let fields: Vec<&str> =
        params.get("tweet.fields").unwrap_or_default().split(',').filter(|f| !f.is_empty()).collect();
    let all = st.nets.published_by("x", &id);
    let start = match params.get("pagination_token") {
        None => 0,
        Some(token) => match all.iter().position(|p| format!("{}-next", p.id) == token) {
            Some(i) => i,
            None => {
                return invalid_parameter(
                    "pagination_token",
                    vec![token.to_owned()],
                    format!("The `pagination_token` query parameter value [{token}] is not valid"),
                )
            }
        },
    };
    let page: Vec<_> = all.iter().skip(start).take(max).collect();
    let data: Vec<Value> = page
        .iter()
        .map(|p| {
            let mut post = json!({ "id": p.id, "text": p.text, "edit_history_tweet_ids": [p.id] });
            if fields.contains(&"created_at") {
                post["created_at"] = json!(http::rfc3339(p.at, 3));
            }
            if fields.contains(&"author_id") {
                post["author_id"] = json!(p.author);
            }
            post
        })
        .collect();
    let mut meta = json!({ "result_count": data.len() });
    if let (Some(first), Some(last)) = (page.first(), page.last()) {
        meta["newest_id"] = json!(first.id);
        meta["oldest_id"] = json!(last.id);
    }
    if let Some(next) = all.get(start + page.len()) {
        meta["next_token"] = json!(format!("{}-next", next.id));
    }
    let mut body = json!({ "meta": meta });
    if !data.is_empty() {
        body["data"] = json!(data);
    }
    http::json(StatusCode::OK, &body)
}
