//! The media of a planned bundle: which entries the zip holds (all of them, a back for cards;
//! some of them for an aborted capture), the bundle's own selfie, and what a media or entry
//! anomaly does (an entry left out, a picture truncated, copied or edited, an entry added).
//! Part of the planner: the draws are made in the order written here.

use crate::VIDEO_POOL_MOVING;
use crate::jpeg::ExifFields;
use crate::people::{DocType, Person};
use crate::planner::Planner;
use crate::rng::SynthRng;
use crate::spec::{ExtraEntry, ImageSlot, MediaPlan, MediaTwist, SelfieSource, VideoChoice};
use chrono::{DateTime, Utc};
use eidscope_model::FindingCode;
use rand::Rng;
use rand::seq::IndexedRandom;

/// The entries of an `unsafe-entry` anomaly: a path out of the folder, an absolute path, a
/// link.
const UNSAFE_ENTRIES: [ExtraEntry; 3] = [
    ExtraEntry::File {
        name: "../../evil.txt",
        body: "written outside the extraction folder\n",
    },
    ExtraEntry::File {
        name: "/etc/cron.d/x",
        body: "* * * * * root true\n",
    },
    ExtraEntry::Symlink {
        name: "link",
        target: "/etc/passwd",
    },
];

/// The entries of an `unexpected-entry` anomaly: files no bundle documents.
const UNEXPECTED_ENTRIES: [ExtraEntry; 3] = [
    ExtraEntry::File {
        name: "debug/notes.txt",
        body: "capture retried twice\n",
    },
    ExtraEntry::File {
        name: "Thumbs.db",
        body: "thumbnail cache\n",
    },
    ExtraEntry::File {
        name: "raw/response.xml",
        body: "<response status=\"ok\"/>\n",
    },
];

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
    /// Which media the zip holds: all of them (a back for cards), or for an aborted capture
    /// some of them, never none.
    pub(crate) fn media(
        &mut self,
        doc: DocType,
        created: DateTime<Utc>,
        failed: bool,
        offset: (i64, i64),
    ) -> MediaPlan {
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
        if failed {
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
        media
    }

    /// The bundle's own selfie: its person's face, maybe with phone EXIF.
    pub(crate) fn own_selfie(
        &mut self,
        index: usize,
        person: &Person,
        created: DateTime<Utc>,
    ) -> SelfieSource {
        SelfieSource {
            from_index: index,
            face: person.face.clone(),
            exif: self
                .rng
                .random_bool(0.5)
                .then(|| camera_exif(&mut self.rng, created)),
            quality: self.rng.random_range(80..=92),
            near_duplicate: false,
        }
    }

    /// What a media or entry anomaly does to the zip: a media entry left out, a picture
    /// twisted, an entry added.
    pub(crate) fn media_anomaly(
        &mut self,
        anomaly: Option<FindingCode>,
        doc: DocType,
        media: &mut MediaPlan,
    ) -> (MediaTwist, Vec<ExtraEntry>) {
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
            Some(FindingCode::UnsafeEntry) => extras.push(self.pick_entry(&UNSAFE_ENTRIES)),
            Some(FindingCode::UnexpectedEntry) => extras.push(self.pick_entry(&UNEXPECTED_ENTRIES)),
            _ => {}
        }
        (twist, extras)
    }

    /// One of three entries (drawn as the plan always drew it: an `i32` in `0..3`).
    fn pick_entry(&mut self, entries: &[ExtraEntry; 3]) -> ExtraEntry {
        let pick: i32 = self.rng.random_range(0..3);
        entries[usize::try_from(pick).unwrap_or(0)].clone()
    }
}
