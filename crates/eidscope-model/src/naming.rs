//! One vocabulary across the two `ocr.json` shapes (formats.md section 3): the document type
//! and the feature names, each a closed set of words that both shapes are read into, so that
//! a batch mixing the shapes counts one category once. The words as the bundle wrote them are
//! kept beside (`document_type_raw`, `name_raw`).
//!
//! The mapping is documented in docs/cli.md ("One vocabulary"), with what it rests on: the
//! provider publishes no table from its raw EID result to its normalised object, so where the
//! two shapes name things differently the mapping below is inferred, and says so.

/// The kind of document, as far as both shapes can tell it apart.
///
/// The raw EID result names only the ICAO size class (`TD1`, `TD2`, `TD3`), Signicat's object
/// the kind (`passport`, `identityCard`, ...). A TD1 card may be an identity card or a
/// residence permit, so the one distinction both shapes make is a passport book against a
/// card: the vocabulary is that, and the raw word is kept for finer grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocumentType {
    /// A passport book: Signicat's `passport`, the raw `TD3`.
    Passport,
    /// A card: Signicat's `identityCard`, `residencePermit`, `driverLicense` and the like,
    /// the raw `TD1` and `TD2`.
    Card,
    /// A word this version does not place (kept in `document_type_raw`).
    Other,
}

crate::words!(DocumentType, "document type", [
    Passport => "passport",
    Card => "card",
    Other => "other",
]);

/// Lower-case letters and digits only: `identity_card`, `IdentityCard` and `identity card`
/// are one word.
fn squeeze(word: &str) -> String {
    word.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl DocumentType {
    /// The type a provider word names (`passport`, `identityCard`, `TD1`, any letter case).
    pub fn classify(raw: &str) -> DocumentType {
        match squeeze(raw).as_str() {
            "passport" | "passportbook" | "td3" => DocumentType::Passport,
            "identitycard"
            | "idcard"
            | "nationalidentitycard"
            | "nationalidcard"
            | "nationalid"
            | "residencepermit"
            | "residencecard"
            | "driverlicense"
            | "driverslicense"
            | "drivinglicense"
            | "drivinglicence"
            | "td1"
            | "td2" => DocumentType::Card,
            _ => DocumentType::Other,
        }
    }
}

/// A document feature the provider looked for, by one name whichever shape reported it.
///
/// Signicat's object names five features (`Header`, `OVI 1`, `OVI 2`, `Signature`, `Photo`),
/// the raw result keys them (`badge1`, `hologram`, `flag`, `signature`, `photo`, `chip`,
/// `initials`, `euroBadge`, ...). `Signature` and `Photo` are the same words; `Header` ↔
/// `badge1`, `OVI 1` ↔ `hologram` and `OVI 2` ↔ `flag` are inferred from where the boxes sit
/// on the provider's own example (docs/cli.md). Signicat's spelling is the vocabulary: it is
/// what the dashboard and the process JSON show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeatureName {
    /// The title band at the top of the data page (raw `badge1`).
    Header,
    /// The first optically variable feature (raw `hologram`).
    Ovi1,
    /// The second optically variable feature, top right (raw `flag`).
    Ovi2,
    /// The holder's signature.
    Signature,
    /// The holder's photo.
    Photo,
    /// The chip symbol (raw only).
    Chip,
    /// The holder's initials (raw only).
    Initials,
    /// The EU badge (raw `euroBadge`).
    EuroBadge,
    /// The machine readable zone.
    Mrz,
    /// A name this version does not place (kept in `name_raw`).
    Other,
}

crate::words!(FeatureName, "feature name", [
    Header => "Header",
    Ovi1 => "OVI 1",
    Ovi2 => "OVI 2",
    Signature => "Signature",
    Photo => "Photo",
    Chip => "Chip",
    Initials => "Initials",
    EuroBadge => "Euro badge",
    Mrz => "MRZ",
    Other => "other",
]);

impl FeatureName {
    /// The feature a provider name or key names (`OVI 1`, `hologram`, any letter case).
    pub fn classify(raw: &str) -> FeatureName {
        match squeeze(raw).as_str() {
            "header" | "badge1" | "badge" => FeatureName::Header,
            "ovi1" | "hologram" => FeatureName::Ovi1,
            "ovi2" | "flag" => FeatureName::Ovi2,
            "signature" => FeatureName::Signature,
            "photo" => FeatureName::Photo,
            "chip" => FeatureName::Chip,
            "initials" => FeatureName::Initials,
            "eurobadge" => FeatureName::EuroBadge,
            "mrz" => FeatureName::Mrz,
            _ => FeatureName::Other,
        }
    }

    /// The name a report shows for a raw name: the vocabulary's word, or the raw name itself
    /// when it is not in the vocabulary (a label must say which feature it is).
    pub fn label(raw: &str) -> String {
        match FeatureName::classify(raw) {
            FeatureName::Other => raw.to_owned(),
            known => known.as_str().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_read_into_one_vocabulary() {
        for (raw, kind) in [
            ("passport", DocumentType::Passport),
            ("TD3", DocumentType::Passport),
            ("identityCard", DocumentType::Card),
            ("residencePermit", DocumentType::Card),
            ("td1", DocumentType::Card),
            ("TD2", DocumentType::Card),
            ("visa", DocumentType::Other),
        ] {
            assert_eq!(DocumentType::classify(raw), kind, "{raw}");
        }
        for (raw, name) in [
            ("OVI 1", FeatureName::Ovi1),
            ("hologram", FeatureName::Ovi1),
            ("OVI 2", FeatureName::Ovi2),
            ("flag", FeatureName::Ovi2),
            ("Header", FeatureName::Header),
            ("badge1", FeatureName::Header),
            ("Signature", FeatureName::Signature),
            ("signature", FeatureName::Signature),
            ("euroBadge", FeatureName::EuroBadge),
            ("kinegram", FeatureName::Other),
        ] {
            assert_eq!(FeatureName::classify(raw), name, "{raw}");
        }
        assert_eq!(FeatureName::label("hologram"), "OVI 1");
        assert_eq!(FeatureName::label("kinegram"), "kinegram");
    }
}
