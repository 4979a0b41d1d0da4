//! The shell's locked-down configuration, checked: the window is granted exactly Herald's
//! commands plus event listening, and the Content-Security-Policy allows no remote code and no
//! plain-http images (the demo adds its loopback sandbox at run time).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn json(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_main_window_is_granted_exactly_herald_commands_and_event_listening() {
    let bindings = crate::typescript_bindings().unwrap();
    let commands: BTreeSet<String> = bindings
        .split("TAURI_INVOKE(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|name| format!("allow-{}", name.replace('_', "-")))
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");

    let capability = json("src-tauri/capabilities/main.json");
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("permissions are plain identifiers").to_owned())
        .collect();
    let mut expected = commands;
    expected.insert("core:event:allow-listen".into());
    expected.insert("core:event:allow-unlisten".into());
    assert_eq!(granted, expected, "grant each command the UI uses, and nothing else");

    let build_rs = std::fs::read_to_string(root().join("src-tauri/build.rs")).unwrap();
    assert!(build_rs.contains(".app_manifest("), "commands must be permission-gated (AppManifest)");
}

#[test]
fn the_content_security_policy_allows_no_remote_code() {
    let conf = json("tauri.conf.json");
    let security = &conf["app"]["security"];
    assert!(security.get("dangerousRemoteDomainIpcAccess").is_none());
    assert_eq!(conf["app"]["withGlobalTauri"], serde_json::json!(false));
    let csp = security["csp"].as_object().expect("CSP as directives");
    let directive = |name: &str| csp[name].as_str().unwrap_or_default().to_owned();
    assert_eq!(directive("default-src"), "'self'");
    assert_eq!(directive("script-src"), "'self'");
    assert_eq!(directive("object-src"), "'none'");
    assert_eq!(directive("frame-ancestors"), "'none'");
    for (name, value) in csp {
        let value = value.as_str().unwrap_or_default();
        assert!(!value.contains("unsafe-eval"), "{name}: {value}");
        assert!(!value.contains('*') || name == "img-src", "{name} has a wildcard: {value}");
        assert!(!value.split_whitespace().any(|s| s == "https:" || s == "http:"), "{name} allows any host: {value}");
    }
    // Nothing is loaded over plain http: the only http source is Tauri's IPC origin.
    for (name, value) in csp {
        for source in value.as_str().unwrap_or_default().split_whitespace() {
            let http = source.to_ascii_lowercase().starts_with("http:");
            assert!(!http || (name == "connect-src" && source == "http://ipc.localhost"), "{name} allows {source}");
        }
    }
    // Images: self, data/asset, and the networks' CDNs over https; the demo's sandbox on
    // loopback is added at run time, in demo mode only.
    for source in directive("img-src").split_whitespace() {
        let allowed = ["'self'", "data:", "asset:"].contains(&source)
            || [".googleusercontent.com", ".fbcdn.net", ".cdninstagram.com", "media.licdn.com", "pbs.twimg.com"]
                .iter()
                .any(|cdn| source.starts_with("https://") && source.ends_with(cdn));
        assert!(allowed, "unexpected image source {source}");
    }
}

/// The window's CSP as `run` builds it: the shipped one in live mode; in demo mode the same plus
/// the sandbox on loopback as an image source, and nothing else.
#[test]
fn only_the_demo_window_may_load_images_from_loopback() {
    use tauri::utils::config::Csp;
    let shipped: tauri::utils::config::Config = serde_json::from_value(json("tauri.conf.json")).unwrap();
    let directives = |csp: &Option<Csp>| -> std::collections::BTreeMap<String, Vec<String>> {
        match csp {
            Some(Csp::DirectiveMap(map)) => map.iter().map(|(k, v)| (k.clone(), Vec::from(v.clone()))).collect(),
            other => panic!("the CSP is a directive map: {other:?}"),
        }
    };

    let mut live = shipped.app.security.csp.clone();
    crate::allow_demo_images(&mut live, false);
    assert_eq!(directives(&live), directives(&shipped.app.security.csp));
    assert!(!directives(&live)["img-src"].iter().any(|s| s.starts_with("http:")));

    let mut demo = shipped.app.security.csp.clone();
    crate::allow_demo_images(&mut demo, true);
    let mut expected = directives(&shipped.app.security.csp);
    expected.get_mut("img-src").unwrap().push(crate::DEMO_IMAGE_SOURCE.to_owned());
    assert_eq!(directives(&demo), expected);
    assert_eq!(crate::DEMO_IMAGE_SOURCE, "http://127.0.0.1:*");
}
