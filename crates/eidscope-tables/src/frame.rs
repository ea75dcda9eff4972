//! The typed columns of the six tables: how rows become polars `DataFrame`s (for Parquet, CSV
//! and reading back) with proper types. Dates are `Date`, timestamps `Datetime(ms, UTC)`,
//! closed sets from the catalogue (finding code, severity, scope, media kind, level, shape) are
//! `Enum`s with a fixed category list, so that files written apart always merge; open sets
//! (statuses, check and feature names, countries, document types, error kinds) are
//! `Categorical` (polars' categories are global: row groups and shards merge).
//!
//! Each table's columns are listed once, in [`TableRow::frame`]; its schema is the schema of
//! the frame of no rows.

use crate::rows::{BundleRow, CheckRow, ErrorRow, FeatureRow, FindingRow, MediaRow};
use crate::table::Table;
use chrono::{DateTime, NaiveDate, Utc};
use eidscope_model::{CATALOGUE, EntryKind, Severity};
use polars::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A row type of one table.
pub trait TableRow: Serialize + DeserializeOwned + Send + Sized + 'static {
    /// Its table.
    const TABLE: Table;

    /// The rows as a typed frame.
    fn frame(rows: &[Self]) -> PolarsResult<DataFrame>;

    /// The schema of the table.
    fn schema() -> PolarsResult<Schema> {
        Ok(Self::frame(&[])?.schema().as_ref().clone())
    }
}

/// What a column holds beyond its physical type.
#[derive(Debug, Clone, Copy)]
enum Words {
    /// Free text.
    Text,
    /// An open set of words: `Categorical`.
    Open,
    /// A closed set: `Enum` of these categories.
    Closed(&'static [&'static str]),
}

fn words_dtype(words: Words) -> PolarsResult<Option<DataType>> {
    Ok(match words {
        Words::Text => None,
        Words::Open => Some(DataType::from_categories(Categories::global())),
        Words::Closed(list) => Some(DataType::from_frozen_categories(FrozenCategories::new(
            list.iter().copied(),
        )?)),
    })
}

/// Picks one text value of a row.
type Pick<R> = fn(&R) -> Option<&str>;

/// The text-column maker of one table: `t(name, words, pick)` is the column of `pick(row)`.
fn text_columns<R>(rows: &[R]) -> impl Fn(&str, Words, Pick<R>) -> PolarsResult<Column> + '_ {
    move |name, words, pick| text(name, words, rows.iter().map(pick))
}

fn text<'a>(
    name: &str,
    words: Words,
    values: impl Iterator<Item = Option<&'a str>>,
) -> PolarsResult<Column> {
    let column = Column::new(name.into(), values.collect::<Vec<_>>());
    match words_dtype(words)? {
        Some(dtype) => column.cast(&dtype),
        None => Ok(column),
    }
}

fn date(name: &str, values: impl Iterator<Item = Option<NaiveDate>>) -> PolarsResult<Column> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days: Vec<Option<i32>> = values
        .map(|d| d.and_then(|d| i32::try_from(d.signed_duration_since(epoch).num_days()).ok()))
        .collect();
    Column::new(name.into(), days).cast(&DataType::Date)
}

fn timestamp(
    name: &str,
    values: impl Iterator<Item = Option<DateTime<Utc>>>,
) -> PolarsResult<Column> {
    let ms: Vec<Option<i64>> = values.map(|t| t.map(|t| t.timestamp_millis())).collect();
    Column::new(name.into(), ms).cast(&DataType::Datetime(
        TimeUnit::Milliseconds,
        Some(TimeZone::UTC),
    ))
}

macro_rules! plain {
    ($name:expr, $rows:expr, $f:expr) => {
        Column::new($name.into(), $rows.iter().map($f).collect::<Vec<_>>())
    };
}

/// The finding codes of the catalogue.
pub fn finding_codes() -> &'static [&'static str] {
    static CODES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    CODES.get_or_init(|| CATALOGUE.iter().map(|spec| spec.code.as_str()).collect())
}

const SEVERITIES: &[&str] = &["high", "medium", "low", "info"];
const SCOPES: &[&str] = &["bundle", "batch"];
const LEVELS: &[&str] = &["meta", "media", "full"];
const SHAPES: &[&str] = &["signicat", "eid-raw"];

fn media_kinds() -> &'static [&'static str] {
    static KINDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    KINDS.get_or_init(|| {
        let mut kinds: Vec<&'static str> =
            EntryKind::DOCUMENTED.iter().map(|k| k.as_str()).collect();
        kinds.push(EntryKind::Unexpected.as_str());
        kinds
    })
}

