//! The media library: every photo attached to a post is copied into Herald's data directory,
//! named by the SHA-256 of its bytes (`media/<id[0..2]>/<id>.<ext>`), so the same photo used
//! twice is stored once and a post keeps its photos when the originals are moved or deleted.
//! Thumbnails (`media/thumbs/<id>.jpg`) are made once, at import. A fitted copy (smaller, JPEG)
//! is a new item; the original is never altered. A photo no post uses any more is freed.

pub mod exif;
mod process;

use std::path::{Path, PathBuf};

use chrono::Utc;

use crate::api::{MediaFormat, MediaItem};
use crate::error::{Error, Result};
use crate::networks::NetworkId;
use crate::Herald;

/// Largest file Herald adds to the library (networks take at most 8 MB; a camera original of
/// 50 MB can still become a fitted copy).
pub const MAX_IMPORT_BYTES: u64 = 50 * 1024 * 1024;
/// Most photos added at once.
pub const MAX_IMPORT_FILES: usize = 20;
/// Longest side of a fitted copy (every network shows less).
const FIT_MAX_SIDE: u32 = 4096;
/// A photo added but never used by a post is freed after this.
const NEVER_USED_GRACE: chrono::Duration = chrono::Duration::hours(24);

/// A media id: 64 lowercase hex digits.
pub(crate) fn is_media_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn ext(format: MediaFormat) -> &'static str {
    match format {
        MediaFormat::Jpeg => "jpg",
        MediaFormat::Png => "png",
        MediaFormat::Gif => "gif",
    }
}

/// Where the library's files live.
pub(crate) struct Library {
    root: PathBuf,
}

impl Library {
    pub(crate) fn new(data_dir: &Path) -> Self {
        Self { root: data_dir.join("media") }
    }

    pub(crate) fn file(&self, item: &MediaItem) -> PathBuf {
        self.root.join(&item.id[..2]).join(format!("{}.{}", item.id, ext(item.format)))
    }

    fn thumb(&self, id: &str) -> PathBuf {
        self.root.join("thumbs").join(format!("{id}.jpg"))
    }

    /// Write `bytes` to `path` atomically (a crash leaves the old file or none, never half).
    fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, path)
    }
}

/// A photo read and checked, ready to be stored.
struct Incoming {
    item: MediaItem,
    bytes: Vec<u8>,
}

fn name_of(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "photo".into());
    crate::net::bounded_text(&name, 120)
}

/// Read one file and check it is a photo Herald keeps. Errors name the file.
fn read_incoming(path: &Path, fitted_from: Option<String>) -> Result<Incoming> {
    let name = name_of(path);
    let unreadable = |why: &str| Error::InvalidInput(format!("{name}: {why}"));
    let meta = std::fs::metadata(path).map_err(|_| unreadable("the file cannot be read"))?;
    if !meta.is_file() {
        return Err(unreadable("not a file"));
    }
    if meta.len() > MAX_IMPORT_BYTES {
        return Err(unreadable("larger than 50 MB"));
    }
    let bytes = std::fs::read(path).map_err(|_| unreadable("the file cannot be read"))?;
    incoming(name, bytes, fitted_from)
}

fn incoming(name: String, bytes: Vec<u8>, fitted_from: Option<String>) -> Result<Incoming> {
    let unreadable = |why: &str| Error::InvalidInput(format!("{name}: {why}"));
    let format = process::sniff(&bytes).ok_or_else(|| unreadable("not a JPEG, PNG or GIF photo"))?;
    let size = imagesize::blob_size(&bytes).map_err(|_| unreadable("the photo cannot be read"))?;
    use sha2::Digest as _;
    let id: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let item = MediaItem {
        id,
        name,
        format,
        bytes: clamp(bytes.len()),
        width: clamp(size.width),
        height: clamp(size.height),
        has_location: process::has_location(&bytes),
        fitted_from,
    };
    Ok(Incoming { item, bytes })
}

/// What is sent for a library photo: without location data (see [`exif`]), or when its
/// structure cannot be walked, a re-encoded JPEG without any metadata (`None`: not even that).
pub(crate) async fn sendable(item: MediaItem, bytes: Vec<u8>) -> Option<(MediaItem, Vec<u8>)> {
    if let Ok(stripped) = exif::strip_location(&bytes) {
        let stripped = stripped.into_owned();
        return Some((item, stripped));
    }
    tracing::warn!(photo = %item.id, "a photo's metadata could not be walked: sending a re-encoded copy");
    let copy = tokio::task::spawn_blocking(move || process::fit(&bytes, None, FIT_MAX_SIDE)).await.ok()?.ok()?;
    let (bytes, width, height) = copy;
    Some((MediaItem { format: MediaFormat::Jpeg, width, height, has_location: false, ..item }, bytes))
}

impl Herald {
    pub(crate) fn library(&self) -> Library {
        Library::new(&self.config().data_dir)
    }

    /// Add photos to the library (the file picker and drag-and-drop give paths). All or nothing:
    /// a file that is not a photo Herald keeps is named in the error and nothing is added.
    pub async fn media_import_files(&self, paths: &[String]) -> Result<Vec<MediaItem>> {
        if paths.is_empty() || paths.len() > MAX_IMPORT_FILES {
            return Err(Error::InvalidInput(format!("add 1 to {MAX_IMPORT_FILES} photos at a time")));
        }
        let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
        let incoming = tokio::task::spawn_blocking(move || {
            paths.iter().map(|p| read_incoming(p, None)).collect::<Result<Vec<_>>>()
        })
        .await
        .map_err(|e| Error::Internal(format!("reading photos: {e}")))??;
        let mut items = Vec::with_capacity(incoming.len());
        for one in incoming {
            items.push(self.store_incoming(one).await?);
        }
        Ok(items)
    }

