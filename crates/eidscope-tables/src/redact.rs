//! `--redact`: keyed pseudonyms for names, document, personal and process numbers, birth
//! years for birth dates, and finding messages and evidence scrubbed of the raw values.
//!
//! A pseudonym is `ps-` and the first 10 bytes (20 hex digits) of
//! HMAC-SHA256(key, domain ‖ 0x00 ‖ normalised value). The same value under the same key
//! always gives the same pseudonym, so joins and `links` work on redacted tables; without the
//! key a pseudonym cannot be reversed or recomputed from a guessed value. Values are
//! normalised first, so that the spellings of one value share a pseudonym: document numbers
//! upper-cased with every character that is not a letter or digit removed (`ab 123-456`,
//! `AB123456`); names by their key ([`eidscope_analysis::names`]), so that `JÜRGEN MÜLLER`,
//! `JUERGEN MUELLER` and `Jurgen Muller` (ICAO transliterations, case, hyphens, spaces, `<`,
//! apostrophes, given names in another order) share theirs and redacted tables link as raw
//! ones do.
//!
//! Why a key and not the comparison of `links`: a pseudonym must be a function of one value,
//! and "same pseudonym" must be an equivalence, or two people could end up sharing one
//! through a chain of near spellings. The key is that function. It gives up what only a
//! relation can say: a name cut at the MRZ length and a name with initials (`J MUELLER` fits
//! `JUERGEN` and `JOHANNES`) keep pseudonyms of their own, so on redacted tables `links` counts
//! them as other identities where raw tables would not. It merges what the ICAO table can
//! bridge and nothing else: `MICHAEL` and `MICHAL` (both spellings of `MICHÄL`) share a
//! pseudonym, `MÜLLER` and `MILLER` never do. A pseudonym names a name, not a person: people
//! are told apart by name, birth year and document together, as before.

pub use eidscope_analysis::links::identity::normalise_document_number;
use eidscope_analysis::names::{given_names_key, surname_key};
use eidscope_model::{Finding, FindingCode, Identity};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// What replaces a value that has no pseudonym of its own (an address, a raw field value).
pub const REDACTED: &str = "[redacted]";

/// Makes pseudonyms under one key.
#[derive(Clone)]
pub struct Redactor {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.write_str("Redactor { .. }")
    }
}

/// The pseudonym domains: one value pseudonymised in two domains gives two pseudonyms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// Surnames, and single words of any name (keyed by [`surname_key`]).
    Name,
    /// Given names (keyed by [`given_names_key`]: their order does not matter). Shares the
    /// `name` domain, so one word gives one pseudonym whichever field it is in.
    GivenNames,
    /// Document numbers (normalised).
    DocumentNumber,
    /// Personal identification numbers and other personal numbers.
    PersonalNumber,
    /// The Assure process id.
    ProcessId,
}

impl Domain {
    fn label(self) -> &'static [u8] {
        match self {
            Domain::Name | Domain::GivenNames => b"name",
            Domain::DocumentNumber => b"document-number",
            Domain::PersonalNumber => b"personal-number",
            Domain::ProcessId => b"process-id",
        }
    }
}

impl Redactor {
    /// A redactor with this key; the key must not be empty.
    pub fn new(key: &[u8]) -> Result<Redactor, String> {
        if key.is_empty() {
            return Err("the redaction key is empty".to_owned());
        }
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
            .map_err(|e| format!("the redaction key cannot be used: {e}"))?;
        Ok(Redactor { mac })
    }

