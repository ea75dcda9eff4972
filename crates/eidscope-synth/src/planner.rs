//! The planner of one bundle: from what the run fixes about it (a [`Request`]: its anomaly,
//! whether it failed, a person or a selfie it shares), it draws the rest from the plan stream,
//! in a fixed order of named steps: when, which shape and document, the outcome, the person,
//! the process, the verdict and its evidence ([`crate::recorded`]), the reported status, the
//! media and their anomaly ([`crate::media_plan`]). The order of the steps is the order of the
//! draws: the same seed gives the same bundles only as long as it stays.

use crate::people::{AgeClass, DocType, ExpiryClass, Person, draw_doc_type, draw_person};
use crate::rng::{SynthRng, uuid};
use crate::spec::{AgentReview, BundleSpec, Check, Evidence, SelfieSource};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use eidscope_model::{FindingCode, Shape, SimilarityLevel, Status};
use rand::Rng;
use rand::seq::IndexedRandom;

/// Why a bundle ends where it ends (before anomalies).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Outcome {
    Accepted {
        agent: bool,
    },
    RejectedCheck(Check),
    RejectedAgent,
    Inconclusive {
        similarity: SimilarityLevel,
        hide_feature: bool,
    },
}

impl Outcome {
    /// The status the evidence of this outcome derives to.
    fn derived(self) -> Status {
        match self {
            Outcome::Accepted { .. } => Status::Accepted,
            Outcome::RejectedCheck(_) | Outcome::RejectedAgent => Status::Rejected,
            Outcome::Inconclusive { .. } => Status::Inconclusive,
        }
    }
}

/// What the caller fixes about a bundle before the planner fills in the rest.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    pub anomaly: Option<FindingCode>,
    pub failed: bool,
    pub person: Option<Person>,
    pub created: Option<DateTime<Utc>>,
    pub number_variant: usize,
    pub selfie: Option<SelfieSource>,
    /// An adult with a valid document whose checks never fail for personal reasons (the
    /// person is reused by other bundles).
    pub plain: bool,
}

const FAIL_REASONS: &[(&str, &str)] = &[
    (
        "InactiveUser.Aborted",
        "There has been no interaction with the video",
    ),
    (
        "Permission.CameraDenied",
        "The end-user denied access to the camera",
    ),
    (
        "Permission.MicrophoneDenied",
        "The end-user denied access to the microphone",
    ),
    (
        "Timeout.Expired",
        "The verification was not completed in time",
    ),
    (
        "Network.ConnectionLost",
        "The connection to the end-user was lost",
    ),
];

const AGENTS: &[&str] = &[
    "Ines Carvalho",
    "Lars Berg",
    "Amelia Jones",
    "Pablo Moreno",
    "Aino Virtanen",
];

const REJECT_REASONS: &[&str] = &[
    "document.damaged",
    "face.mismatch",
    "document.photocopy",
    "user.behaviour.suspicious",
    "document.unsupported",
];

/// The serial planner of a run: the plan stream, the run's calendar and the next person id.
pub(crate) struct Planner {
    pub rng: SynthRng,
    pub base: NaiveDate,
    pub next_person: usize,
    pub eid_raw_share: f64,
}

/// A bundle's creation time on the run's calendar: a day within a year of the base date, between
/// 07:00 and 21:00 UTC (so the upload a few minutes later is on the same date).
pub(crate) fn time_on(base: NaiveDate, day: i64, seconds: u32) -> DateTime<Utc> {
    let date = base + Duration::days(day);
    let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds.min(86_399), 0)
        .unwrap_or(NaiveTime::MIN);
    date.and_time(time).and_utc()
}

/// The process facts of a bundle: who decided, how the process is called, its ids.
struct ProcessFacts {
    agent_involved: bool,
    process_type: &'static str,
    provider: &'static str,
    process_id: String,
    raw_id: String,
    fail_id: String,
}

/// What the provider recorded and decided.
struct Verdict {
    derived: Status,
    evidence: Option<Evidence>,
    review: Option<AgentReview>,
    fail: Option<(&'static str, &'static str)>,
}

impl Planner {
    pub(crate) fn random_time(&mut self) -> DateTime<Utc> {
        let day = self.rng.random_range(0..365);
        let secs = self.rng.random_range(7 * 3600..21 * 3600);
        time_on(self.base, day, secs)
    }

