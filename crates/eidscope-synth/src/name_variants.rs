//! The `name-variants` group: one holder with one passport, three attempts days apart, the name
//! read each time as documents write it: the visual zone with its national letters, the
//! machine-readable zone's recommended ICAO Doc 9303 transliteration (Ü as UE), and the MRZ
//! without diacritics (Ü as U). `links` must count them as one identity: an `info` note, no
//! `document-reuse`, no `velocity`. The spellings are written out here by hand, never computed
//! by the comparison they test.
//!
//! The group is planned after every other bundle, from a stream of its own, and replaces clean
//! bundles: the rest of a run is what it was before this group existed.

use crate::people::{AgeClass, DocType, ExpiryClass, draw_face};
use crate::plan::{GroupKey, PlannedGroup};
use crate::planner::{Planner, Request};
use crate::rng::{Purpose, stream};
use crate::spec::BundleSpec;
use chrono::Duration;
use eidscope_model::FindingCode;
use rand::Rng;
use rand::seq::IndexedRandom;

/// The bundles of the group: one per spelling.
pub(crate) const ATTEMPTS: usize = 3;

/// A holder: issuing country, gender, and the three spellings of (given names, surname).
struct Holder {
    country: &'static str,
    gender: &'static str,
    spellings: [(&'static str, &'static str); ATTEMPTS],
}

/// Holders whose names carry the letters Doc 9303 writes in two ways (letters of Latin-1, which
/// the documents' font draws).
const HOLDERS: &[Holder] = &[
    Holder {
        country: "DEU",
        gender: "M",
        spellings: [
            ("JÜRGEN", "MÜLLER"),
            ("JUERGEN", "MUELLER"),
            ("JURGEN", "MULLER"),
        ],
    },
    Holder {
        country: "NOR",
        gender: "M",
        spellings: [
            ("BJØRN HÅKON", "SØRENSEN"),
            ("BJOERN HAAKON", "SOERENSEN"),
            ("BJORN HAKON", "SORENSEN"),
        ],
    },
    Holder {
        country: "SWE",
        gender: "F",
        spellings: [("ÅSA", "LÖFGREN"), ("AASA", "LOEFGREN"), ("ASA", "LOFGREN")],
    },
    Holder {
        country: "DNK",
        gender: "M",
        spellings: [("SØREN", "KJÆR"), ("SOEREN", "KJAER"), ("SOREN", "KJAER")],
    },
    Holder {
        country: "FIN",
        gender: "F",
        spellings: [
            ("MÄRTA", "HÄMÄLÄINEN"),
            ("MAERTA", "HAEMAELAEINEN"),
            ("MARTA", "HAMALAINEN"),
        ],
    },
];

/// Plans the group into `members` (which the plan filled with clean bundles, now replaced);
/// `None` unless there are [`ATTEMPTS`] members.
pub(crate) fn plan(
    planner: &mut Planner,
    seed: u64,
    members: &[usize],
    specs: &mut [Option<BundleSpec>],
) -> Option<PlannedGroup> {
    if members.len() != ATTEMPTS {
        return None;
    }
    let plan_stream = std::mem::replace(&mut planner.rng, stream(seed, Purpose::NameVariants, 0));
    let holder = HOLDERS.choose(&mut planner.rng).unwrap_or(&HOLDERS[0]);
    let mut t = planner.random_time();
    let mut person = planner.new_person(
        t.date_naive(),
        AgeClass::Adult,
        ExpiryClass::Valid,
        DocType::Passport,
    );
    person.issuing_country = holder.country;
    person.nationality = holder.country;
    person.gender = holder.gender;
    person.face = draw_face(&mut planner.rng, holder.gender);
    let key = person.document_key();
    for (k, (&index, (given, surname))) in members.iter().zip(holder.spellings).enumerate() {
        if k > 0 {
            t += Duration::days(planner.rng.random_range(2..15))
                + Duration::seconds(planner.rng.random_range(-3600..3600));
        }
        let mut spelled = person.clone();
        spelled.first_name = given.to_owned();
        spelled.last_name = surname.to_owned();
        let spec = planner.build(
            index,
            Request {
                created: Some(t),
                person: Some(spelled),
                ..Request::default()
            },
        );
        if let Some(slot) = specs.get_mut(index) {
            *slot = Some(spec);
        }
    }
    planner.rng = plan_stream;
    Some(PlannedGroup {
        code: FindingCode::NameVariants,
        key: GroupKey::Text(key),
        members: members.to_vec(),
    })
}
