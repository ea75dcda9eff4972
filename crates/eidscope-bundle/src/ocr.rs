//! `ocr.json` in either shape (formats.md section 3) into one normalised [`Ocr`]: shape A, the
//! Signicat-normalised object of the process examples, and shape B, the raw EID v2 video
//! identification result. Unknown fields are kept in `raw`; what cannot be read is recorded as a
//! [`FieldIssue`] (the evidence of `invalid-field`) or a note, never an error.
//!
//! The document type and the feature names are read into the one vocabulary of both shapes
//! ([`DocumentType`], [`FeatureName`]), the provider's words kept beside them, so that a batch
//! mixing the shapes counts `TD3` and `passport`, `hologram` and `OVI 1` as one.

use crate::countries::is_known_country;
use crate::dates::{DateRole, from_epoch, parse_date};
use crate::json::{self, as_bool, as_i64, as_text, boolean, field, object, text};
use chrono::{DateTime, NaiveDate, Utc};
use eidscope_model::{
    BoundingBox, DocumentType, Feature, FeatureName, Identity, Note, Shape, SimilarityLevel,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A field whose value is not valid: the evidence of an `invalid-field` finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldIssue {
    /// The normalised field name (`date_of_birth`, `gender`, ...).
    pub field: String,
    /// The value as written.
    pub value: String,
    /// What is wrong with it.
    pub problem: String,
}

/// The OCR evidence of one bundle, normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct Ocr {
    /// Which shape it came in.
    pub shape: Shape,
    /// The person and document.
    pub identity: Identity,
    /// The similarity as written (`verylow`, `VeryLow`, ...).
    pub similarity_raw: Option<String>,
    /// The similarity level, when the word is a known level.
    pub similarity: Option<SimilarityLevel>,
    /// Whether liveness was detected (top-level field; in shape B the liveness check).
    pub liveness_detected: Option<bool>,
    /// Whether `liveness_detected` was stated on its own rather than copied from the check.
    pub liveness_stated: bool,
    /// Security checks by name and whether each is valid.
    pub security_checks: BTreeMap<String, bool>,
    /// The features, in the order given.
    pub features: Vec<Feature>,
    /// When the capture happened according to the OCR data itself, and which field said so.
    pub captured_at: Option<(DateTime<Utc>, &'static str)>,
    /// The error of shape B's error variant (`{error, message}`): there is no OCR data then.
    pub error: Option<String>,
    /// Invalid field values.
    pub field_issues: Vec<FieldIssue>,
    /// What was tolerated.
    pub notes: Vec<Note>,
    /// The JSON as it came.
    pub raw: Value,
}

/// The name shape B uses for the liveness check, normalised to shape A's.
const LIVENESS_CHECK: &str = "livenessDetected";

impl Ocr {
    /// Tells the shape of an `ocr.json` value.
    pub fn detect_shape(value: &Value) -> Shape {
        let Some(o) = value.as_object() else {
            return Shape::Signicat;
        };
        let raw_markers = [
            "document",
            "biometrics",
            "completion",
            "request",
            "tenantId",
            "idType",
        ];
        let checks_passed = object(o, &["securityChecks"]).is_some_and(|checks| {
            checks
                .values()
                .filter_map(Value::as_object)
                .any(|c| c.contains_key("passed"))
        });
        let is_error = o.contains_key("error") && !o.contains_key("similarityScore");
        if checks_passed
            || is_error
            || raw_markers
                .iter()
                .any(|k| field(o, &[k]).is_some_and(Value::is_object))
        {
            Shape::EidRaw
        } else {
            Shape::Signicat
        }
    }

    /// When the OCR data says the capture happened (shape B's completion or request date).
    pub fn capture_time(value: &Value) -> Option<(DateTime<Utc>, &'static str)> {
        let o = value.as_object()?;
        for (name, label) in [
            ("completion", "ocr.completion.date"),
            ("request", "ocr.request.date"),
        ] {
            let when = object(o, &[name]).and_then(|inner| field(inner, &["date"]));
            if let Some(t) = when.and_then(timestamp) {
                return Some((t, label));
            }
        }
        None
    }

    /// Normalises an `ocr.json` value. `reference` resolves two-digit years and judges birth
    /// dates in the future; it is the capture date where known.
    pub fn from_json(value: Value, reference: NaiveDate) -> Ocr {
        let shape = Ocr::detect_shape(&value);
        let mut ocr = Ocr {
            shape,
            identity: Identity::default(),
            similarity_raw: None,
            similarity: None,
            liveness_detected: None,
            liveness_stated: false,
            security_checks: BTreeMap::new(),
            features: Vec::new(),
            captured_at: Ocr::capture_time(&value),
            error: None,
            field_issues: Vec::new(),
            notes: Vec::new(),
            raw: Value::Null,
        };
        match value.as_object() {
            Some(o) => match shape {
                Shape::Signicat => ocr.read_signicat(o, reference),
                Shape::EidRaw => ocr.read_raw(o, reference),
            },
            None => ocr.notes.push(Note::OcrNotObject),
        }
        ocr.raw = value;
        ocr
    }

    /// Whether this holds OCR data at all (shape B's error variant does not).
    pub fn has_data(&self) -> bool {
        self.error.is_none()
    }

    fn read_signicat(&mut self, o: &Map<String, Value>, reference: NaiveDate) {
        self.set_similarity(text(
            o,
            &["similarityScore", "similarityLevel", "similarity"],
        ));
        self.liveness_detected = field(o, &["livenessDetected", "liveness"])
            .filter(|v| !v.is_object())
            .and_then(as_bool);
        self.liveness_stated = self.liveness_detected.is_some();
        if let Some(checks) = field(o, &["securityChecks"]) {
            self.read_checks(checks);
        }
        if let Some(features) = field(o, &["features"]) {
            self.read_features(features);
        }
        let id = &mut self.identity;
        id.first_name = text(o, &["firstName", "givenNames", "givenName"]);
        id.last_name = text(o, &["lastName", "surname", "familyName"]);
        set_document_type(id, text(o, &["documentType"]));
        id.document_number = text(o, &["documentNumber"]);
        id.personal_identification_number =
            text(o, &["personalIdentificationNumber", "personalNumber"]);
        let gender = text(o, &["gender", "sex"]);
        let nationality = text(o, &["nationality"]);
        let issuing = text(o, &["issuingCountry", "issuer"]);
        let dob = text(o, &["dateOfBirth", "birthDate"]);
        let doe = text(o, &["dateOfExpiry", "expiryDate"]);
        for key in [
            "socialSecurityNumber",
            "healthNumber",
            "taxNumber",
            "address",
            "placeOfBirth",
        ] {
            if let Some(v) = text(o, &[key]) {
                self.identity.other.insert(key.to_owned(), v);
            }
        }
        self.set_common(gender, nationality, issuing, dob, doe, reference);
    }

    fn read_raw(&mut self, o: &Map<String, Value>, reference: NaiveDate) {
        if let Some(error) = text(o, &["error"]) {
            let message = text(o, &["message"]);
            self.error = Some(match message {
                Some(m) => format!("{error}: {m}"),
                None => error,
            });
        }
        let face = object(o, &["biometrics"]).and_then(|b| object(b, &["face"]));
        self.set_similarity(face.and_then(|f| text(f, &["similarityLevel", "similarity"])));
        if let Some(checks) = field(o, &["securityChecks"]) {
            self.read_checks(checks);
        }
        if let Some(features) = field(o, &["features"]) {
            self.read_features(features);
        }
        let stated = face
            .and_then(|f| field(f, &["liveness", "livenessDetected"]))
            .or_else(|| field(o, &["livenessDetected"]))
            .filter(|v| !v.is_object())
            .and_then(as_bool);
        self.liveness_stated = stated.is_some();
        self.liveness_detected =
            stated.or_else(|| self.security_checks.get(LIVENESS_CHECK).copied());

        let empty = Map::new();
        let document = object(o, &["document"]).unwrap_or(&empty);
        let subject = object(document, &["subject"]).unwrap_or(&empty);
        let id = &mut self.identity;
        id.first_name = text(subject, &["primaryName", "firstName"]);
        id.last_name = text(subject, &["secondaryName", "lastName"]);
        set_document_type(id, text(document, &["type", "documentType"]));
        id.document_number = text(document, &["documentNumber", "passportNumber", "number"]);
        id.personal_identification_number = text(subject, &["personalNumber"]);
        if let Some(address) = text(subject, &["address"]) {
            id.other.insert("address".to_owned(), address);
        }
        if let Some(id_type) = text(o, &["idType"]) {
            self.identity.other.insert("idType".to_owned(), id_type);
        }
        let gender = text(subject, &["sex", "gender"]);
        let nationality = text(subject, &["nationality"]);
        let issuing = text(document, &["issuer", "issuingCountry"]);
        let dob = text(subject, &["birthDate", "dateOfBirth"]);
        let doe = text(document, &["expiryDate", "dateOfExpiry"]);
        self.set_common(gender, nationality, issuing, dob, doe, reference);
    }

    fn set_similarity(&mut self, raw: Option<String>) {
        self.similarity = raw.as_deref().and_then(SimilarityLevel::parse);
        if let (Some(raw), None) = (&raw, self.similarity) {
            self.notes
                .push(Note::UnknownSimilarity { word: raw.clone() });
        }
        self.similarity_raw = raw;
    }

    fn read_checks(&mut self, checks: &Value) {
        let mut put = |name: String, verdict: Option<bool>, notes: &mut Vec<Note>| {
            let name = if name.eq_ignore_ascii_case("liveness") {
                LIVENESS_CHECK.to_owned()
            } else {
                name
            };
            match verdict {
                Some(valid) => {
                    self.security_checks.insert(name, valid);
                }
                None => notes.push(Note::CheckWithoutVerdict { name }),
            }
        };
        let mut notes = Vec::new();
        match checks {
            Value::Object(map) => {
                for (key, check) in map {
                    let verdict = match check {
                        Value::Object(c) => boolean(c, &["valid", "passed", "result", "ok"]),
                        other => as_bool(other),
                    };
                    put(key.clone(), verdict, &mut notes);
                }
            }
            Value::Array(items) => {
                for check in items.iter().filter_map(Value::as_object) {
                    if let Some(name) = text(check, &["name", "check", "type"]) {
                        put(
                            name,
                            boolean(check, &["valid", "passed", "result"]),
                            &mut notes,
                        );
                    }
                }
            }
            _ => notes.push(Note::ChecksUnreadable),
        }
        self.notes.extend(notes);
    }

    fn read_features(&mut self, features: &Value) {
        let items: Vec<(Option<&str>, &Value)> = match features {
            Value::Array(items) => items.iter().map(|v| (None, v)).collect(),
            Value::Object(map) => map.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
            _ => {
                self.notes.push(Note::FeaturesUnreadable);
                return;
            }
        };
        for (key, item) in items {
            let Some(f) = item.as_object() else {
                self.notes.push(Note::FeatureNotObject);
                continue;
            };
            let Some(name) = text(f, &["name"]).or_else(|| key.map(str::to_owned)) else {
                self.notes.push(Note::FeatureWithoutName);
                continue;
            };
            let bbox = field(f, &["bbox", "boundingBox", "box"]).and_then(read_bbox);
            self.features.push(Feature {
                name: FeatureName::label(&name),
                name_raw: name,
                found: boolean(f, &["found", "detected", "present"]),
                side: text(f, &["side"]).map(|s| s.to_ascii_lowercase()),
                bbox,
            });
        }
    }

    fn set_common(
        &mut self,
        gender: Option<String>,
        nationality: Option<String>,
        issuing: Option<String>,
        dob: Option<String>,
        doe: Option<String>,
        reference: NaiveDate,
    ) {
        if let Some(g) = gender {
            let norm = match g.to_ascii_uppercase().as_str() {
                "M" | "MALE" => "M".to_owned(),
                "F" | "FEMALE" => "F".to_owned(),
                "X" | "<" | "UNSPECIFIED" => "X".to_owned(),
                other => {
                    self.issue("gender", &g, "is not M, F or X");
                    other.to_owned()
                }
            };
            self.identity.gender = Some(norm);
        }
        for (name, value) in [("nationality", nationality), ("issuing_country", issuing)] {
            let Some(v) = value else { continue };
            if !is_known_country(&v) {
                self.issue(name, &v, "is not an ISO 3166 alpha-3 or ICAO country code");
            }
            let code = v.to_ascii_uppercase();
            match name {
                "nationality" => self.identity.nationality = Some(code),
                _ => self.identity.issuing_country = Some(code),
            }
        }
        if let Some(raw) = dob {
            match parse_date(&raw, DateRole::Birth, reference) {
                Ok(date) if date > reference => {
                    self.issue("date_of_birth", &raw, "lies after the capture date");
                    self.identity.date_of_birth = Some(date);
                }
                Ok(date) => self.identity.date_of_birth = Some(date),
                Err(p) => self.issue("date_of_birth", &raw, p.describe()),
            }
        }
        if let Some(raw) = doe {
            match parse_date(&raw, DateRole::Expiry, reference) {
                Ok(date) => {
                    if self.identity.date_of_birth.is_some_and(|b| date <= b) {
                        self.issue("date_of_expiry", &raw, "is not after the date of birth");
                    }
                    self.identity.date_of_expiry = Some(date);
                }
                Err(p) => self.issue("date_of_expiry", &raw, p.describe()),
            }
        }
    }

    fn issue(&mut self, field: &str, value: &str, problem: &str) {
        self.field_issues.push(FieldIssue {
            field: field.to_owned(),
            value: value.to_owned(),
            problem: problem.to_owned(),
        });
    }
}

/// The document type in the one vocabulary, and the word as the provider wrote it.
fn set_document_type(id: &mut Identity, raw: Option<String>) {
    id.document_type = raw.as_deref().map(DocumentType::classify);
    id.document_type_raw = raw;
}

fn timestamp(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(s) => {
            crate::dates::parse_timestamp(s).or_else(|| s.trim().parse().ok().and_then(from_epoch))
        }
        other => as_i64(other).and_then(from_epoch),
    }
}

fn read_bbox(value: &Value) -> Option<BoundingBox> {
    match value {
        Value::Object(b) => {
            let num = |names: &[&str]| json::field(b, names).and_then(as_i64);
            let x = num(&["x", "left"])?;
            let y = num(&["y", "top"])?;
            let (width, height) = match (num(&["width", "w"]), num(&["height", "h"])) {
                (Some(w), Some(h)) => (w, h),
                _ => (num(&["right", "x2"])? - x, num(&["bottom", "y2"])? - y),
            };
            Some(BoundingBox {
                x,
                y,
                width,
                height,
            })
        }
        Value::Array(items) if items.len() == 4 => {
            let n: Vec<i64> = items.iter().filter_map(as_i64).collect();
            (n.len() == 4).then(|| BoundingBox {
                x: n[0],
                y: n[1],
                width: n[2],
                height: n[3],
            })
        }
        _ => None,
    }
}

/// The plain text of a value, for evidence.
pub fn value_text(value: &Value) -> String {
    as_text(value).unwrap_or_else(|| value.to_string())
}
