//! Photos attached to a post, checked per network from each network's [`ImageLimits`] (count,
//! format read from the file's header, size, aspect ratio). A draft refers to photos by their
//! media id (see [`crate::media`]); the facts come from the library, so a keystroke's check
//! reads no file.

use std::path::Path;

use crate::api::{MediaFormat, MediaItem, PostProblem, ProblemCode};
use crate::networks::{ImageFormat, ImageLimits};

/// Most images one post may carry (above every network's count).
pub const MAX_IMAGES: usize = 20;
/// Longest image reference Herald stores (a media id; a path from before the library).
pub const MAX_PATH_BYTES: usize = 4096;

/// What Herald knows of one photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageFacts {
    pub format: Option<ImageFormat>,
    pub bytes: u64,
    pub width: u64,
    pub height: u64,
}

impl From<&MediaItem> for ImageFacts {
    fn from(item: &MediaItem) -> Self {
        Self {
            format: Some(match item.format {
                MediaFormat::Jpeg => ImageFormat::Jpeg,
                MediaFormat::Png => ImageFormat::Png,
                MediaFormat::Gif => ImageFormat::Gif,
            }),
            bytes: u64::from(item.bytes),
            width: u64::from(item.width),
            height: u64::from(item.height),
        }
    }
}

/// A photo of a draft: its reference and, when it is in the library, its facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    pub id: String,
    pub facts: Option<ImageFacts>,
}

impl ImageRef {
    /// A photo read straight from a file (tests; the CSV import's check before importing).
    pub fn from_file(path: &str) -> Self {
        Self { id: path.to_owned(), facts: read(path) }
    }
}

/// Read `path`'s size and header. `None`: missing, unreadable, or not an image.
pub fn read(path: &str) -> Option<ImageFacts> {
    let path = Path::new(path);
    let meta = std::fs::metadata(path).ok().filter(std::fs::Metadata::is_file)?;
    let mut head = Vec::with_capacity(4096);
    {
        use std::io::Read as _;
        std::fs::File::open(path).ok()?.take(64 * 1024).read_to_end(&mut head).ok()?;
    }
    let format = match imagesize::image_type(&head).ok()? {
        imagesize::ImageType::Jpeg => Some(ImageFormat::Jpeg),
        imagesize::ImageType::Png => Some(ImageFormat::Png),
        imagesize::ImageType::Gif => Some(ImageFormat::Gif),
        _ => None,
    };
    // A JPEG's size may sit after large metadata: read the header from the whole file then.
    let size = imagesize::blob_size(&head).ok().or_else(|| imagesize::size(path).ok())?;
    Some(ImageFacts { format, bytes: meta.len(), width: size.width as u64, height: size.height as u64 })
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Every problem `images` have on a network with `limits`. A photo that is only too large, or a
/// PNG/GIF where the network takes JPEG, is `fixable`: a fitted copy (JPEG, smaller) would do.
pub fn check(images: &[ImageRef], limits: &ImageLimits) -> Vec<PostProblem> {
    let mut problems = Vec::new();
    if images.is_empty() {
        return problems;
    }
    if !limits.upload_ready {
        problems.push(PostProblem::new(ProblemCode::ImagesNotYetSupported));
    }
    let count = clamp(images.len() as u64);
    if count > limits.max_count {
        problems.push(PostProblem::counted(ProblemCode::TooManyImages, limits.max_count, count));
    }
    let takes_jpeg = limits.formats.contains(&ImageFormat::Jpeg);
    for image in images {
        let Some(facts) = image.facts else {
            problems.push(PostProblem::new(ProblemCode::ImageUnreadable).about(&image.id));
            continue;
        };
        if !facts.format.is_some_and(|f| limits.formats.contains(&f)) {
            let problem = PostProblem::new(ProblemCode::ImageTypeNotAllowed).about(&image.id);
            problems.push(if takes_jpeg && facts.format.is_some() { problem.fixable() } else { problem });
        }
        if let Some(max) = limits.max_bytes {
            if facts.bytes > u64::from(max) {
                let problem =
                    PostProblem::counted(ProblemCode::ImageTooLarge, max, clamp(facts.bytes)).about(&image.id);
                problems.push(if takes_jpeg { problem.fixable() } else { problem });
            }
        }
        if let Some((low, high)) = limits.aspect_milli {
            if facts.height == 0 {
                problems.push(PostProblem::new(ProblemCode::ImageUnreadable).about(&image.id));
                continue;
            }
            let ratio = clamp(facts.width.saturating_mul(1000) / facts.height);
            if ratio < low {
                problems.push(PostProblem::counted(ProblemCode::ImageAspectRatio, low, ratio).about(&image.id));
            } else if ratio > high {
                problems.push(PostProblem::counted(ProblemCode::ImageAspectRatio, high, ratio).about(&image.id));
            }
        }
    }
    problems
}
