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

    // Networks without a connector are refused plainly, not faked.
    for network in [
        NetworkId::Facebook,
        NetworkId::Instagram,
        NetworkId::Linkedin,
        NetworkId::X,
        NetworkId::Tiktok,
        NetworkId::Wechat,
    ] {
        let code = h.connect_begin(network, None).await.unwrap_err().code();
        assert_eq!(code, ErrorCode::NetworkNotSupported, "{network:?}");
    }
    // An unknown network name never becomes a NetworkId.
    assert!(serde_json::from_str::<NetworkId>("\"facebok\"").is_err());
    assert!(serde_json::from_str::<NetworkId>("\"GOOGLE_BUSINESS\"").is_err());

    assert_eq!(h.accounts().await.unwrap(), before, "nothing changed");
    assert_eq!(h.locale().await.unwrap(), None);
}
