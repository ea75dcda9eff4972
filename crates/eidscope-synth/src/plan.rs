//! The plan of a run: decides, serially and from the plan stream only, what every bundle is.
//! The bundle indices are shuffled and handed out in turn to batch groups, anomalies, failed
//! bundles and clean bundles ([`assign_roles`]); each group is planned together (its members
//! share a document, a selfie or a person), then every other bundle in index order, some clean
//! ones as ordinary retries of an earlier person. Anomalies are scheduled round-robin over the
//! single-bundle finding codes (every code at least once as soon as the run has 40 bundles), at
//! most one per bundle, so the labels stay exact. One bundle's own draws are
//! [`crate::planner`]'s. The `name-variants` group ([`crate::name_variants`]) comes last: it
//! replaces clean bundles from the end of the order once everything else is planned.

use crate::SynthConfig;
use crate::people::{AgeClass, ExpiryClass, Person};
use crate::planner::{Planner, Request, time_on};
use crate::rng::{Purpose, stream};
use crate::spec::BundleSpec;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use eidscope_model::{CATALOGUE, FindingCode, FindingScope};
use rand::Rng;
use rand::seq::SliceRandom;

/// The single-bundle codes the planner never injects, with where they are covered instead:
/// the face engine's (`--faces`: drawn faces are not faces to it; `synth --faces` gives them
/// real faces in labelled face cases, tests/cli/faces.rs) and the zip container's damage
/// (encrypted or duplicate entries, inconsistent structure, bytes around the archive,
/// unparseable JSON: the hostile fixtures of testdata/make_hostile.py, tests/cli/hostile.rs);
/// and the image provenance codes of issue 10, which synth's pictures cannot carry yet (no
/// `DateTimeOriginal`, declared size or trailer; nor the texture double compression shows in, nor an EXIF thumbnail:
/// crates/eidscope-analysis/tests/image_forensics/).
pub const UNPLANNED_CODES: [FindingCode; 16] = [
    FindingCode::FaceMismatch,
    FindingCode::FaceMatchContradiction,
    FindingCode::VideoFaceMismatch,
    FindingCode::NoFace,
    FindingCode::EncryptedEntry,
    FindingCode::DuplicateEntry,
    FindingCode::ArchiveDamaged,
    FindingCode::PrefixedArchive,
    FindingCode::TrailingData,
    FindingCode::JsonUnreadable,
    FindingCode::ImageResaved,
    FindingCode::ImageDateMismatch,
    FindingCode::ImageResized,
    FindingCode::ImageTrailingData,
    FindingCode::ImageDoubleCompressed,
    FindingCode::ImageThumbnailMismatch,
];

/// The single-bundle finding codes, in catalogue order: the anomalies the planner injects.
pub(crate) fn single_bundle_codes() -> Vec<FindingCode> {
    CATALOGUE
        .iter()
        .filter(|spec| spec.scope == FindingScope::Bundle)
        .map(|spec| spec.code)
        .filter(|code| !UNPLANNED_CODES.contains(code))
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

/// The role of every bundle, and the members of each batch group (by code).
struct Roles {
    roles: Vec<Role>,
    groups: Vec<(FindingCode, Vec<usize>)>,
    /// Clean bundles that the `name-variants` group replaces once the rest is planned.
    name_variants: Vec<usize>,
}

/// The specs being planned, by bundle index.
type Specs = Vec<Option<BundleSpec>>;

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
    let Roles {
        roles,
        groups,
        name_variants,
    } = assign_roles(&mut planner, n, config.anomaly_rate);
    let mut specs: Specs = vec![None; n];
    let mut groups: Vec<PlannedGroup> = groups
        .into_iter()
        .filter_map(|(code, members)| plan_group(&mut planner, code, members, &mut specs))
        .collect();
    plan_the_rest(&mut planner, &roles, &mut specs);
    groups.extend(crate::name_variants::plan(
        &mut planner,
        config.seed,
        &name_variants,
        &mut specs,
    ));
    Plan {
        specs: specs.into_iter().flatten().collect(),
        groups,
    }
}

