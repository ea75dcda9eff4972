//! The rows of the six tables, as Rust values: what one bundle report becomes
//! ([`Rows::from_report`]) and what an unreadable input becomes ([`Rows::from_error`]).
//! Redaction is applied here, before a row leaves the worker that read the bundle.
//!
//! The field names are the column names (cli-contract.md, "scan output tables"); NDJSON is
//! these structs serialised, Parquet and CSV are built from them by [`crate::frame`].
//!
//! The parts: here the rows themselves; `bundle` (the `bundles` and `findings` rows of a report,
//! the identity and its pseudonyms), `media` (the `media` rows: one per picture or video).

use crate::redact::{Domain, Redactor, Scrubber, normalise_document_number};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use eidscope_model::{
    BundleReport, Decision, DocumentType, EntryKind, ErrorKind, FeatureName, Finding, FindingCode,
    FindingScope, ImageInfo, MediaInfo, PerceptualHash, Severity, Shape, Status,
};
use eidscope_pipeline::Level;
use serde::{Deserialize, Serialize};

/// A row of `bundles`: one bundle read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleRow {
    /// The path as given (the join key of every table).
    pub path: String,
    /// SHA-256 of the zip file.
    pub sha256: String,
    /// Size of the zip file, bytes.
    pub size_bytes: u64,
    /// Number of zip entries.
    pub entries: u32,
    /// The `ocr.json` shape (`signicat`, `eid-raw`), null without OCR data.
    pub shape: Option<Shape>,
    /// `processId` (a pseudonym under `--redact`).
    pub process_id: Option<String>,
    /// `provider`.
    pub provider: Option<String>,
    /// `processType`.
    pub process_type: Option<String>,
    /// `createdAt`, UTC.
    pub created_at: Option<DateTime<Utc>>,
    /// The capture date the rules used.
    pub capture_date: Option<NaiveDate>,
    /// The status of the process beside the bundle.
    pub reported_status: Option<Status>,
    /// The status the evidence implies.
    pub derived_status: Status,
    /// The reported status where known, else the derived one.
    pub status: Status,
    /// The similarity level.
    pub similarity_score: Option<String>,
    /// Whether liveness was detected.
    pub liveness_detected: Option<bool>,
    /// The kind of document in the one vocabulary of both `ocr.json` shapes (`passport`,
    /// `card`, `other`).
    pub document_type: Option<DocumentType>,
    /// The document type as the provider wrote it (`passport`, `identityCard`, `TD3`, ...).
    pub document_type_raw: Option<String>,
    /// Issuing country, ISO 3166 alpha-3.
    pub issuing_country: Option<String>,
    /// Nationality, ISO 3166 alpha-3.
    pub nationality: Option<String>,
    /// `M`, `F`, `X` or as written.
    pub gender: Option<String>,
    /// Date of birth (null under `--redact`: see `birth_year`).
    pub date_of_birth: Option<NaiveDate>,
    /// Year of birth.
    pub birth_year: Option<i32>,
    /// Date of expiry.
    pub date_of_expiry: Option<NaiveDate>,
    /// Document number as written (a pseudonym under `--redact`).
    pub document_number: Option<String>,
    /// `ISSUING_COUNTRY:NORMALISED_NUMBER` (number upper-cased, letters and digits only; a
    /// pseudonym under `--redact`): one document, however its number is written.
    pub document_key: Option<String>,
    /// Personal identification number (a pseudonym under `--redact`).
    pub personal_identification_number: Option<String>,
    /// Given names (a pseudonym under `--redact`).
    pub first_name: Option<String>,
    /// Surnames (a pseudonym under `--redact`).
    pub last_name: Option<String>,
    /// `failReason.type` of the process.
    pub fail_reason_type: Option<String>,
    /// The agent's decision (`accepted`, `rejected`), where recognisable.
    pub manual_decision: Option<Decision>,
    /// Number of security checks not valid.
    pub checks_failed: u32,
    /// Number of features not found.
    pub features_not_found: u32,
    /// Number of single-bundle findings.
    pub findings: u32,
    /// The severity of the worst finding.
    pub max_severity: Option<Severity>,
    /// Why the derived status is what it is, most decisive first, joined with `; `.
    pub reasons: String,
    /// SHA-256 of `front.jpeg`.
    pub front_sha256: Option<String>,
    /// SHA-256 of `back.jpeg`.
    pub back_sha256: Option<String>,
    /// SHA-256 of `selfie.jpeg`.
    pub selfie_sha256: Option<String>,
    /// SHA-256 of `portrait.jpeg`.
    pub portrait_sha256: Option<String>,
    /// SHA-256 of `video.mp4`.
    pub video_sha256: Option<String>,
    /// Difference hash of the selfie.
    pub selfie_dhash: Option<PerceptualHash>,
    /// Perceptual hash of the selfie.
    pub selfie_phash: Option<PerceptualHash>,
    /// Difference hash of the portrait.
    pub portrait_dhash: Option<PerceptualHash>,
    /// Perceptual hash of the portrait.
    pub portrait_phash: Option<PerceptualHash>,
    /// The `--level` of the scan.
    pub level: Level,
    /// The `--shard` of the scan (`3/8`), null without sharding.
    pub shard: Option<String>,
    /// Whether personal values are pseudonyms.
    pub redacted: bool,
}