// Keep the severity list in step with the model.
const _: () = assert!(Severity::ALL.len() == 4);

impl TableRow for BundleRow {
    const TABLE: Table = Table::Bundles;
    fn frame(rows: &[Self]) -> PolarsResult<DataFrame> {
        let t = text_columns(rows);
        let columns = vec![
            t("path", Words::Text, |r| Some(&r.path))?,
            t("sha256", Words::Text, |r| Some(&r.sha256))?,
            plain!("size_bytes", rows, |r| r.size_bytes),
            plain!("entries", rows, |r| r.entries),
            t("shape", Words::Closed(SHAPES), |r| r.shape.as_deref())?,
            t("process_id", Words::Text, |r| r.process_id.as_deref())?,
            t("provider", Words::Open, |r| r.provider.as_deref())?,
            t("process_type", Words::Open, |r| r.process_type.as_deref())?,
            timestamp("created_at", rows.iter().map(|r| r.created_at))?,
            date("capture_date", rows.iter().map(|r| r.capture_date))?,
            t("reported_status", Words::Open, |r| {
                r.reported_status.as_deref()
            })?,
            t("derived_status", Words::Open, |r| Some(&r.derived_status))?,
            t("status", Words::Open, |r| Some(&r.status))?,
            t("similarity_score", Words::Open, |r| {
                r.similarity_score.as_deref()
            })?,
            plain!("liveness_detected", rows, |r| r.liveness_detected),
            t("document_type", Words::Open, |r| r.document_type.as_deref())?,
            t("issuing_country", Words::Open, |r| {
                r.issuing_country.as_deref()
            })?,
            t("nationality", Words::Open, |r| r.nationality.as_deref())?,
            t("gender", Words::Open, |r| r.gender.as_deref())?,
            date("date_of_birth", rows.iter().map(|r| r.date_of_birth))?,
            plain!("birth_year", rows, |r| r.birth_year),
            date("date_of_expiry", rows.iter().map(|r| r.date_of_expiry))?,
            t("document_number", Words::Text, |r| {
                r.document_number.as_deref()
            })?,
            t("document_key", Words::Text, |r| r.document_key.as_deref())?,
            t("personal_identification_number", Words::Text, |r| {
                r.personal_identification_number.as_deref()
            })?,
            t("first_name", Words::Text, |r| r.first_name.as_deref())?,
            t("last_name", Words::Text, |r| r.last_name.as_deref())?,
            t("fail_reason_type", Words::Open, |r| {
                r.fail_reason_type.as_deref()
            })?,
            t("manual_decision", Words::Open, |r| {
                r.manual_decision.as_deref()
            })?,
            plain!("checks_failed", rows, |r| r.checks_failed),
            plain!("features_not_found", rows, |r| r.features_not_found),
            plain!("findings", rows, |r| r.findings),
            t("max_severity", Words::Closed(SEVERITIES), |r| {
                r.max_severity.as_deref()
            })?,
            t("reasons", Words::Text, |r| Some(&r.reasons))?,
            t("front_sha256", Words::Text, |r| r.front_sha256.as_deref())?,
            t("back_sha256", Words::Text, |r| r.back_sha256.as_deref())?,
            t("selfie_sha256", Words::Text, |r| r.selfie_sha256.as_deref())?,
            t("portrait_sha256", Words::Text, |r| {
                r.portrait_sha256.as_deref()
            })?,
            t("video_sha256", Words::Text, |r| r.video_sha256.as_deref())?,
            t("selfie_dhash", Words::Text, |r| r.selfie_dhash.as_deref())?,
            t("selfie_phash", Words::Text, |r| r.selfie_phash.as_deref())?,
            t("portrait_dhash", Words::Text, |r| {
                r.portrait_dhash.as_deref()
            })?,
            t("portrait_phash", Words::Text, |r| {
                r.portrait_phash.as_deref()
            })?,
            t("level", Words::Closed(LEVELS), |r| Some(&r.level))?,
            t("shard", Words::Open, |r| r.shard.as_deref())?,
            plain!("redacted", rows, |r| r.redacted),
        ];
        DataFrame::new(rows.len(), columns)
    }
}

impl TableRow for CheckRow {
    const TABLE: Table = Table::Checks;
    fn frame(rows: &[Self]) -> PolarsResult<DataFrame> {
        let t = text_columns(rows);
        let columns = vec![
            t("path", Words::Text, |r| Some(&r.path))?,
            t("check", Words::Open, |r| Some(&r.check))?,
            plain!("valid", rows, |r| r.valid),
        ];
        DataFrame::new(rows.len(), columns)
    }
}