/// Shuffles the indices and hands them out: batch groups (from 40 bundles on), anomalies,
/// failed bundles (10 %); the rest are clean.
fn assign_roles(planner: &mut Planner, n: usize, anomaly_rate: f64) -> Roles {
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
    let mut groups: Vec<(FindingCode, Vec<usize>)> = Vec::new();
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
                groups.push((code, members));
            }
        }
    }
    let codes = single_bundle_codes();
    let wanted = (anomaly_rate.clamp(0.0, 1.0) * n as f64).round() as usize;
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
    // The last clean bundles of the order, when there are enough of them; their role stays
    // clean here, so that the plan draws for them as before they were taken.
    let attempts = crate::name_variants::ATTEMPTS;
    let mut name_variants = if n >= 40 && cursor + attempts <= n {
        order[n - attempts..].to_vec()
    } else {
        Vec::new()
    };
    name_variants.sort_unstable();
    Roles {
        roles,
        groups,
        name_variants,
    }
}

/// Plans the members of one batch group into `specs`; `None` for a group without members.
fn plan_group(
    planner: &mut Planner,
    code: FindingCode,
    members: Vec<usize>,
    specs: &mut Specs,
) -> Option<PlannedGroup> {
    let &first = members.first()?;
    let key = match code {
        FindingCode::DocumentReuse => document_reuse(planner, &members, specs),
        FindingCode::MediaReuse | FindingCode::FaceNearDuplicate => {
            shared_selfie(planner, code, &members, specs);
            GroupKey::SelfieSha(first)
        }
        _ => velocity(planner, &members, specs),
    };
    Some(PlannedGroup { code, key, members })
}

/// The first bundle of a group whose person comes back: plain (an adult with a valid
/// document, no personal rejection), created at `created`.
fn group_source(planner: &mut Planner, index: usize, created: DateTime<Utc>) -> BundleSpec {
    planner.build(
        index,
        Request {
            created: Some(created),
            plain: true,
            ..Request::default()
        },
    )
}

/// One document under several people, attempts days apart, its number written differently.
fn document_reuse(planner: &mut Planner, members: &[usize], specs: &mut Specs) -> GroupKey {
    let t0 = planner.random_time();
    let source = group_source(planner, members[0], t0);
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
    specs[members[0]] = Some(source);
    GroupKey::Text(key)
}

/// One selfie under several people: the same bytes (`media-reuse`) or a re-encoded copy
/// (`face-near-duplicate`).
fn shared_selfie(planner: &mut Planner, code: FindingCode, members: &[usize], specs: &mut Specs) {
    let source = planner.build(members[0], Request::default());
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
    specs[members[0]] = Some(source);
}

/// One person and document, attempts minutes apart within a morning.
fn velocity(planner: &mut Planner, members: &[usize], specs: &mut Specs) -> GroupKey {
    let day = planner.rng.random_range(0..365);
    let mut t = time_on(
        planner.base,
        day,
        planner.rng.random_range(7 * 3600..11 * 3600),
    );
    let source = group_source(planner, members[0], t);
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
    specs[members[0]] = Some(source);
    GroupKey::Text(key)
}

/// Everything not in a group, in index order; some clean bundles are ordinary retries of an
/// earlier person, days later (two attempts per person at most: no velocity).
fn plan_the_rest(planner: &mut Planner, roles: &[Role], specs: &mut Specs) {
    let mut retryable: Vec<(Person, DateTime<Utc>)> = Vec::new();
    for idx in 0..specs.len() {
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
            specs[idx] = Some(planner.build(idx, req));
            continue;
        }
        let spec = planner.build(idx, req);
        if is_plain_person(&spec) {
            retryable.push((spec.person.clone(), spec.created));
        }
        specs[idx] = Some(spec);
    }
}

/// Whether a bundle's person can come back for an ordinary retry: a clean bundle of an adult
/// (19 or more) whose document stays valid for two months.
fn is_plain_person(spec: &BundleSpec) -> bool {
    spec.evidence.is_some()
        && spec.anomaly.is_none()
        && spec.person.date_of_expiry > spec.created.date_naive() + Duration::days(60)
        && (spec.created.date_naive().year() - spec.person.date_of_birth.year()) >= 19
}
