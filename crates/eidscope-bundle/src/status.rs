//! The status rules of formats.md section 5, in one place. The derived status uses the evidence
//! as the provider recorded it: the checks' own verdicts, the similarity level, the features'
//! `found`, the agent's decision and the fail reason. Recomputing a verdict from the data is the
//! job of the contradiction findings, never of this rule.

use crate::ocr::Ocr;
use eidscope_model::{Decision, FailReason, ManualApproval, Reason, SimilarityLevel, Status};

/// The derived status and the reasons behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    /// The status the evidence implies: the one the first reason decides, else accepted.
    pub status: Status,
    /// Every rule that holds, in the order of the rules (the first decides the status).
    pub reasons: Vec<Reason>,
}

/// Applies the rules: failed, then rejected, then inconclusive, else accepted.
pub fn derive(
    ocr: Option<&Ocr>,
    manual: Option<&ManualApproval>,
    fail_reason: Option<&FailReason>,
) -> Derivation {
    let mut reasons = Vec::new();
    // Failed: a fail reason, or no OCR data.
    if let Some(reason) = fail_reason {
        reasons.push(Reason::FailReason(reason.kind.clone()));
    }
    let ocr = match ocr {
        None => {
            reasons.push(Reason::NoOcrData);
            None
        }
        Some(o) if !o.has_data() => {
            reasons.push(Reason::OcrError);
            None
        }
        Some(o) => Some(o),
    };
    // Rejected: a security check not valid, or the agent rejected.
    if let Some(ocr) = ocr {
        reasons.extend(
            ocr.security_checks
                .iter()
                .filter(|(_, valid)| !**valid)
                .map(|(name, _)| Reason::SecurityCheck(name.clone())),
        );
    }
    if manual.and_then(|m| m.decision) == Some(Decision::Rejected) {
        reasons.push(Reason::ManualRejection);
    }
    // Inconclusive: a similarity other than high, or a feature not found.
    if let Some(ocr) = ocr {
        match (ocr.similarity, &ocr.similarity_raw) {
            (Some(SimilarityLevel::High), _) => {}
            (Some(level), _) => reasons.push(Reason::Similarity(Some(level.as_str().to_owned()))),
            (None, raw) => {
                reasons.push(Reason::Similarity(
                    raw.as_ref().map(|raw| raw.to_ascii_lowercase()),
                ));
            }
        }
        reasons.extend(
            ocr.features
                .iter()
                .filter(|f| f.found == Some(false))
                .map(|f| Reason::FeatureNotFound(f.name.clone())),
        );
    }
    let status = reasons.first().map_or(Status::Accepted, Reason::decides);
    Derivation { status, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eidscope_model::{Feature, Identity, Shape};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn ocr(
        checks: Vec<bool>,
        similarity: Option<SimilarityLevel>,
        found: Vec<Option<bool>>,
    ) -> Ocr {
        Ocr {
            shape: Shape::Signicat,
            identity: Identity::default(),
            similarity_raw: similarity.map(|s| s.as_str().to_owned()),
            similarity,
            liveness_detected: Some(true),
            liveness_stated: true,
            security_checks: checks
                .into_iter()
                .enumerate()
                .map(|(i, v)| (format!("check{i}"), v))
                .collect::<BTreeMap<_, _>>(),
            features: found
                .into_iter()
                .enumerate()
                .map(|(i, f)| Feature {
                    name: format!("F{i}"),
                    name_raw: format!("F{i}"),
                    found: f,
                    side: Some("data".into()),
                    bbox: None,
                })
                .collect(),
            captured_at: None,
            error: None,
            field_issues: Vec::new(),
            notes: Vec::new(),
            raw: serde_json::Value::Null,
        }
    }

    fn rank(status: &Status) -> u8 {
        match status {
            Status::Accepted => 0,
            Status::Inconclusive => 1,
            Status::Rejected => 2,
            Status::Failed => 3,
            _ => 9,
        }
    }

    fn manual(decision: Option<Decision>) -> ManualApproval {
        ManualApproval {
            decision,
            agent: None,
            decided_at: None,
            reasons: Vec::new(),
            raw: serde_json::Value::Null,
        }
    }

    fn level() -> impl Strategy<Value = Option<SimilarityLevel>> {
        prop::option::of(prop::sample::select(SimilarityLevel::ALL.to_vec()))
    }

    proptest! {
        #[test]
        fn the_first_rule_that_holds_decides(
            checks in prop::collection::vec(any::<bool>(), 0..8),
            similarity in level(),
            found in prop::collection::vec(prop::option::of(any::<bool>()), 0..6),
            has_ocr in any::<bool>(),
            failed in any::<bool>(),
            decision in prop::option::of(prop::sample::select(vec![Decision::Accepted, Decision::Rejected])),
        ) {
            let o = ocr(checks.clone(), similarity, found.clone());
            let m = manual(decision);
            let reason = FailReason { id: None, kind: Some("InactiveUser.Aborted".into()), message: None };
            let d = derive(has_ocr.then_some(&o), Some(&m), failed.then_some(&reason));
            let expected = if failed || !has_ocr {
                Status::Failed
            } else if checks.contains(&false) || decision == Some(Decision::Rejected) {
                Status::Rejected
            } else if similarity != Some(SimilarityLevel::High) || found.contains(&Some(false)) {
                Status::Inconclusive
            } else {
                Status::Accepted
            };
            prop_assert_eq!(&d.status, &expected);
            prop_assert_eq!(d.reasons.is_empty(), expected == Status::Accepted);
            // The reasons come in the order of the rules: the first names the rule that decided.
            let rules: Vec<u8> = d.reasons.iter().map(|r| rank(&r.decides())).collect();
            prop_assert!(rules.windows(2).all(|w| w[0] >= w[1]), "{:?}", d.reasons);
            if let Some(first) = d.reasons.first() {
                prop_assert_eq!(first.decides(), expected);
            }
        }

        #[test]
        fn failing_one_more_check_never_improves_the_status(
            checks in prop::collection::vec(any::<bool>(), 1..8),
            similarity in level(),
            found in prop::collection::vec(prop::option::of(any::<bool>()), 0..6),
            which in any::<prop::sample::Index>(),
        ) {
            let before = derive(Some(&ocr(checks.clone(), similarity, found.clone())), None, None);
            let mut worse = checks;
            let i = which.index(worse.len());
            worse[i] = false;
            let after = derive(Some(&ocr(worse, similarity, found)), None, None);
            prop_assert!(rank(&after.status) >= rank(&before.status));
            prop_assert_eq!(after.status, Status::Rejected);
        }
    }

    #[test]
    fn unknown_features_do_not_count_as_missing() {
        let d = derive(
            Some(&ocr(
                vec![true],
                Some(SimilarityLevel::High),
                vec![None, Some(true)],
            )),
            None,
            None,
        );
        assert_eq!(d.status, Status::Accepted);
    }
}
