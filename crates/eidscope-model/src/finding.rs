//! The finding catalogue: every finding code eidscope can emit, its severity, its scope and
//! the sentence that says when it fires. This table is the single source of truth: the
//! documentation (`docs/findings.md`, `eidscope findings`) is generated from it and a test keeps
//! the committed copy in step.

use crate::level::{Level, UncheckedCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How urgent a finding is. Ordered from least to most severe, so `a >= b` reads "at least as bad".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing, not a problem by itself.
    Info,
    /// A defect that rarely changes a decision.
    Low,
    /// Needs a look by an analyst.
    Medium,
    /// Likely fraud, tampering or a wrong decision.
    High,
}

// Listed most severe first: the order reports (and the Parquet enum column) list them in, and
// `Severity::ALL`.
crate::words!(Severity, "severity", [High => "high", Medium => "medium", Low => "low", Info => "info"]);

/// Whether a finding is about one bundle or needs several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingScope {
    /// Found by looking at one bundle alone.
    Bundle,
    /// Found only by comparing bundles of a batch.
    Batch,
}

crate::words!(FindingScope, "scope", [Bundle => "bundle", Batch => "batch"]);

macro_rules! catalogue {
    ($( $variant:ident => $code:literal, $sev:ident, $scope:ident, $level:ident, $when:literal; )*) => {
        /// Every finding code of the contract. The serialised form is the kebab-case code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum FindingCode {
            $(
                #[doc = $when]
                $variant,
            )*
        }

        /// The catalogue, in the order of cli-contract.md.
        pub const CATALOGUE: &[FindingSpec] = &[
            $( FindingSpec {
                code: FindingCode::$variant,
                severity: Severity::$sev,
                scope: FindingScope::$scope,
                level: Level::$level,
                when: $when,
            }, )*
        ];

        crate::words!(FindingCode, "finding code", [$( $variant => $code ),*]);
    };
}

