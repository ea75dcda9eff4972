//! The bundle reader end to end on zips built in memory: entry recognition, both OCR shapes,
//! the manual review, damaged entries and the limits.

#![allow(clippy::unwrap_used)]

use eidscope_bundle::{Archive, Bundle, BundleError, EntryLimit, Limits, Process, ReadPlan};
use eidscope_model::{EntryKind, ErrorKind, Note, Reason, Shape, SimilarityLevel, Status};
use serde_json::json;
use std::io::Write;
use zip::unstable::write::FileOptionsExt;

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
            Reason::FeatureNotFound("OVI 1".into())
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
fn a_damaged_media_entry_is_kept_and_a_damaged_json_entry_is_read_around() {
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
    let mut bad_json = zip(&[("ocr.json", &[b' '; 4000]), ("front.jpeg", b"jpeg")]);
    let at = 30 + "ocr.json".len() + 2;
    bad_json[at] ^= 0x55;
    let archive = Archive::from_bytes(&bad_json, ReadPlan::ALL, &Limits::default()).unwrap();
    assert!(archive.damaged[&EntryKind::Ocr].starts_with("entry data is damaged"));
    assert!(!archive.contents.contains_key(&EntryKind::Ocr));
    let b = Bundle::assemble("b.zip".into(), archive, None).unwrap();
    assert!(b.ocr.is_none());
    assert_eq!(b.unreadable_json[&EntryKind::Ocr].0, "ocr.json");
    assert_eq!(b.archive.contents[&EntryKind::Front].bytes, b"jpeg");
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

/// The positions of every local and central header naming `name` (stored names are not
/// compressed, so they can be found and patched in the bytes).
fn headers_of(bytes: &[u8], name: &str) -> Vec<(usize, bool)> {
    let mut found = Vec::new();
    for at in 0..bytes.len().saturating_sub(46) {
        let (local, central) = (
            &bytes[at..at + 4] == b"PK\x03\x04",
            &bytes[at..at + 4] == b"PK\x01\x02",
        );
        let name_at = if local {
            at + 30
        } else if central {
            at + 46
        } else {
            continue;
        };
        if bytes.get(name_at..name_at + name.len()) == Some(name.as_bytes()) {
            found.push((at, central));
        }
    }
    found
}

/// Sets a 16-bit field of every header of `name`: `local` is its offset in a local header
/// (the central header's is two bytes further on for flags and method).
fn patch(bytes: &mut [u8], name: &str, local: usize, f: impl Fn(u16) -> u16) {
    let headers = headers_of(bytes, name);
    assert!(!headers.is_empty(), "{name}");
    for (at, central) in headers {
        let field = at + local + if central { 2 } else { 0 };
        let value = f(u16::from_le_bytes([bytes[field], bytes[field + 1]]));
        bytes[field..field + 2].copy_from_slice(&value.to_le_bytes());
    }
}

fn rename(bytes: &mut [u8], from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    for (at, central) in headers_of(bytes, from) {
        let name_at = at + if central { 46 } else { 30 };
        bytes[name_at..name_at + to.len()].copy_from_slice(to.as_bytes());
    }
}

const OCR: &[u8] = br#"{"similarityScore": "high", "firstName": "ANNA"}"#;

#[test]
fn encrypted_entries_are_read_around_and_plain_data_under_the_flag_is_read() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let plain = zip::write::SimpleFileOptions::default();
        z.start_file("ocr.json", plain).unwrap();
        z.write_all(OCR).unwrap();
        let secret = plain.with_deprecated_encryption(b"pw").unwrap();
        z.start_file("secret.txt", secret).unwrap();
        z.write_all(b"hidden").unwrap();
        z.start_file("selfie.jpeg", secret).unwrap();
        z.write_all(b"a face").unwrap();
        z.start_file("front.jpeg", plain).unwrap();
        z.write_all(b"jpeg bytes").unwrap();
        z.finish().unwrap();
    }
    let mut bytes = buf.into_inner();
    // The encryption flag set on data that is not encrypted.
    patch(&mut bytes, "front.jpeg", 6, |flags| flags | 1);
    let a = Archive::from_bytes(&bytes, ReadPlan::ALL, &Limits::default()).unwrap();
    let encrypted: Vec<&str> = a
        .entries
        .iter()
        .filter(|e| e.encrypted)
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(encrypted, ["secret.txt", "selfie.jpeg", "front.jpeg"]);
    assert_eq!(a.contents[&EntryKind::Ocr].bytes, OCR);
    assert_eq!(a.contents[&EntryKind::Front].bytes, b"jpeg bytes");
    assert!(!a.contents.contains_key(&EntryKind::Selfie));
    assert!(a.damaged.is_empty(), "{:?}", a.damaged);
    // An encrypted ocr.json: the bundle is read without it.
    let mut only = zip(&[("ocr.json", OCR), ("front.jpeg", b"x")]);
    patch(&mut only, "ocr.json", 6, |flags| flags | 1);
    let mut encrypted_ocr = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut encrypted_ocr);
        let secret = zip::write::SimpleFileOptions::default()
            .with_deprecated_encryption(b"pw")
            .unwrap();
        z.start_file("ocr.json", secret).unwrap();
        z.write_all(OCR).unwrap();
        z.finish().unwrap();
    }
    let a = Archive::from_bytes(
        &encrypted_ocr.into_inner(),
        ReadPlan::ALL,
        &Limits::default(),
    )
    .unwrap();
    assert!(a.contents.is_empty() && a.entries[0].encrypted);
    let b = Bundle::assemble("b.zip".into(), a, None).unwrap();
    assert!(b.ocr.is_none() && b.unreadable_json.is_empty());
}

