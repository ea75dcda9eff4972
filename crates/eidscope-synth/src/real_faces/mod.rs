//! Real faces in synthetic bundles (`synth --faces DIR`): drawn faces are not faces to a face
//! recogniser, so a batch that tests face comparison needs photographs of real people.
//!
//! `DIR` holds one folder per person (`DIR/<person>/*.jpg|jpeg|png`), each photo framed on one
//! face like a passport photo or a selfie (head and shoulders, the face centred at about 40 %
//! of the height and some 40 % of the width; `make face-people` frames the fetched test photos
//! so). After the planner has made the batch, a few clean bundles (no anomaly, not in a batch
//! group, with selfie and portrait) get a real selfie, a real document portrait cut from
//! another photo, and a video made from the selfie photo, in one of these labelled cases:
//!
//! - `same-person`: one person in two bundles of different identities (a group of two);
//! - `match-despite-low-similarity`: one person, while the provider reported a low similarity
//!   (given only to bundles planned with a similarity below `high`);
//! - `face-mismatch`: the portrait is another person than the selfie;
//! - `video-face-mismatch`: selfie and portrait match, the video shows another person;
//! - `match`: one person throughout, nothing to find.
//!
//! Each photo is a selfie at most once and a portrait at most once in the batch, so the real
//! faces raise no `media-reuse`, `face-near-duplicate` or `selfie-is-portrait`; selfie and
//! portrait of a match come from different photos. Only the media entries change: the JSON (and
//! the drawn document front) stay as planned. This module never reads outside `DIR` and never
//! changes a bundle it did not choose.

use std::io::Read;
use std::path::{Path, PathBuf};

use eidscope_model::SimilarityLevel;
use image::RgbImage;
use serde::{Deserialize, Serialize};

use crate::SynthError;
use crate::plan::PlannedGroup;

mod render;
use crate::spec::{BundleSpec, MediaTwist};
pub(crate) use render::apply;

/// The most photos read from the folder (each is decoded when used).
const MAX_PHOTOS: usize = 10_000;
/// The largest photo file read, in bytes.
const MAX_PHOTO_BYTES: u64 = 40 * 1024 * 1024;

/// What a real-face bundle shows, as written into `labels.json` (`faces`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceLabel {
    /// `match`, `same-person`, `match-despite-low-similarity`, `face-mismatch` or
    /// `video-face-mismatch`.
    pub case: String,
    /// The person on the selfie (the folder name).
    pub selfie_person: String,
    /// The photo the selfie was made from, relative to the faces folder.
    pub selfie_photo: String,
    /// The person on the document portrait.
    pub portrait_person: String,
    /// The photo the portrait was cut from.
    pub portrait_photo: String,
    /// The person in the video.
    pub video_person: String,
    /// The face finding codes this bundle must yield under `--faces`: `face-mismatch`,
    /// `face-match-contradiction` or `video-face-mismatch` (none for a match).
    pub expected_face_findings: Vec<String>,
}

/// Bundles of different identities that show one person (`labels.json`, `face_groups`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceGroupLabel {
    /// Always `same-person`.
    pub code: String,
    /// The person (the folder name).
    pub person: String,
    /// The bundles, relative to the output folder.
    pub paths: Vec<String>,
}

/// One photo of the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Photo {
    person: usize,
    path: PathBuf,
    /// Relative to the folder, `/`-separated.
    name: String,
}

/// The photos of a `--faces` folder, by person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FaceFolder {
    root: PathBuf,
    people: Vec<String>,
    photos: Vec<Photo>,
}

