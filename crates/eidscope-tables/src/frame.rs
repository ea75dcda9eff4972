//! The typed columns of the six tables: each table's columns are listed once below, each with
//! its codec ([`crate::columns`]), and that list makes both directions: rows into a polars
//! `DataFrame` (for Parquet, CSV and the tables held in memory) and a `DataFrame` back into
//! rows ([`TableRow::rows`], what `stats`, `links` and the report read). Dates are `Date`,
//! timestamps `Datetime(ms, UTC)`, closed sets of the model (finding code, severity, scope,
//! media kind, level, shape, document type, feature name) `Enum`s of their vocabulary, open
//! sets (statuses, check names, the raw document types and feature names, countries,
//! decisions, error kinds) `Categorical`, face embeddings `Array(Float32, 128)`.
//!
//! A table's schema is the schema of its frame of no rows. A new column is a field of the row
//! type and one line here.

use crate::columns::{Closed, Codec, Date, Floats, Open, Plain, Slot, Text, Timestamp};
use crate::faces::FaceRow;
use crate::rows::{BundleRow, CheckRow, ErrorRow, FeatureRow, FindingRow, MediaRow};
use crate::table::Table;
use eidscope_model::{
    Decision, DocumentType, EntryKind, ErrorKind, FacePicture, FeatureName, FindingCode,
    FindingScope, PerceptualHash, Severity, Shape, Status,
};
use eidscope_pipeline::Level;
use polars::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A row type of one table.
pub trait TableRow: Serialize + DeserializeOwned + Send + Sized + 'static {
    /// Its table.
    const TABLE: Table;

    /// The rows as a typed frame.
    fn frame(rows: &[Self]) -> PolarsResult<DataFrame>;

    /// The rows of a frame of this table's schema (as [`crate::read_scan`] gives it).
    fn rows(frame: &DataFrame) -> PolarsResult<Vec<Self>>;

    /// The schema of the table.
    fn schema() -> PolarsResult<Schema> {
        Ok(Self::frame(&[])?.schema().as_ref().clone())
    }
}

/// Implements [`TableRow`] from the list of a table's columns, in file order: each field of
/// the row type with the codec of its column.
macro_rules! table_row {
    ($row:ty => $table:expr, { $($field:ident: $codec:ty),+ $(,)? }) => {
        impl TableRow for $row {
            const TABLE: Table = $table;

            fn frame(rows: &[Self]) -> PolarsResult<DataFrame> {
                let columns = vec![$(
                    <$codec as Codec>::column(
                        stringify!($field),
                        rows.iter().map(|row| <_ as Slot<<$codec as Codec>::Value>>::cell(&row.$field)),
                    )?,
                )+];
                DataFrame::new(rows.len(), columns)
            }

            fn rows(frame: &DataFrame) -> PolarsResult<Vec<Self>> {
                $(
                    let mut $field =
                        <$codec as Codec>::cells(frame.column(stringify!($field))?)?.into_iter();
                )+
                (0..frame.height())
                    .map(|_| {
                        Ok(Self {
                            $( $field: Slot::fill($field.next().flatten(), stringify!($field))?, )+
                        })
                    })
                    .collect()
            }
        }
    };
}

table_row!(BundleRow => Table::Bundles, {
    path: Text,
    sha256: Text,
    size_bytes: Plain<u64>,
    entries: Plain<u32>,
    shape: Closed<Shape>,
    process_id: Text,
    provider: Open,
    process_type: Open,
    created_at: Timestamp,
    capture_date: Date,
    reported_status: Open<Status>,
    derived_status: Open<Status>,
    status: Open<Status>,
    similarity_score: Open,
    liveness_detected: Plain<bool>,
    document_type: Closed<DocumentType>,
    document_type_raw: Open,
    issuing_country: Open,
    nationality: Open,
    gender: Open,
    date_of_birth: Date,
    birth_year: Plain<i32>,
    date_of_expiry: Date,
    document_number: Text,
    document_key: Text,
    personal_identification_number: Text,
    first_name: Text,
    last_name: Text,
    fail_reason_type: Open,
    manual_decision: Open<Decision>,
    checks_failed: Plain<u32>,
    features_not_found: Plain<u32>,
    findings: Plain<u32>,
    max_severity: Closed<Severity>,
    reasons: Text,
    front_sha256: Text,
    back_sha256: Text,
    selfie_sha256: Text,
    portrait_sha256: Text,
    video_sha256: Text,
    selfie_dhash: Text<PerceptualHash>,
    selfie_phash: Text<PerceptualHash>,
    portrait_dhash: Text<PerceptualHash>,
    portrait_phash: Text<PerceptualHash>,
    level: Closed<Level>,
    shard: Open,
    redacted: Plain<bool>,
});

