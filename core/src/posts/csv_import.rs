//! "Create multiple posts" from a CSV file: a header row (`date,time,text,accounts,image path`),
//! then one post per row. Dates and times are in the business's time zone; accounts are named
//! by id or by name, separated by `;` (so are several image paths). Every bad row is reported
//! by its line number with a code, and nothing is imported unless every row is good.

use chrono::{NaiveDate, NaiveTime, Utc};

use super::{time, unique_targets, Plan, MAX_BATCH};
use crate::api::{Account, CsvImport, CsvProblem, CsvProblemCode, DraftInput, TargetInput};
use crate::error::{Error, Result};
use crate::Herald;

/// Largest CSV text one import takes.
pub const MAX_CSV_BYTES: usize = 4 * 1024 * 1024;

/// The columns, as the header names them (lower case; `image path` may also be `image`).
#[derive(Default)]
struct Columns {
    date: Option<usize>,
    time: Option<usize>,
    text: Option<usize>,
    accounts: Option<usize>,
    image: Option<usize>,
}

fn columns(header: &csv::StringRecord) -> Columns {
    let mut c = Columns::default();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().trim_start_matches('\u{feff}').to_lowercase().replace(['_', '-'], " ");
        match name.as_str() {
            "date" => c.date = Some(i),
            "time" => c.time = Some(i),
            "text" => c.text = Some(i),
            "accounts" | "account" => c.accounts = Some(i),
            "image path" | "image" | "image paths" | "images" => c.image = Some(i),
            _ => {}
        }
    }
    c
}

fn shown(value: &str) -> Option<String> {
    Some(crate::net::bounded_text(value, 80))
}

fn problem(line: u64, code: CsvProblemCode, value: Option<String>) -> CsvProblem {
    CsvProblem { line: u32::try_from(line).unwrap_or(u32::MAX), code, value, account_id: None, problems: Vec::new() }
}

/// The account a CSV names: its id, or its name (case and surrounding spaces ignored) when
/// exactly one account has it.
fn find_account<'a>(accounts: &'a [Account], named: &str) -> Option<&'a Account> {
    if let Some(a) = accounts.iter().find(|a| a.id == named) {
        return Some(a);
    }
    let named = named.to_lowercase();
    let mut matching = accounts.iter().filter(|a| a.display_name.trim().to_lowercase() == named);
    match (matching.next(), matching.next()) {
        (Some(a), None) => Some(a),
        _ => None,
    }
}

