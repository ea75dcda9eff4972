//! The bundle reader end to end on zips built in memory: entry recognition, both OCR shapes,
//! the manual review, damaged entries and the limits.

#![allow(clippy::unwrap_used)]

use eidscope_bundle::{Archive, Bundle, BundleError, EntryLimit, Limits, Process, ReadPlan};
use eidscope_model::{EntryKind, ErrorKind, Note, Reason, Shape, SimilarityLevel, Status};
use serde_json::json;
use std::io::Write;

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            z.start_file(*name, options).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

fn bundle(entries: &[(&str, &[u8])], process: Option<serde_json::Value>) -> Bundle {
    let archive = Archive::from_bytes(&zip(entries), ReadPlan::ALL, &Limits::default()).unwrap();
    let process = process.map(|p| Process::from_json(&p, "process.json"));
    Bundle::assemble("b.zip".into(), archive, process).unwrap()
}

fn raw_ocr() -> serde_json::Value {
    json!({
        "id": "c0ffee", "process": "Unattended", "status": "Completed", "tenantId": "t1", "idType": 62,
        "request": {"date": 1_623_233_082_000_i64, "minSimilarityLevel": "High"},
        "completion": {"date": 1_623_233_141_000_i64},
        "document": {
            "type": "TD3", "issuer": "uto", "expiryDate": "120415", "passportNumber": "L898902C3",
            "subject": {"primaryName": "ANNA MARIA", "secondaryName": "ERIKSSON", "birthDate": "740812",
                        "sex": "f", "nationality": "UTO", "personalNumber": "ZE184226B"}
        },
        "biometrics": {"face": {"similarityLevel": "VeryLow"}},
        "features": {
            "flag": {"name": "flag", "found": true, "bbox": {"x": 1, "y": 2, "width": 3, "height": 4}, "side": "DATA"},
            "hologram": {"found": "false", "side": "data"}
        },
        "securityChecks": {
            "nonExpired": {"name": "nonExpired", "passed": false},
            "liveness": {"name": "liveness", "passed": "true"},
            "notUnderage": {"name": "notUnderage", "passed": true}
        }
    })
}

#[test]
fn documented_entries_are_found_in_folders_any_case_and_jpg() {
    let b = bundle(
        &[
            ("result/OCR.JSON", b"{}"),
            ("result/Front.JPG", b"x"),
            ("result/front.jpeg", b"y"),
            ("extra.txt", b"z"),
            ("result/", b""),
        ],
        None,
    );
    let kinds: Vec<EntryKind> = b.archive.entries.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EntryKind::Ocr,
            EntryKind::Front,
            EntryKind::Unexpected,
            EntryKind::Unexpected,
            EntryKind::Unexpected
        ]
    );
    assert_eq!(b.archive.contents[&EntryKind::Front].bytes, b"x");
    assert!(b.notes.contains(&Note::SecondEntry {
        file: "front.jpeg".into(),
        name: "result/front.jpeg".into()
    }));
    assert!(b.archive.entries[4].directory);
}

