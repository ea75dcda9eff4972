//! The provider's record of a planned bundle: which security checks it ran and their
//! verdicts, the similarity and liveness, the features with their boxes, and the identity
//! fields as the OCR data writes them, with the evidence-level anomalies applied (a box out
//! of bounds or broken, an invalid field). Part of the planner: the draws are made in the
//! order written here.

use crate::document::{FeatureKind, Side, front_size, layout};
use crate::people::{DocType, Person, reformat_number};
use crate::planner::{Outcome, Planner};
use crate::spec::{Check, Evidence, FeatureRecord, IdentityText};
use chrono::Datelike;
use eidscope_model::{FindingCode, Shape, SimilarityLevel};
use rand::Rng;
use rand::seq::SliceRandom;

impl Planner {
    /// The provider's record for an outcome, with the evidence-level anomalies applied.
    pub(crate) fn evidence(
        &mut self,
        person: &Person,
        shape: Shape,
        outcome: Outcome,
        anomaly: Option<FindingCode>,
        number_variant: usize,
        offset: (i64, i64),
    ) -> Evidence {
        let checks: Vec<(Check, bool)> = Check::of(shape, person.doc_type)
            .into_iter()
            .map(|check| (check, outcome != Outcome::RejectedCheck(check)))
            .collect();
        let liveness_check = outcome != Outcome::RejectedCheck(Check::LivenessDetected);
        let liveness_detected =
            liveness_check && anomaly != Some(FindingCode::LivenessContradiction);
        let similarity = match outcome {
            Outcome::Inconclusive { similarity, .. } => similarity,
            _ => SimilarityLevel::High,
        };
        let features = self.features(person.doc_type, outcome, anomaly, offset);
        let identity = self.identity_text(person, shape, anomaly, number_variant);
        Evidence {
            similarity,
            liveness_detected,
            liveness_as_bool: self.rng.random_bool(0.15),
            checks,
            features,
            identity,
        }
    }

    /// The features where the builder draws them (same layout, same offset), some hidden for
    /// an inconclusive outcome, a box moved or broken for a box anomaly.
    fn features(
        &mut self,
        doc: DocType,
        outcome: Outcome,
        anomaly: Option<FindingCode>,
        offset: (i64, i64),
    ) -> Vec<FeatureRecord> {
        let mut features: Vec<FeatureRecord> = layout(doc, offset.0, offset.1)
            .into_iter()
            .map(|b| FeatureRecord {
                kind: b.kind,
                side: b.side,
                found: true,
                bbox: Some((b.x, b.y, b.width, b.height)),
            })
            .collect();
        if let Outcome::Inconclusive {
            hide_feature: true, ..
        } = outcome
        {
            let hideable = [
                FeatureKind::Ovi1,
                FeatureKind::Ovi2,
                FeatureKind::Header,
                FeatureKind::Signature,
            ];
            let count = self.rng.random_range(1..=2);
            let mut picks: Vec<FeatureKind> = hideable.to_vec();
            picks.shuffle(&mut self.rng);
            for kind in picks.into_iter().take(count) {
                if let Some(f) = features.iter_mut().find(|f| f.kind == kind) {
                    f.found = false;
                    f.bbox = None;
                }
            }
        }
        match anomaly {
            Some(FindingCode::BboxOutOfBounds) => {
                let (w, h) = front_size(doc);
                if let Some(f) = features
                    .iter_mut()
                    .filter(|f| f.found && f.side == Side::Data)
                    .last()
                    && let Some((x, y, bw, bh)) = f.bbox
                {
                    f.bbox = Some(if self.rng.random_bool(0.5) {
                        (i64::from(w) - bw + self.rng.random_range(8..40), y, bw, bh)
                    } else {
                        (x, i64::from(h) - bh / 2, bw, bh)
                    });
                }
            }
            Some(FindingCode::BboxInvalid) => {
                if let Some(f) = features.iter_mut().find(|f| f.found) {
                    if self.rng.random_bool(0.5) {
                        f.bbox = None;
                    } else if let Some((x, y, _, bh)) = f.bbox {
                        f.bbox = Some((x, y, 0, bh));
                    }
                }
            }
            _ => {}
        }
        features
    }

    /// The identity fields as the OCR data writes them: shape B's short dates now and then,
    /// and one broken field for an invalid-field anomaly.
    fn identity_text(
        &mut self,
        person: &Person,
        shape: Shape,
        anomaly: Option<FindingCode>,
        number_variant: usize,
    ) -> IdentityText {
        let mut identity = IdentityText {
            document_number: reformat_number(&person.document_number, number_variant),
            date_of_birth: person.date_of_birth.format("%Y-%m-%d").to_string(),
            date_of_expiry: person.date_of_expiry.format("%Y-%m-%d").to_string(),
            gender: person.gender.to_string(),
            nationality: person.nationality.to_string(),
            birth_short: None,
            expiry_short: None,
        };
        if shape == Shape::EidRaw {
            if self.rng.random_bool(0.5) {
                identity.expiry_short = Some(person.date_of_expiry.format("%y%m%d").to_string());
            }
            if self.rng.random_bool(0.3) && person.date_of_birth.year() > 1940 {
                identity.birth_short = Some(person.date_of_birth.format("%y%m%d").to_string());
            }
        }
        if anomaly == Some(FindingCode::InvalidField) {
            match self.rng.random_range(0..3) {
                0 => {
                    identity.date_of_birth = format!("{}-02-30", person.date_of_birth.year());
                    identity.birth_short = None;
                }
                1 => identity.gender = "Q".into(),
                _ => identity.nationality = "ZZZ".into(),
            }
        }
        identity
    }
}
