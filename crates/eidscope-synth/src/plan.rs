//! The planner: decides, serially and from the plan stream only, what every bundle of a run is:
//! its person, dates, shape, statuses and their reasons, its anomaly or batch group, and which
//! media it holds. Anomalies are scheduled round-robin over the single-bundle finding codes
//! (every code at least once as soon as the run has 40 bundles), at most one per bundle, so the
//! labels stay exact.

use crate::document::{FeatureKind, Side, front_size, layout};
use crate::jpeg::ExifFields;
use crate::people::{
    AgeClass, DocType, ExpiryClass, Person, draw_doc_type, draw_person, reformat_number,
};
use crate::rng::{Purpose, SynthRng, stream, uuid};
use crate::spec::{
    AgentReview, BundleSpec, Evidence, ExtraEntry, FeatureRecord, IdentityText, ImageSlot,
    MediaPlan, MediaTwist, SelfieSource, VideoChoice,
};
use crate::{SynthConfig, VIDEO_POOL_MOVING};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use eidscope_model::{CATALOGUE, FindingCode, FindingScope, Shape, SimilarityLevel, Status};
use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};

/// The single-bundle finding codes, in catalogue order: the anomalies the planner injects.
pub(crate) fn single_bundle_codes() -> Vec<FindingCode> {
    CATALOGUE
        .iter()
        .filter(|spec| spec.scope == FindingScope::Bundle)
        .map(|spec| spec.code)
        .collect()
}

/// How a batch group's key is known.
#[derive(Debug, Clone)]
pub(crate) enum GroupKey {
    /// Known at plan time (a document key).
    Text(String),
    /// The SHA-256 of the selfie of this bundle index (known once rendered).
    SelfieSha(usize),
}

/// A batch group of bundles.
#[derive(Debug, Clone)]
pub(crate) struct PlannedGroup {
    pub code: FindingCode,
    pub key: GroupKey,
    /// Bundle indices, ascending.
    pub members: Vec<usize>,
}

/// The plan of a run.
#[derive(Debug)]
pub(crate) struct Plan {
    pub specs: Vec<BundleSpec>,
    pub groups: Vec<PlannedGroup>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Clean,
    Failed,
    Anomaly(FindingCode),
    Group,
}

/// Why a bundle ends where it ends (before anomalies).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Accepted {
        agent: bool,
    },
    RejectedCheck(&'static str),
    RejectedAgent,
    Inconclusive {
        similarity: SimilarityLevel,
        hide_feature: bool,
    },
}

/// What the caller fixes about a bundle before the planner fills in the rest.
#[derive(Debug, Clone, Default)]
struct Request {
    anomaly: Option<FindingCode>,
    failed: bool,
    person: Option<Person>,
    created: Option<DateTime<Utc>>,
    number_variant: usize,
    selfie: Option<SelfieSource>,
    /// An adult with a valid document whose checks never fail for personal reasons (the
    /// person is reused by other bundles).
    plain: bool,
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

struct Planner {
    rng: SynthRng,
    base: NaiveDate,
    next_person: usize,
    eid_raw_share: f64,
}

/// A bundle's creation time on the run's calendar: a day within a year of the base date, between
/// 07:00 and 21:00 UTC (so the upload a few minutes later is on the same date).
fn time_on(base: NaiveDate, day: i64, seconds: u32) -> DateTime<Utc> {
    let date = base + Duration::days(day);
    let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds.min(86_399), 0)
        .unwrap_or(NaiveTime::MIN);
    date.and_time(time).and_utc()
}

fn exif_date(t: DateTime<Utc>) -> String {
    t.format("%Y:%m:%d %H:%M:%S").to_string()
}

/// A phone's EXIF: camera make and model and its own processing software (not an editor).
fn camera_exif(rng: &mut SynthRng, when: DateTime<Utc>) -> ExifFields {
    let (make, model, software) = *[
        ("Google", "Pixel 7", "HDR+ 1.0"),
        ("Apple", "iPhone 13", "16.5"),
        ("samsung", "SM-G991B", "G991BXXU5CWAA"),
        ("Xiaomi", "2201117TY", "MIUI Camera"),
    ]
    .choose(rng)
    .unwrap_or(&("Google", "Pixel 7", "HDR+ 1.0"));
    ExifFields {
        make: Some(make.into()),
        model: Some(model.into()),
        software: Some(software.into()),
        date_time: Some(exif_date(when)),
    }
}