impl TableRow for FeatureRow {
    const TABLE: Table = Table::Features;
    fn frame(rows: &[Self]) -> PolarsResult<DataFrame> {
        let t = text_columns(rows);
        let columns = vec![
            t("path", Words::Text, |r| Some(&r.path))?,
            t("name", Words::Open, |r| Some(&r.name))?,
            t("side", Words::Open, |r| r.side.as_deref())?,
            plain!("found", rows, |r| r.found),
            plain!("x", rows, |r| r.x),
            plain!("y", rows, |r| r.y),
            plain!("width", rows, |r| r.width),
            plain!("height", rows, |r| r.height),
        ];
        DataFrame::new(rows.len(), columns)
    }
}

impl TableRow for MediaRow {
    const TABLE: Table = Table::Media;
    fn frame(rows: &[Self]) -> PolarsResult<DataFrame> {
        let t = text_columns(rows);
        let columns = vec![
            t("path", Words::Text, |r| Some(&r.path))?,
            t("kind", Words::Closed(media_kinds()), |r| Some(&r.kind))?,
            t("entry", Words::Text, |r| Some(&r.entry))?,
            plain!("size_bytes", rows, |r| r.size_bytes),
            t("sha256", Words::Text, |r| Some(&r.sha256))?,
            t("format", Words::Open, |r| r.format.as_deref())?,
            plain!("width", rows, |r| r.width),
            plain!("height", rows, |r| r.height),
            plain!("quality", rows, |r| r.quality),
            plain!("quality_standard", rows, |r| r.quality_standard),
            t("editor_marks", Words::Text, |r| r.editor_marks.as_deref())?,
            t("exif_make", Words::Open, |r| r.exif_make.as_deref())?,
            t("exif_model", Words::Open, |r| r.exif_model.as_deref())?,
            t("exif_software", Words::Open, |r| r.exif_software.as_deref())?,
            plain!("decoded", rows, |r| r.decoded),
            t("decode_error", Words::Text, |r| r.decode_error.as_deref())?,
            t("structure_error", Words::Text, |r| {
                r.structure_error.as_deref()
            })?,
            plain!("trailing_bytes", rows, |r| r.trailing_bytes),
            t("dhash", Words::Text, |r| r.dhash.as_deref())?,
            t("phash", Words::Text, |r| r.phash.as_deref())?,
            plain!("probed", rows, |r| r.probed),
            t("container", Words::Open, |r| r.container.as_deref())?,
            t("codec", Words::Open, |r| r.codec.as_deref())?,
            plain!("duration_seconds", rows, |r| r.duration_seconds),
            plain!("frames_decoded", rows, |r| r.frames_decoded),
            plain!("motion", rows, |r| r.motion),
        ];
        DataFrame::new(rows.len(), columns)
    }
}

impl TableRow for FindingRow {
    const TABLE: Table = Table::Findings;
    fn frame(rows: &[Self]) -> PolarsResult<DataFrame> {
        let t = text_columns(rows);
        let columns = vec![
            t("path", Words::Text, |r| Some(&r.path))?,
            t("code", Words::Closed(finding_codes()), |r| Some(&r.code))?,
            t("severity", Words::Closed(SEVERITIES), |r| Some(&r.severity))?,
            t("scope", Words::Closed(SCOPES), |r| Some(&r.scope))?,
            t("message", Words::Text, |r| Some(&r.message))?,
            t("evidence", Words::Text, |r| Some(&r.evidence))?,
            t("key", Words::Text, |r| r.key.as_deref())?,
            t("paths", Words::Text, |r| r.paths.as_deref())?,
        ];
        DataFrame::new(rows.len(), columns)
    }
}

impl TableRow for ErrorRow {
    const TABLE: Table = Table::Errors;
    fn frame(rows: &[Self]) -> PolarsResult<DataFrame> {
        let t = text_columns(rows);
        let columns = vec![
            t("path", Words::Text, |r| Some(&r.path))?,
            t("error_kind", Words::Open, |r| Some(&r.error_kind))?,
            t("message", Words::Text, |r| Some(&r.message))?,
        ];
        DataFrame::new(rows.len(), columns)
    }
}

/// The schema of a table.
pub fn schema_of(table: Table) -> PolarsResult<Schema> {
    match table {
        Table::Bundles => BundleRow::schema(),
        Table::Checks => CheckRow::schema(),
        Table::Features => FeatureRow::schema(),
        Table::Media => MediaRow::schema(),
        Table::Findings => FindingRow::schema(),
        Table::Errors => ErrorRow::schema(),
    }
}
