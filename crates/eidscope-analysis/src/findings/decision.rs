//! The decision against its evidence: `status-mismatch`, and the checks whose verdict the data
//! contradicts (`expiry-contradiction`, `underage-contradiction`, `liveness-contradiction`).

use crate::thresholds::Thresholds;
use eidscope_bundle::Bundle;
use eidscope_bundle::dates::age_on;
use eidscope_model::{Finding, FindingCode};
use serde_json::json;

pub(super) fn findings(bundle: &Bundle, thresholds: &Thresholds, out: &mut Vec<Finding>) {
    status_mismatch(bundle, out);
    let Some(ocr) = bundle.ocr.as_ref().filter(|o| o.has_data()) else {
        return;
    };
    let capture = bundle.capture.as_ref();
    let check = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| {
                ocr.security_checks
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(n))
            })
            .map(|(k, v)| (k.clone(), *v))
    };

    if let (Some((name, valid)), Some(expiry), Some((captured, source))) =
        (check(&["nonExpired"]), ocr.identity.date_of_expiry, capture)
    {
        let expired = expiry < *captured;
        if valid == expired {
            let message = if valid {
                format!(
                    "`{name}` says valid, but the document expired on {expiry}, before the capture on {captured}"
                )
            } else {
                format!(
                    "`{name}` says not valid, but the document expires on {expiry}, after the capture on {captured}"
                )
            };
            out.push(Finding::new(
                FindingCode::ExpiryContradiction,
                message,
                json!({"check": name, "valid": valid, "date_of_expiry": expiry, "capture_date": captured, "capture_date_source": source}),
            ));
        }
    }

    if let (Some((name, valid)), Some(birth), Some((captured, source))) =
        (check(&["notUnderage"]), ocr.identity.date_of_birth, capture)
    {
        let age = age_on(birth, *captured);
        let adult = age >= thresholds.adult_age;
        if valid != adult {
            let message = if valid {
                format!(
                    "`{name}` says valid, but the holder was {age} at the capture on {captured} (adult at {})",
                    thresholds.adult_age
                )
            } else {
                format!(
                    "`{name}` says not valid, but the holder was {age} at the capture on {captured} (adult at {})",
                    thresholds.adult_age
                )
            };
            out.push(Finding::new(
                FindingCode::UnderageContradiction,
                message,
                json!({"check": name, "valid": valid, "date_of_birth": birth, "age": age, "adult_age": thresholds.adult_age, "capture_date": captured, "capture_date_source": source}),
            ));
        }
    }

    if let (true, Some(stated), Some((name, valid))) = (
        ocr.liveness_stated,
        ocr.liveness_detected,
        check(&["livenessDetected", "liveness"]),
    ) && stated != valid
    {
        out.push(Finding::new(
            FindingCode::LivenessContradiction,
            format!(
                "`livenessDetected` is {stated} but the `{name}` check says {}",
                if valid { "valid" } else { "not valid" }
            ),
            json!({"liveness_detected": stated, "check": name, "valid": valid}),
        ));
    }
}

fn status_mismatch(bundle: &Bundle, out: &mut Vec<Finding>) {
    let Some(reported) = bundle.process.as_ref().and_then(|p| p.info.status.as_ref()) else {
        return;
    };
    // Only the four outcomes the rules can derive are compared: a pending, canceled or
    // not_matched process says nothing about its evidence.
    let comparable = reported.is_outcome();
    let derived = &bundle.derivation.status;
    if comparable && reported != derived {
        out.push(Finding::new(
            FindingCode::StatusMismatch,
            format!(
                "reported `{reported}` but the evidence implies `{derived}`{}",
                match bundle.derivation.reasons.first() {
                    Some(r) => format!(" ({r})"),
                    None => String::new(),
                }
            ),
            json!({"reported_status": reported, "derived_status": derived, "reasons": bundle.derivation.reasons}),
        ));
    }
}
