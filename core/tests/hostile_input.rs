//! Every operation the UI can call, fed hostile input: each answers with a typed error and
//! changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use herald_core::api::ErrorCode;
use herald_core::{NetworkId, Sensitive};

fn hostile_strings() -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        "x".repeat(100_000),
        "../../etc/passwd".into(),
        "'; DROP TABLE accounts; --".into(),
        "\0nul".into(),
        "line\nbreak".into(),
        "🦀🦀🦀".into(),
        "00000000-0000-0000-0000-000000000000".into(),
        "<script>alert(1)</script>".into(),
    ]
}

#[tokio::test]
async fn hostile_ids_and_values_get_typed_errors_and_change_nothing() {
    let w = world().await;
    let before = connect(&w, Some(vec!["locations/5550000001".to_owned()])).await;
    let h = &w.herald;

    for s in hostile_strings() {
        let code = h.connect_wait(&s).await.unwrap_err().code();
        assert!(matches!(code, ErrorCode::InvalidInput | ErrorCode::FlowNotFound), "wait {s:.20?}: {code:?}");
        let code = h.connect_cancel(&s).unwrap_err().code();
        assert!(matches!(code, ErrorCode::InvalidInput | ErrorCode::FlowNotFound), "cancel {s:.20?}: {code:?}");
        let code = h.connect_finish(&s, std::slice::from_ref(&s)).await.unwrap_err().code();
        assert!(matches!(code, ErrorCode::InvalidInput | ErrorCode::FlowNotFound), "finish {s:.20?}: {code:?}");
        let code = h.disconnect(&s).await.unwrap_err().code();
        assert!(matches!(code, ErrorCode::InvalidInput | ErrorCode::NotFound), "disconnect {s:.20?}: {code:?}");
        let code = h.connect_begin(NetworkId::GoogleBusiness, Some(&s)).await.unwrap_err().code();
        assert!(matches!(code, ErrorCode::InvalidInput | ErrorCode::NotFound), "reconnect {s:.20?}: {code:?}");
        let code = h.set_locale(Some(&s)).await.unwrap_err().code();
        assert_eq!(code, ErrorCode::InvalidInput, "locale {s:.20?}");
        if s.trim().is_empty() || s.len() > 512 || s.contains('\0') || s.contains('\n') {
            let code = h.save_credentials(NetworkId::GoogleBusiness, &s, None).await.unwrap_err().code();
            assert_eq!(code, ErrorCode::InvalidInput, "client id {s:.20?}");
        }
    }
    let huge_secret = Sensitive::new("s".repeat(1 << 20));
    let code = h.save_credentials(NetworkId::GoogleBusiness, "id", Some(huge_secret)).await.unwrap_err().code();
    assert_eq!(code, ErrorCode::InvalidInput);

    // A real flow refuses selections it never offered, too many, and malformed ones.
    w.sandbox.set_auto_consent(Some(herald_sandbox::AutoConsent::Approve { locations: None }));
    let flow = h.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    browser_visits(&flow.authorize_url).await;
    h.connect_wait(&flow.flow_id).await.unwrap();
    for ids in [vec![], vec!["x".repeat(600)], vec!["locations/1\n".into()], (0..201).map(|i| i.to_string()).collect()]
    {
        let code = h.connect_finish(&flow.flow_id, &ids).await.unwrap_err().code();
        assert_eq!(code, ErrorCode::InvalidInput, "{:.40?}", ids);
    }

    // TikTok (coming soon) has no connector and WeChat (deprecated) takes no new links: both are
    // refused plainly, not faked; the others need their credentials first.
    let code = h.connect_begin(NetworkId::Tiktok, None).await.unwrap_err().code();
    assert_eq!(code, ErrorCode::NetworkNotSupported);
    let code = h.connect_begin(NetworkId::Wechat, None).await.unwrap_err().code();
    assert_eq!(code, ErrorCode::NetworkDeprecated);
    for network in [NetworkId::Facebook, NetworkId::Instagram, NetworkId::Linkedin, NetworkId::X] {
        let code = h.connect_begin(network, None).await.unwrap_err().code();
        assert_eq!(code, ErrorCode::CredentialsMissing, "{network:?}");
    }
    // An unknown network name never becomes a NetworkId.
    assert!(serde_json::from_str::<NetworkId>("\"facebok\"").is_err());
    assert!(serde_json::from_str::<NetworkId>("\"GOOGLE_BUSINESS\"").is_err());

    assert_eq!(h.accounts().await.unwrap(), before, "nothing changed");
    assert_eq!(h.locale().await.unwrap(), None);
}