impl FaceFolder {
    /// Lists `dir/<person>/*.{jpg,jpeg,png}`, sorted (the batch must not depend on the order
    /// the file system lists them).
    pub(crate) fn read(dir: &Path) -> Result<FaceFolder, SynthError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SynthError::Io { path, source }
        };
        let mut people: Vec<(String, PathBuf)> = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io(dir))? {
            let entry = entry.map_err(io(dir))?;
            if entry.file_type().map_err(io(&entry.path()))?.is_dir() {
                people.push((
                    entry.file_name().to_string_lossy().into_owned(),
                    entry.path(),
                ));
            }
        }
        people.sort();
        let mut photos = Vec::new();
        for (person, (name, folder)) in people.iter().enumerate() {
            let mut files: Vec<PathBuf> = Vec::new();
            for entry in std::fs::read_dir(folder).map_err(io(folder))? {
                let path = entry.map_err(io(folder))?.path();
                let ext = path
                    .extension()
                    .map(|e| e.to_string_lossy().to_ascii_lowercase());
                if path.is_file() && matches!(ext.as_deref(), Some("jpg" | "jpeg" | "png")) {
                    files.push(path);
                }
            }
            files.sort();
            for path in files {
                let file = path
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                photos.push(Photo {
                    person,
                    name: format!("{name}/{file}"),
                    path,
                });
            }
        }
        if photos.len() > MAX_PHOTOS {
            return Err(SynthError::Config(format!(
                "{}: {} photos, more than the {MAX_PHOTOS} a batch uses",
                dir.display(),
                photos.len()
            )));
        }
        if photos.is_empty() {
            return Err(SynthError::Config(format!(
                "{}: no photos; expected one folder per person holding .jpg or .png files",
                dir.display()
            )));
        }
        Ok(FaceFolder {
            root: dir.to_path_buf(),
            people: people.into_iter().map(|(name, _)| name).collect(),
            photos,
        })
    }

    fn of(&self, person: usize) -> impl Iterator<Item = usize> + '_ {
        self.photos
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.person == person)
            .map(|(i, _)| i)
    }

    /// Reads and decodes one photo under the media decoder's limits.
    fn load(&self, photo: usize) -> Result<RgbImage, SynthError> {
        let path = &self.photos[photo].path;
        let io = |source| SynthError::Io {
            path: path.clone(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let mut bytes = Vec::new();
        file.take(MAX_PHOTO_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > MAX_PHOTO_BYTES {
            return Err(SynthError::Image(format!(
                "{}: larger than 40 MiB",
                path.display()
            )));
        }
        let picture = eidscope_media::decode_image(&bytes)
            .map_err(|error| SynthError::Image(format!("{}: {error}", path.display())))?;
        Ok(picture.to_rgb8())
    }
}

/// The real faces of one bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FacePlan {
    case: Case,
    selfie: usize,
    portrait: usize,
    video: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Match,
    SamePerson,
    MatchDespiteLowSimilarity,
    FaceMismatch,
    VideoFaceMismatch,
}

impl Case {
    fn name(self) -> &'static str {
        match self {
            Case::Match => "match",
            Case::SamePerson => "same-person",
            Case::MatchDespiteLowSimilarity => "match-despite-low-similarity",
            Case::FaceMismatch => "face-mismatch",
            Case::VideoFaceMismatch => "video-face-mismatch",
        }
    }

    fn expected(self) -> Vec<String> {
        match self {
            Case::Match | Case::SamePerson => vec![],
            Case::MatchDespiteLowSimilarity => vec!["face-match-contradiction".into()],
            Case::FaceMismatch => vec!["face-mismatch".into()],
            Case::VideoFaceMismatch => vec!["video-face-mismatch".into()],
        }
    }
}

/// The real-face plan of the batch: per bundle index, and the same-person groups.
#[derive(Debug, Default)]
pub(crate) struct FaceAssignment {
    pub by_bundle: Vec<Option<FacePlan>>,
    pub groups: Vec<(usize, Vec<usize>)>,
}

/// Which photos are still free as a selfie and as a portrait.
struct Free {
    selfie: Vec<bool>,
    portrait: Vec<bool>,
}

impl Free {
    /// A free selfie photo and a free portrait photo of `person`, from different photos,
    /// chosen to leave the most pairs for later: a selfie still free as a portrait and a
    /// portrait still free as a selfie are used up first (three photos A, B, C then give
    /// (A, B), (C, A), (B, C) rather than stopping at (A, B), (B, A)).
    fn pair_of(&self, folder: &FaceFolder, person: usize) -> Option<(usize, usize)> {
        let mut best: Option<(u8, usize, usize)> = None;
        for s in folder.of(person).filter(|&s| self.selfie[s]) {
            for p in folder.of(person).filter(|&p| p != s && self.portrait[p]) {
                let score = u8::from(self.portrait[s]) + u8::from(self.selfie[p]);
                if best.is_none_or(|(top, _, _)| score > top) {
                    best = Some((score, s, p));
                }
            }
        }
        best.map(|(_, s, p)| (s, p))
    }

    fn take(&mut self, selfie: usize, portrait: usize) {
        self.selfie[selfie] = false;
        self.portrait[portrait] = false;
    }
}

