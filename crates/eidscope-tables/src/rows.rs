//! The rows of the six tables, as Rust values: what one bundle report becomes
//! ([`Rows::from_report`]) and what an unreadable input becomes ([`Rows::from_error`]).
//! Redaction is applied here, before a row leaves the worker that read the bundle.
//!
//! The field names are the column names (cli-contract.md, "scan output tables"); NDJSON is
//! these structs serialised, Parquet and CSV are built from them by [`crate::frame`].

use crate::redact::{Domain, Redactor, normalise_document_number};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use eidscope_model::{BundleReport, EntryKind, Finding, FindingScope, MediaInfo, Severity};
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
    pub shape: Option<String>,
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
    pub reported_status: Option<String>,
    /// The status the evidence implies.
    pub derived_status: String,
    /// The reported status where known, else the derived one.
    pub status: String,
    /// The similarity level.
    pub similarity_score: Option<String>,
    /// Whether liveness was detected.
    pub liveness_detected: Option<bool>,
    /// Document type as the provider names it.
    pub document_type: Option<String>,
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
    pub manual_decision: Option<String>,
    /// Number of security checks not valid.
    pub checks_failed: u32,
    /// Number of features not found.
    pub features_not_found: u32,
    /// Number of single-bundle findings.
    pub findings: u32,
    /// The severity of the worst finding.
    pub max_severity: Option<String>,
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
    pub selfie_dhash: Option<String>,
    /// Perceptual hash of the selfie.
    pub selfie_phash: Option<String>,
    /// Difference hash of the portrait.
    pub portrait_dhash: Option<String>,
    /// Perceptual hash of the portrait.
    pub portrait_phash: Option<String>,
    /// The `--level` of the scan.
    pub level: String,
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
    /// The provider's feature name (`OVI 1`, ...).
    pub name: String,
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
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MediaRow {
    /// The bundle.
    pub path: String,
    /// `front`, `back`, `selfie`, `portrait` or `video`.
    pub kind: String,
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
    /// Whether a full decode succeeded; null when not attempted (the video below `full`).
    pub decoded: Option<bool>,
    /// Why decoding or probing failed.
    pub decode_error: Option<String>,
    /// Structural damage of a JPEG (cut short, no end marker).
    pub structure_error: Option<String>,
    /// Bytes after the JPEG end marker.
    pub trailing_bytes: Option<u64>,
    /// 64-bit difference hash, 16 hex digits.
    pub dhash: Option<String>,
    /// 64-bit DCT perceptual hash, 16 hex digits.
    pub phash: Option<String>,
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
    pub code: String,
    /// Its severity.
    pub severity: String,
    /// `bundle` or `batch`.
    pub scope: String,
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
    pub error_kind: String,
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
}

impl Rows {
    /// The rows of an input that could not be read.
    pub fn from_error(path: &str, kind: &str, message: &str) -> Rows {
        Rows {
            error: Some(ErrorRow {
                path: path.to_owned(),
                error_kind: kind.to_owned(),
                message: message.to_owned(),
            }),
            ..Rows::default()
        }
    }

