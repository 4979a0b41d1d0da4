//! "Create multiple posts" from a CSV file.

use crate::api::CsvImport;
use crate::error::Result;
use crate::Herald;

impl Herald {
    pub async fn posts_import_csv(&self, _csv: &str) -> Result<CsvImport> {
        Ok(CsvImport { posts: Vec::new(), problems: Vec::new() })
    }
}