catalogue! {
    StatusMismatch => "status-mismatch", High, Bundle, Meta,
        "the reported status differs from the status that the evidence implies";
    ExpiryContradiction => "expiry-contradiction", High, Bundle, Meta,
        "the `nonExpired` check disagrees with `dateOfExpiry` against the capture date";
    UnderageContradiction => "underage-contradiction", High, Bundle, Meta,
        "the `notUnderage` check disagrees with the age at the capture date (adult at 18 unless `--adult-age`)";
    LivenessContradiction => "liveness-contradiction", Medium, Bundle, Meta,
        "`livenessDetected` and the liveness security check disagree";
    BboxOutOfBounds => "bbox-out-of-bounds", Medium, Bundle, Media,
        "a feature box lies partly or wholly outside the image of its side";
    BboxInvalid => "bbox-invalid", Low, Bundle, Meta,
        "a found feature without a box, a box of zero or negative size";
    MissingMedia => "missing-media", Medium, Bundle, Meta,
        "a media entry that this bundle should hold is absent (back: not for passports)";
    MediaCorrupt => "media-corrupt", High, Bundle, Full,
        "a media entry does not decode, or is truncated";
    SelfieIsPortrait => "selfie-is-portrait", High, Bundle, Media,
        "the selfie is the document portrait, byte for byte or perceptually";
    FrontIsBack => "front-is-back", Medium, Bundle, Media,
        "front and back images are the same picture";
    EditedImage => "edited-image", Medium, Bundle, Media,
        "an image carries marks of an editing program (EXIF Software, Photoshop segments)";
    ImageResaved => "image-resaved", Low, Bundle, Media,
        "an image's EXIF `DateTime` (last written) is more than 60 s after its `DateTimeOriginal`, or its `Software`/XMP names a program that re-saves pictures without editing them (Windows Photo Gallery, Nikon Transfer, ...): a program saved it again after the camera";
    ImageDateMismatch => "image-date-mismatch", Medium, Bundle, Media,
        "an image's EXIF `DateTimeOriginal` lies more than a day from the capture date: not taken during the verification, or a wrong camera clock";
    ImageResized => "image-resized", Medium, Bundle, Media,
        "an image's pixel size differs from the size its EXIF `PixelXDimension`/`PixelYDimension` declare: resized or cropped after capture";
    ImageTrailingData => "image-trailing-data", Medium, Bundle, Media,
        "bytes after a JPEG's end-of-image marker that are no camera data (a zip, a JPEG the file does not index, unknown bytes)";
    ImageDoubleCompressed => "image-double-compressed", Medium, Bundle, Media,
        "the DCT coefficient histograms of a JPEG show a first compression at a lower quality before the last save: the picture was saved again after it was made; where one part's blocks show a single save and the rest two, the evidence names that part's box (a photo pasted or text rewritten between the saves)";
    ImageThumbnailMismatch => "image-thumbnail-mismatch", Medium, Bundle, Media,
        "a JPEG's EXIF thumbnail does not show the picture (at least 2 of 64 grid cells differ): the picture was changed and the camera's thumbnail kept";
    VideoFrozen => "video-frozen", Medium, Bundle, Full,
        "the video is (nearly) one still picture";
    VideoTooShort => "video-too-short", Low, Bundle, Full,
        "the video is shorter than a real capture can be (default under 2 s)";
    InvalidField => "invalid-field", Low, Bundle, Meta,
        "a date that does not parse or is impossible, an unknown country code, a gender outside M/F/X";
    UnsafeEntry => "unsafe-entry", High, Bundle, Meta,
        "a zip entry named with an absolute path, `..`, or a link";
    UnexpectedEntry => "unexpected-entry", Info, Bundle, Meta,
        "an entry that is not part of the documented bundle";
    FaceMismatch => "face-mismatch", High, Bundle, Media,
        "eidscope's face engine (`--faces`) finds the selfie and the document portrait to be different people (distance above 0.60)";
    FaceMatchContradiction => "face-match-contradiction", Medium, Bundle, Media,
        "eidscope's face engine (`--faces`) finds selfie and portrait to be one person (distance at most 0.50) while the provider reported a similarity below `high`: a wrongful rejection";
    VideoFaceMismatch => "video-face-mismatch", High, Bundle, Media,
        "eidscope's face engine (`--faces`) finds the person in the video frames not to be the selfie's (closest frame above 0.60)";
    NoFace => "no-face", Medium, Bundle, Media,
        "eidscope's face engine (`--faces`) finds no face in the selfie, the document portrait or any frame of the video";
    EncryptedEntry => "encrypted-entry", High, Bundle, Meta,
        "an entry is encrypted, or flagged so: the rest is read around it, and it is read when its data is in fact plain";
    DuplicateEntry => "duplicate-entry", High, Bundle, Meta,
        "two entries share a name, or name one documented entry (`ocr.json`, `x/OCR.JSON`): other tools may read the other; the first is analysed";
    ArchiveDamaged => "archive-damaged", High, Bundle, Meta,
        "the zip's structure is inconsistent (local and central headers, the end records, overlapping or hidden entries): other readers may see other contents";
    PrefixedArchive => "prefixed-archive", Medium, Bundle, Meta,
        "bytes come before the zip (a self-extractor, a file glued in front); the evidence says how many";
    TrailingData => "trailing-data", Low, Bundle, Meta,
        "bytes follow the zip's end record; the evidence says how many";
    JsonUnreadable => "json-unreadable", High, Bundle, Meta,
        "`ocr.json` or `manual_approval.json` cannot be read or parsed (damaged, compressed by an unsupported method, nested too deep, not text): the rest of the bundle is analysed without it";
    DocumentReuse => "document-reuse", High, Batch, Meta,
        "one document (issuing country + normalised document number) under different names or birth dates (spellings of one name are one name: docs/names.md)";
    MediaReuse => "media-reuse", High, Batch, Media,
        "byte-identical selfie, portrait or document image in bundles of different identities";
    FaceNearDuplicate => "face-near-duplicate", Medium, Batch, Media,
        "perceptually near-identical selfies or portraits in bundles of different identities";
    Velocity => "velocity", Medium, Batch, Meta,
        "one document with at least K attempts in a window (defaults: 3 in 24 h), whatever names they carry";
    NameVariants => "name-variants", Info, Batch, Meta,
        "one document under several spellings of its holder's name (ICAO transliteration, MRZ truncation, initials, given-name order: docs/names.md), and no `document-reuse`";
    SamePerson => "same-person", High, Batch, Media,
        "selfies or portraits of different identities that eidscope's face engine (`--faces`) finds to be one person (distance at most 0.45)";
}

