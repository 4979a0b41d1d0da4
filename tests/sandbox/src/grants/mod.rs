//! OAuth bookkeeping shared by the Facebook, Instagram, LinkedIn and X emulations: pending
//! consent requests, single-use codes, grants (what the person allowed) and tokens, plus the
//! consent step (auto-consent or the consent page) and the redirect back to the app.
//!
//! Each network keeps its own [`Book`]; the network modules decide what a request must carry
//! and how answers look, this module only remembers.

use std::collections::HashMap;
use std::time::{Instant, SystemTime};

use crate::config::{FacebookSeed, InstagramSeed, LinkedInSeed, SandboxConfig, XSeed};

mod book;
mod consent;

pub(crate) use book::{is_pkce_value, Auth, Book, CodeError, Consent, Failure, Kind, Pending, Pkce};
pub(crate) use consent::{answer, ask, is_loopback_ip_redirect, redirect_with, split_scopes, Choice, Flavor};

/// The networks kept here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Net {
    Facebook,
    Instagram,
    LinkedIn,
    X,
}

/// Something published through a sandbox publishing endpoint: what tests compare against
/// (a publish that landed is recorded even when its answer was stalled or dropped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// `google`, `facebook`, `instagram`, `linkedin` or `x`.
    pub network: String,
    /// The account that published: a location name (`locations/…`), a Page id, an Instagram
    /// account id, an author URN or an X user id.
    pub author: String,
    /// The id the network answered with (Google: the LocalPost resource name).
    pub id: String,
    /// The text of the post (Instagram: the caption).
    pub text: String,
    /// The media it carries: image URLs, or for uploads `upload:{bytes}:{sha256 hex}`.
    pub media: Vec<String>,
    /// When the network accepted it.
    pub at: SystemTime,
}

/// Seeds and books of the four networks (one field of the sandbox state).
pub(crate) struct Nets {
    pub facebook_seed: FacebookSeed,
    pub instagram_seed: InstagramSeed,
    pub linkedin_seed: LinkedInSeed,
    pub x_seed: XSeed,
    pub facebook: Book,
    pub instagram: Book,
    pub linkedin: Book,
    pub x: Book,
    pub published: Vec<Published>,
    /// X: when each user's recent `POST /2/tweets` requests came (for the rate window).
    pub x_requests: HashMap<String, Vec<Instant>>,
    /// Instagram media containers by id.
    pub ig_containers: HashMap<String, crate::instagram_publish::Container>,
    /// Facebook unpublished photos (`published=false`) by photo id: (Page id, media).
    pub fb_photos: HashMap<String, (String, String)>,
    /// Facebook: when each Page's recent posts came (for "posting too fast").
    pub fb_post_times: HashMap<String, Vec<Instant>>,
    /// LinkedIn: when each author's posts came (for the daily limits).
    pub li_post_times: Vec<(String, Instant)>,
    /// X media uploads by media id.
    pub x_media: HashMap<String, crate::x_media::Upload>,
    /// LinkedIn images by URN.
    pub li_images: HashMap<String, crate::linkedin::images::Image>,
}

impl Nets {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        Self {
            facebook_seed: config.facebook.clone(),
            instagram_seed: config.instagram.clone(),
            linkedin_seed: config.linkedin.clone(),
            x_seed: config.x.clone(),
            facebook: Book::default(),
            instagram: Book::default(),
            linkedin: Book::default(),
            x: Book::default(),
            published: Vec::new(),
            x_requests: HashMap::new(),
            ig_containers: HashMap::new(),
            fb_photos: HashMap::new(),
            fb_post_times: HashMap::new(),
            li_post_times: Vec::new(),
            x_media: HashMap::new(),
            li_images: HashMap::new(),
        }
    }

    pub(crate) fn book(&mut self, net: Net) -> &mut Book {
        match net {
            Net::Facebook => &mut self.facebook,
            Net::Instagram => &mut self.instagram,
            Net::LinkedIn => &mut self.linkedin,
            Net::X => &mut self.x,
        }
    }

    fn books(&self) -> [&Book; 4] {
        [&self.facebook, &self.instagram, &self.linkedin, &self.x]
    }

    /// Records a publish and returns the record.
    pub(crate) fn record(
        &mut self,
        network: &str,
        author: &str,
        id: &str,
        text: &str,
        media: Vec<String>,
    ) -> Published {
        let entry = Published {
            network: network.to_owned(),
            author: author.to_owned(),
            id: id.to_owned(),
            text: text.to_owned(),
            media,
            at: SystemTime::now(),
        };
        self.published.push(entry.clone());
        entry
    }

    /// The publishes of one account on one network, newest first.
    pub(crate) fn published_by(&self, network: &str, author: &str) -> Vec<Published> {
        self.published.iter().rev().filter(|p| p.network == network && p.author == author).cloned().collect()
    }

    pub(crate) fn revoke_all(&mut self) {
        for net in [Net::Facebook, Net::Instagram, Net::LinkedIn, Net::X] {
            self.book(net).revoke_all();
        }
    }

    pub(crate) fn is_revoked(&self, token: &str) -> bool {
        self.books().iter().any(|book| book.is_revoked(token))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn scopes_split_on_either_separator_without_duplicates() {
        assert_eq!(split_scopes("a,b c,,a", &[',', ' ']), ["a", "b", "c"]);
        assert_eq!(split_scopes("a,b", &[' ']), ["a,b"]);
    }

    #[test]
    fn pkce_plain_and_s256() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let s256 = Pkce { challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned(), s256: true };
        assert!(s256.verify(verifier) && !s256.verify(&verifier.replace('d', "e")));
        let plain = Pkce { challenge: verifier.to_owned(), s256: false };
        assert!(plain.verify(verifier) && !plain.verify("short"));
    }

    #[test]
    fn loopback_ip_redirects_any_port() {
        assert!(is_loopback_ip_redirect("http://127.0.0.1:53124/callback"));
        assert!(is_loopback_ip_redirect("https://[::1]:9/cb"));
        assert!(!is_loopback_ip_redirect("http://localhost:9/cb"));
        assert!(!is_loopback_ip_redirect("http://127.0.0.2:9/cb"));
        assert!(!is_loopback_ip_redirect("https://relay.example/cb"));
    }
}
