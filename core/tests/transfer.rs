//! Export / import: the user's data moves between computers without a single secret, imported
//! accounts ask to be reconnected, and a hostile or broken file is refused with a clear
//! InvalidInput error that changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::*;
use herald_core::api::{AccountStatus, ErrorCode};
use herald_core::transfer::{ImportSummary, IMPORTED_NOTE, MAX_IMPORT_ACCOUNTS};
use herald_core::{Config, Herald, NetworkId};
use herald_sandbox::{SandboxConfig, DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET};
use serde_json::{json, Value};

async fn empty_herald(dir: &tempfile::TempDir) -> Arc<Herald> {
    let mut config = Config::new(dir.path().join("data"));
    config.vault_service = format!("herald-test-transfer-{}", uuid::Uuid::new_v4());
    Herald::open(config).await.unwrap()
}

/// The portable state, without the export's timestamp.
async fn state(herald: &Herald) -> Value {
    let mut v: Value = serde_json::from_str(&herald.export_data().await.unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("exportedAt");
    v
}

fn account(n: usize) -> Value {
    json!({
        "network": "google_business", "externalId": format!("locations/{n}"), "kind": "location",
        "displayName": format!("Shop {n}"), "avatarUrl": null, "connectedAt": "2026-03-01T10:00:00Z"
    })
}

fn file(accounts: Vec<Value>) -> Value {
    json!({
        "format": "herald-export", "version": 1, "exportedAt": "2026-11-22T10:00:00Z",
        "settings": { "locale": "it" },
        "networkCredentials": [ { "network": "linkedin", "clientId": "li-client" } ],
        "accounts": accounts
    })
}

/// A Herald that already has data: the baseline every refused import must leave untouched.
async fn herald_with_data(dir: &tempfile::TempDir) -> (Arc<Herald>, Value) {
    let herald = empty_herald(dir).await;
    herald.set_locale(Some("en")).await.unwrap();
    herald.store().set_client_id(NetworkId::GoogleBusiness, "existing-client").await.unwrap();
    let seed = json!({
        "format": "herald-export", "version": 1, "exportedAt": "2026-11-22T10:00:00Z",
        "settings": {}, "networkCredentials": [], "accounts": [account(0)]
    });
    herald.import_data(&seed.to_string()).await.unwrap();
    let baseline = state(&herald).await;
    (herald, baseline)
}

async fn assert_refused(herald: &Herald, baseline: &Value, input: &str, says: &str) {
    let err = herald.import_data(input).await.expect_err("a hostile import is refused");
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    let message = err.to_string();
    assert!(message.contains(says), "message {message:?} should mention {says:?}");
    assert!(message.len() < 1_000, "the message stays short: {} bytes", message.len());
    assert_eq!(&state(herald).await, baseline, "nothing changed after: {message}");
}

#[tokio::test]
async fn data_round_trips_between_two_data_dirs_and_accounts_ask_to_reconnect() {
    let w = world().await;
    w.herald.set_locale(Some("it")).await.unwrap();
    let connected = connect(&w, None).await;
    assert_eq!(connected.len(), 2);
    let exported = w.herald.export_data().await.unwrap();

    let v: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!((v["format"].as_str(), v["version"].as_u64()), (Some("herald-export"), Some(2)));
    assert!(v["exportedAt"].is_string());
    assert_eq!(v["settings"], json!({ "locale": "it" }));
    assert_eq!(v["networkCredentials"], json!([{ "network": "google_business", "clientId": DEMO_GOOGLE_CLIENT_ID }]));
    let accounts = v["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    for a in accounts {
        let mut keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["avatarUrl", "connectedAt", "displayName", "externalId", "kind", "network"]);
    }

    let other_dir = tempfile::tempdir().unwrap();
    let other = empty_herald(&other_dir).await;
    let mut events = other.subscribe();
    let summary = other.import_data(&exported).await.unwrap();
    assert_eq!(summary, ImportSummary { settings: 1, credentials: 1, accounts: 2, posts: 0, publishing_paused: false });
    assert!(events.try_recv().is_ok(), "the UI hears that accounts changed");

    assert_eq!(other.locale().await.unwrap().as_deref(), Some("it"));
    let creds = other.credentials(NetworkId::GoogleBusiness).await.unwrap();
    assert_eq!((creds.client_id.as_str(), creds.has_secret), (DEMO_GOOGLE_CLIENT_ID, false), "no secret travels");
    let imported = other.accounts().await.unwrap();
    assert_eq!(imported.len(), 2);
    for original in &connected {
        let copy = imported.iter().find(|a| a.external_id == original.external_id).expect("imported");
        assert_eq!(
            (copy.network, copy.kind, &copy.display_name),
            (original.network, original.kind, &original.display_name)
        );
        assert_eq!(copy.avatar_url, original.avatar_url);
        assert_eq!(copy.connected_at, original.connected_at);
        assert_eq!(copy.status, AccountStatus::NeedsReconnect);
        assert_eq!(copy.last_error.as_deref(), Some(IMPORTED_NOTE));
        assert_eq!(copy.status_reason, Some(herald_core::api::StatusReason::Imported));
        assert_eq!(copy.token_expires_at, None);
        let (_, grant) = other.store().account(&copy.id).await.unwrap().unwrap();
        assert_eq!(grant, None, "no grant on this computer");
    }
    assert_eq!(state(&other).await, {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("exportedAt");
        v
    });

    let again = other.import_data(&exported).await.unwrap();
    assert_eq!(
        again,
        ImportSummary { settings: 0, credentials: 0, accounts: 0, posts: 0, publishing_paused: false },
        "importing twice adds nothing"
    );
    assert_eq!(other.accounts().await.unwrap().len(), 2);
}

