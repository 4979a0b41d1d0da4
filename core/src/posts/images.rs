//! Images attached to a post: local files, checked per network from each network's
//! [`ImageLimits`] (count, format read from the file's header, size, aspect ratio).

use std::path::Path;

use crate::api::{PostProblem, ProblemCode};
use crate::networks::{ImageFormat, ImageLimits};

/// Most images one post may carry (above every network's count).
pub const MAX_IMAGES: usize = 20;
/// Longest image path Herald stores.
pub const MAX_PATH_BYTES: usize = 4096;

/// What Herald read from an image file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageFacts {
    pub format: Option<ImageFormat>,
    pub bytes: u64,
    pub width: u64,
    pub height: u64,
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

/// Every problem `images` have on a network with `limits`.
pub fn check(images: &[String], limits: &ImageLimits) -> Vec<PostProblem> {
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
    for path in images {
        let Some(facts) = read(path) else {
            problems.push(PostProblem::new(ProblemCode::ImageUnreadable).about(path));
            continue;
        };
        if !facts.format.is_some_and(|f| limits.formats.contains(&f)) {
            problems.push(PostProblem::new(ProblemCode::ImageTypeNotAllowed).about(path));
        }
        if let Some(max) = limits.max_bytes {
            if facts.bytes > u64::from(max) {
                problems.push(PostProblem::counted(ProblemCode::ImageTooLarge, max, clamp(facts.bytes)).about(path));
            }
        }
        if let Some((low, high)) = limits.aspect_milli {
            if facts.height == 0 {
                problems.push(PostProblem::new(ProblemCode::ImageUnreadable).about(path));
                continue;
            }
            let ratio = clamp(facts.width.saturating_mul(1000) / facts.height);
            if ratio < low {
                problems.push(PostProblem::counted(ProblemCode::ImageAspectRatio, low, ratio).about(path));
            } else if ratio > high {
                problems.push(PostProblem::counted(ProblemCode::ImageAspectRatio, high, ratio).about(path));
            }
        }
    }
    problems
}