/// Chooses the bundles that get real faces and their cases. Bundles are taken in index order;
/// every case is tried in turn (same-person groups, contradictions, mismatches, video
/// mismatches), then the remaining photos make plain matches, while photos and bundles last.
pub(crate) fn assign(
    specs: &[BundleSpec],
    groups: &[PlannedGroup],
    folder: &FaceFolder,
) -> FaceAssignment {
    let grouped: std::collections::HashSet<usize> = groups
        .iter()
        .flat_map(|g| g.members.iter().copied())
        .collect();
    let eligible = |spec: &&BundleSpec| {
        spec.anomaly.is_none()
            && spec.twist == MediaTwist::None
            && spec.media.selfie
            && spec.media.portrait
            && spec.extras.is_empty()
            && !grouped.contains(&spec.index)
    };
    let low = |spec: &BundleSpec| {
        spec.evidence
            .as_ref()
            .is_some_and(|e| e.similarity < SimilarityLevel::Medium)
    };
    let high = |spec: &BundleSpec| {
        spec.evidence
            .as_ref()
            .is_some_and(|e| e.similarity == SimilarityLevel::High)
    };
    let mut high_bundles: Vec<&BundleSpec> =
        specs.iter().filter(eligible).filter(|s| high(s)).collect();
    let mut low_bundles: Vec<&BundleSpec> =
        specs.iter().filter(eligible).filter(|s| low(s)).collect();
    high_bundles.reverse();
    low_bundles.reverse();
    let mut free = Free {
        selfie: vec![true; folder.photos.len()],
        portrait: vec![true; folder.photos.len()],
    };
    let mut out = FaceAssignment {
        by_bundle: vec![None; specs.len()],
        groups: Vec::new(),
    };
    let people = folder.people.len();

    // One person under two identities: two bundles of different people in the plan.
    for person in 0..people {
        let Some((s1, p1)) = free.pair_of(folder, person) else {
            continue;
        };
        free.take(s1, p1);
        let Some((s2, p2)) = free.pair_of(folder, person) else {
            free.selfie[s1] = true;
            free.portrait[p1] = true;
            continue;
        };
        let Some(first) = high_bundles.pop() else {
            break;
        };
        let Some(pos) = high_bundles
            .iter()
            .rposition(|b| b.person.label() != first.person.label())
        else {
            break;
        };
        let second = high_bundles.remove(pos);
        free.take(s2, p2);
        out.by_bundle[first.index] = Some(FacePlan {
            case: Case::SamePerson,
            selfie: s1,
            portrait: p1,
            video: s1,
        });
        out.by_bundle[second.index] = Some(FacePlan {
            case: Case::SamePerson,
            selfie: s2,
            portrait: p2,
            video: s2,
        });
        out.groups.push((person, vec![first.index, second.index]));
        break; // one group per batch keeps photos for the other cases
    }
    // The provider said low, the faces match.
    for person in 0..people {
        let Some((s, p)) = free.pair_of(folder, person) else {
            continue;
        };
        let Some(bundle) = low_bundles.pop() else {
            break;
        };
        free.take(s, p);
        out.by_bundle[bundle.index] = Some(FacePlan {
            case: Case::MatchDespiteLowSimilarity,
            selfie: s,
            portrait: p,
            video: s,
        });
        break;
    }
    // The portrait is someone else: selfie of one person, portrait of the next.
    for person in 0..people {
        let other = (person + 1) % people;
        if other == person {
            break;
        }
        let selfie = folder.of(person).find(|&s| free.selfie[s]);
        let portrait = folder.of(other).find(|&p| free.portrait[p]);
        let (Some(s), Some(p)) = (selfie, portrait) else {
            continue;
        };
        let Some(bundle) = high_bundles.pop() else {
            break;
        };
        free.take(s, p);
        out.by_bundle[bundle.index] = Some(FacePlan {
            case: Case::FaceMismatch,
            selfie: s,
            portrait: p,
            video: s,
        });
        break;
    }
    // The video shows someone else: any photo of another person (videos are not compared
    // as files, so a photo may serve several).
    for person in 0..people {
        let Some((s, p)) = free.pair_of(folder, person) else {
            continue;
        };
        let Some(video) = folder
            .photos
            .iter()
            .position(|photo| photo.person != person)
        else {
            break;
        };
        let Some(bundle) = high_bundles.pop() else {
            break;
        };
        free.take(s, p);
        out.by_bundle[bundle.index] = Some(FacePlan {
            case: Case::VideoFaceMismatch,
            selfie: s,
            portrait: p,
            video,
        });
        break;
    }
    // Whatever is left: plain matches.
    for person in 0..people {
        while let Some((s, p)) = free.pair_of(folder, person) {
            let Some(bundle) = high_bundles.pop() else {
                return out;
            };
            free.take(s, p);
            out.by_bundle[bundle.index] = Some(FacePlan {
                case: Case::Match,
                selfie: s,
                portrait: p,
                video: s,
            });
        }
    }
    out
}

/// The label of a real-face bundle.
pub(crate) fn label(plan: &FacePlan, folder: &FaceFolder) -> FaceLabel {
    let photo = |i: usize| &folder.photos[i];
    let person = |i: usize| folder.people[folder.photos[i].person].clone();
    FaceLabel {
        case: plan.case.name().into(),
        selfie_person: person(plan.selfie),
        selfie_photo: photo(plan.selfie).name.clone(),
        portrait_person: person(plan.portrait),
        portrait_photo: photo(plan.portrait).name.clone(),
        video_person: person(plan.video),
        expected_face_findings: plan.case.expected(),
    }
}

/// The person's name of a same-person group.
pub(crate) fn person_name(folder: &FaceFolder, person: usize) -> String {
    folder.people[person].clone()
}