#[tokio::test]
async fn existing_accounts_settings_and_client_ids_are_left_untouched() {
    let w = world().await;
    w.herald.set_locale(Some("en")).await.unwrap();
    let connected = connect(&w, None).await;
    let mut v: Value = serde_json::from_str(&w.herald.export_data().await.unwrap()).unwrap();
    v["settings"]["locale"] = json!("it");
    v["networkCredentials"][0]["clientId"] = json!("someone-elses-client");
    for a in v["accounts"].as_array_mut().unwrap() {
        a["displayName"] = json!("Renamed elsewhere");
    }
    v["accounts"].as_array_mut().unwrap().push(account(77));

    let summary = w.herald.import_data(&v.to_string()).await.unwrap();
    assert_eq!(
        summary,
        ImportSummary { settings: 0, credentials: 0, accounts: 1, posts: 0, publishing_paused: false },
        "only the new account counts"
    );
    assert_eq!(w.herald.locale().await.unwrap().as_deref(), Some("en"));
    assert_eq!(w.herald.credentials(NetworkId::GoogleBusiness).await.unwrap().client_id, DEMO_GOOGLE_CLIENT_ID);
    for original in &connected {
        let (now, grant) = w.herald.store().account(&original.id).await.unwrap().unwrap();
        assert_eq!(now, *original, "a connected account is not touched");
        assert!(grant.is_some(), "it keeps its grant");
    }
    let added = w.herald.accounts().await.unwrap().into_iter().find(|a| a.external_id == "locations/77").unwrap();
    assert_eq!(added.status, AccountStatus::NeedsReconnect);
}