#[test]
fn every_entry_of_a_name_is_listed_and_the_first_is_read() {
    let mut bytes = zip(&[
        ("ocr.json", OCR),
        ("ocr.jsoX", br#"{"similarityScore": "low"}"#),
        ("x/OCR.JSON", b"{}"),
    ]);
    rename(&mut bytes, "ocr.jsoX", "ocr.json");
    let a = Archive::from_bytes(&bytes, ReadPlan::ALL, &Limits::default()).unwrap();
    let names: Vec<(&str, EntryKind)> = a
        .entries
        .iter()
        .map(|e| (e.name.as_str(), e.kind))
        .collect();
    assert_eq!(
        names,
        [
            ("ocr.json", EntryKind::Ocr),
            ("ocr.json", EntryKind::Unexpected),
            ("x/OCR.JSON", EntryKind::Unexpected)
        ]
    );
    assert_eq!(a.contents[&EntryKind::Ocr].bytes, OCR);
    // Duplicates are no inconsistency of the structure: each header agrees with its record.
    assert!(
        a.structure.problems.is_empty(),
        "{:?}",
        a.structure.problems
    );
}

#[test]
fn compression_methods_are_decompressed_or_named() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let bzip2 = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Bzip2);
        z.start_file("ocr.json", bzip2).unwrap();
        z.write_all(OCR).unwrap();
        z.start_file("front.jpeg", bzip2).unwrap();
        z.write_all(&[9u8; 3000]).unwrap();
        z.start_file("selfie.jpeg", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(&[8u8; 3000]).unwrap();
        z.finish().unwrap();
    }
    let mut bytes = buf.into_inner();
    // PPMd (98) on the selfie: eidscope does not decompress it, and says so.
    patch(&mut bytes, "selfie.jpeg", 8, |_| 98);
    let a = Archive::from_bytes(&bytes, ReadPlan::ALL, &Limits::default()).unwrap();
    assert_eq!(a.contents[&EntryKind::Ocr].bytes, OCR);
    assert_eq!(a.contents[&EntryKind::Front].bytes, [9u8; 3000]);
    assert_eq!(
        a.damaged[&EntryKind::Selfie],
        "compressed with PPMd (method 98), which eidscope does not decompress"
    );
}