table_row!(CheckRow => Table::Checks, {
    path: Text,
    check: Open,
    valid: Plain<bool>,
});

table_row!(FeatureRow => Table::Features, {
    path: Text,
    name: Closed<FeatureName>,
    name_raw: Open,
    side: Open,
    found: Plain<bool>,
    x: Plain<i64>,
    y: Plain<i64>,
    width: Plain<i64>,
    height: Plain<i64>,
});

table_row!(MediaRow => Table::Media, {
    path: Text,
    kind: Closed<EntryKind>,
    entry: Text,
    size_bytes: Plain<u64>,
    sha256: Text,
    format: Open,
    width: Plain<u32>,
    height: Plain<u32>,
    quality: Plain<u32>,
    quality_standard: Plain<bool>,
    editor_marks: Text,
    exif_make: Open,
    exif_model: Open,
    exif_software: Open,
    exif_date_time_original: Text,
    exif_date_time_digitized: Text,
    exif_date_time_modified: Text,
    exif_pixel_width: Plain<u32>,
    exif_pixel_height: Plain<u32>,
    decoded: Plain<bool>,
    decode_error: Text,
    structure_error: Text,
    scan_errors: Text,
    trailing_bytes: Plain<u64>,
    trailer: Open,
    quality_nearest: Plain<u32>,
    double_jpeg_first_quality: Plain<u32>,
    double_jpeg_fit: Plain<f64>,
    double_jpeg_region: Text,
    resave_marks: Text,
    photoshop_writer: Open,
    chroma_subsampling: Open,
    icc_profile: Open,
    thumbnail_changed_share: Plain<f64>,
    xmp_history: Text,
    gps_latitude: Plain<f64>,
    gps_longitude: Plain<f64>,
    dhash: Text<PerceptualHash>,
    phash: Text<PerceptualHash>,
    probed: Plain<bool>,
    container: Open,
    codec: Open,
    duration_seconds: Plain<f64>,
    frames_decoded: Plain<u64>,
    motion: Plain<f64>,
});

table_row!(FindingRow => Table::Findings, {
    path: Text,
    code: Closed<FindingCode>,
    severity: Closed<Severity>,
    scope: Closed<FindingScope>,
    message: Text,
    evidence: Text,
    key: Text,
    paths: Text,
});

table_row!(ErrorRow => Table::Errors, {
    path: Text,
    error_kind: Open<ErrorKind>,
    message: Text,
});

table_row!(FaceRow => Table::Faces, {
    path: Text,
    picture: Closed<FacePicture>,
    frame: Plain<u32>,
    faces: Plain<u32>,
    left: Plain<i32>,
    top: Plain<i32>,
    width: Plain<u32>,
    height: Plain<u32>,
    eye_distance: Plain<f64>,
    sharpness: Plain<f64>,
    distance_to_selfie: Plain<f64>,
    error: Text,
    embedding: Floats<{ crate::faces::EMBEDDING_DIM }>,
});

/// Something to do with the row type of a table named at run time ([`for_row_type`]).
pub trait RowTypeTask {
    /// What it gives.
    type Output;
    /// Does it with the row type `R`.
    fn run<R: TableRow>(self) -> Self::Output;
}

/// Runs `task` with the row type of `table`: the one place a table's name becomes its type.
pub fn for_row_type<T: RowTypeTask>(table: Table, task: T) -> T::Output {
    match table {
        Table::Bundles => task.run::<BundleRow>(),
        Table::Checks => task.run::<CheckRow>(),
        Table::Features => task.run::<FeatureRow>(),
        Table::Media => task.run::<MediaRow>(),
        Table::Findings => task.run::<FindingRow>(),
        Table::Errors => task.run::<ErrorRow>(),
        Table::Faces => task.run::<FaceRow>(),
    }
}

