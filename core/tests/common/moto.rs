//! A real S3-compatible server for the media host tests: moto's server mode, started per test
//! on a loopback port from `HERALD_MOTO_SERVER` (set by `tests/run-all.sh`) or `moto_server`
//! on the PATH, with one bucket, and killed when dropped. A test that needs it fails, with a
//! clear message, when moto is not installed (`bash tests/setup.sh` installs it).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use herald_core::api::MediaHostInput;

pub const BUCKET: &str = "herald-photos";
pub const REGION: &str = "us-east-1";

pub struct Moto {
    pub child: Option<Child>,
    pub port: u16,
}

impl Moto {
    /// Start moto on a free port with [`BUCKET`] created.
    pub async fn start() -> Self {
        Self::start_on(super::free_port()).await
    }

    pub async fn start_on(port: u16) -> Self {
        let program = std::env::var("HERALD_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {program} ({e}): install moto with `bash tests/setup.sh` or set HERALD_MOTO_SERVER"
                )
            });
        let moto = Self { child: Some(child), port };
        let http = reqwest::Client::new();
        let started = Instant::now();
        while http.get(moto.endpoint()).send().await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "moto did not answer on port {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        moto.create_bucket(BUCKET).await;
        moto
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn create_bucket(&self, name: &str) {
        use rusty_s3::S3Action as _;
        let bucket =
            rusty_s3::Bucket::new(self.endpoint().parse().unwrap(), rusty_s3::UrlStyle::Path, name.to_owned(), REGION)
                .unwrap();
        let credentials = rusty_s3::Credentials::new("test", "test");
        let url = rusty_s3::actions::CreateBucket::new(&bucket, &credentials).sign(Duration::from_secs(60));
        let answer = reqwest::Client::new().put(url).header("content-length", "0").send().await.unwrap();
        assert!(answer.status().is_success(), "creating the bucket: {}", answer.status());
    }

    /// The settings page's input for this server.
    pub fn input(&self) -> MediaHostInput {
        MediaHostInput {
            endpoint: self.endpoint(),
            region: REGION.into(),
            bucket: BUCKET.into(),
            access_key_id: "test".into(),
            secret_access_key: Some("moto-secret-not-checked".into()),
            path_style: true,
            public_base_url: None,
            url_ttl_minutes: 60,
            delete_after_publish: true,
        }
    }

    /// The keys in the bucket (moto's ListObjects, read by plain text search).
    pub async fn keys(&self) -> Vec<String> {
        let body =
            reqwest::get(format!("{}/{BUCKET}?list-type=2", self.endpoint())).await.unwrap().text().await.unwrap();
        body.split("<Key>").skip(1).filter_map(|s| s.split_once("</Key>")).map(|(k, _)| k.to_owned()).collect()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