    pub(crate) fn new_person(
        &mut self,
        capture: NaiveDate,
        age: AgeClass,
        expiry: ExpiryClass,
        doc: DocType,
    ) -> Person {
        let id = self.next_person;
        self.next_person += 1;
        draw_person(&mut self.rng, id, capture, age, expiry, doc)
    }

    /// Plans one bundle, step by step (see the module documentation: the order is the order
    /// of the draws).
    pub(crate) fn build(&mut self, index: usize, req: Request) -> BundleSpec {
        let anomaly = req.anomaly;
        let created = req.created.unwrap_or_else(|| self.random_time());
        let updated = created + Duration::seconds(self.rng.random_range(40..300));
        let (shape, doc) = self.shape_and_document(&req);
        let person_reasons = req.person.is_none() && !req.failed && !req.plain;
        let offset = (self.rng.random_range(-6..=6), self.rng.random_range(-6..=6));
        let outcome = if req.failed {
            Outcome::Accepted { agent: false }
        } else {
            self.draw_outcome(shape, doc, person_reasons, anomaly)
        };
        let person = match req.person {
            Some(p) => p,
            None => self.person_for(created.date_naive(), anomaly, outcome, doc),
        };
        let process = self.process(outcome);
        let verdict = if req.failed {
            self.failure()
        } else {
            // The review is drawn before the evidence.
            let review = process.agent_involved.then(|| self.review(outcome));
            let evidence =
                self.evidence(&person, shape, outcome, anomaly, req.number_variant, offset);
            Verdict {
                derived: outcome.derived(),
                evidence: Some(evidence),
                review,
                fail: None,
            }
        };
        let reported = self.reported(anomaly, &verdict.derived);
        let mut media = self.media(doc, created, req.failed, offset);
        let selfie = match req.selfie {
            Some(selfie) => selfie,
            None => self.own_selfie(index, &person, created),
        };
        let (twist, extras) = self.media_anomaly(anomaly, doc, &mut media);
        BundleSpec {
            index,
            person,
            created,
            updated,
            process_id: process.process_id,
            shape,
            raw_id: process.raw_id,
            derived: verdict.derived,
            reported,
            process_type: process.process_type,
            provider: process.provider,
            evidence: verdict.evidence,
            review: verdict.review,
            fail: verdict.fail,
            fail_id: process.fail_id,
            media,
            selfie,
            twist,
            extras,
            anomaly,
        }
    }

    /// The `ocr.json` shape (a liveness contradiction needs shape A's own liveness field) and
    /// the document type (a card for front-is-back: it needs a back).
    fn shape_and_document(&mut self, req: &Request) -> (Shape, DocType) {
        let shape = if req.anomaly == Some(FindingCode::LivenessContradiction)
            || !self.rng.random_bool(self.eid_raw_share)
        {
            Shape::Signicat
        } else {
            Shape::EidRaw
        };
        let needs_card = req.anomaly == Some(FindingCode::FrontIsBack);
        let doc = match &req.person {
            Some(p) => p.doc_type,
            None if needs_card => {
                if self.rng.random_bool(0.8) {
                    DocType::IdentityCard
                } else {
                    DocType::ResidencePermit
                }
            }
            None => draw_doc_type(&mut self.rng),
        };
        (shape, doc)
    }

    fn draw_outcome(
        &mut self,
        shape: Shape,
        doc: DocType,
        person_reasons: bool,
        anomaly: Option<FindingCode>,
    ) -> Outcome {
        let roll = self.rng.random_range(0..90);
        if roll < 60 {
            return Outcome::Accepted {
                agent: self.rng.random_bool(0.25),
            };
        }
        if roll < 75 {
            if self.rng.random_bool(0.3) {
                return Outcome::RejectedAgent;
            }
            // A contradiction never meets a rejection by the same check.
            let excluded: &[Check] = match anomaly {
                Some(FindingCode::ExpiryContradiction) => &[Check::NonExpired],
                Some(FindingCode::UnderageContradiction | FindingCode::InvalidField) => {
                    &[Check::NotUnderage]
                }
                Some(FindingCode::LivenessContradiction) => &[Check::LivenessDetected],
                _ => &[],
            };
            let options: Vec<Check> = Check::of(shape, doc)
                .into_iter()
                .filter(|check| !excluded.contains(check))
                .filter(|check| person_reasons || !check.is_personal())
                .collect();
            return Outcome::RejectedCheck(
                options
                    .choose(&mut self.rng)
                    .copied()
                    .unwrap_or(Check::DataIntegrity),
            );
        }
        let similarity = *[
            SimilarityLevel::Medium,
            SimilarityLevel::Low,
            SimilarityLevel::VeryLow,
        ]
        .choose(&mut self.rng)
        .unwrap_or(&SimilarityLevel::Low);
        match self.rng.random_range(0..10) {
            0..=5 => Outcome::Inconclusive {
                similarity,
                hide_feature: false,
            },
            6..=8 => Outcome::Inconclusive {
                similarity: SimilarityLevel::High,
                hide_feature: true,
            },
            _ => Outcome::Inconclusive {
                similarity,
                hide_feature: true,
            },
        }
    }