/// The schema of a table.
pub fn schema_of(table: Table) -> PolarsResult<Schema> {
    struct SchemaOf;
    impl RowTypeTask for SchemaOf {
        type Output = PolarsResult<Schema>;
        fn run<R: TableRow>(self) -> Self::Output {
            R::schema()
        }
    }
    for_row_type(table, SchemaOf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn bundle_row() -> BundleRow {
        let some = |s: &str| Some(s.to_owned());
        BundleRow {
            path: "a/b.zip".into(),
            sha256: "ab".repeat(32),
            size_bytes: 1234,
            entries: 7,
            shape: Some(Shape::EidRaw),
            process_id: some("p-1"),
            provider: some("eid"),
            process_type: some("attended"),
            created_at: Utc.timestamp_millis_opt(1_700_000_000_123).single(),
            capture_date: NaiveDate::from_ymd_opt(2023, 11, 14),
            reported_status: Some(Status::Other("weird".into())),
            derived_status: Status::Rejected,
            status: Status::Other("weird".into()),
            similarity_score: some("verylow"),
            liveness_detected: Some(false),
            document_type: Some(DocumentType::Card),
            document_type_raw: some("TD1"),
            issuing_country: some("UTO"),
            nationality: None,
            gender: some("F"),
            date_of_birth: NaiveDate::from_ymd_opt(1899, 12, 31),
            birth_year: Some(1899),
            date_of_expiry: None,
            document_number: some("L898902C3"),
            document_key: some("UTO:L898902C3"),
            personal_identification_number: None,
            first_name: some("ANNA"),
            last_name: some("ERIKSSON"),
            fail_reason_type: None,
            manual_decision: Some(Decision::Rejected),
            checks_failed: 2,
            features_not_found: 0,
            findings: 3,
            max_severity: Some(Severity::High),
            reasons: "security-check:nonExpired; manual-approval:rejected".into(),
            front_sha256: some("f"),
            back_sha256: None,
            selfie_sha256: some("s"),
            portrait_sha256: some("p"),
            video_sha256: None,
            selfie_dhash: Some(PerceptualHash(u64::MAX)),
            selfie_phash: Some(PerceptualHash(0)),
            portrait_dhash: Some(PerceptualHash(0x0123_4567_89ab_cdef)),
            portrait_phash: None,
            level: Level::Full,
            shard: some("2/3"),
            redacted: false,
        }
    }

    #[test]
    fn rows_come_back_from_their_frame_as_written() {
        let rows = vec![bundle_row()];
        let frame = BundleRow::frame(&rows).unwrap();
        assert_eq!(
            frame.column("selfie_dhash").unwrap().str().unwrap().get(0),
            Some("ffffffffffffffff"),
            "hashes are hex in the table"
        );
        assert_eq!(BundleRow::rows(&frame).unwrap(), rows);
        let errors = vec![ErrorRow {
            path: "x".into(),
            error_kind: ErrorKind::Internal,
            message: "m".into(),
        }];
        assert_eq!(
            ErrorRow::rows(&ErrorRow::frame(&errors).unwrap()).unwrap(),
            errors
        );
    }

    #[test]
    fn a_null_in_a_required_column_is_an_error_naming_it() {
        let frame =
            df!("path" => [None::<&str>], "error_kind" => ["io"], "message" => ["m"]).unwrap();
        let error = ErrorRow::rows(&frame).unwrap_err().to_string();
        assert!(error.contains("`path`"), "{error}");
    }

    #[test]
    fn closed_sets_are_enums_of_their_vocabulary() {
        let schema = FindingRow::schema().unwrap();
        let codes = schema.get("code").unwrap();
        let expected = crate::columns::enum_dtype::<FindingCode>().unwrap();
        assert_eq!(codes, &expected);
        let bundles = BundleRow::schema().unwrap();
        assert_eq!(
            bundles.get("level").unwrap(),
            &crate::columns::enum_dtype::<Level>().unwrap()
        );
    }
}
