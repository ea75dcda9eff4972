//! The rules of [`find_links`] on hand-made batches: each code, the identity and document
//! normalisation, grouping into components, and what must not link.

#![allow(clippy::unwrap_used)]

use super::*;
use chrono::TimeDelta;
use eidscope_model::{FindingCode, Severity};

fn person(path: &str, first: &str, last: &str, born: &str, document: &str) -> LinkRecord {
    LinkRecord {
        path: path.to_owned(),
        first_name: Some(first.to_owned()),
        last_name: Some(last.to_owned()),
        date_of_birth: Some(born.parse().unwrap()),
        issuing_country: Some("UTO".to_owned()),
        document_number: Some(document.to_owned()),
        created_at: None,
        ..LinkRecord::default()
    }
}

fn picture(sha: &str, dhash: u64, phash: u64) -> Option<PictureHashes> {
    Some(PictureHashes {
        sha256: sha.repeat(64 / sha.len()),
        dhash: Some(PerceptualHash(dhash)),
        phash: Some(PerceptualHash(phash)),
    })
}

fn at(hours: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    Some(chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap() + TimeDelta::hours(hours))
}

/// The hashes of the picture tests are placed around a near-duplicate radius of 8 bits.
fn eight_bits() -> LinkConfig {
    LinkConfig {
        near_bits: 8,
        ..LinkConfig::default()
    }
}

fn codes(findings: &[LinkFinding]) -> Vec<(FindingCode, Vec<&str>)> {
    findings
        .iter()
        .map(|f| (f.code, f.paths.iter().map(String::as_str).collect()))
        .collect()
}

