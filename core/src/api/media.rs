//! Photos in Herald's media library: copies of what the user attached, named by their content.

use serde::{Deserialize, Serialize};
use specta::Type;

/// The image formats Herald keeps and the networks take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MediaFormat {
    Jpeg,
    Png,
    Gif,
}

/// One photo of the library.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MediaItem {
    /// The SHA-256 of its bytes, lowercase hex: the same photo added twice is kept once.
    pub id: String,
    /// The file name it was added with (for people; never used to find the file).
    pub name: String,
    pub format: MediaFormat,
    pub bytes: u32,
    pub width: u32,
    pub height: u32,
    /// It carries a location (EXIF GPS); Herald removes it from what it sends.
    pub has_location: bool,
    /// A fitted copy: the photo it was made from (left untouched).
    pub fitted_from: Option<String>,
}