#[tokio::test]
async fn the_export_contains_no_secret() {
    let w = world_with(SandboxConfig::demo(), |c| c.refresh_margin = chrono::Duration::hours(2)).await;
    let accounts = connect(&w, None).await;
    assert_eq!(w.herald.check_accounts().await.unwrap().len(), 2, "a refresh issues more secrets");
    let exported = w.herald.export_data().await.unwrap();

    let mut secrets = w.sandbox.issued_secrets();
    secrets.push(DEMO_GOOGLE_CLIENT_SECRET.to_owned());
    assert!(secrets.len() >= 5, "a code, access and refresh tokens, a refreshed token: {}", secrets.len());
    for a in &accounts {
        let (_, grant) = w.herald.store().account(&a.id).await.unwrap().unwrap();
        secrets.push(grant.expect("a connected account has a grant"));
        assert!(exported.contains(&a.external_id), "the export is not vacuous");
    }
    let hits: Vec<String> =
        secrets.iter().filter(|s| contains(exported.as_bytes(), s)).map(|s| format!("{}…", &s[..6])).collect();
    assert!(hits.is_empty(), "secrets in the export: {hits:?}");

    fn keys(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => map.iter().for_each(|(k, v)| {
                out.push(k.to_lowercase());
                keys(v, out);
            }),
            Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    let mut names = Vec::new();
    keys(&serde_json::from_str(&exported).unwrap(), &mut names);
    assert!(!names.iter().any(|k| k.contains("token") || k.contains("secret") || k.contains("grant")), "{names:?}");
}

#[tokio::test]
async fn a_file_of_another_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (h, base) = herald_with_data(&dir).await;
    let mut v = file(vec![account(1)]);
    v["format"] = json!("evil-export");
    assert_refused(&h, &base, &v.to_string(), "not a Herald export").await;
    v.as_object_mut().unwrap().remove("format");
    assert_refused(&h, &base, &v.to_string(), "not a Herald export").await;
    assert_refused(&h, &base, "[1, 2, 3]", "not a Herald export").await;
    assert_refused(&h, &base, "\"herald-export\"", "not a Herald export").await;
}

#[tokio::test]
async fn a_file_from_a_future_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (h, base) = herald_with_data(&dir).await;
    let mut v = file(vec![account(1)]);
    v["version"] = json!(3);
    v["drafts"] = json!([{ "text": "hello" }]);
    assert_refused(&h, &base, &v.to_string(), "newer version of Herald").await;
    v["version"] = json!(0);
    assert_refused(&h, &base, &v.to_string(), "unknown version").await;
    v["version"] = json!("1");
    assert_refused(&h, &base, &v.to_string(), "not a Herald export").await;
}

#[tokio::test]
async fn a_file_over_the_size_cap_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (h, base) = herald_with_data(&dir).await;
    let mut huge = account(1);
    huge["displayName"] = json!("x".repeat(20 * 1024 * 1024));
    assert_refused(&h, &base, &file(vec![huge]).to_string(), "too large").await;
}

#[tokio::test]
async fn unknown_enum_values_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (h, base) = herald_with_data(&dir).await;
    let mut bad_kind = account(1);
    bad_kind["kind"] = json!("group");
    assert_refused(&h, &base, &file(vec![bad_kind]).to_string(), "unknown variant").await;
    let mut bad_network = account(1);
    bad_network["network"] = json!("myspace");
    assert_refused(&h, &base, &file(vec![bad_network]).to_string(), "unknown variant").await;
    let mut huge_variant = account(1);
    huge_variant["kind"] = json!("k".repeat(1_000_000));
    assert_refused(&h, &base, &file(vec![huge_variant]).to_string(), "unknown variant").await;
    let mut huge_format = file(vec![]);
    huge_format["format"] = json!("f".repeat(1_000_000));
    assert_refused(&h, &base, &huge_format.to_string(), "not a Herald export").await;
    huge_format["format"] = json!(["f".repeat(1_000_000)]);
    assert_refused(&h, &base, &huge_format.to_string(), "not a Herald export").await;
    let mut bad_credential = file(vec![]);
    bad_credential["networkCredentials"][0]["network"] = json!("GOOGLE_BUSINESS");
    assert_refused(&h, &base, &bad_credential.to_string(), "unknown variant").await;
}

