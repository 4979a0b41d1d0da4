//! Validation of a post for each target, once, from each network's [`PostLimits`]. The composer
//! asks it for live counters; scheduling refuses a target it finds a problem with.

use crate::api::{PostProblem, ProblemCode};
use crate::networks::{CharCounting, NetworkId, PostLimits};

/// The length of `text` as a network with `counting` counts it.
pub fn length(text: &str, counting: CharCounting) -> u32 {
    let n = match counting {
        CharCounting::Chars => text.chars().count(),
        CharCounting::TwitterWeighted => {
            if text.is_empty() {
                0
            } else {
                // The official v3 configuration: 280 units, URLs 23, emoji 2, CJK 2.
                let config = twitter_text_config::config_v3();
                usize::try_from(twitter_text::parse(text, config, true).weighted_length).unwrap_or(0)
            }
        }
    };
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Hashtags as Instagram counts them: `#` (or the full-width `＃`) at the start or after a space,
/// followed by a letter, digit or underscore.
pub fn hashtags(text: &str) -> u32 {
    let chars: Vec<char> = text.chars().collect();
    let count = (0..chars.len())
        .filter(|&i| {
            matches!(chars[i], '#' | '＃')
                && (i == 0 || chars[i - 1].is_whitespace())
                && chars.get(i + 1).is_some_and(|c| c.is_alphanumeric() || *c == '_')
        })
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

fn problem(code: ProblemCode) -> PostProblem {
    PostProblem::new(code)
}

/// Everything that stops `text` (with `link` and `images`, photos of the library) from being published
/// to `network`. Returns the length as the network counts it, its limit, and the problems.
pub fn check(
    network: NetworkId,
    text: &str,
    link: Option<&str>,
    images: &[super::images::ImageRef],
) -> (u32, Option<u32>, Vec<PostProblem>) {
    let Some(limits) = network.spec().posts else {
        return (0, None, vec![problem(ProblemCode::NetworkCannotPublish)]);
    };
    let PostLimits { max_chars, counting, media_required, max_hashtags, publish_ready, images: image_limits } = limits;
    let mut problems = Vec::new();
    if !publish_ready {
        problems.push(problem(ProblemCode::NetworkCannotPublish));
    }
    // A link that travels inside the text on networks without a link field counts there too.
    let counted = match (network, link) {
        (NetworkId::X, Some(link)) if !link.is_empty() => format!("{text} {link}"),
        _ => text.to_owned(),
    };
    let len = length(counted.trim(), counting);
    if text.trim().is_empty() && link.is_none_or(str::is_empty) && images.is_empty() {
        problems.push(problem(ProblemCode::TextEmpty));
    }
    if len > max_chars {
        problems.push(PostProblem::counted(ProblemCode::TextTooLong, max_chars, len));
    }
    if let Some(max) = max_hashtags {
        let tags = hashtags(text);
        if tags > max {
            problems.push(PostProblem::counted(ProblemCode::TooManyHashtags, max, tags));
        }
    }
    if media_required && images.is_empty() {
        problems.push(problem(ProblemCode::MediaRequired));
    }
    problems.extend(super::images::check(images, &image_limits));
    if let Some(link) = link.filter(|l| !l.is_empty()) {
        if !is_web_link(link) {
            problems.push(problem(ProblemCode::LinkInvalid));
        }
    }
    (len, Some(max_chars), problems)
}

/// An absolute http(s) URL with a host, no user info, bounded.
pub fn is_web_link(link: &str) -> bool {
    link.len() <= 2048
        && url::Url::parse(link)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some() && u.username().is_empty())
}

/// The networks' own sites: the only places a stored permalink may send the browser to.
const PERMALINK_HOSTS: [&str; 6] =
    ["x.com", "twitter.com", "facebook.com", "instagram.com", "linkedin.com", "google.com"];

/// An https address on one of the networks' own sites (a subdomain counts), with no user info.
pub fn is_permalink(link: &str) -> bool {
    let Ok(url) = url::Url::parse(link) else { return false };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    link.len() <= 2048
        && url.scheme() == "https"
        && url.username().is_empty()
        && url.password().is_none()
        && url.port().is_none()
        && PERMALINK_HOSTS.iter().any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn codes(network: NetworkId, text: &str, link: Option<&str>) -> Vec<ProblemCode> {
        check(network, text, link, &[]).2.into_iter().map(|p| p.code).collect()
    }

    #[test]
    fn hashtags_are_counted_as_instagram_does() {
        assert_eq!(hashtags("#a #b c#d #1 # e ＃f"), 4);
        assert_eq!(hashtags("no tags"), 0);
    }

    #[test]
    fn links_must_be_web_addresses() {
        assert!(is_web_link("https://forno.example/menu?x=1"));
        for bad in ["javascript:alert(1)", "ftp://x.example", "https://u:p@x.example", "x.example", ""] {
            assert!(!is_web_link(bad), "{bad}");
        }
        assert_eq!(codes(NetworkId::Linkedin, "hi", Some("file:///etc/passwd")), vec![ProblemCode::LinkInvalid]);
    }

    #[test]
    fn networks_without_publishing_say_so() {
        assert_eq!(codes(NetworkId::Tiktok, "hi", None), vec![ProblemCode::NetworkCannotPublish]);
        assert_eq!(codes(NetworkId::Wechat, "hi", None), vec![ProblemCode::NetworkCannotPublish]);
    }

    #[test]
    fn only_the_networks_own_https_sites_are_permalinks() {
        for ok in [
            "https://x.com/forno/status/1",
            "https://www.facebook.com/123_456",
            "https://www.linkedin.com/feed/update/urn:li:share:1",
            "https://local.google.com/place?id=1&use=posts&lpsid=2",
            "https://www.instagram.com/p/abc/",
        ] {
            assert!(super::is_permalink(ok), "{ok}");
        }
        for bad in [
            "http://x.com/forno/status/1",
            "https://x.com.evil.test/status/1",
            "https://evilx.com/status/1",
            "https://user@x.com/status/1",
            "https://x.com:8443/status/1",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://127.0.0.1/x",
        ] {
            assert!(!super::is_permalink(bad), "{bad}");
        }
    }
}