/// Where a flow's loopback listener is, from the redirect URI in its authorize URL.
fn listener_addr(authorize_url: &str) -> std::net::SocketAddr {
    let redirect = url::Url::parse(&redirect_uri_of(authorize_url)).unwrap();
    assert_eq!(redirect.host_str(), Some("127.0.0.1"));
    std::net::SocketAddr::from(([127, 0, 0, 1], redirect.port().unwrap()))
}

#[tokio::test]
async fn forged_and_stray_answers_cannot_end_a_sign_in() {
    let w = world().await;
    w.sandbox.set_auto_consent(Some(herald_sandbox::AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    let callback = redirect_uri_of(&flow.authorize_url);

    // Any local process can guess the port and send answers with made-up states.
    for i in 0..100 {
        let forged = browser_visits(&format!("{callback}?code=4/forged-{i}&state=guess-{i}")).await;
        assert_eq!(forged.status().as_u16(), 403, "forged answer {i}");
    }
    // Any web page can make the browser load `<img src=http://127.0.0.1:N/callback>`.
    assert_eq!(browser_visits(&callback).await.status().as_u16(), 403);
    // A forged refusal and an ambiguous answer are ignored too.
    assert_eq!(browser_visits(&format!("{callback}?error=access_denied&state=guess")).await.status().as_u16(), 403);
    assert_eq!(browser_visits(&format!("{callback}?code=a&state=x&state=y")).await.status().as_u16(), 403);

    // The real browser still completes the sign-in.
    let page = browser_visits(&flow.authorize_url).await;
    assert_eq!(page.status().as_u16(), 200);
    let candidates = w.herald.connect_wait(&flow.flow_id).await.expect("the sign-in survived");
    let ids: Vec<String> = candidates.iter().map(|c| c.external_id.clone()).collect();
    let connected = w.herald.connect_finish(&flow.flow_id, &ids).await.unwrap();
    assert_eq!(connected.len(), 2);
    assert!(connected.iter().all(|a| a.status == herald_core::api::AccountStatus::Connected));
    assert_eq!(w.sandbox.hits(herald_sandbox::Endpoint::GoogleToken), 1, "only the real code was exchanged");
}

#[tokio::test]
async fn idle_sockets_cannot_starve_a_sign_in() {
    use herald_core::oauth::listener::MAX_CONNECTIONS;
    use tokio::io::AsyncWriteExt;

    let w = world().await;
    w.sandbox.set_auto_consent(Some(herald_sandbox::AutoConsent::Approve { locations: None }));
    let flow = w.herald.connect_begin(NetworkId::GoogleBusiness, None).await.unwrap();
    let addr = listener_addr(&flow.authorize_url);

    // Three times as many connections as the listener serves at once, held open: silent ones
    // and ones stuck halfway through a request head.
    let mut idle = Vec::new();
    for i in 0..3 * MAX_CONNECTIONS {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        if i % 2 == 0 {
            stream.write_all(b"GET /callback?state=").await.unwrap();
        }
        idle.push(stream);
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let started = std::time::Instant::now();
    let page = tokio::time::timeout(std::time::Duration::from_secs(5), browser_visits(&flow.authorize_url))
        .await
        .expect("the browser's request is answered promptly");
    assert_eq!(page.status().as_u16(), 200);
    let candidates = w.herald.connect_wait(&flow.flow_id).await.expect("the sign-in survived");
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "took {:?}", started.elapsed());
    let ids: Vec<String> = candidates.iter().map(|c| c.external_id.clone()).collect();
    assert_eq!(w.herald.connect_finish(&flow.flow_id, &ids).await.unwrap().len(), 2);
    drop(idle);
}