    /// A new person whose age and document suit the anomaly and the outcome: a minor for an
    /// underage contradiction or a failing `notUnderage`, an expired document for an expiry
    /// contradiction or a failing `nonExpired`.
    fn person_for(
        &mut self,
        capture: NaiveDate,
        anomaly: Option<FindingCode>,
        outcome: Outcome,
        doc: DocType,
    ) -> Person {
        let age = match (anomaly, outcome) {
            (Some(FindingCode::UnderageContradiction), _)
            | (_, Outcome::RejectedCheck(Check::NotUnderage)) => AgeClass::Minor,
            _ => AgeClass::Adult,
        };
        let expiry = match (anomaly, outcome) {
            (Some(FindingCode::ExpiryContradiction), _)
            | (_, Outcome::RejectedCheck(Check::NonExpired)) => ExpiryClass::Expired,
            _ => ExpiryClass::Valid,
        };
        self.new_person(capture, age, expiry, doc)
    }

    /// Whether an agent decided, the process type that goes with it, the provider and the ids.
    fn process(&mut self, outcome: Outcome) -> ProcessFacts {
        let agent_involved = matches!(
            outcome,
            Outcome::Accepted { agent: true } | Outcome::RejectedAgent
        ) || (matches!(outcome, Outcome::RejectedCheck(_))
            && self.rng.random_bool(0.2));
        let process_type = if agent_involved {
            if self.rng.random_bool(0.5) {
                "attended"
            } else {
                "unattended"
            }
        } else {
            *[
                "substantial",
                "substantial",
                "substantial",
                "substantial",
                "substantialFullyAuto",
                "high",
                "hybrid",
            ]
            .choose(&mut self.rng)
            .unwrap_or(&"substantial")
        };
        let provider = if self.rng.random_bool(0.15) {
            "signicatvideoid"
        } else {
            "eid"
        };
        ProcessFacts {
            agent_involved,
            process_type,
            provider,
            process_id: uuid(&mut self.rng),
            raw_id: uuid(&mut self.rng),
            fail_id: uuid(&mut self.rng),
        }
    }

    /// A failed process: a fail reason, no OCR data, no review.
    fn failure(&mut self) -> Verdict {
        let fail = *FAIL_REASONS
            .choose(&mut self.rng)
            .unwrap_or(&FAIL_REASONS[0]);
        Verdict {
            derived: Status::Failed,
            evidence: None,
            review: None,
            fail: Some(fail),
        }
    }

    /// The agent's review: a decision, an agent, and a reason when rejected.
    fn review(&mut self, outcome: Outcome) -> AgentReview {
        let rejected = !matches!(outcome, Outcome::Accepted { .. });
        AgentReview {
            accepted: !rejected,
            agent_id: format!("RA-{:02}", self.rng.random_range(1..40)),
            agent_name: AGENTS.choose(&mut self.rng).copied().unwrap_or("Agent"),
            reasons: if rejected {
                vec![
                    REJECT_REASONS
                        .choose(&mut self.rng)
                        .copied()
                        .unwrap_or("face.mismatch"),
                ]
            } else {
                Vec::new()
            },
        }
    }

    /// The status the process reports: the derived one, unless the anomaly is a mismatch.
    fn reported(&mut self, anomaly: Option<FindingCode>, derived: &Status) -> Status {
        if anomaly != Some(FindingCode::StatusMismatch) {
            return derived.clone();
        }
        match derived {
            Status::Accepted => {
                if self.rng.random_bool(0.5) {
                    Status::Rejected
                } else {
                    Status::Inconclusive
                }
            }
            _ => Status::Accepted,
        }
    }
}