#[tokio::test]
async fn more_than_ten_thousand_accounts_are_refused_and_ten_thousand_import() {
    let dir = tempfile::tempdir().unwrap();
    let (h, base) = herald_with_data(&dir).await;
    let too_many: Vec<Value> = (1..=MAX_IMPORT_ACCOUNTS + 1).map(account).collect();
    assert_refused(&h, &base, &file(too_many).to_string(), "at most 10000").await;

    let just_enough: Vec<Value> = (1..=MAX_IMPORT_ACCOUNTS).map(account).collect();
    let summary = h.import_data(&file(just_enough).to_string()).await.unwrap();
    assert_eq!(summary.accounts as usize, MAX_IMPORT_ACCOUNTS);
    assert_eq!(h.accounts().await.unwrap().len(), MAX_IMPORT_ACCOUNTS + 1);
}

#[tokio::test]
async fn malformed_json_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (h, base) = herald_with_data(&dir).await;
    let valid = file(vec![account(1)]).to_string();
    assert_refused(&h, &base, &valid[..valid.len() / 2], "not valid JSON").await;
    assert_refused(&h, &base, "", "not valid JSON").await;
    assert_refused(&h, &base, "{\"format\": \"herald-export\", \"version\": 1,}", "not valid JSON").await;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_refused(&h, &base, &deep, "not a Herald export").await;
    // Deep nesting neither overflows the stack nor gets through.
    let deep_inside =
        format!("{{\"format\":\"herald-export\",\"version\":1,\"x\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    assert_refused(&h, &base, &deep_inside, "unknown field").await;
    let deep_setting = format!(
        "{{\"format\":\"herald-export\",\"version\":1,\"settings\":{{\"a\":{}{}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_refused(&h, &base, &deep_setting, "malformed").await;
    // Valid JSON, wrong shape.
    let mut v = file(vec![account(1)]);
    v["accounts"] = json!({ "not": "a list" });
    assert_refused(&h, &base, &v.to_string(), "malformed").await;
    v = file(vec![account(1)]);
    v.as_object_mut().unwrap().remove("settings");
    assert_refused(&h, &base, &v.to_string(), "missing field").await;
    v = file(vec![account(1)]);
    v["accounts"][0]["grantId"] = json!("smuggled");
    assert_refused(&h, &base, &v.to_string(), "unknown field").await;
}

#[tokio::test]
async fn invalid_field_values_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (h, base) = herald_with_data(&dir).await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({ "displayName": "bad\u{0007}name" }), "control characters"),
        (json!({ "displayName": "   " }), "empty"),
        (json!({ "displayName": "n".repeat(513) }), "longer than 512"),
        (json!({ "externalId": "" }), "empty"),
        (json!({ "externalId": "e".repeat(600) }), "longer than"),
        (json!({ "avatarUrl": "javascript:alert(1)" }), "account 1: avatarUrl must be an https address"),
        (json!({ "avatarUrl": "file:///etc/passwd" }), "account 1: avatarUrl must be an https address"),
        (json!({ "connectedAt": "yesterday" }), "malformed"),
    ];
    for (patch, says) in cases {
        let mut a = account(1);
        for (k, v) in patch.as_object().unwrap() {
            a[k] = v.clone();
        }
        assert_refused(&h, &base, &file(vec![a]).to_string(), says).await;
    }
    let mut v = file(vec![]);
    v["settings"] = json!({ "locale": "xx" });
    assert_refused(&h, &base, &v.to_string(), "unsupported language").await;
    v["settings"] = json!({ "Bad Key!": "1" });
    assert_refused(&h, &base, &v.to_string(), "setting name").await;
    v["settings"] = json!({ "theme": "v".repeat(5000) });
    assert_refused(&h, &base, &v.to_string(), "longer than").await;
    v = file(vec![]);
    v["networkCredentials"][0]["clientId"] = json!(" ");
    assert_refused(&h, &base, &v.to_string(), "empty").await;
}

