//! The rows of the six tables, as Rust values: what one bundle report becomes
//! ([`Rows::from_report`]) and what an unreadable input becomes ([`Rows::from_error`]).
//! Redaction is applied here, before a row leaves the worker that read the bundle.
//!
//! The field names are the column names (cli-contract.md, "scan output tables"); NDJSON is
//! these structs serialised, Parquet and CSV are built from them by [`crate::frame`].

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
/// (and no date of birth) under `--redact`.
struct Personal {
    process_id: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    date_of_birth: Option<NaiveDate>,
    document_number: Option<String>,
    document_key: Option<String>,
    personal_identification_number: Option<String>,
}

impl Personal {
    fn of(report: &BundleReport, redactor: Option<&Redactor>) -> Personal {
        let id = &report.identity;
        let pseudo = |domain: Domain, value: &Option<String>| -> Option<String> {
            match (redactor, value) {
                (Some(r), Some(v)) => Some(r.pseudonym(domain, v)),
                (_, v) => v.clone(),
            }
        };
        let document_key = match (&id.issuing_country, &id.document_number) {
            (Some(country), Some(number)) => {
                let number = match redactor {
                    Some(r) => r.pseudonym(Domain::DocumentNumber, number),
                    None => normalise_document_number(number),
                };
                Some(format!("{country}:{number}"))
            }
            _ => None,
        };
        Personal {
            process_id: pseudo(
                Domain::ProcessId,
                &report.process.as_ref().and_then(|p| p.process_id.clone()),
            ),
            first_name: pseudo(Domain::GivenNames, &id.first_name),
            last_name: pseudo(Domain::Name, &id.last_name),
            date_of_birth: id.date_of_birth.filter(|_| redactor.is_none()),
            document_number: pseudo(Domain::DocumentNumber, &id.document_number),
            document_key,
            personal_identification_number: pseudo(
                Domain::PersonalNumber,
                &id.personal_identification_number,
            ),
        }
    }
}

/// The facts of a still image of the report.
fn image(report: &BundleReport, kind: EntryKind) -> Option<&ImageInfo> {
    match report.media.get(&kind) {
        Some(MediaInfo::Image(info)) => Some(info),
        _ => None,
    }
}

/// The SHA-256 of a media entry of the report.
fn media_sha256(report: &BundleReport, kind: EntryKind) -> Option<String> {
    match report.media.get(&kind) {
        Some(MediaInfo::Image(info)) => Some(info.sha256.clone()),
        Some(MediaInfo::Video(info)) => Some(info.sha256.clone()),
        None => None,
    }
}