    /// The pseudonym of `value` in `domain` (the value is normalised for the domain first).
    pub fn pseudonym(&self, domain: Domain, value: &str) -> String {
        let normalised = match domain {
            Domain::Name => surname_key(value),
            Domain::GivenNames => given_names_key(value),
            Domain::DocumentNumber | Domain::PersonalNumber => normalise_document_number(value),
            Domain::ProcessId => value.trim().to_owned(),
        };
        let mut mac = self.mac.clone();
        mac.update(domain.label());
        mac.update(&[0]);
        mac.update(normalised.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("ps-{}", hex::encode(&digest[..10]))
    }

    /// The text replacements for one bundle: every raw personal value it holds, in the
    /// spellings it may appear in, with what replaces it. Longest first, so that a name
    /// inside a longer value is not replaced piecemeal.
    pub fn scrubber(&self, identity: &Identity, process_id: Option<&str>) -> Scrubber {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut add = |raw: &str, replacement: String| {
            let raw = raw.trim();
            if raw.chars().count() >= 2 {
                for spelling in [raw.to_owned(), raw.to_uppercase(), raw.to_lowercase()] {
                    // A short lower-case hex word (`abe`, `face`) would also match inside
                    // the hashes of the evidence; such a value is only matched as written.
                    let hex_like = spelling.len() < 12
                        && spelling
                            .chars()
                            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
                    if !hex_like || spelling == raw {
                        pairs.push((spelling, replacement.clone()));
                    }
                }
            }
        };
        for (name, domain) in [
            (&identity.first_name, Domain::GivenNames),
            (&identity.last_name, Domain::Name),
        ] {
            let Some(name) = name else { continue };
            add(name, self.pseudonym(domain, name));
            for part in name.split_whitespace() {
                add(part, self.pseudonym(Domain::Name, part));
            }
        }
        if let Some(number) = &identity.document_number {
            let pseudonym = self.pseudonym(Domain::DocumentNumber, number);
            add(number, pseudonym.clone());
            add(&normalise_document_number(number), pseudonym);
        }
        if let Some(number) = &identity.personal_identification_number {
            let pseudonym = self.pseudonym(Domain::PersonalNumber, number);
            add(number, pseudonym.clone());
            add(&normalise_document_number(number), pseudonym);
        }
        for value in identity.other.values() {
            add(value, REDACTED.to_owned());
        }
        if let Some(birth) = identity.date_of_birth {
            let year = chrono::Datelike::year(&birth).to_string();
            add(&birth.to_string(), year.clone());
            add(&birth.format("%d.%m.%Y").to_string(), year.clone());
            add(&birth.format("%d/%m/%Y").to_string(), year.clone());
            add(&birth.format("%y%m%d").to_string(), year);
        }
        if let Some(id) = process_id {
            add(id, self.pseudonym(Domain::ProcessId, id));
        }
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        pairs.dedup_by(|a, b| a.0 == b.0);
        Scrubber { pairs }
    }
}

/// Replaces the raw personal values of one bundle in free text and in finding evidence.
#[derive(Debug, Clone, Default)]
pub struct Scrubber {
    pairs: Vec<(String, String)>,
}

impl Scrubber {
    /// The text with every raw value replaced.
    pub fn text(&self, text: &str) -> String {
        // One pass, longest match first: a replacement is never itself searched again.
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(ch) = rest.chars().next() {
            match self
                .pairs
                .iter()
                .find(|(raw, _)| rest.starts_with(raw.as_str()))
            {
                Some((raw, replacement)) => {
                    out.push_str(replacement);
                    rest = &rest[raw.len()..];
                }
                None => {
                    out.push(ch);
                    rest = &rest[ch.len_utf8()..];
                }
            }
        }
        out
    }