/// A row of `checks`: one security check of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRow {
    /// The bundle.
    pub path: String,
    /// The provider's check name (`nonExpired`, ...).
    pub check: String,
    /// Whether it is valid.
    pub valid: bool,
}

/// A row of `features`: one document feature of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureRow {
    /// The bundle.
    pub path: String,
    /// The feature in the one vocabulary of both `ocr.json` shapes (`OVI 1`, `Header`, ...;
    /// `other` for a name outside it).
    pub name: FeatureName,
    /// The feature name as the provider wrote it (`OVI 1`, `hologram`, ...).
    pub name_raw: String,
    /// The side (`data`, `back`, ...).
    pub side: Option<String>,
    /// Whether it was found; null when the bundle does not say.
    pub found: Option<bool>,
    /// Box left edge, pixels.
    pub x: Option<i64>,
    /// Box top edge.
    pub y: Option<i64>,
    /// Box width.
    pub width: Option<i64>,
    /// Box height.
    pub height: Option<i64>,
}

/// A row of `media`: one media entry of a bundle (facts and hashes, never pixels).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaRow {
    /// The bundle.
    pub path: String,
    /// `front`, `back`, `selfie`, `portrait` or `video`.
    pub kind: EntryKind,
    /// The entry name in the zip.
    pub entry: String,
    /// Uncompressed size, bytes.
    pub size_bytes: u64,
    /// SHA-256 of the entry.
    pub sha256: String,
    /// What the bytes are (`jpeg`, ...), images only.
    pub format: Option<String>,
    /// Width, pixels (images; the first video stream for the video).
    pub width: Option<u32>,
    /// Height, pixels.
    pub height: Option<u32>,
    /// Estimated IJG JPEG quality.
    pub quality: Option<u32>,
    /// Whether the quantisation tables are standard IJG tables.
    pub quality_standard: Option<bool>,
    /// Marks of an editing program, joined with `; `.
    pub editor_marks: Option<String>,
    /// EXIF camera make.
    pub exif_make: Option<String>,
    /// EXIF camera model.
    pub exif_model: Option<String>,
    /// EXIF software.
    pub exif_software: Option<String>,
    /// EXIF `DateTimeOriginal` (when the camera took the picture), with `OffsetTimeOriginal`
    /// appended when recorded (`2026:03:10 09:15:02+01:00`).
    pub exif_date_time_original: Option<String>,
    /// EXIF `DateTimeDigitized`, with its offset when recorded.
    pub exif_date_time_digitized: Option<String>,
    /// EXIF IFD0 `DateTime` (when a program last wrote the file), with its offset when
    /// recorded.
    pub exif_date_time_modified: Option<String>,
    /// The width EXIF declares (`PixelXDimension`).
    pub exif_pixel_width: Option<u32>,
    /// The height EXIF declares (`PixelYDimension`).
    pub exif_pixel_height: Option<u32>,
    /// Whether a full decode succeeded; null when not attempted (the video below `full`).
    pub decoded: Option<bool>,
    /// Why decoding or probing failed.
    pub decode_error: Option<String>,
    /// Structural damage of a JPEG (cut short, no end marker).
    pub structure_error: Option<String>,
    /// Damage inside a JPEG's scan data (restart markers out of sequence, markers no encoder
    /// writes), joined with `; `.
    pub scan_errors: Option<String>,
    /// Bytes after the JPEG end marker.
    pub trailing_bytes: Option<u64>,
    /// What the bytes after the end marker are (`padding`, `camera-preview`, `zip`, ...).
    pub trailer: Option<String>,
    /// For tables that are not standard IJG tables, the nearest IJG quality.
    pub quality_nearest: Option<u32>,
    /// The first quality of the best double-compression fit (see `double_jpeg_fit`).
    pub double_jpeg_first_quality: Option<u32>,
    /// How well a first save at `double_jpeg_first_quality` explains the DCT coefficient
    /// histograms (1: fully; `image-double-compressed` from 0.9).
    pub double_jpeg_fit: Option<f64>,
    /// The box (`x,y,width,height`, pixels) of the part whose blocks tell another compression
    /// history than the rest of the picture (a photo pasted between two saves); null when the
    /// evidence is even.
    pub double_jpeg_region: Option<String>,
    /// Programs that re-saved the file without editing it, joined with `; `.
    pub resave_marks: Option<String>,
    /// The writer a Photoshop `APP13` names.
    pub photoshop_writer: Option<String>,
    /// Chroma subsampling (`4:2:0`, `4:4:4`, ..., `grey`).
    pub chroma_subsampling: Option<String>,
    /// The embedded ICC profile's description (`unnamed` without one in the profile).
    pub icc_profile: Option<String>,
    /// The share (0..1) of the picture its EXIF thumbnail does not show.
    pub thumbnail_changed_share: Option<f64>,
    /// The XMP history, one `action when software` line per event joined with `; `.
    pub xmp_history: Option<String>,
    /// EXIF GPS latitude, degrees (null under `--redact`).
    pub gps_latitude: Option<f64>,
    /// EXIF GPS longitude, degrees (null under `--redact`).
    pub gps_longitude: Option<f64>,
    /// 64-bit difference hash, 16 hex digits.
    pub dhash: Option<PerceptualHash>,
    /// 64-bit DCT perceptual hash, 16 hex digits.
    pub phash: Option<PerceptualHash>,
    /// Whether the video was probed (`--level full`).
    pub probed: Option<bool>,
    /// Container format.
    pub container: Option<String>,
    /// Codec of the first video stream.
    pub codec: Option<String>,
    /// Duration, seconds.
    pub duration_seconds: Option<f64>,
    /// Frames decoded.
    pub frames_decoded: Option<u64>,
    /// Mean frame-to-frame change (0..255), the evidence of `video-frozen`.
    pub motion: Option<f64>,
}

