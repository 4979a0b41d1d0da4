//! Location data out of what is sent: a photo straight from a phone carries where it was taken
//! (EXIF GPS, and often XMP too). Herald keeps the user's photo as it is in the library, and
//! sends networks a copy without it:
//! - JPEG: the pixels are not touched (no re-encoding). The EXIF (APP1 `Exif`) and XMP (APP1
//!   `http://ns.adobe.com/…`) segments and Photoshop's APP13 (IPTC) are dropped; if the photo
//!   had an EXIF orientation other than "upright", a minimal EXIF holding only that orientation
//!   is written back so it still shows the right way up. Every other segment (JFIF, the ICC
//!   colour profile, tables, the scans) is kept byte for byte.
//! - PNG: the `eXIf` chunk and the text chunks (`tEXt`, `zTXt`, `iTXt`: XMP and "raw profile"
//!   EXIF live there) are dropped.
//! - GIF carries no EXIF and is sent as it is.
//!
//! A JPEG or PNG whose structure cannot be walked is refused here ([`Unparsable`]); the caller
//! then sends a re-encoded copy, which carries no metadata at all.

use std::borrow::Cow;

/// The photo's structure could not be walked safely.
#[derive(Debug, PartialEq, Eq)]
pub struct Unparsable;

const XMP: &[u8] = b"http://ns.adobe.com/";
const EXIF: &[u8] = b"Exif\0\0";
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The photo without location data (see the module documentation).
pub fn strip_location(bytes: &[u8]) -> Result<Cow<'_, [u8]>, Unparsable> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        strip_jpeg(bytes).map(Cow::Owned)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        strip_png(bytes).map(Cow::Owned)
    } else {
        Ok(Cow::Borrowed(bytes))
    }
}

/// The EXIF orientation of a JPEG (1 = upright … 8), if it has one.
pub fn orientation(bytes: &[u8]) -> Option<u16> {
    let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)).ok()?;
    let value = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?.value.get_uint(0)?;
    u16::try_from(value).ok().filter(|o| (1..=8).contains(o))
}

/// A minimal APP1 EXIF segment holding only `orientation` (big-endian TIFF, one IFD entry).
fn orientation_segment(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]); // padding of the 4-byte value field
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    let mut segment = vec![0xFF, 0xE1];
    let len = u16::try_from(2 + EXIF.len() + tiff.len()).unwrap_or(u16::MAX);
    segment.extend_from_slice(&len.to_be_bytes());
    segment.extend_from_slice(EXIF);
    segment.extend_from_slice(&tiff);
    segment
}

fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, Unparsable> {
    let turn = orientation(bytes).filter(|o| *o != 1);
    // The segments kept before the first scan, then the image data from the scan on.
    let mut kept: Vec<&[u8]> = Vec::new();
    let mut at = 2;
    let data = loop {
        // Fill bytes (0xFF) may pad before a marker.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else { return Err(Unparsable) };
        match marker {
            // Start of scan: the rest (scans, tables between them, EOI) is image data.
            0xDA => break &bytes[at..],
            0xD8 | 0xD9 => return Err(Unparsable),
            0x01 | 0xD0..=0xD7 => {
                kept.push(&bytes[at..at + 2]);
                at += 2;
                continue;
            }
            _ => {}
        }
        let len = bytes.get(at + 2..at + 4).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]]))).ok_or(Unparsable)?;
        if len < 2 {
            return Err(Unparsable);
        }
        let segment = bytes.get(at..at + 2 + len).ok_or(Unparsable)?;
        let payload = &segment[4..];
        let metadata = (marker == 0xE1 && (payload.starts_with(EXIF) || payload.starts_with(XMP))) || marker == 0xED;
        if !metadata {
            kept.push(segment);
        }
        at += 2 + len;
    };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    // A leading JFIF segment stays first; the orientation goes right after it.
    let jfif_first = kept.first().is_some_and(|s| s.starts_with(&[0xFF, 0xE0]));
    let (head, rest) = kept.split_at(usize::from(jfif_first));
    head.iter().for_each(|s| out.extend_from_slice(s));
    if let Some(turn) = turn {
        out.extend_from_slice(&orientation_segment(turn));
    }
    rest.iter().for_each(|s| out.extend_from_slice(s));
    out.extend_from_slice(data);
    Ok(out)
}

fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, Unparsable> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut at = PNG_SIGNATURE.len();
    loop {
        let head = bytes.get(at..at + 8).ok_or(Unparsable)?;
        let len = usize::try_from(u32::from_be_bytes([head[0], head[1], head[2], head[3]])).map_err(|_| Unparsable)?;
        let kind = &head[4..8];
        let end = at.checked_add(12).and_then(|n| n.checked_add(len)).ok_or(Unparsable)?;
        let chunk = bytes.get(at..end).ok_or(Unparsable)?;
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt") {
            out.extend_from_slice(chunk);
        }
        at = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn jpeg() -> Vec<u8> {
        let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 90]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).unwrap();
        out
    }

    /// An APP1 EXIF with an orientation and a GPS latitude reference (little-endian TIFF).
    fn exif_segment(orientation: u16) -> Vec<u8> {
        let mut tiff = b"II\x2A\x00\x08\x00\x00\x00".to_vec();
        // IFD0: Orientation and GPSInfo → GPS IFD at 8 + 2 + 24 + 4 = 38.
        tiff.extend_from_slice(&[2, 0]);
        tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0]);
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        tiff.extend_from_slice(&[1, 0, 1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0, 0, 0, 0, 0]);
        let mut seg = vec![0xFF, 0xE1];
        seg.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
        seg.extend_from_slice(EXIF);
        seg.extend_from_slice(&tiff);
        seg
    }

    fn insert_after_app0(jpeg: &[u8], segment: &[u8]) -> Vec<u8> {
        let app0 = if jpeg[2..4] == [0xFF, 0xE0] { 2 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]])) } else { 0 };
        let mut out = jpeg[..2 + app0].to_vec();
        out.extend_from_slice(segment);
        out.extend_from_slice(&jpeg[2 + app0..]);
        out
    }

    #[test]
    fn a_jpeg_loses_its_location_keeps_its_orientation_and_pixels() {
        let plain = jpeg();
        let located = insert_after_app0(&plain, &exif_segment(6));
        assert!(crate::media::process::has_location(&located));
        assert_eq!(orientation(&located), Some(6));
        let sent = strip_location(&located).unwrap();
        assert!(!crate::media::process::has_location(&sent), "no GPS left");
        assert_eq!(orientation(&sent), Some(6), "still upright when shown");
        let decode = |b: &[u8]| image::load_from_memory(b).unwrap().to_rgb8().into_raw();
        assert_eq!(decode(&sent), decode(&located), "the same pixels");
        let scan = |b: &[u8]| b[b.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap()..].to_vec();
        assert_eq!(scan(&sent), scan(&located), "the scan data byte for byte");
        // Upright photos get no EXIF at all; a photo without metadata comes out unchanged.
        let upright = strip_location(&insert_after_app0(&plain, &exif_segment(1))).unwrap().into_owned();
        assert_eq!(upright, plain);
        assert_eq!(strip_location(&plain).unwrap().into_owned(), plain);
    }

    #[test]
    fn xmp_and_png_text_are_dropped() {
        let plain = jpeg();
        let mut xmp = vec![0xFF, 0xE1];
        let body = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>45,30N</exif:GPSLatitude></x:xmpmeta>";
        xmp.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        xmp.extend_from_slice(body);
        let sent = strip_location(&insert_after_app0(&plain, &xmp)).unwrap().into_owned();
        assert_eq!(sent, plain);

        let img = image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3]));
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let png = png.into_inner();
        // A tEXt chunk with XMP right after IHDR (8 + 25 bytes).
        let text = b"XML:com.adobe.xmp\0<GPSLatitude>45N</GPSLatitude>";
        let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(b"tEXt");
        chunk.extend_from_slice(text);
        chunk.extend_from_slice(&[0, 0, 0, 0]);
        let mut located = png[..33].to_vec();
        located.extend_from_slice(&chunk);
        located.extend_from_slice(&png[33..]);
        assert_eq!(strip_location(&located).unwrap().into_owned(), png);
    }

    #[test]
    fn broken_files_are_refused_never_a_panic() {
        let located = insert_after_app0(&jpeg(), &exif_segment(3));
        for cut in [3, 4, 5, 20, 40, 60] {
            let _ = strip_location(&located[..cut.min(located.len())]);
        }
        assert_eq!(strip_location(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00]), Err(Unparsable));
        assert_eq!(strip_location(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0, 0]), Err(Unparsable));
        assert_eq!(strip_location(&[0xFF, 0xD8, 0xFF, 0xD9]), Err(Unparsable));
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF, b'I', b'D', b'A', b'T']);
        assert_eq!(strip_location(&png), Err(Unparsable));
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
        assert_eq!(strip_location(gif).unwrap().as_ref(), gif);
    }
}