#[test]
fn raw_shape_maps_to_the_normalised_model() {
    let ocr = serde_json::to_vec(&raw_ocr()).unwrap();
    let b = bundle(&[("ocr.json", &ocr)], None);
    let o = b.ocr.as_ref().unwrap();
    assert_eq!(o.shape, Shape::EidRaw);
    assert_eq!(o.identity.first_name.as_deref(), Some("ANNA MARIA"));
    assert_eq!(o.identity.last_name.as_deref(), Some("ERIKSSON"));
    assert_eq!(o.identity.document_number.as_deref(), Some("L898902C3"));
    assert_eq!(o.identity.issuing_country.as_deref(), Some("UTO"));
    assert_eq!(o.identity.gender.as_deref(), Some("F"));
    assert_eq!(
        o.identity.document_type,
        Some(eidscope_model::DocumentType::Passport),
        "the raw TD3 is a passport"
    );
    assert_eq!(o.identity.document_type_raw.as_deref(), Some("TD3"));
    assert_eq!(o.identity.date_of_birth.unwrap().to_string(), "1974-08-12");
    assert_eq!(o.identity.date_of_expiry.unwrap().to_string(), "2012-04-15");
    assert_eq!(o.similarity, Some(SimilarityLevel::VeryLow));
    assert_eq!(o.security_checks.get("livenessDetected"), Some(&true));
    assert_eq!(o.security_checks.get("nonExpired"), Some(&false));
    assert_eq!(o.liveness_detected, Some(true));
    assert!(!o.liveness_stated);
    assert_eq!(o.features.len(), 2);
    assert_eq!(o.features[0].side.as_deref(), Some("data"));
    assert_eq!(
        o.features[1].name, "OVI 1",
        "one vocabulary for both shapes"
    );
    assert_eq!(o.features[1].name_raw, "hologram");
    assert_eq!(o.features[1].found, Some(false));
    // No process: the capture date comes from the raw result's completion time.
    assert_eq!(b.capture.as_ref().unwrap().1, "ocr.completion.date");
    assert_eq!(b.derivation.status, Status::Rejected);
    assert_eq!(
        b.derivation.reasons,
        [
            Reason::SecurityCheck("nonExpired".into()),
            Reason::Similarity(Some("verylow".into())),
            Reason::FeatureNotFound("hologram".into())
        ]
    );
}

#[test]
fn raw_error_variant_means_no_ocr_data() {
    let b = bundle(
        &[(
            "ocr.json",
            br#"{"error": "DocumentNotFound", "message": "no document"}"#,
        )],
        None,
    );
    assert_eq!(
        b.ocr.as_ref().unwrap().error.as_deref(),
        Some("DocumentNotFound: no document")
    );
    assert_eq!(b.derivation.status, Status::Failed);
    assert_eq!(b.derivation.reasons, [Reason::OcrError]);
}

#[test]
fn tolerant_of_types_case_and_empty_strings() {
    let ocr = json!({
        "SimilarityScore": "HIGH", "livenessDetected": true, "firstName": "", "lastName": "X",
        "features": [{"name": "Photo", "found": "TRUE", "bbox": [1, 2, 3, 4], "side": "data"}],
        "securityChecks": [{"name": "nonExpired", "valid": "true"}],
        "dateOfBirth": "1990-02-30", "gender": "Q", "nationality": "ZZZ", "unknownField": {"kept": true}
    });
    let b = bundle(&[("ocr.json", &serde_json::to_vec(&ocr).unwrap())], None);
    let o = b.ocr.as_ref().unwrap();
    assert_eq!(o.similarity, Some(SimilarityLevel::High));
    assert_eq!(o.identity.first_name, None);
    assert_eq!(o.features[0].found, Some(true));
    assert_eq!(o.features[0].bbox.unwrap().width, 3);
    assert_eq!(o.security_checks.get("nonExpired"), Some(&true));
    let issues: Vec<&str> = o.field_issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(issues, ["gender", "nationality", "date_of_birth"]);
    assert_eq!(o.raw["unknownField"]["kept"], true);
    assert_eq!(b.derivation.status, Status::Accepted);
}

#[test]
fn the_agent_decision_rejects() {
    let ocr = json!({"similarityScore": "high", "securityChecks": {"nonExpired": {"valid": true}}});
    let manual = json!({"verification": {"status": "Declined", "reviewer": {"name": "ra-9"}, "comments": ["blurred"]}});
    let b = bundle(
        &[
            ("ocr.json", &serde_json::to_vec(&ocr).unwrap()),
            (
                "manual_approval.json",
                &serde_json::to_vec(&manual).unwrap(),
            ),
        ],
        Some(
            json!({"status": "accepted", "processType": "attended", "createdAt": "2021-06-09T10:04:42Z"}),
        ),
    );
    assert_eq!(b.derivation.status, Status::Rejected);
    assert_eq!(b.derivation.reasons, [Reason::ManualRejection]);
    let m = b.manual_approval.as_ref().unwrap();
    assert_eq!(m.agent.as_deref(), Some("ra-9"));
    assert_eq!(m.reasons, ["blurred"]);
}