/// A row of `findings`: a single-bundle finding, or a batch finding of a linked group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    /// The bundle (for a batch finding: the first bundle of the group).
    pub path: String,
    /// The catalogue code.
    pub code: FindingCode,
    /// Its severity.
    pub severity: Severity,
    /// `bundle` or `batch`.
    pub scope: FindingScope,
    /// What was found, one sentence.
    pub message: String,
    /// The evidence, as a JSON text.
    pub evidence: String,
    /// What links a batch group (a document key, a picture hash); null for one bundle.
    pub key: Option<String>,
    /// Every bundle of a batch group, as a JSON array text; null for one bundle.
    pub paths: Option<String>,
}

/// A row of `errors`: an input that could not be read as a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRow {
    /// The input path as given.
    pub path: String,
    /// The class of problem (`not-zip`, `limit`, `io`, ...).
    pub error_kind: ErrorKind,
    /// What went wrong, one line.
    pub message: String,
}

/// Everything one input contributes to the tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    /// The bundle, when it could be read.
    pub bundle: Option<BundleRow>,
    /// Its checks.
    pub checks: Vec<CheckRow>,
    /// Its features.
    pub features: Vec<FeatureRow>,
    /// Its media entries.
    pub media: Vec<MediaRow>,
    /// Its findings.
    pub findings: Vec<FindingRow>,
    /// The error, when it could not be read.
    pub error: Option<ErrorRow>,
    /// The pictures the face engine looked at (`--faces`).
    pub faces: Vec<crate::faces::FaceRow>,
    /// The selfie's and the portrait's embeddings, kept in memory for `same-person` under
    /// `scan --faces --links` and never written.
    pub face_embeddings: Vec<(eidscope_model::FacePicture, Vec<f32>)>,
}