#[test]
fn one_document_under_two_names_is_document_reuse() {
    let records = vec![
        person("c.zip", "Anna", "Eriksson", "1974-08-12", "L898902C3"),
        person("a.zip", "ANNA", "ERIKSSON", "1974-08-12", "l898 902-c3"),
        person("b.zip", "Jon", "Smith", "1980-01-01", "L898/902.C3"),
        person("d.zip", "Anna", "Eriksson", "1974-08-12", "X1"),
    ];
    let findings = find_links(&records, &LinkConfig::default());
    assert_eq!(
        codes(&findings),
        vec![(FindingCode::DocumentReuse, vec!["a.zip", "b.zip", "c.zip"])]
    );
    let finding = &findings[0];
    assert_eq!(finding.key, "UTO:L898902C3");
    assert_eq!(finding.severity, Severity::High);
    assert!(
        finding.message.contains("2 identities"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("JON SMITH, born 1980-01-01"),
        "{}",
        finding.message
    );
}

#[test]
fn a_different_birth_date_is_a_different_identity_and_a_retry_is_not() {
    let mut records = vec![
        person("a.zip", "Anna", "Eriksson", "1974-08-12", "L1"),
        person("b.zip", "Anna", "Eriksson", "1974-08-13", "L1"),
        person("c.zip", "Kari", "Nordmann", "1978-07-10", "K1"),
        person("d.zip", "kari", "nordmann", "1978-07-10", "K1"),
    ];
    // Same number, other country: another document.
    records.push(LinkRecord {
        issuing_country: Some("NOR".to_owned()),
        ..person("e.zip", "Ola", "Nordmann", "1990-01-01", "K1")
    });
    let findings = find_links(&records, &LinkConfig::default());
    assert_eq!(
        codes(&findings),
        vec![(FindingCode::DocumentReuse, vec!["a.zip", "b.zip"])]
    );
}

#[test]
fn a_byte_identical_picture_under_two_identities_is_media_reuse_and_a_chain_is_one_group() {
    let mut a = person("a.zip", "A", "One", "1970-01-01", "D1");
    let mut b = person("b.zip", "B", "Two", "1970-01-02", "D2");
    let mut c = person("c.zip", "C", "Three", "1970-01-03", "D3");
    let mut a_again = person("a2.zip", "A", "One", "1970-01-01", "D1");
    // a and b share a selfie; b's front is c's back: one ring of three.
    a.selfie = picture("aa", 1, 1);
    b.selfie = picture("aa", 1, 1);
    b.front = picture("bb", 0xffff, 0xffff);
    c.back = picture("bb", 0xffff, 0xffff);
    // a and its own retry share a portrait: the same person, no link.
    a.portrait = picture("cc", 0x00f0_f0f0, 0x00f0_f0f0);
    a_again.portrait = picture("cc", 0x00f0_f0f0, 0x00f0_f0f0);
    let findings = find_links(&[a, b, c, a_again], &LinkConfig::default());
    assert_eq!(
        codes(&findings),
        vec![(FindingCode::MediaReuse, vec!["a.zip", "b.zip", "c.zip"])]
    );
    assert_eq!(findings[0].key.len(), 64);
    assert!(
        findings[0].message.contains(
            "2 identical front, back and selfie pictures (first sha256 aaaaaaaaaaaaaaaa) appear"
        ),
        "{}",
        findings[0].message
    );
}

#[test]
fn near_copies_are_face_near_duplicates_but_identical_bytes_are_not() {
    let base = 0x0f0f_3c3c_a5a5_9696u64;
    let mut a = person("a.zip", "A", "One", "1970-01-01", "D1");
    let mut b = person("b.zip", "B", "Two", "1970-01-02", "D2");
    let mut c = person("c.zip", "C", "Three", "1970-01-03", "D3");
    let mut d = person("d.zip", "D", "Four", "1970-01-04", "D4");
    let mut e = person("e.zip", "E", "Five", "1970-01-05", "D5");
    a.selfie = picture("a1", base, base);
    // b: 8 bits away on both hashes (within the default limit of 10); c: b's portrait reused as a selfie, 3 bits
    // from b's selfie. One ring of three.
    b.selfie = picture("b1", base ^ 0xff, base ^ 0xff00);
    b.portrait = picture("b2", base ^ 0xff ^ 0x7, base ^ 0xff00 ^ 0x7);
    c.selfie = picture("c1", base ^ 0xff ^ 0x7 ^ 0x1, base ^ 0xff00 ^ 0x7);
    // d: 11 bits on the pHash: not near. e: byte-identical to d (media-reuse, not near).
    d.selfie = picture("d1", !base, !base ^ 0x7ff);
    e.selfie = picture("d1", !base, !base ^ 0x7ff);
    let mut far = person("f.zip", "F", "Six", "1970-01-06", "D6");
    far.selfie = picture("f1", !base ^ 0x3, !base);
    let findings = find_links(&[a, b, c, d, e, far], &eight_bits());
    assert_eq!(
        codes(&findings),
        vec![
            (FindingCode::MediaReuse, vec!["d.zip", "e.zip"]),
            (
                FindingCode::FaceNearDuplicate,
                vec!["a.zip", "b.zip", "c.zip"]
            ),
        ]
    );
    let near = &findings[1];
    assert_eq!(near.severity, Severity::Medium);
    assert_eq!(near.key, "a1".repeat(32));
    assert!(
        near.message.contains("at most 8 bits apart; limit 8"),
        "{}",
        near.message
    );
    // With a tighter limit only the close pair remains.
    let config = LinkConfig {
        near_bits: 4,
        ..LinkConfig::default()
    };
    let records = find_links(
        &[
            LinkRecord {
                selfie: picture("b1", base ^ 0xff, base ^ 0xff00),
                portrait: picture("b2", base ^ 0xff ^ 0x7, base ^ 0xff00 ^ 0x7),
                ..person("b.zip", "B", "Two", "1970-01-02", "D2")
            },
            LinkRecord {
                selfie: picture("c1", base ^ 0xff ^ 0x7 ^ 0x1, base ^ 0xff00 ^ 0x7),
                ..person("c.zip", "C", "Three", "1970-01-03", "D3")
            },
            LinkRecord {
                selfie: picture("a1", base, base),
                ..person("a.zip", "A", "One", "1970-01-01", "D1")
            },
        ],
        &config,
    );
    assert_eq!(
        codes(&records),
        vec![(FindingCode::FaceNearDuplicate, vec!["b.zip", "c.zip"])]
    );
}

#[test]
fn nobody_never_counts_as_another_identity() {
    let mut a = person("a.zip", "A", "One", "1970-01-01", "D1");
    let mut failed = LinkRecord {
        path: "failed.zip".to_owned(),
        ..LinkRecord::default()
    };
    a.selfie = picture("aa", 1, 1);
    failed.selfie = picture("aa", 1, 1);
    assert!(find_links(&[a.clone(), failed.clone()], &LinkConfig::default()).is_empty());
    // ...but is listed when the picture links two people.
    let mut b = person("b.zip", "B", "Two", "1970-01-02", "D2");
    b.selfie = picture("aa", 1, 1);
    let findings = find_links(&[a, failed, b], &LinkConfig::default());
    assert_eq!(
        codes(&findings),
        vec![(
            FindingCode::MediaReuse,
            vec!["a.zip", "b.zip", "failed.zip"]
        )]
    );
}

#[test]
fn velocity_counts_attempts_with_one_document_in_a_closed_window() {
    let attempt = |path: &str, hours: i64, number: &str| LinkRecord {
        created_at: at(hours),
        ..person(path, "A", "One", "1970-01-01", number)
    };
    // Exactly 24 h from first to third: fires (the window is closed).
    let records = vec![
        attempt("a.zip", 0, "D1"),
        attempt("b.zip", 12, "d 1"),
        attempt("c.zip", 24, "D-1"),
    ];
    let findings = find_links(&records, &LinkConfig::default());
    assert_eq!(
        codes(&findings),
        vec![(FindingCode::Velocity, vec!["a.zip", "b.zip", "c.zip"])]
    );
    assert_eq!(findings[0].key, "UTO:D1");
    assert!(
        findings[0]
            .message
            .starts_with("3 attempts with document UTO:D1 within 1 d"),
        "{}",
        findings[0].message
    );
    // One second more: nothing.
    let mut late = records.clone();
    late[2].created_at = late[2].created_at.map(|t| t + TimeDelta::seconds(1));
    assert!(find_links(&late, &LinkConfig::default()).is_empty());
    // A looser rule catches it; a stricter one does not catch the first batch.
    let week = LinkConfig {
        velocity: "3/7d".parse().unwrap(),
        ..LinkConfig::default()
    };
    assert_eq!(find_links(&late, &week).len(), 1);
    let four = LinkConfig {
        velocity: "4/24h".parse().unwrap(),
        ..LinkConfig::default()
    };
    assert!(find_links(&records, &four).is_empty());
    // Attempts without a time take no part.
    let mut untimed = records;
    untimed[1].created_at = None;
    assert!(find_links(&untimed, &LinkConfig::default()).is_empty());
}

#[test]
fn findings_come_in_a_fixed_order_whatever_the_input_order() {
    let mut records = vec![
        person("z.zip", "A", "One", "1970-01-01", "D1"),
        person("y.zip", "B", "Two", "1970-01-02", "D1"),
        person("b.zip", "C", "Three", "1970-01-03", "D0"),
        person("a.zip", "D", "Four", "1970-01-04", "D0"),
    ];
    records[0].selfie = picture("ee", 5, 5);
    records[3].selfie = picture("ee", 5, 5);
    let forward = find_links(&records, &LinkConfig::default());
    records.reverse();
    assert_eq!(find_links(&records, &LinkConfig::default()), forward);
    assert_eq!(
        codes(&forward),
        vec![
            (FindingCode::DocumentReuse, vec!["a.zip", "b.zip"]),
            (FindingCode::DocumentReuse, vec!["y.zip", "z.zip"]),
            (FindingCode::MediaReuse, vec!["a.zip", "z.zip"]),
        ]
    );
}

#[test]
fn hostile_values_do_not_link_or_panic() {
    let mut a = person("a.zip", "A", "One", "1970-01-01", " -/. ");
    let mut b = person("b.zip", "B", "Two", "1970-01-02", "");
    a.selfie = Some(PictureHashes {
        sha256: EMPTY_SHA256.to_owned(),
        dhash: Some(PerceptualHash(0)),
        phash: None,
    });
    b.selfie = a.selfie.clone();
    // Equal hashes but one missing on each side: not a near duplicate.
    a.portrait = Some(PictureHashes {
        sha256: "ab".to_owned(),
        dhash: Some(PerceptualHash(u64::MAX)),
        phash: None,
    });
    b.portrait = Some(PictureHashes {
        sha256: "cd".to_owned(),
        dhash: None,
        phash: Some(PerceptualHash(u64::MAX)),
    });
    assert!(find_links(&[a, b], &LinkConfig::default()).is_empty());
    assert!(find_links(&[], &LinkConfig::default()).is_empty());
}

/// One German passport read under a spelling of its holder's name, `hours` into the batch.
fn spelled(path: &str, first: &str, last: &str, hours: i64) -> LinkRecord {
    LinkRecord {
        issuing_country: Some("DEU".to_owned()),
        created_at: at(hours),
        ..person(path, first, last, "2002-12-16", "C01X00T47")
    }
}

/// The case: the visual zone's reading and two MRZ transliterations, days apart.
fn three_spellings() -> Vec<LinkRecord> {
    vec![
        spelled("a.zip", "JÜRGEN", "MÜLLER", 0),
        spelled("b.zip", "JUERGEN", "MUELLER", 50),
        spelled("c.zip", "Jurgen", "Muller", 100),
    ]
}

#[test]
fn spellings_of_one_holder_are_one_identity_and_only_a_note() {
    let findings = find_links(&three_spellings(), &LinkConfig::default());
    assert_eq!(
        codes(&findings),
        vec![(FindingCode::NameVariants, vec!["a.zip", "b.zip", "c.zip"])]
    );
    let note = &findings[0];
    assert_eq!(note.severity, Severity::Info);
    assert_eq!(note.key, "DEU:C01X00T47");
    assert!(
        note.message.starts_with(
            "Document DEU:C01X00T47 was read under 3 spellings of one holder's name (JÜRGEN MÜLLER; \
             JUERGEN MUELLER; JURGEN MULLER), born 2002-12-16, in 3 bundles"
        ),
        "{}",
        note.message
    );
    // Initials and a name cut by the MRZ are spellings too.
    let mut more = three_spellings();
    more.push(spelled("d.zip", "J", "MUELLER", 150));
    let findings = find_links(&more, &LinkConfig::default());
    assert_eq!(codes(&findings)[0].0, FindingCode::NameVariants);
    assert!(findings[0].message.contains("4 spellings"));
    // One spelling, however often: nothing.
    let same: Vec<LinkRecord> = (0..3)
        .map(|k| spelled(&format!("{k}.zip"), "Jürgen", "Müller", 50 * k))
        .collect();
    assert!(find_links(&same, &LinkConfig::default()).is_empty());
}

#[test]
fn another_birth_date_or_name_under_the_document_is_still_document_reuse() {
    for (first, last, born, other) in [
        (
            "JÜRGEN",
            "MÜLLER",
            "2002-12-17",
            "JÜRGEN MÜLLER, born 2002-12-17",
        ),
        (
            "KARL",
            "MÜLLER",
            "2002-12-16",
            "KARL MÜLLER, born 2002-12-16",
        ),
        (
            "JÜRGEN",
            "MILLER",
            "2002-12-16",
            "JÜRGEN MILLER, born 2002-12-16",
        ),
    ] {
        let mut records = three_spellings();
        records.push(LinkRecord {
            issuing_country: Some("DEU".to_owned()),
            ..person("d.zip", first, last, born, "C01-X00-T47")
        });
        let findings = find_links(&records, &LinkConfig::default());
        assert_eq!(
            codes(&findings),
            vec![(
                FindingCode::DocumentReuse,
                vec!["a.zip", "b.zip", "c.zip", "d.zip"]
            )],
            "{other}"
        );
        assert_eq!(findings[0].severity, Severity::High);
        let holder = "JÜRGEN MÜLLER, born 2002-12-16 (also written JUERGEN MUELLER; JURGEN MULLER)";
        let (first, second) = if other < holder {
            (other, holder)
        } else {
            (holder, other)
        };
        assert!(
            findings[0].message.contains(&format!(
                "under 2 identities ({first}; {second}) in 4 bundles"
            )),
            "{}",
            findings[0].message
        );
    }
}

#[test]
fn an_initial_does_not_make_two_people_one() {
    let records = vec![
        spelled("a.zip", "JOHANNES", "MUELLER", 0),
        spelled("b.zip", "J", "MUELLER", 50),
        spelled("c.zip", "JUERGEN", "MÜLLER", 100),
    ];
    let findings = find_links(&records, &LinkConfig::default());
    assert_eq!(codes(&findings)[0].0, FindingCode::DocumentReuse);
    assert!(findings[0].message.contains("2 identities"));
}

#[test]
fn velocity_counts_the_attempts_of_one_holder_across_spellings() {
    let records = vec![
        spelled("a.zip", "JÜRGEN", "MÜLLER", 0),
        spelled("b.zip", "JUERGEN", "MUELLER", 2),
        spelled("c.zip", "JURGEN", "MULLER", 4),
    ];
    let findings = find_links(&records, &LinkConfig::default());
    assert_eq!(
        codes(&findings),
        vec![
            (FindingCode::Velocity, vec!["a.zip", "b.zip", "c.zip"]),
            (FindingCode::NameVariants, vec!["a.zip", "b.zip", "c.zip"]),
        ]
    );
    assert!(
        findings[0]
            .message
            .starts_with("3 attempts with document DEU:C01X00T47")
    );
}

#[test]
fn a_picture_shared_by_spellings_of_one_holder_links_nothing() {
    let mut a = person("a.zip", "Bjørn", "Sørensen", "1980-05-05", "N1");
    let mut b = person("b.zip", "BJOERN", "SOERENSEN", "1980-05-05", "N2");
    let base = 0x0f0f_3c3c_a5a5_9696u64;
    a.selfie = picture("aa", base, base);
    b.selfie = picture("aa", base, base);
    a.portrait = picture("b1", !base, !base);
    b.portrait = picture("b2", !base ^ 0x3, !base ^ 0x1);
    assert!(find_links(&[a.clone(), b], &LinkConfig::default()).is_empty());
    let mut other = person("c.zip", "Bjørn", "Sørensen", "1980-05-06", "N3");
    other.selfie = picture("aa", base, base);
    assert_eq!(
        codes(&find_links(&[a, other], &LinkConfig::default())),
        vec![(FindingCode::MediaReuse, vec!["a.zip", "c.zip"])]
    );
}

#[test]
fn pseudonyms_of_redacted_tables_are_one_identity_only_when_equal() {
    let redacted = |path: &str, first: &str| LinkRecord {
        birth_year_only: true,
        ..person(path, first, "ps-5e1f", "2002-01-01", "ps-77aa")
    };
    let same = [redacted("a.zip", "ps-01"), redacted("b.zip", "ps-01")];
    assert!(find_links(&same, &LinkConfig::default()).is_empty());
    let other = [redacted("a.zip", "ps-01"), redacted("b.zip", "ps-02")];
    let findings = find_links(&other, &LinkConfig::default());
    assert_eq!(codes(&findings)[0].0, FindingCode::DocumentReuse);
    assert!(findings[0].message.contains("ps-01 ps-5e1f, born in 2002"));
}