#[test]
fn bytes_around_the_zip_are_measured_and_the_zip_is_read() {
    let plain = zip(&[("ocr.json", OCR), ("front.jpeg", b"x")]);
    let mut framed = b"MZ a self-extractor's stub\n".to_vec();
    let prefix = framed.len() as u64;
    framed.extend_from_slice(&plain);
    framed.extend_from_slice(b"and some junk after");
    let a = Archive::from_bytes(&framed, ReadPlan::ALL, &Limits::default()).unwrap();
    assert_eq!(a.structure.prefix_bytes, prefix);
    assert_eq!(a.structure.trailing_bytes, 19);
    assert!(
        a.structure.problems.is_empty(),
        "{:?}",
        a.structure.problems
    );
    assert_eq!(a.contents[&EntryKind::Ocr].bytes, OCR);
    let a = Archive::from_bytes(&plain, ReadPlan::ALL, &Limits::default()).unwrap();
    assert_eq!(a.structure, eidscope_bundle::Structure::default());
}

#[test]
fn an_inconsistent_structure_is_named() {
    // The local header of one entry names another file than its central record.
    let mut bytes = zip(&[("ocr.json", OCR), ("front.jpeg", b"x")]);
    let local = headers_of(&bytes, "front.jpeg")
        .into_iter()
        .find(|(_, central)| !central)
        .unwrap()
        .0;
    bytes[local + 30] = b'F';
    let a = Archive::from_bytes(&bytes, ReadPlan::ALL, &Limits::default()).unwrap();
    assert!(
        a.structure
            .problems
            .iter()
            .any(|p| p.contains("filename mismatch")),
        "{:?}",
        a.structure.problems
    );
    // A zip64 end record that counts another number of entries than the end record.
    let plain = zip(&[("ocr.json", OCR), ("front.jpeg", b"x")]);
    let eocd = plain.len() - 22;
    let cd_size = u64::from(u32::from_le_bytes(
        plain[eocd + 12..eocd + 16].try_into().unwrap(),
    ));
    let cd_offset = u64::from(u32::from_le_bytes(
        plain[eocd + 16..eocd + 20].try_into().unwrap(),
    ));
    let mut with64 = plain[..eocd].to_vec();
    let record_at = with64.len() as u64;
    with64.extend_from_slice(b"PK\x06\x06");
    with64.extend_from_slice(&44u64.to_le_bytes());
    with64.extend_from_slice(&[45, 0, 45, 0]);
    with64.extend_from_slice(&[0; 8]);
    with64.extend_from_slice(&3u64.to_le_bytes());
    with64.extend_from_slice(&3u64.to_le_bytes());
    with64.extend_from_slice(&cd_size.to_le_bytes());
    with64.extend_from_slice(&cd_offset.to_le_bytes());
    with64.extend_from_slice(b"PK\x06\x07");
    with64.extend_from_slice(&0u32.to_le_bytes());
    with64.extend_from_slice(&record_at.to_le_bytes());
    with64.extend_from_slice(&1u32.to_le_bytes());
    with64.extend_from_slice(&plain[eocd..]);
    let a = Archive::from_bytes(&with64, ReadPlan::ALL, &Limits::default()).unwrap();
    assert!(
        a.structure
            .problems
            .iter()
            .any(|p| p == "the end record gives entries 2, the zip64 end record 3"),
        "{:?}",
        a.structure.problems
    );
    // An end record that counts one entry fewer than the directory holds: one hides.
    let mut hidden = zip(&[("ocr.json", OCR), ("front.jpeg", b"x"), ("extra", b"y")]);
    let eocd = hidden.len() - 22;
    for field in [eocd + 8, eocd + 10] {
        hidden[field] -= 1;
    }
    let a = Archive::from_bytes(&hidden, ReadPlan::ALL, &Limits::default()).unwrap();
    assert_eq!(a.entries.len(), 2);
    assert!(
        a.structure
            .problems
            .iter()
            .any(|p| p.contains("more records than the 2 its end record counts")),
        "{:?}",
        a.structure.problems
    );
}