/// How the rows of a scan are made: its level, shard and redaction.
#[derive(Debug, Clone, Copy)]
pub struct RowContext<'a> {
    /// The level of the scan.
    pub level: Level,
    /// The shard, when sharded.
    pub shard: Option<crate::Shard>,
    /// The redactor, under `--redact`.
    pub redactor: Option<&'a Redactor>,
    /// Whether the `faces` rows carry embeddings (never under `--redact`).
    pub embeddings: crate::faces::Embeddings,
}

impl Rows {
    /// The rows of an input that could not be read.
    pub fn from_error(path: &str, kind: ErrorKind, message: String) -> Rows {
        Rows {
            error: Some(ErrorRow {
                path: path.to_owned(),
                error_kind: kind,
                message,
            }),
            ..Rows::default()
        }
    }

    /// The rows of one bundle report. Under `--redact` the findings are scrubbed first, so
    /// that no row of any table holds a raw personal value.
    pub fn from_report(report: &BundleReport, ctx: &RowContext<'_>) -> Rows {
        let path = &report.path;
        let process_id = report
            .process
            .as_ref()
            .and_then(|p| p.process_id.as_deref());
        let scrubber = ctx
            .redactor
            .map(|r| r.scrubber(&report.identity, process_id));
        // Biometric data never goes into redacted tables, whatever the caller asked.
        let embeddings = match ctx.redactor {
            Some(_) => crate::faces::Embeddings::Withheld,
            None => ctx.embeddings,
        };
        let findings: Vec<Finding> = match &scrubber {
            Some(s) => report.findings.iter().map(|f| s.finding(f)).collect(),
            None => report.findings.clone(),
        };
        Rows {
            bundle: Some(BundleRow::of(report, ctx, &findings, scrubber.as_ref())),
            checks: report
                .security_checks
                .iter()
                .map(|(check, valid)| CheckRow {
                    path: path.clone(),
                    check: check.clone(),
                    valid: *valid,
                })
                .collect(),
            features: report
                .features
                .iter()
                .map(|f| FeatureRow {
                    path: path.clone(),
                    name: FeatureName::classify(&f.name),
                    name_raw: f.name_raw.clone(),
                    side: f.side.clone(),
                    found: f.found,
                    x: f.bbox.map(|b| b.x),
                    y: f.bbox.map(|b| b.y),
                    width: f.bbox.map(|b| b.width),
                    height: f.bbox.map(|b| b.height),
                })
                .collect(),
            media: report
                .media
                .iter()
                .map(|(kind, info)| MediaRow::of(path, *kind, info, ctx.redactor.is_some()))
                .collect(),
            findings: findings
                .iter()
                .map(|f| FindingRow::of_finding(path, f))
                .collect(),
            error: None,
            faces: crate::faces::FaceRow::of_report(report, embeddings),
            face_embeddings: Vec::new(),
        }
    }

    /// The severities of this input's findings.
    pub fn severities(&self) -> impl Iterator<Item = Severity> + '_ {
        self.findings.iter().map(|f| f.severity)
    }
}

/// The personal values of a `bundles` row: as the bundle holds them, or keyed pseudonyms
mod bundle;
mod media;