    /// The rows of one bundle report.
    pub fn from_report(report: &BundleReport, ctx: &RowContext<'_>) -> Rows {
        let path = report.path.clone();
        let id = &report.identity;
        let process = report.process.as_ref();
        let redactor = ctx.redactor;
        let pseudo = |domain: Domain, value: &Option<String>| -> Option<String> {
            match (redactor, value) {
                (Some(r), Some(v)) => Some(r.pseudonym(domain, v)),
                (_, v) => v.clone(),
            }
        };
        let process_id = process.and_then(|p| p.process_id.clone());
        let scrubber = redactor.map(|r| r.scrubber(id, process_id.as_deref()));
        let findings: Vec<Finding> = match &scrubber {
            Some(s) => report.findings.iter().map(|f| s.finding(f)).collect(),
            None => report.findings.clone(),
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
        let image = |kind: EntryKind| match report.media.get(&kind) {
            Some(MediaInfo::Image(info)) => Some(info),
            _ => None,
        };
        let media_sha = |kind: EntryKind| match report.media.get(&kind) {
            Some(MediaInfo::Image(info)) => Some(info.sha256.clone()),
            Some(MediaInfo::Video(info)) => Some(info.sha256.clone()),
            None => None,
        };
        let reported = report
            .reported_status
            .as_ref()
            .map(|s| s.as_str().to_owned());
        let derived = report.derived_status.as_str().to_owned();
        let bundle = BundleRow {
            path: path.clone(),
            sha256: report.sha256.clone(),
            size_bytes: report.size_bytes,
            entries: u32::try_from(report.entries.len()).unwrap_or(u32::MAX),
            shape: report.shape.map(|s| s.as_str().to_owned()),
            process_id: pseudo(Domain::ProcessId, &process_id),
            provider: process.and_then(|p| p.provider.clone()),
            process_type: process.and_then(|p| p.process_type.clone()),
            created_at: process.and_then(|p| p.created_at),
            capture_date: report.capture_date,
            status: reported.clone().unwrap_or_else(|| derived.clone()),
            reported_status: reported,
            derived_status: derived,
            similarity_score: report.similarity_score.clone(),
            liveness_detected: report.liveness_detected,
            document_type: id.document_type.clone(),
            issuing_country: id.issuing_country.clone(),
            nationality: id.nationality.clone(),
            gender: id.gender.clone(),
            date_of_birth: if redactor.is_some() {
                None
            } else {
                id.date_of_birth
            },
            birth_year: id.date_of_birth.map(|d| d.year()),
            date_of_expiry: id.date_of_expiry,
            document_number: pseudo(Domain::DocumentNumber, &id.document_number),
            document_key,
            personal_identification_number: pseudo(
                Domain::PersonalNumber,
                &id.personal_identification_number,
            ),
            first_name: pseudo(Domain::Name, &id.first_name),
            last_name: pseudo(Domain::Name, &id.last_name),
            fail_reason_type: process
                .and_then(|p| p.fail_reason.as_ref())
                .and_then(|f| f.kind.clone()),
            manual_decision: report
                .manual_approval
                .as_ref()
                .and_then(|m| m.decision.as_ref())
                .map(|d| match d {
                    eidscope_model::Decision::Accepted => "accepted".to_owned(),
                    eidscope_model::Decision::Rejected => "rejected".to_owned(),
                }),
            checks_failed: count(report.security_checks.values().filter(|valid| !**valid)),
            features_not_found: count(report.features.iter().filter(|f| f.found == Some(false))),
            findings: count(findings.iter()),
            max_severity: findings
                .iter()
                .map(|f| f.severity)
                .max()
                .map(|s| s.as_str().to_owned()),
            reasons: match &scrubber {
                Some(s) => s.text(&report.reasons.join("; ")),
                None => report.reasons.join("; "),
            },
            front_sha256: media_sha(EntryKind::Front),
            back_sha256: media_sha(EntryKind::Back),
            selfie_sha256: media_sha(EntryKind::Selfie),
            portrait_sha256: media_sha(EntryKind::Portrait),
            video_sha256: media_sha(EntryKind::Video),
            selfie_dhash: image(EntryKind::Selfie).and_then(|i| i.dhash.clone()),
            selfie_phash: image(EntryKind::Selfie).and_then(|i| i.phash.clone()),
            portrait_dhash: image(EntryKind::Portrait).and_then(|i| i.dhash.clone()),
            portrait_phash: image(EntryKind::Portrait).and_then(|i| i.phash.clone()),
            level: ctx.level.as_str().to_owned(),
            shard: ctx.shard.map(|s| s.to_string()),
            redacted: redactor.is_some(),
        };
        let checks = report
            .security_checks
            .iter()
            .map(|(check, valid)| CheckRow {
                path: path.clone(),
                check: check.clone(),
                valid: *valid,
            })
            .collect();
        let features = report
            .features
            .iter()
            .map(|f| FeatureRow {
                path: path.clone(),
                name: f.name.clone(),
                side: f.side.clone(),
                found: f.found,
                x: f.bbox.map(|b| b.x),
                y: f.bbox.map(|b| b.y),
                width: f.bbox.map(|b| b.width),
                height: f.bbox.map(|b| b.height),
            })
            .collect();
        let media = report
            .media
            .iter()
            .map(|(kind, info)| media_row(&path, *kind, info))
            .collect();
        let findings = findings.iter().map(|f| finding_row(&path, f)).collect();
        Rows {
            bundle: Some(bundle),
            checks,
            features,
            media,
            findings,
            error: None,
        }
    }

    /// The severities of this input's findings.
    pub fn severities(&self) -> impl Iterator<Item = Severity> + '_ {
        self.findings.iter().filter_map(|f| f.severity.parse().ok())
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// The row of a single-bundle finding.
pub fn finding_row(path: &str, finding: &Finding) -> FindingRow {
    FindingRow {
        path: path.to_owned(),
        code: finding.code.as_str().to_owned(),
        severity: finding.severity.as_str().to_owned(),
        scope: scope_word(finding.code.spec().scope).to_owned(),
        message: finding.message.clone(),
        evidence: finding.evidence.to_string(),
        key: None,
        paths: None,
    }
}

/// The word of a finding scope, as in the `scope` column.
pub fn scope_word(scope: FindingScope) -> &'static str {
    match scope {
        FindingScope::Bundle => "bundle",
        FindingScope::Batch => "batch",
    }
}

fn media_row(path: &str, kind: EntryKind, info: &MediaInfo) -> MediaRow {
    match info {
        MediaInfo::Image(i) => MediaRow {
            path: path.to_owned(),
            kind: kind.as_str().to_owned(),
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
            decoded: i.decoded,
            decode_error: i.decode_error.clone(),
            structure_error: i.structure_error.clone(),
            trailing_bytes: i.trailing_bytes,
            dhash: i.dhash.clone(),
            phash: i.phash.clone(),
            ..MediaRow::default()
        },
        MediaInfo::Video(v) => {
            let stream = v.streams.iter().find(|s| s.kind == "video");
            MediaRow {
                path: path.to_owned(),
                kind: kind.as_str().to_owned(),
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
                ..MediaRow::default()
            }
        }
    }
}
