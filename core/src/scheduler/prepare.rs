//! The images of an attempt, made ready before its first request: read whole (a missing file
//! sends nothing), typed from their header, named for upload without the user's own path.

use std::sync::Arc;

use crate::networks::{ImageFormat, PublishFailure, PublishImage};
use crate::posts::images;

/// Read every image of a post, in order. A file that cannot be read refuses the attempt
/// before anything is sent.
pub(super) fn read_images(paths: &[String]) -> Result<Vec<PublishImage>, PublishFailure> {
    paths.iter().enumerate().map(|(i, path)| read_image(i, path)).collect()
}

fn read_image(index: usize, path: &str) -> Result<PublishImage, PublishFailure> {
    let unreadable = || PublishFailure::Rejected(format!("image {} cannot be read", index + 1));
    let facts = images::read(path).ok_or_else(unreadable)?;
    let (mime, ext) = match facts.format.ok_or_else(unreadable)? {
        ImageFormat::Jpeg => ("image/jpeg", "jpg"),
        ImageFormat::Png => ("image/png", "png"),
        ImageFormat::Gif => ("image/gif", "gif"),
    };
    let bytes: Arc<[u8]> = std::fs::read(path).map_err(|_| unreadable())?.into();
    Ok(PublishImage {
        name: format!("photo-{}.{ext}", index + 1),
        mime,
        bytes,
        width: u32::try_from(facts.width).unwrap_or(u32::MAX),
        height: u32::try_from(facts.height).unwrap_or(u32::MAX),
        url: None,
    })
}