#[test]
fn a_damaged_media_entry_is_kept_and_marked_a_damaged_json_entry_is_an_error() {
    let good = zip(&[
        ("front.jpeg", &[7u8; 5000]),
        ("ocr.json", b"{\"similarityScore\": \"high\"}"),
    ]);
    // Flip a byte inside the first entry's deflate stream: its CRC no longer matches.
    let mut bad = good.clone();
    let at = 30 + "front.jpeg".len() + 2;
    bad[at] ^= 0x55;
    match Archive::from_bytes(&bad, ReadPlan::ALL, &Limits::default()) {
        Ok(a) => assert!(a.damaged.contains_key(&EntryKind::Front), "{:?}", a.damaged),
        Err(e) => assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}"),
    }
    let mut bad_json = zip(&[("ocr.json", &[b' '; 4000])]);
    let at = 30 + "ocr.json".len() + 2;
    bad_json[at] ^= 0x55;
    let err = Archive::from_bytes(&bad_json, ReadPlan::ALL, &Limits::default()).unwrap_err();
    assert!(
        matches!(&err, BundleError::EntryDamaged { entry, .. } if entry == "ocr.json"),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::Corrupt);
}

#[test]
fn limits_count_what_is_read_not_what_is_declared() {
    let limits = Limits {
        max_entries: 3,
        ..Limits::default()
    };
    let many = zip(&[("a", b"1"), ("b", b"2"), ("c", b"3"), ("d", b"4")]);
    assert!(matches!(
        Archive::from_bytes(&many, ReadPlan::ALL, &limits).unwrap_err(),
        BundleError::TooManyEntries { count: 4, limit: 3 }
    ));
    let limits = Limits {
        max_json_bytes: 1000,
        ..Limits::default()
    };
    let big = zip(&[("ocr.json", &[b' '; 1001])]);
    let err = Archive::from_bytes(&big, ReadPlan::ALL, &limits).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(
        matches!(&err, BundleError::EntryOverLimit { entry, limit: EntryLimit::Size { cap: 1000 } } if entry == "ocr.json"),
        "{err}"
    );
    // At --level meta the media entries are listed but never decompressed.
    let media = zip(&[("video.mp4", &[0u8; 3_000_000])]);
    let a = Archive::from_bytes(&media, ReadPlan::META, &Limits::default()).unwrap();
    assert!(a.contents.is_empty());
    assert_eq!(a.entries[0].size, 3_000_000);
}

#[test]
fn two_digit_years_resolve_against_the_process_date() {
    let ocr = json!({"document": {"type": "TD1", "expiryDate": "300101", "subject": {"birthDate": "050101"}}});
    let b = bundle(
        &[("ocr.json", &serde_json::to_vec(&ocr).unwrap())],
        Some(json!({"createdAt": "2024-05-01T00:00:00Z"})),
    );
    let id = &b.ocr.as_ref().unwrap().identity;
    assert_eq!(id.date_of_birth.unwrap().to_string(), "2005-01-01");
    assert_eq!(id.date_of_expiry.unwrap().to_string(), "2030-01-01");
}

#[test]
fn at_media_level_the_video_is_hashed_not_kept() {
    use sha2::Digest;
    let video = vec![9u8; 300_000];
    let bytes = zip(&[("video.mp4", &video), ("front.jpeg", b"jpeg")]);
    let a = Archive::from_bytes(&bytes, ReadPlan::MEDIA, &Limits::default()).unwrap();
    let data = &a.contents[&EntryKind::Video];
    assert!(data.bytes.is_empty());
    assert_eq!(data.size, 300_000);
    assert_eq!(data.sha256, hex::encode(sha2::Sha256::digest(&video)));
    assert_eq!(a.contents[&EntryKind::Front].bytes, b"jpeg");
    let all = Archive::from_bytes(&bytes, ReadPlan::ALL, &Limits::default()).unwrap();
    assert_eq!(all.contents[&EntryKind::Video].bytes, video);
    assert_eq!(all.contents[&EntryKind::Video].sha256, data.sha256);
}
