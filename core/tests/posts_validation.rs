//! Validation per network, from each network's data: table tests, X with twitter-text's
//! weighting (conformance cases of the official v3 configuration).
#![allow(clippy::unwrap_used)]

use herald_core::api::ProblemCode::{self, *};
use herald_core::networks::CharCounting;
use herald_core::posts::validate::{check, length};
use herald_core::NetworkId::{self, *};

fn codes(network: NetworkId, text: &str, link: Option<&str>) -> Vec<ProblemCode> {
    check(network, text, link, &[]).2.into_iter().map(|p| p.code).collect()
}

#[test]
fn x_counts_weighted_characters_like_twitter_text() {
    let cases: &[(&str, u32)] = &[
        ("This is a test.", 15),
        ("https://www.twitter.com", 23),
        ("Check https://forno.it/a/very/long/path/that/is/longer/than/twenty-three", 29),
        ("日本語", 6),
        ("🐱", 2),
        ("H🐱☺👨‍👩‍👧‍👦", 7),
        ("café", 4),
    ];
    for (text, expected) in cases {
        assert_eq!(length(text, CharCounting::TwitterWeighted), *expected, "{text}");
    }
    assert_eq!(codes(X, &"a".repeat(280), None), vec![]);
    let over = check(X, &"a".repeat(281), None, &[]).2;
    assert_eq!((over[0].code, over[0].limit, over[0].count), (TextTooLong, Some(280), Some(281)));
    assert_eq!(codes(X, &"日".repeat(140), None), vec![], "CJK counts 2: 140 fill the post");
    assert_eq!(codes(X, &"日".repeat(141), None), vec![TextTooLong]);
    // A link rides in the text on X and counts 23 whatever its length.
    assert_eq!(check(X, &"a".repeat(256), Some("https://forno.it/x"), &[]).0, 280);
    assert_eq!(codes(X, &"a".repeat(257), Some("https://forno.it/x")), vec![TextTooLong]);
}

#[test]
fn every_network_has_its_limit_as_data() {
    let table: &[(NetworkId, u32)] =
        &[(Linkedin, 3_000), (GoogleBusiness, 1_500), (Facebook, 63_206), (Instagram, 2_200)];
    for (network, limit) in table {
        let (len, max, _) = check(*network, &"é".repeat(*limit as usize), None, &[]);
        assert_eq!((len, max), (*limit, Some(*limit)), "{network:?}");
        let problems = check(*network, &"é".repeat(*limit as usize + 1), None, &[]).2;
        assert!(problems.iter().any(|p| p.code == TextTooLong && p.limit == Some(*limit)), "{network:?}");
    }
    assert_eq!(codes(Linkedin, "Pane fresco", None), vec![]);
    assert_eq!(codes(Facebook, "", Some("https://forno.example")), vec![], "a link alone is a Facebook post");
    assert_eq!(codes(Linkedin, "   ", None), vec![TextEmpty]);
}

#[test]
fn instagram_needs_media_and_at_most_thirty_hashtags() {
    assert_eq!(codes(Instagram, "Buongiorno", None), vec![MediaRequired]);
    let tags: String = (0..31).map(|i| format!("#tag{i} ")).collect();
    let problems = check(Instagram, &tags, None, &[]).2;
    assert!(
        problems.iter().any(|p| p.code == TooManyHashtags && p.limit == Some(30) && p.count == Some(31)),
        "{problems:?}"
    );
    let ok: String = (0..30).map(|i| format!("#tag{i} ")).collect();
    assert_eq!(codes(Instagram, &ok, None), vec![MediaRequired]);
}

#[test]
fn google_local_posts_are_publishable() {
    assert_eq!(codes(GoogleBusiness, "Aperti domenica", None), vec![]);
    assert_eq!(codes(GoogleBusiness, &"a".repeat(1_501), None), vec![TextTooLong]);
}
