//! What Herald does to photo pixels: decode (with the EXIF orientation applied, so a portrait
//! phone photo stays upright), thumbnails for the composer, calendar and archive, and fitted
//! copies that a network takes. Never the user's original: results are new files.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder as _, ImageReader};

use crate::api::MediaFormat;

/// Longest side of a thumbnail, in pixels.
pub(crate) const THUMB_SIDE: u32 = 360;
/// Largest picture Herald decodes (width × height), against decompression bombs.
const MAX_PIXELS: u64 = 100_000_000;

/// Decode `bytes`, upright.
pub(crate) fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("{w}×{h} pixels is more than Herald opens"));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    Ok(img)
}

fn jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&img.to_rgb8())
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// A JPEG thumbnail, longest side [`THUMB_SIDE`].
pub(crate) fn thumbnail(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let img = decode(bytes)?;
    jpeg(&img.thumbnail(THUMB_SIDE, THUMB_SIDE), 80)
}

/// A copy a network takes: JPEG (the format every network takes), no metadata, scaled down and
/// re-encoded until it is under `max_bytes` (and at most `max_side` pixels on its longest side).
pub(crate) fn fit(bytes: &[u8], max_bytes: Option<u32>, max_side: u32) -> Result<(Vec<u8>, u32, u32), String> {
    let mut img = decode(bytes)?;
    if img.width().max(img.height()) > max_side {
        img = img.resize(max_side, max_side, image::imageops::FilterType::Lanczos3);
    }
    let limit = max_bytes.map_or(usize::MAX, |m| m as usize);
    let mut quality = 90;
    for _ in 0..12 {
        let out = jpeg(&img, quality)?;
        if out.len() < limit {
            return Ok((out, img.width(), img.height()));
        }
        if quality > 78 {
            quality -= 6;
        } else {
            // Shrink by the area still to lose, with a margin.
            let scale = ((limit as f64 / out.len() as f64).sqrt() * 0.92).clamp(0.3, 0.95);
            let (w, h) = ((f64::from(img.width()) * scale) as u32, (f64::from(img.height()) * scale) as u32);
            img = img.resize(w.max(1), h.max(1), image::imageops::FilterType::Lanczos3);
        }
    }
    Err("the photo could not be made small enough".into())
}

/// The format of `bytes` from its header.
pub(crate) fn sniff(bytes: &[u8]) -> Option<MediaFormat> {
    match imagesize::image_type(bytes).ok()? {
        imagesize::ImageType::Jpeg => Some(MediaFormat::Jpeg),
        imagesize::ImageType::Png => Some(MediaFormat::Png),
        imagesize::ImageType::Gif => Some(MediaFormat::Gif),
        _ => None,
    }
}

/// Whether a JPEG or PNG carries a location (an EXIF GPS field).
pub(crate) fn has_location(bytes: &[u8]) -> bool {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else { return false };
    let found = exif.fields().any(|f| f.tag.context() == exif::Context::Gps);
    found
}