/// One row of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingSpec {
    /// The code.
    pub code: FindingCode,
    /// Its fixed severity.
    pub severity: Severity,
    /// One bundle or several.
    pub scope: FindingScope,
    /// The lowest `--level` at which it is fully checked: below it, the check does not run
    /// (or runs in part: `media-corrupt` sees the video only at `full`).
    pub level: Level,
    /// When it fires, in one sentence (Markdown).
    pub when: &'static str,
}

/// The codes only eidscope's own face engine finds (`--faces`): a scan without it did not
/// look for them, whatever its level.
pub const FACE_ENGINE_CODES: [FindingCode; 5] = [
    FindingCode::FaceMismatch,
    FindingCode::FaceMatchContradiction,
    FindingCode::VideoFaceMismatch,
    FindingCode::NoFace,
    FindingCode::SamePerson,
];

impl FindingCode {
    /// The catalogue row of this code.
    pub fn spec(self) -> &'static FindingSpec {
        CATALOGUE
            .iter()
            .find(|spec| spec.code == self)
            .expect("every FindingCode has a catalogue row (built by one macro)")
    }

    /// The severity every finding of this code carries.
    pub fn severity(self) -> Severity {
        self.spec().severity
    }
}

/// One finding: a code with its severity, a sentence a person can act on, and the evidence
/// (the raw values that made it fire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    /// The catalogue code.
    pub code: FindingCode,
    /// Always the catalogue severity of `code`; repeated so that every output row is complete.
    pub severity: Severity,
    /// What was found, in one sentence.
    pub message: String,
    /// The values that made the finding fire.
    pub evidence: serde_json::Value,
}

impl Finding {
    /// A finding with the catalogue severity of `code`.
    pub fn new(code: FindingCode, message: impl Into<String>, evidence: serde_json::Value) -> Self {
        Finding {
            code,
            severity: code.severity(),
            message: message.into(),
            evidence,
        }
    }
}

/// One finding across bundles (`links --json`, one object per linked group): a batch code, the
/// bundles of the group, what links them and a sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LinkFinding {
    /// A batch code of the catalogue (`document-reuse`, `media-reuse`, ...).
    pub code: FindingCode,
    /// Always the catalogue severity of `code`.
    pub severity: Severity,
    /// The bundles of the group, sorted, each once.
    pub paths: Vec<String>,
    /// What links them: the document (`UTO:L898902C3`) or the SHA-256 of a picture.
    pub key: String,
    /// What was found and what to do, in one or two sentences.
    pub message: String,
}

impl LinkFinding {
    /// A finding with the catalogue severity of `code`.
    pub fn new(
        code: FindingCode,
        paths: Vec<String>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        LinkFinding {
            code,
            severity: code.severity(),
            paths,
            key: key.into(),
            message: message.into(),
        }
    }
}

/// The `links --json` object: one finding per linked group, and what the rules ran on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LinksReport {
    /// One finding per linked group, by code (catalogue order), first path and key.
    pub findings: Vec<LinkFinding>,
    /// Bundles the rules looked at (each attempt once).
    pub bundles: usize,
    /// Inputs that could not be read as a bundle.
    pub unreadable: usize,
    /// The `--near-bits` of `face-near-duplicate`.
    pub near_bits: u32,
    /// The `--velocity` rule.
    pub velocity: VelocityWindow,
    /// The codes asked for (`--code`); absent: every cross-bundle code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<FindingCode>,
    /// Bundles per scan level (`meta`, `media`, `full`).
    #[serde(default)]
    pub levels: BTreeMap<Level, u64>,
    /// The cross-bundle checks that could not run on some bundles (read below the level they
    /// need, e.g. `media-reuse` over a `--level meta` scan), and why.
    #[serde(default)]
    pub checks_not_run: Vec<UncheckedCode>,
}

/// A `velocity` rule as `links --json` writes it: this many attempts within this window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VelocityWindow {
    /// Attempts with one document.
    pub attempts: usize,
    /// The window, seconds (closed at both ends).
    pub window_seconds: i64,
}