    /// A JSON value with every string scrubbed and every birth date cut to its year.
    pub fn value(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.value(v)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let lower = k.to_ascii_lowercase().replace('_', "");
                        let v = if lower == "dateofbirth" || lower == "birthdate" {
                            match v {
                                Value::String(s) => Value::String(s.chars().take(4).collect()),
                                Value::Null => Value::Null,
                                _ => Value::String(REDACTED.to_owned()),
                            }
                        } else {
                            self.value(v)
                        };
                        (self.text(k), v)
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The finding with its message and evidence free of raw values. An `invalid-field`
    /// finding carries the raw text of a field that did not parse, whatever field it is: its
    /// value is replaced outright and the message rebuilt from the field and the problem.
    pub fn finding(&self, finding: &Finding) -> Finding {
        if finding.code == FindingCode::InvalidField {
            let field = finding
                .evidence
                .get("field")
                .and_then(Value::as_str)
                .unwrap_or("field");
            let problem = finding
                .evidence
                .get("problem")
                .and_then(Value::as_str)
                .unwrap_or("is not valid");
            let mut evidence = self.value(&finding.evidence);
            if let Some(map) = evidence.as_object_mut() {
                map.insert("value".to_owned(), Value::String(REDACTED.to_owned()));
            }
            return Finding {
                code: finding.code,
                severity: finding.severity,
                message: self.text(&format!("`{field}` value {REDACTED} {problem}")),
                evidence,
            };
        }
        Finding {
            code: finding.code,
            severity: finding.severity,
            message: self.text(&finding.message),
            evidence: self.value(&finding.evidence),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_keyed_stable_and_normalised() {
        let a = Redactor::new(b"key one").unwrap();
        let b = Redactor::new(b"key two").unwrap();
        let p = a.pseudonym(Domain::DocumentNumber, "ab 123-456");
        assert_eq!(p, a.pseudonym(Domain::DocumentNumber, "AB123456"));
        assert_ne!(p, b.pseudonym(Domain::DocumentNumber, "AB123456"));
        assert_ne!(p, a.pseudonym(Domain::PersonalNumber, "AB123456"));
        assert!(p.starts_with("ps-") && p.len() == 23);
        assert!(Redactor::new(b"").is_err());
    }

    #[test]
    fn spellings_of_one_name_share_a_pseudonym_and_other_names_do_not() {
        let r = Redactor::new(b"key").unwrap();
        let surname = r.pseudonym(Domain::Name, "Müller");
        for spelling in ["MUELLER", "muller", " MÜLLER ", "Mu\u{308}ller"] {
            assert_eq!(r.pseudonym(Domain::Name, spelling), surname, "{spelling}");
        }
        assert_ne!(r.pseudonym(Domain::Name, "MILLER"), surname);
        let given = r.pseudonym(Domain::GivenNames, "Jürgen-Karl");
        for spelling in ["JUERGEN KARL", "Karl Jurgen", "JURGEN<KARL"] {
            assert_eq!(
                r.pseudonym(Domain::GivenNames, spelling),
                given,
                "{spelling}"
            );
        }
        assert_ne!(r.pseudonym(Domain::GivenNames, "J KARL"), given);
        // One word, one pseudonym, whichever field it is in (the scrubber keys words as names).
        assert_eq!(
            r.pseudonym(Domain::GivenNames, "Åsa"),
            r.pseudonym(Domain::Name, "AASA")
        );
    }

    #[test]
    fn scrubbing_removes_names_numbers_and_birth_dates() {
        let r = Redactor::new(b"k").unwrap();
        let identity = Identity {
            first_name: Some("Ana Maria".into()),
            last_name: Some("Silva".into()),
            document_number: Some("AB 1234567".into()),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1990, 4, 5),
            ..Identity::default()
        };
        let s = r.scrubber(&identity, Some("0f1e"));
        let text =
            s.text("ANA MARIA SILVA holds AB1234567 (AB 1234567), born 1990-04-05, process 0f1e");
        for raw in ["ANA", "SILVA", "1234567", "1990-04-05", "0f1e"] {
            assert!(!text.contains(raw), "{raw} left in {text}");
        }
        let f = Finding::new(
            FindingCode::InvalidField,
            "`dateOfBirth` value `31.02.1990` is impossible",
            serde_json::json!({"field": "dateOfBirth", "value": "31.02.1990", "problem": "is impossible"}),
        );
        let clean = s.finding(&f);
        assert!(!clean.message.contains("31.02") && !clean.evidence.to_string().contains("31.02"));
        let e = s.value(&serde_json::json!({"date_of_birth": "1990-04-05", "age": 17}));
        assert_eq!(e["date_of_birth"], "1990");
    }
}