impl Herald {
    /// Import a CSV as scheduled posts, all or nothing (see the module docs).
    pub async fn posts_import_csv(&self, csv: &str) -> Result<CsvImport> {
        if csv.len() > MAX_CSV_BYTES {
            return Err(Error::InvalidInput(format!(
                "the file is larger than {}",
                crate::net::size_in_words(MAX_CSV_BYTES)
            )));
        }
        let zone = self.business_zone().await?;
        let zone_name = zone.name().to_owned();
        let accounts = self.accounts().await?;
        let now = Utc::now();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(csv.as_bytes());
        let mut records = reader.records();
        let nothing = |problems| Ok(CsvImport { posts: Vec::new(), problems });
        let header = match records.next() {
            None => return nothing(vec![problem(1, CsvProblemCode::Empty, None)]),
            Some(Err(_)) => return nothing(vec![problem(1, CsvProblemCode::HeaderMissing, None)]),
            Some(Ok(header)) => header,
        };
        let cols = columns(&header);
        let (Some(date_col), Some(time_col), Some(text_col), Some(accounts_col)) =
            (cols.date, cols.time, cols.text, cols.accounts)
        else {
            return nothing(vec![problem(
                1,
                CsvProblemCode::HeaderMissing,
                shown(&header.iter().collect::<Vec<_>>().join(",")),
            )]);
        };

        let mut problems = Vec::new();
        let mut rows: Vec<(u64, DraftInput)> = Vec::new();
        for record in records {
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    problems.push(problem(line, CsvProblemCode::RowMalformed, None));
                    continue;
                }
            };
            let line = record.position().map_or(0, csv::Position::line);
            if record.iter().all(str::is_empty) {
                continue;
            }
            if rows.len() >= MAX_BATCH {
                problems.push(problem(line, CsvProblemCode::TooManyRows, Some(MAX_BATCH.to_string())));
                break;
            }
            let field = |i: usize| record.get(i).unwrap_or_default();
            let mut bad = false;
            let date = NaiveDate::parse_from_str(field(date_col), "%Y-%m-%d").ok();
            if date.is_none() {
                problems.push(problem(line, CsvProblemCode::BadDate, shown(field(date_col))));
                bad = true;
            }
            let at = ["%H:%M", "%H:%M:%S"].iter().find_map(|f| NaiveTime::parse_from_str(field(time_col), f).ok());
            if at.is_none() {
                problems.push(problem(line, CsvProblemCode::BadTime, shown(field(time_col))));
                bad = true;
            }
            let mut targets = Vec::new();
            let names: Vec<&str> = field(accounts_col).split(';').map(str::trim).filter(|n| !n.is_empty()).collect();
            if names.is_empty() {
                problems.push(problem(line, CsvProblemCode::UnknownAccount, None));
                bad = true;
            }
            for name in names {
                match find_account(&accounts, name) {
                    Some(a) => targets.push(TargetInput { account_id: a.id.clone(), variant: None }),
                    None => {
                        problems.push(problem(line, CsvProblemCode::UnknownAccount, shown(name)));
                        bad = true;
                    }
                }
            }
            let images: Vec<String> = cols
                .image
                .map(|i| field(i).split(';').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect())
                .unwrap_or_default();
            let (Some(date), Some(at)) = (date, at) else { continue };
            let instant = time::instant(date, at, zone);
            if instant < now - super::PAST_TOLERANCE {
                problems.push(problem(line, CsvProblemCode::InPast, shown(&format!("{date} {at}"))));
                bad = true;
            }
            if bad {
                continue;
            }
            rows.push((
                line,
                DraftInput {
                    id: None,
                    text: field(text_col).to_owned(),
                    link: None,
                    targets,
                    scheduled_at: Some(instant),
                    zone: Some(zone_name.clone()),
                    images,
                },
            ));
        }
        if rows.is_empty() && problems.is_empty() {
            return nothing(vec![problem(1, CsvProblemCode::Empty, None)]);
        }

        // Every good-looking row is checked for every account it names, as scheduling would.
        let mut prepared: Vec<(String, Vec<TargetInput>, Option<Plan>)> = Vec::with_capacity(rows.len());
        for (line, draft) in &mut rows {
            if let Err(e) = super::check_input(draft) {
                problems.push(problem(*line, CsvProblemCode::RowMalformed, shown(&e.to_string())));
                continue;
            }
            // The photos named by path go into the media library and the post refers to the
            // copies; a file that cannot be added stays named by its path, which the check below
            // reports as a photo that cannot be read.
            for image in &mut draft.images {
                if let Ok(mut items) = self.media_import_files(std::slice::from_ref(image)).await {
                    *image = items.remove(0).id;
                }
            }
            let plan = self.plan(draft, now).await?;
            let draft = &*draft;
            for (account_id, target_problems) in &plan.per_target {
                if !target_problems.is_empty() {
                    problems.push(CsvProblem {
                        account_id: Some(account_id.clone()),
                        problems: target_problems.clone(),
                        ..problem(*line, CsvProblemCode::InvalidForTarget, None)
                    });
                }
            }
            prepared.push((uuid::Uuid::new_v4().to_string(), unique_targets(draft), Some(plan)));
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line);
            tracing::info!(bad = problems.len(), "CSV import refused: nothing imported");
            return nothing(problems);
        }
        let drafts: Vec<DraftInput> = rows.into_iter().map(|(_, d)| d).collect();
        let posts = self.store_many(&drafts, &prepared, now).await?;
        tracing::info!(posts = posts.len(), "CSV imported");
        Ok(CsvImport { posts, problems: Vec::new() })
    }
}