/// An avatar is shown by the window, so an imported one may only point at the networks' image
/// servers over https: never at a local service, a plain-http address or any other host.
#[tokio::test]
async fn avatars_must_be_https_on_the_networks_image_servers() {
    let dir = tempfile::tempdir().unwrap();
    let (h, base) = herald_with_data(&dir).await;
    let refused = [
        "http://127.0.0.1:4010/avatar.png",
        "http://lh3.googleusercontent.com/a/photo.jpg",
        "https://127.0.0.1/avatar.png",
        "https://[::1]/avatar.png",
        "https://localhost/avatar.png",
        "https://example.com/avatar.png",
        "https://googleusercontent.com.evil.example/a.jpg",
        "https://evilgoogleusercontent.com/a.jpg",
        "https://licdn.com/a.jpg",
        "https://twimg.com/a.jpg",
        "https://lh3.googleusercontent.com:8443/a.jpg",
        "https://user:pw@lh3.googleusercontent.com/a.jpg",
        "data:image/png;base64,AAAA",
    ];
    for avatar in refused {
        let mut second = account(2);
        second["avatarUrl"] = json!(avatar);
        let v = file(vec![account(1), second]);
        assert_refused(&h, &base, &v.to_string(), "account 2: avatarUrl must be an https address").await;
        let message = h.import_data(&v.to_string()).await.unwrap_err().to_string();
        assert!(message.contains("googleusercontent.com") && message.contains("pbs.twimg.com"), "{message}");
    }
    let accepted = [
        "https://lh3.googleusercontent.com/a/photo.jpg=s96",
        "https://googleusercontent.com/a.jpg",
        "https://scontent-mxp1-1.xx.fbcdn.net/v/t1/p.jpg",
        "https://scontent.cdninstagram.com/v/p.jpg",
        "https://media.licdn.com/dms/image/p.jpg",
        "https://pbs.twimg.com/profile_images/1/p.jpg",
        "https://LH3.GoogleUserContent.com/a.jpg",
    ];
    let accounts: Vec<Value> = accepted
        .iter()
        .enumerate()
        .map(|(n, avatar)| {
            let mut a = account(10 + n);
            a["avatarUrl"] = json!(avatar);
            a
        })
        .collect();
    let summary = h.import_data(&file(accounts).to_string()).await.unwrap();
    assert_eq!(summary.accounts as usize, accepted.len());
}

#[tokio::test]
async fn one_bad_entry_refuses_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let (h, base) = herald_with_data(&dir).await;
    let mut last = account(3);
    last["kind"] = json!("group");
    let v = file(vec![account(1), account(2), last]);
    assert_refused(&h, &base, &v.to_string(), "unknown variant").await;
    assert_eq!(h.accounts().await.unwrap().len(), 1, "not even the valid accounts were added");
    assert_eq!(h.store().client_id(NetworkId::Linkedin).await.unwrap(), None);
}

#[tokio::test]
async fn duplicate_keys_are_handled_predictably() {
    let dir = tempfile::tempdir().unwrap();
    let h = empty_herald(&dir).await;
    // A repeated setting key keeps its last value, as JSON objects do; a repeated account is
    // imported once.
    let a = account(1).to_string();
    let text = format!(
        r#"{{"format":"herald-export","version":1,"exportedAt":"2026-11-22T10:00:00Z",
            "settings":{{"locale":"en","locale":"it"}},
            "networkCredentials":[{{"network":"linkedin","clientId":"first"}},{{"network":"linkedin","clientId":"second"}}],
            "accounts":[{a},{a}]}}"#
    );
    let summary = h.import_data(&text).await.unwrap();
    assert_eq!(summary, ImportSummary { settings: 1, credentials: 1, accounts: 1, posts: 0, publishing_paused: false });
    assert_eq!(h.locale().await.unwrap().as_deref(), Some("it"));
    assert_eq!(h.store().client_id(NetworkId::Linkedin).await.unwrap().as_deref(), Some("second"));
    assert_eq!(h.accounts().await.unwrap().len(), 1);

    // A repeated top-level field is ambiguous: refused.
    let base = state(&h).await;
    let twice = r#"{"format":"herald-export","format":"herald-export","version":1,"exportedAt":"2026-11-22T10:00:00Z",
                    "settings":{},"networkCredentials":[],"accounts":[]}"#;
    assert_refused(&h, &base, twice, "duplicate field").await;
}