    /// Store a checked photo (its file, its thumbnail, its row); an id already there is reused.
    async fn store_incoming(&self, one: Incoming) -> Result<MediaItem> {
        if let Some(existing) = self.store().media_item(&one.item.id).await? {
            if self.library().file(&existing).is_file() {
                return Ok(existing);
            }
        }
        let library = self.library();
        let file = library.file(&one.item);
        let thumb = library.thumb(&one.item.id);
        let Incoming { item, bytes } = one;
        let name = item.name.clone();
        tokio::task::spawn_blocking(move || -> Result<()> {
            let small = process::thumbnail(&bytes).map_err(|e| Error::InvalidInput(format!("{name}: {e}")))?;
            Library::write(&file, &bytes).map_err(|e| Error::StorageFile(format!("saving a photo: {e}")))?;
            Library::write(&thumb, &small).map_err(|e| Error::StorageFile(format!("saving a thumbnail: {e}")))
        })
        .await
        .map_err(|e| Error::Internal(format!("saving a photo: {e}")))??;
        self.store().media_add(&item, Utc::now()).await?;
        Ok(item)
    }

    pub async fn media_item(&self, id: &str) -> Result<MediaItem> {
        if !is_media_id(id) {
            return Err(Error::InvalidInput("not a photo of the library".into()));
        }
        self.store().media_item(id).await?.ok_or_else(|| Error::NotFound("The photo".into()))
    }

    /// The photo's thumbnail as a `data:image/jpeg;base64,…` address (made again if its file
    /// went missing).
    pub async fn media_thumbnail(&self, id: &str) -> Result<String> {
        let item = self.media_item(id).await?;
        let library = self.library();
        let (file, thumb) = (library.file(&item), library.thumb(id));
        let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
            if let Ok(bytes) = std::fs::read(&thumb) {
                return Ok(bytes);
            }
            let original = std::fs::read(&file).map_err(|_| Error::NotFound("The photo's file".into()))?;
            let small = process::thumbnail(&original).map_err(Error::InvalidInput)?;
            Library::write(&thumb, &small).map_err(|e| Error::StorageFile(format!("saving a thumbnail: {e}")))?;
            Ok(small)
        })
        .await
        .map_err(|e| Error::Internal(format!("thumbnail: {e}")))??;
        use base64::Engine as _;
        Ok(format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
    }

    /// A fitted copy of a photo for `network`: JPEG, under the network's size limit, no
    /// metadata. A new item; the original stays as it is.
    pub async fn media_fit(&self, id: &str, network: NetworkId) -> Result<MediaItem> {
        let item = self.media_item(id).await?;
        let limits = network.spec().posts.map(|p| p.images).ok_or(Error::NetworkNotSupported(network.name()))?;
        let file = self.library().file(&item);
        let stem = item.name.rsplit_once('.').map_or(item.name.as_str(), |(s, _)| s).to_owned();
        let name = crate::net::bounded_text(&format!("{stem} (fitted).jpg"), 120);
        let from = item.id.clone();
        let one = tokio::task::spawn_blocking(move || -> Result<Incoming> {
            let original = std::fs::read(&file).map_err(|_| Error::NotFound("The photo's file".into()))?;
            let (bytes, _, _) = process::fit(&original, limits.max_bytes, FIT_MAX_SIDE)
                .map_err(|e| Error::InvalidInput(format!("{name}: {e}")))?;
            incoming(name, bytes, Some(from))
        })
        .await
        .map_err(|e| Error::Internal(format!("fitting a photo: {e}")))??;
        self.store_incoming(one).await
    }

    /// The bytes of a library photo (`None`: not in the library).
    pub(crate) async fn media_bytes(&self, id: &str) -> Result<Option<(MediaItem, Vec<u8>)>> {
        let Some(item) = self.store().media_item(id).await? else { return Ok(None) };
        let file = self.library().file(&item);
        match tokio::fs::read(&file).await {
            Ok(bytes) => Ok(Some((item, bytes))),
            Err(_) => Ok(None),
        }
    }

    /// After posts changed: free what they no longer use (errors only logged: a photo left
    /// behind is freed by a later collection).
    pub(crate) async fn media_changed(&self) {
        if let Err(e) = self.media_collect().await {
            tracing::warn!("freeing unused photos: {e}");
        }
    }

    /// Free the photos no post uses any more (files, thumbnails, rows). Returns how many.
    pub(crate) async fn media_collect(&self) -> Result<usize> {
        self.store().media_mark_used().await?;
        let freed = self.store().media_take_unused(Utc::now() - NEVER_USED_GRACE).await?;
        let library = self.library();
        for item in &freed {
            for path in [library.file(item), library.thumb(&item.id)] {
                if let Err(e) = std::fs::remove_file(&path) {
                    if e.kind() != std::io::ErrorKind::NotFound {
                        tracing::warn!("freeing a photo: {e}");
                    }
                }
            }
        }
        Ok(freed.len())
    }

    /// Posts saved before the library held file paths: copy each readable one into the library
    /// and refer to the copy. A path that cannot be read stays (its post says the photo cannot
    /// be read).
    pub(crate) async fn media_adopt_legacy(&self) -> Result<usize> {
        let mut adopted = 0;
        for path in self.store().legacy_image_paths().await? {
            let source = PathBuf::from(&path);
            let Ok(Ok(one)) = tokio::task::spawn_blocking(move || read_incoming(&source, None)).await else {
                continue;
            };
            let item = self.store_incoming(one).await?;
            self.store().adopt_legacy_path(&path, &item.id).await?;
            adopted += 1;
        }
        if adopted > 0 {
            self.store().media_mark_used().await?;
        }
        Ok(adopted)
    }
}