/// The Markdown table of the catalogue, as committed in `docs/findings.md`.
pub fn catalogue_markdown() -> String {
    let mut out = String::from(
        "# Finding codes\n\n\
         Generated from `crates/eidscope-model/src/finding.rs` (`eidscope findings --markdown`); \
         a test keeps this file in step. `level` is the lowest `--level` at which a finding is \
         fully checked: tables scanned below it cannot hold it, and `stats` and `links` say which \
         checks could not run.\n",
    );
    for (scope, title) in [
        (FindingScope::Bundle, "One bundle"),
        (
            FindingScope::Batch,
            "Several bundles (`links`, and `scan`'s findings table)",
        ),
    ] {
        out.push_str(&format!(
            "\n## {title}\n\n| code | severity | level | when |\n|---|---|---|---|\n"
        ));
        for spec in CATALOGUE.iter().filter(|spec| spec.scope == scope) {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                spec.code, spec.severity, spec.level, spec.when
            ));
        }
    }
    out.push_str(SAME_NAME);
    out
}

/// What `document-reuse`, `media-reuse`, `face-near-duplicate` and `name-variants` count as one
/// person, for `docs/findings.md` (the rules and their reasons: `docs/names.md`).
const SAME_NAME: &str = "
## What counts as the same name

Two bundles name one person when their birth dates are equal and their names are one name:
equal after ICAO Doc 9303 transliteration (either form the table allows: `Ü` as `UE` or `U`,
`Ø` as `OE` or `O`, `Å` as `AA` or `A`, `Æ` `AE`, `ß` `SS`, `Þ` `TH`, `Ð` `D`, `Ç` `C`, ...),
letter case, Unicode form, hyphens, spaces, `<` and apostrophes; or one surname with the given
names in another order or as initials; or one name the other cut at the length of an MRZ name
field (30, 31 or 39 characters). Any other different letter, or another birth date, is another
person. Details, and what redaction keeps of this: [names.md](names.md).

| bundles say | one person? |
|---|---|
| `JÜRGEN MÜLLER`, `JUERGEN MUELLER`, `JURGEN MULLER`, born 2002-12-16 | yes (`name-variants`, info) |
| `BJØRN HÅKON SØRENSEN`, `BJOERN<HAAKON SOERENSEN`, `Bjorn-Hakon Sorensen` | yes |
| `Anna-Maria O'Neil`, `ANNA<MARIA ONEIL`, `MARIA ANNA ONEIL` | yes |
| `JUERGEN KARL MUELLER`, `J K MUELLER`, `KARL JÜRGEN MÜLLER` | yes |
| `NILAVADHANANDA<<CHAYAPA<DEJTHAMRONG<KRA` (39 characters, a TD3 passport's field) and `CHAYAPA DEJTHAMRONG KRASUANG NILAVADHANANDA` | yes |
| `JÜRGEN MÜLLER` and `JÜRGEN MILLER`; `ANNA ERIKSSON` and `ANNE ERIKSSON` | no (`document-reuse`) |
| `JÜRGEN MÜLLER` born 2002-12-16 and born 2002-12-17 | no (`document-reuse`) |
| `JUERGEN KARL MUELLER` and `J MUELLER` (a name left out) or `JUERGEN MUELLER` | no |
| `ANNA MARIA ERIKSSON` and `ANNA ERIKSSON` (shorter than any MRZ field: not a cut) | no |
| `J MUELLER` beside both `JOHANNES MUELLER` and `JUERGEN MUELLER` | joins one of them, never makes the two one |
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_text() {
        for spec in CATALOGUE {
            assert_eq!(spec.code.as_str().parse::<FindingCode>(), Ok(spec.code));
            let json = serde_json::to_string(&spec.code).unwrap();
            assert_eq!(json, format!("\"{}\"", spec.code.as_str()));
        }
        assert_eq!(CATALOGUE.len(), 38);
    }

    #[test]
    fn severities_order_from_info_to_high() {
        assert!(Severity::High > Severity::Medium);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("MEDIUM".parse::<Severity>(), Ok(Severity::Medium));
    }
}