impl Planner {
    fn random_time(&mut self) -> DateTime<Utc> {
        let day = self.rng.random_range(0..365);
        let secs = self.rng.random_range(7 * 3600..21 * 3600);
        time_on(self.base, day, secs)
    }

    fn new_person(
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

    fn check_names(shape: Shape, doc: DocType) -> Vec<&'static str> {
        let mut names = vec![
            "nonExpired",
            "notUnderage",
            "dataIntegrity",
            "livenessDetected",
        ];
        match shape {
            Shape::Signicat => names.push("notFaceSpoofing"),
            Shape::EidRaw => names.push("initialsMatch"),
        }
        if doc.has_back() {
            names.push("sidesMatch");
        }
        names.push("notBWCopy");
        names
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
            let excluded: &[&str] = match anomaly {
                Some(FindingCode::ExpiryContradiction) => &["nonExpired"],
                Some(FindingCode::UnderageContradiction | FindingCode::InvalidField) => {
                    &["notUnderage"]
                }
                Some(FindingCode::LivenessContradiction) => &["livenessDetected"],
                _ => &[],
            };
            let options: Vec<&'static str> = Self::check_names(shape, doc)
                .into_iter()
                .filter(|name| !excluded.contains(name))
                .filter(|name| person_reasons || !matches!(*name, "nonExpired" | "notUnderage"))
                .collect();
            return Outcome::RejectedCheck(
                options
                    .choose(&mut self.rng)
                    .copied()
                    .unwrap_or("dataIntegrity"),
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

    fn build(&mut self, index: usize, req: Request) -> BundleSpec {
        let anomaly = req.anomaly;
        let created = req.created.unwrap_or_else(|| self.random_time());
        let updated = created + Duration::seconds(self.rng.random_range(40..300));
        let capture = created.date_naive();
        let shape = if anomaly == Some(FindingCode::LivenessContradiction)
            || !self.rng.random_bool(self.eid_raw_share)
        {
            Shape::Signicat
        } else {
            Shape::EidRaw
        };
        let needs_card = anomaly == Some(FindingCode::FrontIsBack);
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
        let person_reasons = req.person.is_none() && !req.failed && !req.plain;
        let offset = (self.rng.random_range(-6..=6), self.rng.random_range(-6..=6));
        let outcome = if req.failed {
            Outcome::Accepted { agent: false }
        } else {
            self.draw_outcome(shape, doc, person_reasons, anomaly)
        };
        let age = match (anomaly, outcome) {
            (Some(FindingCode::UnderageContradiction), _)
            | (_, Outcome::RejectedCheck("notUnderage")) => AgeClass::Minor,
            _ => AgeClass::Adult,
        };
        let expiry = match (anomaly, outcome) {
            (Some(FindingCode::ExpiryContradiction), _)
            | (_, Outcome::RejectedCheck("nonExpired")) => ExpiryClass::Expired,
            _ => ExpiryClass::Valid,
        };
        let person = match req.person {
            Some(p) => p,
            None => self.new_person(capture, age, expiry, doc),
        };

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
        let process_id = uuid(&mut self.rng);
        let raw_id = uuid(&mut self.rng);
        let fail_id = uuid(&mut self.rng);

        let (derived, evidence, review, fail) = if req.failed {
            let fail = *FAIL_REASONS
                .choose(&mut self.rng)
                .unwrap_or(&FAIL_REASONS[0]);
            (Status::Failed, None, None, Some(fail))
        } else {
            let review = agent_involved.then(|| {
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
            });
            let evidence =
                self.evidence(&person, shape, outcome, anomaly, req.number_variant, offset);
            let derived = match outcome {
                Outcome::Accepted { .. } => Status::Accepted,
                Outcome::RejectedCheck(_) | Outcome::RejectedAgent => Status::Rejected,
                Outcome::Inconclusive { .. } => Status::Inconclusive,
            };
            (derived, Some(evidence), review, None)
        };
        let reported = if anomaly == Some(FindingCode::StatusMismatch) {
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
        } else {
            derived.clone()
        };

        let mut media = MediaPlan {
            front: true,
            back: doc.has_back(),
            selfie: true,
            portrait: true,
            video: Some(VideoChoice::Moving(
                self.rng.random_range(0..VIDEO_POOL_MOVING),
            )),
            document_exif: self
                .rng
                .random_bool(0.4)
                .then(|| camera_exif(&mut self.rng, created)),
            offset,
        };
        if req.failed {
            // An aborted capture: some of the media, never an empty zip.
            media.back &= self.rng.random_bool(0.5);
            media.selfie = self.rng.random_bool(0.5);
            media.portrait = false;
            media.front = self.rng.random_bool(0.6);
            if self.rng.random_bool(0.4) || !(media.front || media.selfie || media.back) {
                media.video = Some(VideoChoice::Moving(
                    self.rng.random_range(0..VIDEO_POOL_MOVING),
                ));
            } else {
                media.video = None;
            }
        }
        let selfie = req.selfie.unwrap_or_else(|| SelfieSource {
            from_index: index,
            face: person.face.clone(),
            exif: self
                .rng
                .random_bool(0.5)
                .then(|| camera_exif(&mut self.rng, created)),
            quality: self.rng.random_range(80..=92),
            near_duplicate: false,
        });

        let mut twist = MediaTwist::None;
        let mut extras = Vec::new();
        match anomaly {
            Some(FindingCode::MissingMedia) => {
                let mut options = vec![0, 1, 2];
                if doc.has_back() {
                    options.push(3);
                }
                match options.choose(&mut self.rng).copied().unwrap_or(0) {
                    0 => media.selfie = false,
                    1 => media.portrait = false,
                    2 => media.video = None,
                    _ => media.back = false,
                }
            }
            Some(FindingCode::MediaCorrupt) => match self.rng.random_range(0..4) {
                0 => twist = MediaTwist::Truncate(ImageSlot::Selfie),
                1 => twist = MediaTwist::Truncate(ImageSlot::Portrait),
                2 => twist = MediaTwist::Truncate(ImageSlot::Front),
                _ => media.video = Some(VideoChoice::Garbage),
            },
            Some(FindingCode::SelfieIsPortrait) => {
                twist = MediaTwist::SelfieIsPortrait {
                    reencode: self.rng.random_bool(0.5),
                };
            }
            Some(FindingCode::FrontIsBack) => twist = MediaTwist::FrontIsBack,
            Some(FindingCode::EditedImage) => {
                let slot = *[ImageSlot::Front, ImageSlot::Selfie, ImageSlot::Portrait]
                    .choose(&mut self.rng)
                    .unwrap_or(&ImageSlot::Front);
                twist = MediaTwist::Edited {
                    slot,
                    app13: self.rng.random_bool(0.4),
                };
            }
            Some(FindingCode::VideoFrozen) => media.video = Some(VideoChoice::Frozen),
            Some(FindingCode::VideoTooShort) => media.video = Some(VideoChoice::Short),
            Some(FindingCode::UnsafeEntry) => extras.push(match self.rng.random_range(0..3) {
                0 => ExtraEntry::File {
                    name: "../../evil.txt",
                    body: "written outside the extraction folder\n",
                },
                1 => ExtraEntry::File {
                    name: "/etc/cron.d/x",
                    body: "* * * * * root true\n",
                },
                _ => ExtraEntry::Symlink {
                    name: "link",
                    target: "/etc/passwd",
                },
            }),
            Some(FindingCode::UnexpectedEntry) => extras.push(match self.rng.random_range(0..3) {
                0 => ExtraEntry::File {
                    name: "debug/notes.txt",
                    body: "capture retried twice\n",
                },
                1 => ExtraEntry::File {
                    name: "Thumbs.db",
                    body: "thumbnail cache\n",
                },
                _ => ExtraEntry::File {
                    name: "raw/response.xml",
                    body: "<response status=\"ok\"/>\n",
                },
            }),
            _ => {}
        }

        BundleSpec {
            index,
            person,
            created,
            updated,
            process_id,
            shape,
            raw_id,
            derived: derived.clone(),
            reported,
            process_type,
            provider,
            evidence,
            review,
            fail,
            fail_id,
            media,
            selfie,
            twist,
            extras,
            anomaly,
        }
    }

    /// The provider's record for an outcome, with the evidence-level anomalies applied.
    fn evidence(
        &mut self,
        person: &Person,
        shape: Shape,
        outcome: Outcome,
        anomaly: Option<FindingCode>,
        number_variant: usize,
        offset: (i64, i64),
    ) -> Evidence {
        let doc = person.doc_type;
        let checks: Vec<(&'static str, bool)> = Self::check_names(shape, doc)
            .into_iter()
            .map(|name| (name, outcome != Outcome::RejectedCheck(name)))
            .collect();
        let liveness_check = outcome != Outcome::RejectedCheck("livenessDetected");
        let liveness_detected =
            liveness_check && anomaly != Some(FindingCode::LivenessContradiction);
        let similarity = match outcome {
            Outcome::Inconclusive { similarity, .. } => similarity,
            _ => SimilarityLevel::High,
        };
        // The boxes are where the builder draws the features: same layout, same offset.
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
        Evidence {
            similarity,
            liveness_detected,
            liveness_as_bool: self.rng.random_bool(0.15),
            checks,
            features,
            identity,
        }
    }
}

/// Plans a run.
pub(crate) fn plan(config: &SynthConfig) -> Plan {
    let n = config.count;
    let mut planner = Planner {
        rng: stream(config.seed, Purpose::Plan, 0),
        base: NaiveDate::from_ymd_opt(2022, 1, 3).unwrap_or(NaiveDate::MIN)
            + Duration::days((config.seed % 700) as i64),
        next_person: 0,
        eid_raw_share: config.eid_raw_share.clamp(0.0, 1.0),
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut planner.rng);
    let mut cursor = 0usize;
    let mut take = |k: usize| -> Vec<usize> {
        let end = (cursor + k).min(order.len());
        let mut picked = order[cursor..end].to_vec();
        cursor = end;
        picked.sort_unstable();
        picked
    };
    let mut roles = vec![Role::Clean; n];
    let mut group_members: Vec<(FindingCode, Vec<usize>)> = Vec::new();
    if n >= 40 {
        let per_kind = (n / 500).max(1);
        for code in [
            FindingCode::DocumentReuse,
            FindingCode::MediaReuse,
            FindingCode::FaceNearDuplicate,
            FindingCode::Velocity,
        ] {
            for _ in 0..per_kind {
                let size = match code {
                    FindingCode::DocumentReuse => planner.rng.random_range(2..=4),
                    FindingCode::MediaReuse => planner.rng.random_range(2..=3),
                    FindingCode::FaceNearDuplicate => 2,
                    _ => planner.rng.random_range(3..=4),
                };
                let members = take(size);
                for &m in &members {
                    roles[m] = Role::Group;
                }
                group_members.push((code, members));
            }
        }
    }
    let codes = single_bundle_codes();
    let wanted = (config.anomaly_rate.clamp(0.0, 1.0) * n as f64).round() as usize;
    let anomalies = if n >= 40 {
        wanted.max(codes.len())
    } else {
        wanted
    };
    for (k, idx) in take(anomalies).into_iter().enumerate() {
        roles[idx] = Role::Anomaly(codes[k % codes.len()]);
    }
    for idx in take((n as f64 * 0.10).round() as usize) {
        roles[idx] = Role::Failed;
    }

    let mut specs: Vec<Option<BundleSpec>> = vec![None; n];
    let mut groups = Vec::new();
    for (code, members) in group_members {
        let Some(&first) = members.first() else {
            continue;
        };
        match code {
            FindingCode::DocumentReuse => {
                let t0 = planner.random_time();
                let source = planner.build(
                    first,
                    Request {
                        created: Some(t0),
                        plain: true,
                        ..Request::default()
                    },
                );
                let key = source.person.document_key();
                let mut t = t0;
                for (k, &m) in members.iter().enumerate().skip(1) {
                    t += Duration::days(planner.rng.random_range(2..15))
                        + Duration::seconds(planner.rng.random_range(-3600..3600));
                    let mut other = planner.new_person(
                        t.date_naive(),
                        AgeClass::Adult,
                        ExpiryClass::Valid,
                        source.person.doc_type,
                    );
                    other.issuing_country = source.person.issuing_country;
                    other.document_number = source.person.document_number.clone();
                    other.date_of_expiry = source.person.date_of_expiry;
                    let spec = planner.build(
                        m,
                        Request {
                            created: Some(t),
                            person: Some(other),
                            number_variant: k,
                            ..Request::default()
                        },
                    );
                    specs[m] = Some(spec);
                }
                specs[first] = Some(source);
                groups.push(PlannedGroup {
                    code,
                    key: GroupKey::Text(key),
                    members,
                });
            }
            FindingCode::MediaReuse | FindingCode::FaceNearDuplicate => {
                let source = planner.build(first, Request::default());
                for &m in members.iter().skip(1) {
                    let mut selfie = source.selfie.clone();
                    if code == FindingCode::FaceNearDuplicate {
                        selfie.near_duplicate = true;
                        selfie.quality = if selfie.quality > 84 {
                            selfie.quality - 12
                        } else {
                            selfie.quality + 8
                        };
                        selfie.exif = None;
                    }
                    let spec = planner.build(
                        m,
                        Request {
                            selfie: Some(selfie),
                            ..Request::default()
                        },
                    );
                    specs[m] = Some(spec);
                }
                specs[first] = Some(source);
                groups.push(PlannedGroup {
                    code,
                    key: GroupKey::SelfieSha(first),
                    members,
                });
            }
            _ => {
                let day = planner.rng.random_range(0..365);
                let mut t = time_on(
                    planner.base,
                    day,
                    planner.rng.random_range(7 * 3600..11 * 3600),
                );
                let source = planner.build(
                    first,
                    Request {
                        created: Some(t),
                        plain: true,
                        ..Request::default()
                    },
                );
                let key = source.person.document_key();
                for &m in members.iter().skip(1) {
                    t += Duration::minutes(planner.rng.random_range(20..80));
                    let spec = planner.build(
                        m,
                        Request {
                            created: Some(t),
                            person: Some(source.person.clone()),
                            ..Request::default()
                        },
                    );
                    specs[m] = Some(spec);
                }
                specs[first] = Some(source);
                groups.push(PlannedGroup {
                    code,
                    key: GroupKey::Text(key),
                    members,
                });
            }
        }
    }

    // Everything else, in index order; some clean bundles are ordinary retries of an earlier
    // person, days later (two attempts per person at most: no velocity).
    let mut retryable: Vec<(Person, DateTime<Utc>)> = Vec::new();
    for idx in 0..n {
        if specs[idx].is_some() {
            continue;
        }
        let role = roles[idx];
        let mut req = Request {
            failed: role == Role::Failed,
            anomaly: match role {
                Role::Anomaly(code) => Some(code),
                _ => None,
            },
            ..Request::default()
        };
        if role == Role::Clean && !retryable.is_empty() && planner.rng.random_bool(0.08) {
            let pick = planner.rng.random_range(0..retryable.len());
            let (person, when) = retryable.swap_remove(pick);
            req.created = Some(
                when + Duration::days(planner.rng.random_range(2..30))
                    + Duration::seconds(planner.rng.random_range(-7200..7200)),
            );
            req.person = Some(person);
            let spec = planner.build(idx, req);
            specs[idx] = Some(spec);
            continue;
        }
        let spec = planner.build(idx, req);
        let plain_person = spec.evidence.is_some()
            && spec.anomaly.is_none()
            && spec.person.date_of_expiry > spec.created.date_naive() + Duration::days(60)
            && (spec.created.date_naive().year() - spec.person.date_of_birth.year()) >= 19;
        if plain_person {
            retryable.push((spec.person.clone(), spec.created));
        }
        specs[idx] = Some(spec);
    }
    Plan {
        specs: specs.into_iter().flatten().collect(),
        groups,
    }
}