impl BundleRow {
    /// The `bundles` row of a report whose findings (scrubbed under `--redact`) are these.
    fn of(
        report: &BundleReport,
        ctx: &RowContext<'_>,
        findings: &[Finding],
        scrubber: Option<&Scrubber>,
    ) -> BundleRow {
        let id = &report.identity;
        let process = report.process.as_ref();
        let personal = Personal::of(report, ctx.redactor);
        let reasons = report
            .reasons
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        let hash = |kind, pick: fn(&ImageInfo) -> Option<PerceptualHash>| {
            image(report, kind).and_then(pick)
        };
        BundleRow {
            path: report.path.clone(),
            sha256: report.sha256.clone(),
            size_bytes: report.size_bytes,
            entries: count(report.entries.iter()),
            shape: report.shape,
            process_id: personal.process_id,
            provider: process.and_then(|p| p.provider.clone()),
            process_type: process.and_then(|p| p.process_type.clone()),
            created_at: process.and_then(|p| p.created_at),
            capture_date: report.capture_date,
            reported_status: report.reported_status.clone(),
            derived_status: report.derived_status.clone(),
            status: report
                .reported_status
                .clone()
                .unwrap_or_else(|| report.derived_status.clone()),
            similarity_score: report.similarity_score.clone(),
            liveness_detected: report.liveness_detected,
            document_type: id.document_type,
            document_type_raw: id.document_type_raw.clone(),
            issuing_country: id.issuing_country.clone(),
            nationality: id.nationality.clone(),
            gender: id.gender.clone(),
            date_of_birth: personal.date_of_birth,
            birth_year: id.date_of_birth.map(|d| d.year()),
            date_of_expiry: id.date_of_expiry,
            document_number: personal.document_number,
            document_key: personal.document_key,
            personal_identification_number: personal.personal_identification_number,
            first_name: personal.first_name,
            last_name: personal.last_name,
            fail_reason_type: process
                .and_then(|p| p.fail_reason.as_ref())
                .and_then(|f| f.kind.clone()),
            manual_decision: report.manual_approval.as_ref().and_then(|m| m.decision),
            checks_failed: count(report.security_checks.values().filter(|valid| !**valid)),
            features_not_found: count(report.features.iter().filter(|f| f.found == Some(false))),
            findings: count(findings.iter()),
            max_severity: findings.iter().map(|f| f.severity).max(),
            reasons: match scrubber {
                Some(s) => s.text(&reasons),
                None => reasons,
            },
            front_sha256: media_sha256(report, EntryKind::Front),
            back_sha256: media_sha256(report, EntryKind::Back),
            selfie_sha256: media_sha256(report, EntryKind::Selfie),
            portrait_sha256: media_sha256(report, EntryKind::Portrait),
            video_sha256: media_sha256(report, EntryKind::Video),
            selfie_dhash: hash(EntryKind::Selfie, |i| i.dhash),
            selfie_phash: hash(EntryKind::Selfie, |i| i.phash),
            portrait_dhash: hash(EntryKind::Portrait, |i| i.dhash),
            portrait_phash: hash(EntryKind::Portrait, |i| i.phash),
            level: ctx.level,
            shard: ctx.shard.map(|s| s.to_string()),
            redacted: ctx.redactor.is_some(),
        }
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

impl FindingRow {
    /// The row of a single-bundle finding.
    pub fn of_finding(path: &str, finding: &Finding) -> FindingRow {
        FindingRow {
            path: path.to_owned(),
            code: finding.code,
            severity: finding.severity,
            scope: finding.code.spec().scope,
            message: finding.message.clone(),
            evidence: finding.evidence.to_string(),
            key: None,
            paths: None,
        }
    }
}

impl MediaRow {
    /// A row of this entry with no fact filled in.
    fn blank(path: &str, kind: EntryKind) -> MediaRow {
        MediaRow {
            path: path.to_owned(),
            kind,
            entry: String::new(),
            size_bytes: 0,
            sha256: String::new(),
            format: None,
            width: None,
            height: None,
            quality: None,
            quality_standard: None,
            editor_marks: None,
            exif_make: None,
            exif_model: None,
            exif_software: None,
            exif_date_time_original: None,
            exif_date_time_digitized: None,
            exif_date_time_modified: None,
            exif_pixel_width: None,
            exif_pixel_height: None,
            decoded: None,
            decode_error: None,
            structure_error: None,
            scan_errors: None,
            trailing_bytes: None,
            trailer: None,
            quality_nearest: None,
            double_jpeg_first_quality: None,
            double_jpeg_fit: None,
            double_jpeg_region: None,
            resave_marks: None,
            photoshop_writer: None,
            chroma_subsampling: None,
            icc_profile: None,
            thumbnail_changed_share: None,
            xmp_history: None,
            gps_latitude: None,
            gps_longitude: None,
            dhash: None,
            phash: None,
            probed: None,
            container: None,
            codec: None,
            duration_seconds: None,
            frames_decoded: None,
            motion: None,
        }
    }

    /// The row of one media entry: the facts of an image, or of the video. `redacted` drops
    /// the GPS position (where the person was).
    fn of(path: &str, kind: EntryKind, info: &MediaInfo, redacted: bool) -> MediaRow {
        let row = MediaRow::blank(path, kind);
        match info {
            MediaInfo::Image(i) => {
                let gps = i.exif.as_ref().and_then(|e| e.gps).filter(|_| !redacted);
                MediaRow {
                    entry: i.entry.clone(),
                    size_bytes: i.size_bytes,
                    sha256: i.sha256.clone(),
                    format: Some(i.format.clone()),
                    width: i.width,
                    height: i.height,
                    quality: i.quality.as_ref().and_then(|q| q.quality).map(u32::from),
                    quality_standard: i.quality.as_ref().map(|q| q.standard),
                    editor_marks: (!i.editor_marks.is_empty()).then(|| i.editor_marks.join("; ")),
                    exif_make: i.exif.as_ref().and_then(|e| e.make.clone()),
                    exif_model: i.exif.as_ref().and_then(|e| e.model.clone()),
                    exif_software: i.exif.as_ref().and_then(|e| e.software.clone()),
                    exif_date_time_original: i
                        .exif
                        .as_ref()
                        .and_then(|e| with_offset(&e.date_time_original, &e.offset_time_original)),
                    exif_date_time_digitized: i.exif.as_ref().and_then(|e| {
                        with_offset(&e.date_time_digitized, &e.offset_time_digitized)
                    }),
                    exif_date_time_modified: i
                        .exif
                        .as_ref()
                        .and_then(|e| with_offset(&e.date_time_modified, &e.offset_time_modified)),
                    exif_pixel_width: i.exif.as_ref().and_then(|e| e.pixel_width),
                    exif_pixel_height: i.exif.as_ref().and_then(|e| e.pixel_height),
                    decoded: i.decoded,
                    decode_error: i.decode_error.clone(),
                    structure_error: i.structure_error.clone(),
                    scan_errors: (!i.scan_errors.is_empty()).then(|| i.scan_errors.join("; ")),
                    trailing_bytes: i.trailing_bytes,
                    trailer: i.trailer.map(|t| t.as_str().to_owned()),
                    quality_nearest: i.quality.as_ref().and_then(|q| q.nearest).map(u32::from),
                    double_jpeg_first_quality: i
                        .double_compression
                        .as_ref()
                        .map(|d| u32::from(d.first_quality)),
                    double_jpeg_fit: i.double_compression.as_ref().map(|d| d.fit),
                    double_jpeg_region: i
                        .double_compression
                        .as_ref()
                        .and_then(|d| d.region.as_ref())
                        .map(|r| {
                            let b = r.bbox;
                            format!("{},{},{},{}", b.x, b.y, b.width, b.height)
                        }),
                    resave_marks: (!i.resave_marks.is_empty()).then(|| i.resave_marks.join("; ")),
                    photoshop_writer: i.photoshop_writer.clone(),
                    chroma_subsampling: i.chroma_subsampling.clone(),
                    icc_profile: i.icc_profile.clone(),
                    thumbnail_changed_share: i.thumbnail.as_ref().map(|t| t.changed_share),
                    xmp_history: (!i.xmp_history.is_empty()).then(|| {
                        i.xmp_history
                            .iter()
                            .map(|e| {
                                [&e.action, &e.when, &e.software]
                                    .iter()
                                    .filter_map(|v| v.as_deref())
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            })
                            .collect::<Vec<_>>()
                            .join("; ")
                    }),
                    gps_latitude: gps.map(|g| decimals(g.latitude, 7)),
                    gps_longitude: gps.map(|g| decimals(g.longitude, 7)),
                    dhash: i.dhash,
                    phash: i.phash,
                    ..row
                }
            }
            MediaInfo::Video(v) => {
                let stream = v.streams.iter().find(|s| s.kind == "video");
                MediaRow {
                    entry: v.entry.clone(),
                    size_bytes: v.size_bytes,
                    sha256: v.sha256.clone(),
                    width: stream.and_then(|s| s.width),
                    height: stream.and_then(|s| s.height),
                    decoded: v.probed.then(|| v.error.is_none() && v.decode_errors == 0),
                    decode_error: v.error.clone(),
                    probed: Some(v.probed),
                    container: v.container.clone(),
                    codec: stream.and_then(|s| s.codec.clone()),
                    duration_seconds: v.best_duration(),
                    frames_decoded: v.frames_decoded,
                    motion: v.motion,
                    ..row
                }
            }
        }
    }
}

/// `value` rounded to `places` decimals: the figures a table keeps (a fit to 1e-4, a position
/// to 1e-7 degrees, about a centimetre) read back the same from every format, NDJSON included.
/// An EXIF time with its offset appended when recorded.
fn with_offset(time: &Option<String>, offset: &Option<String>) -> Option<String> {
    let time = time.as_deref()?;
    Some(format!("{time}{}", offset.as_deref().unwrap_or_default()))
}

fn decimals(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}
