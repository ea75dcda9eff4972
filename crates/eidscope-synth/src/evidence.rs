//! The JSON documents of a bundle, written from its spec: `ocr.json` in shape A (Signicat
//! normalised) or shape B (raw EID v2 result), `manual_approval.json`, and the Assure
//! "Get process" response saved beside the zip (which always carries a shape A copy).

use crate::spec::{BundleSpec, Evidence};
use chrono::{DateTime, SecondsFormat, Utc};
use eidscope_model::{Shape, SimilarityLevel};
use serde_json::{Map, Value, json};

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn bbox_json(b: (i64, i64, i64, i64)) -> Value {
    json!({"x": b.0, "y": b.1, "width": b.2, "height": b.3})
}

/// The shape A `ocr` object of a bundle (also the process's `providerSpecific.ocr`).
pub(crate) fn signicat_ocr(spec: &BundleSpec, ev: &Evidence) -> Value {
    let person = &spec.person;
    let features: Vec<Value> = ev
        .features
        .iter()
        .map(|f| {
            let mut obj = Map::new();
            obj.insert("name".into(), json!(f.kind.signicat_name()));
            obj.insert("found".into(), json!(f.found));
            if let Some(b) = f.bbox {
                obj.insert("bbox".into(), bbox_json(b));
            }
            obj.insert("side".into(), json!(f.side.as_str()));
            Value::Object(obj)
        })
        .collect();
    let checks: Map<String, Value> = ev
        .checks
        .iter()
        .map(|(check, valid)| (check.name().to_owned(), json!({"valid": valid})))
        .collect();
    let liveness = if ev.liveness_as_bool {
        json!(ev.liveness_detected)
    } else {
        json!(if ev.liveness_detected {
            "true"
        } else {
            "false"
        })
    };
    json!({
        "similarityScore": ev.similarity.as_str(),
        "livenessDetected": liveness,
        "features": features,
        "securityChecks": checks,
        "documentNumber": ev.identity.document_number,
        "dateOfExpiry": ev.identity.date_of_expiry,
        "firstName": person.first_name,
        "lastName": person.last_name,
        "documentType": person.doc_type.signicat_name(),
        "dateOfBirth": ev.identity.date_of_birth,
        "gender": ev.identity.gender,
        "nationality": ev.identity.nationality,
        "personalIdentificationNumber": person.personal_number,
        "issuingCountry": person.issuing_country,
    })
}

/// A similarity level in one of the letter cases real results use.
fn level_word(level: SimilarityLevel, variant: usize) -> String {
    let camel = match level {
        SimilarityLevel::None => "None",
        SimilarityLevel::VeryLow => "VeryLow",
        SimilarityLevel::Low => "Low",
        SimilarityLevel::Medium => "Medium",
        SimilarityLevel::High => "High",
    };
    match variant % 3 {
        0 => camel.to_string(),
        1 => camel.to_ascii_lowercase(),
        _ => camel.to_ascii_uppercase(),
    }
}

/// The shape B (raw EID v2) `ocr.json` of a bundle.
pub(crate) fn raw_ocr(spec: &BundleSpec, ev: &Evidence) -> Value {
    let person = &spec.person;
    let mut features = Map::new();
    for f in &ev.features {
        let mut obj = Map::new();
        obj.insert("name".into(), json!(f.kind.raw_key()));
        obj.insert("found".into(), json!(f.found));
        if let Some(b) = f.bbox {
            obj.insert("bbox".into(), bbox_json(b));
        }
        obj.insert("side".into(), json!(f.side.as_str()));
        features.insert(f.kind.raw_key().into(), Value::Object(obj));
    }
    let mut checks = Map::new();
    for (check, valid) in &ev.checks {
        let key = check.raw_key();
        checks.insert(key.into(), json!({"name": key, "passed": valid}));
    }
    let id = &ev.identity;
    let mut document = Map::new();
    document.insert("type".into(), json!(person.doc_type.icao_class()));
    document.insert("issuer".into(), json!(person.issuing_country));
    document.insert(
        "expiryDate".into(),
        json!(id.expiry_short.as_ref().unwrap_or(&id.date_of_expiry)),
    );
    let number_key = if person.doc_type.icao_class() == "TD3" && spec.index.is_multiple_of(2) {
        "passportNumber"
    } else {
        "documentNumber"
    };
    document.insert(number_key.into(), json!(id.document_number));
    document.insert(
        "subject".into(),
        json!({
            "primaryName": person.first_name,
            "secondaryName": person.last_name,
            "birthDate": id.birth_short.as_ref().unwrap_or(&id.date_of_birth),
            "sex": id.gender,
            "nationality": id.nationality,
            "personalNumber": person.personal_number,
        }),
    );
    let request_ms = spec.created.timestamp_millis();
    let done_ms = spec.updated.timestamp_millis() - 15_000;
    let process = if spec.process_type == "attended" {
        "Attended"
    } else {
        "Unattended"
    };
    json!({
        "id": spec.raw_id,
        "process": process,
        "status": "Completed",
        "tenantId": format!("tenant-{:04}", spec.person.face.seed % 10_000),
        "idType": if person.doc_type.icao_class() == "TD3" { 62 } else { 101 },
        "request": {"date": request_ms, "minSimilarityLevel": "High"},
        "completion": {"date": done_ms},
        "document": Value::Object(document),
        "biometrics": {"face": {"similarityLevel": level_word(ev.similarity, spec.index)}},
        "features": Value::Object(features),
        "securityChecks": Value::Object(checks),
    })
}

/// The `ocr.json` of a bundle in its shape, or `None` for failed bundles.
pub(crate) fn ocr_json(spec: &BundleSpec) -> Option<Value> {
    let ev = spec.evidence.as_ref()?;
    Some(match spec.shape {
        Shape::Signicat => signicat_ocr(spec, ev),
        Shape::EidRaw => raw_ocr(spec, ev),
    })
}

/// The `manual_approval.json` of a bundle with an agent's review (an invented schema: no
/// public example exists).
pub(crate) fn manual_approval_json(spec: &BundleSpec) -> Option<Value> {
    let review = spec.review.as_ref()?;
    let comment = if review.accepted {
        "Document and face verified by the agent."
    } else {
        "Verification rejected after review."
    };
    Some(json!({
        "decision": if review.accepted { "accepted" } else { "rejected" },
        "agent": {"id": review.agent_id, "name": review.agent_name},
        "decidedAt": iso(spec.updated),
        "processType": spec.process_type,
        "reasons": review.reasons,
        "comment": comment,
    }))
}

/// The Assure "Get process" response saved beside the zip.
pub(crate) fn process_json(spec: &BundleSpec) -> Value {
    let mut obj = Map::new();
    obj.insert("status".into(), json!(spec.reported.as_str()));
    obj.insert("processId".into(), json!(spec.process_id));
    obj.insert("provider".into(), json!(spec.provider));
    if let Some(ev) = &spec.evidence {
        let mut specific = Map::new();
        specific.insert("ocr".into(), signicat_ocr(spec, ev));
        if let Some(review) = manual_approval_json(spec) {
            specific.insert("manualApproval".into(), review);
        }
        obj.insert("providerSpecific".into(), Value::Object(specific));
    }
    obj.insert("processType".into(), json!(spec.process_type));
    obj.insert("createdAt".into(), json!(iso(spec.created)));
    obj.insert("updatedAt".into(), json!(iso(spec.updated)));
    if let Some((kind, message)) = spec.fail {
        obj.insert(
            "failReason".into(),
            json!({"id": spec.fail_id, "type": kind, "message": message}),
        );
    }
    Value::Object(obj)
}
