//! The `bundles` row of a report (its identity pseudonymised under `--redact`, its counts, the
//! media hashes) and the `findings` rows. Never reads a file.

use super::*;

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
    pub(super) fn of(report: &BundleReport, redactor: Option<&Redactor>) -> Personal {
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
    pub(super) fn of(
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