#[test]
fn a_zip_without_bundle_entries_is_not_a_bundle() {
    let readme = zip(&[("readme.txt", b"hello"), ("docs/", b"")]);
    let archive = Archive::from_bytes(&readme, ReadPlan::ALL, &Limits::default()).unwrap();
    let err = Bundle::assemble("r.zip".into(), archive, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotABundle);
    assert!(
        err.line().contains("only `readme.txt`, `docs/`"),
        "{}",
        err.line()
    );
    let empty = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    let archive = Archive::from_bytes(empty, ReadPlan::ALL, &Limits::default()).unwrap();
    let err = Bundle::assemble("e.zip".into(), archive, None).unwrap_err();
    assert_eq!(err.line(), "not a bundle: the zip holds no entry");
}

#[test]
fn names_in_code_page_437_are_decoded_as_such() {
    let mut bytes = zip(&[("ocr.json", OCR), ("fr_nt.txt", b"x")]);
    for (at, central) in headers_of(&bytes, "fr_nt.txt") {
        bytes[at + if central { 46 } else { 30 } + 2] = 0x84; // CP437 ä, not UTF-8
    }
    let a = Archive::from_bytes(&bytes, ReadPlan::ALL, &Limits::default()).unwrap();
    assert_eq!(a.entries[1].name, "fränt.txt");
}

#[test]
fn json_as_real_tools_write_it_is_read_with_notes_or_named() {
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(OCR);
    let deep = format!("{}{}", "[".repeat(500), "]".repeat(500));
    let b = bundle(
        &[
            ("ocr.json", &bom),
            ("manual_approval.json", deep.as_bytes()),
            ("front.jpeg", b"x"),
        ],
        None,
    );
    assert_eq!(
        b.ocr.as_ref().unwrap().identity.first_name.as_deref(),
        Some("ANNA")
    );
    assert!(b.notes.contains(&Note::JsonByteOrderMark {
        entry: "ocr.json".into()
    }));
    let (name, problem) = &b.unreadable_json[&EntryKind::ManualApproval];
    assert_eq!(name, "manual_approval.json");
    assert!(problem.contains("recursion limit"), "{problem}");
    assert!(b.manual_approval.is_none());
}

/// A bundle held in memory reads like the same bytes in a file: the same limits, and its
/// process judged by where it came from (named: must parse; beside: noted and left out).
#[test]
fn a_bundle_from_bytes_reads_like_its_file() {
    use eidscope_bundle::{ProcessBytes, ProcessSource};
    let ocr = serde_json::to_vec(&raw_ocr()).unwrap();
    let bytes = zip(&[("ocr.json", &ocr), ("front.jpeg", b"not really a jpeg")]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.zip");
    std::fs::write(&file, &bytes).unwrap();
    let limits = Limits::default();
    let opened = Bundle::open(&file, ProcessSource::Without, ReadPlan::ALL, &limits).unwrap();
    let read = Bundle::from_bytes("b.zip", &bytes, None, ReadPlan::ALL, &limits).unwrap();
    assert_eq!(read.archive.sha256, opened.archive.sha256);
    assert_eq!(read.archive.entries, opened.archive.entries);
    assert_eq!(read.derivation, opened.derivation);
    assert_eq!(read.notes, opened.notes);
    assert_eq!(read.path, "b.zip");

    let broken = ProcessBytes {
        name: "b.json",
        bytes: b"{ not json",
        beside: true,
    };
    let beside = Bundle::from_bytes("b.zip", &bytes, Some(broken), ReadPlan::ALL, &limits).unwrap();
    assert!(beside.process.is_none());
    assert!(matches!(&beside.notes[0], Note::ProcessIgnored { file, .. } if file == "b.json"));
    let named = ProcessBytes {
        beside: false,
        ..broken
    };
    let error =
        Bundle::from_bytes("b.zip", &bytes, Some(named), ReadPlan::ALL, &limits).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedJson);
    assert!(
        error
            .line()
            .starts_with("b.json: process file is not valid JSON"),
        "{}",
        error.line()
    );

    let small = Limits {
        max_file_bytes: 10,
        ..Limits::default()
    };
    let error = Bundle::from_bytes("b.zip", &bytes, None, ReadPlan::ALL, &small).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Limit);
    let error = Bundle::from_bytes("b.zip", b"", None, ReadPlan::ALL, &limits).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Empty);
    let error = Bundle::from_bytes("b.zip", b"GIF89a", None, ReadPlan::ALL, &limits).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotZip);
}
