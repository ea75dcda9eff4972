//! The invented people and their documents: names by country, dates of birth, document types,
//! numbers and expiry dates, and the face parameters that make each person look different.
//! Everything here is drawn from the plan stream; nothing here touches pixels.

use crate::rng::SynthRng;
use chrono::{Datelike, Duration, Months, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;

/// The kind of document a person shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocType {
    /// A passport book: a data page and no back image (TD3).
    Passport,
    /// A national identity card with a back side (TD1).
    IdentityCard,
    /// A residence permit card with a back side (TD1).
    ResidencePermit,
}

impl DocType {
    /// The shape A `documentType`.
    pub(crate) fn signicat_name(self) -> &'static str {
        match self {
            DocType::Passport => "passport",
            DocType::IdentityCard => "identityCard",
            DocType::ResidencePermit => "residencePermit",
        }
    }

    /// The shape B `document.type` (ICAO size class).
    pub(crate) fn icao_class(self) -> &'static str {
        match self {
            DocType::Passport => "TD3",
            DocType::IdentityCard | DocType::ResidencePermit => "TD1",
        }
    }

    /// Whether the document has a back image.
    pub(crate) fn has_back(self) -> bool {
        !matches!(self, DocType::Passport)
    }
}

/// An issuing country with the names its citizens carry.
struct Country {
    code: &'static str,
    name: &'static str,
    male: &'static [&'static str],
    female: &'static [&'static str],
    last: &'static [&'static str],
}

const COUNTRIES: &[Country] = &[
    Country {
        code: "PRT",
        name: "REPUBLICA PORTUGUESA",
        male: &["JOAO", "TIAGO", "RUI", "PEDRO MIGUEL", "ANTONIO"],
        female: &["MARIA PAULA", "ANA", "BEATRIZ", "INES", "CATARINA"],
        last: &[
            "SANTOS MENDES",
            "SILVA",
            "FERREIRA",
            "COSTA",
            "OLIVEIRA",
            "PEREIRA",
        ],
    },
    Country {
        code: "ESP",
        name: "REINO DE ESPANA",
        male: &["JAVIER", "CARLOS", "DIEGO", "PABLO"],
        female: &["LUCIA", "CARMEN", "MARTA", "ELENA SOFIA"],
        last: &[
            "GARCIA LOPEZ",
            "MARTINEZ",
            "SANCHEZ RUIZ",
            "FERNANDEZ",
            "MORENO",
        ],
    },
    Country {
        code: "NOR",
        name: "NORGE NOREG NORWAY",
        male: &["OLA", "LARS", "HENRIK", "MAGNUS", "SINDRE"],
        female: &["KARI", "INGRID", "SILJE", "NORA", "ASTRID"],
        last: &["NORDMANN", "HANSEN", "JOHANSEN", "OLSEN", "BERG", "HAUGEN"],
    },
    Country {
        code: "SWE",
        name: "SVERIGE SWEDEN",
        male: &["ERIK", "JOHAN", "OSKAR", "NILS"],
        female: &["ANNA MARIA", "ELSA", "MAJA", "LINNEA"],
        last: &["ANDERSSON", "ERIKSSON", "LINDQVIST", "KARLSSON"],
    },
    Country {
        code: "DNK",
        name: "DANMARK DENMARK",
        male: &["MADS", "RASMUS", "SOREN"],
        female: &["METTE", "SOFIE", "FREJA"],
        last: &["JENSEN", "NIELSEN", "PEDERSEN", "MOLLER"],
    },
    Country {
        code: "FIN",
        name: "SUOMI FINLAND",
        male: &["MIKKO", "JUHA", "VEETI"],
        female: &["AINO", "HELMI", "SANNA"],
        last: &["KORHONEN", "VIRTANEN", "MAKINEN", "NIEMINEN"],
    },
    Country {
        code: "DEU",
        name: "BUNDESREPUBLIK DEUTSCHLAND",
        male: &["LUKAS", "JONAS", "FELIX", "KLAUS PETER"],
        female: &["ERIKA", "LENA", "HANNAH", "SABINE"],
        last: &["MUSTERMANN", "SCHMIDT", "MUELLER", "WAGNER", "BECKER"],
    },
    Country {
        code: "FRA",
        name: "REPUBLIQUE FRANCAISE",
        male: &["LOUIS", "HUGO", "JEAN PIERRE", "THEO"],
        female: &["CAMILLE", "CHLOE", "MANON", "MARIE CLAIRE"],
        last: &["MARTIN", "BERNARD", "DUBOIS", "LEFEBVRE", "MOREAU"],
    },
    Country {
        code: "NLD",
        name: "KONINKRIJK DER NEDERLANDEN",
        male: &["DAAN", "SEM", "WILLEM"],
        female: &["SANNE", "FLEUR", "EMMA"],
        last: &["DE JONG", "JANSEN", "VAN DIJK", "BAKKER", "VISSER"],
    },
    Country {
        code: "ITA",
        name: "REPUBBLICA ITALIANA",
        male: &["MARCO", "LUCA", "GIUSEPPE"],
        female: &["GIULIA", "CHIARA", "FRANCESCA"],
        last: &["ROSSI", "RUSSO", "BIANCHI", "ROMANO", "COLOMBO"],
    },
    Country {
        code: "POL",
        name: "RZECZPOSPOLITA POLSKA",
        male: &["JAKUB", "PIOTR", "KRZYSZTOF"],
        female: &["ZOFIA", "AGNIESZKA", "MAGDALENA"],
        last: &["NOWAK", "KOWALSKI", "WISNIEWSKA", "WOJCIK"],
    },
    Country {
        code: "GBR",
        name: "UNITED KINGDOM",
        male: &["OLIVER", "GEORGE", "HARRY"],
        female: &["OLIVIA", "AMELIA", "ISLA"],
        last: &["SMITH", "JONES", "TAYLOR", "BROWN", "WILLIAMS"],
    },
];

/// Nationalities of residence permit holders, with their names.
const FOREIGN: &[Country] = &[
    Country {
        code: "IND",
        name: "",
        male: &["ARJUN", "RAHUL", "VIKRAM"],
        female: &["PRIYA", "ANANYA", "DIVYA"],
        last: &["SHARMA", "PATEL", "IYER", "REDDY"],
    },
    Country {
        code: "PHL",
        name: "",
        male: &["JOSE MARIA", "MARK ANTHONY"],
        female: &["MARIA CRISTINA", "JOY"],
        last: &["DELA CRUZ", "REYES", "SANTOS", "BAUTISTA"],
    },
    Country {
        code: "UKR",
        name: "",
        male: &["OLEKSANDR", "DMYTRO", "ANDRIY"],
        female: &["OLENA", "IRYNA", "KATERYNA"],
        last: &["SHEVCHENKO", "KOVALENKO", "BONDARENKO"],
    },
    Country {
        code: "BRA",
        name: "",
        male: &["GABRIEL", "RAFAEL", "LUCAS"],
        female: &["JULIANA", "FERNANDA", "LARISSA"],
        last: &["SOUZA", "LIMA", "CARVALHO", "ALMEIDA"],
    },
    Country {
        code: "VNM",
        name: "",
        male: &["MINH", "DUC ANH", "QUANG"],
        female: &["LAN", "THU TRANG", "MAI"],
        last: &["NGUYEN", "TRAN", "LE", "PHAM"],
    },
    Country {
        code: "TUR",
        name: "",
        male: &["MEHMET", "EMRE", "BURAK"],
        female: &["ELIF", "ZEYNEP", "AYSE"],
        last: &["YILMAZ", "KAYA", "DEMIR", "CELIK"],
    },
];

/// The number of issuing countries (templates are kept per country).
pub(crate) const COUNTRY_COUNT: usize = COUNTRIES.len();

/// The position of an issuing country in the list (0 for an unknown code).
pub(crate) fn country_index(code: &str) -> usize {
    COUNTRIES.iter().position(|c| c.code == code).unwrap_or(0)
}

/// The full name of an issuing country as printed on its documents.
pub(crate) fn country_title(code: &str) -> &'static str {
    COUNTRIES
        .iter()
        .find(|c| c.code == code)
        .map_or("SPECIMEN", |c| c.name)
}

/// How old a person is on the capture date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AgeClass {
    /// 19 to 79 years.
    Adult,
    /// 16 years (a minor).
    Minor,
}

/// Whether the document is valid on the capture date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExpiryClass {
    /// Expires 90 days to 10 years after the first capture.
    Valid,
    /// Expired 30 days to 4 years before the capture.
    Expired,
}

/// The visual make-up of a face: the same for every picture of the person.
#[derive(Debug, Clone)]
pub(crate) struct FaceParams {
    /// Seed of the person's own pixel stream (skin texture, document photo lighting).
    pub seed: u64,
    pub skin: [u8; 3],
    pub hair: [u8; 3],
    /// 0 short, 1 long, 2 bald, 3 bun, 4 side part, 5 curly.
    pub hair_style: u8,
    pub eyes: [u8; 3],
    pub lips: [u8; 3],
    pub clothes: [u8; 3],
    /// Face half-width as a fraction of the picture width.
    pub face_w: f32,
    /// Face height over width.
    pub face_ratio: f32,
    /// Eye spacing as a fraction of the face half-width.
    pub eye_spacing: f32,
    /// Eye height offset, fraction of the face half-height (negative is higher).
    pub eye_y: f32,
    pub mouth_w: f32,
    pub beard: bool,
    pub glasses: bool,
    /// Background tint of the document photo.
    pub photo_bg: [u8; 3],
    /// Direction and strength of the studio light on the document photo.
    pub photo_light: (f32, f32),
}

/// One invented person holding one document.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    /// Index of the person in the run (`P00017` in labels).
    pub id: usize,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub gender: &'static str,
    pub nationality: &'static str,
    pub issuing_country: &'static str,
    pub doc_type: DocType,
    /// The canonical document number (upper-case letters and digits).
    pub document_number: String,
    pub date_of_expiry: NaiveDate,
    pub personal_number: String,
    pub face: FaceParams,
}

impl Person {
    /// The identity id used in labels.
    pub(crate) fn label(&self) -> String {
        format!("P{:05}", self.id + 1)
    }

    /// The document key used in labels and by `document-reuse`: country and normalised number.
    pub(crate) fn document_key(&self) -> String {
        format!("{}:{}", self.issuing_country, self.document_number)
    }
}

fn pick<'a>(rng: &mut SynthRng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("X")
}

fn jitter(rng: &mut SynthRng, base: [u8; 3], amp: i32) -> [u8; 3] {
    base.map(|c| (i32::from(c) + rng.random_range(-amp..=amp)).clamp(0, 255) as u8)
}

/// Draws the face make-up of a person.
pub(crate) fn draw_face(rng: &mut SynthRng, gender: &str) -> FaceParams {
    const SKINS: [[u8; 3]; 7] = [
        [247, 215, 190],
        [236, 192, 158],
        [214, 166, 125],
        [190, 135, 95],
        [150, 100, 68],
        [112, 74, 50],
        [82, 54, 38],
    ];
    const HAIRS: [[u8; 3]; 7] = [
        [20, 16, 14],
        [60, 40, 28],
        [110, 72, 40],
        [196, 160, 96],
        [150, 70, 36],
        [170, 170, 170],
        [40, 30, 60],
    ];
    const EYES: [[u8; 3]; 4] = [[60, 40, 25], [70, 110, 150], [80, 110, 70], [40, 30, 30]];
    let skin_base = *SKINS.choose(rng).unwrap_or(&SKINS[0]);
    let skin = jitter(rng, skin_base, 12);
    let hair_base = *HAIRS.choose(rng).unwrap_or(&HAIRS[0]);
    let hair = jitter(rng, hair_base, 14);
    let male = gender == "M";
    let hair_style = if male {
        *[0u8, 0, 2, 4, 5].choose(rng).unwrap_or(&0)
    } else {
        *[1u8, 1, 3, 4, 5, 0].choose(rng).unwrap_or(&1)
    };
    let clothes: [u8; 3] = if rng.random_bool(0.5) {
        let v = rng.random_range(5..50);
        [v, v, v + rng.random_range(0..30)]
    } else {
        [
            rng.random_range(10..250),
            rng.random_range(10..250),
            rng.random_range(10..250),
        ]
    };
    let lum: u8 = rng.random_range(120..235);
    let bg_base = [
        lum.saturating_add(rng.random_range(0..20)),
        lum.saturating_add(rng.random_range(0..20)),
        lum.saturating_add(rng.random_range(0..25)),
    ];
    let eyes_base = *EYES.choose(rng).unwrap_or(&EYES[0]);
    let eyes = jitter(rng, eyes_base, 10);
    FaceParams {
        seed: rng.random(),
        skin,
        hair,
        hair_style,
        eyes,
        lips: jitter(rng, [170, 90, 90], 25),
        clothes,
        face_w: rng.random_range(0.17..0.25),
        face_ratio: rng.random_range(1.18..1.48),
        eye_spacing: rng.random_range(0.32..0.52),
        eye_y: rng.random_range(-0.22..-0.02),
        mouth_w: rng.random_range(0.25..0.5),
        beard: male && rng.random_bool(0.3),
        glasses: rng.random_bool(0.18),
        photo_bg: bg_base,
        photo_light: (rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)),
    }
}

/// Draws a new person and document. `capture` is the date of the person's first capture:
/// dates of birth and expiry are placed relative to it according to the classes.
pub(crate) fn draw_person(
    rng: &mut SynthRng,
    id: usize,
    capture: NaiveDate,
    age: AgeClass,
    expiry: ExpiryClass,
    doc_type: DocType,
) -> Person {
    let home = COUNTRIES.choose(rng).unwrap_or(&COUNTRIES[0]);
    let origin = if doc_type == DocType::ResidencePermit {
        FOREIGN.choose(rng).unwrap_or(&FOREIGN[0])
    } else {
        home
    };
    let gender = match rng.random_range(0..100) {
        0..=48 => "M",
        49..=97 => "F",
        _ => "X",
    };
    let first_list = match gender {
        "M" => origin.male,
        "F" => origin.female,
        _ => {
            if rng.random_bool(0.5) {
                origin.male
            } else {
                origin.female
            }
        }
    };
    let first_name = pick(rng, first_list).to_string();
    let last_name = pick(rng, origin.last).to_string();
    let years = match age {
        AgeClass::Adult => rng.random_range(19..80),
        AgeClass::Minor => 17,
    };
    // Born in `capture.year() - years`, on a day at most 28 so every month has it: the age on
    // the capture date is then `years - 1` or `years` (19..79 for adults, 16 for minors).
    let birth_year = capture.year() - years;
    let date_of_birth = NaiveDate::from_ymd_opt(
        birth_year,
        rng.random_range(1..=12),
        rng.random_range(1..=28),
    )
    .unwrap_or(capture);
    let date_of_birth = if age == AgeClass::Minor {
        // Exactly 16 on the capture date: born after the 17th birthday cut-off.
        capture
            .checked_sub_months(Months::new(17 * 12))
            .unwrap_or(capture)
            .checked_add_signed(Duration::days(rng.random_range(2..360)))
            .unwrap_or(capture)
    } else {
        date_of_birth
    };
    let date_of_expiry = match expiry {
        ExpiryClass::Valid => capture + Duration::days(rng.random_range(90..3650)),
        ExpiryClass::Expired => capture - Duration::days(rng.random_range(30..1460)),
    };
    let letters: String = (0..2)
        .map(|_| char::from(b'A' + rng.random_range(0..26u8)))
        .collect();
    // A bijection of the person id keeps every document number unique within a run.
    let digits = (id as u64 % 10_000_000)
        .wrapping_mul(7_654_321)
        .wrapping_add(1_234_567)
        % 10_000_000;
    let document_number = format!("{letters}{digits:07}");
    let personal_number: String = (0..11)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect();
    Person {
        id,
        first_name,
        last_name,
        date_of_birth,
        gender,
        nationality: origin.code,
        issuing_country: home.code,
        doc_type,
        document_number,
        date_of_expiry,
        personal_number,
        face: draw_face(rng, gender),
    }
}

/// Draws a document type with a realistic share: passports, identity cards, a few permits.
pub(crate) fn draw_doc_type(rng: &mut SynthRng) -> DocType {
    match rng.random_range(0..100) {
        0..=44 => DocType::Passport,
        45..=89 => DocType::IdentityCard,
        _ => DocType::ResidencePermit,
    }
}

/// The document number written in another way (spaces, dashes, lower case), as a different
/// clerk or OCR engine might: normalising it (upper case, letters and digits) gives it back.
pub(crate) fn reformat_number(number: &str, variant: usize) -> String {
    let (letters, digits) = number.split_at(number.len().min(2));
    match variant % 4 {
        0 => number.to_string(),
        1 => format!("{letters} {digits}"),
        2 => format!("{}-{digits}", letters.to_ascii_lowercase()),
        _ => {
            let (a, b) = digits.split_at(digits.len().min(3));
            format!("{letters} {a} {b}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, stream};

    fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
        let mut age = day.year() - birth.year();
        if (day.month(), day.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        age
    }

    #[test]
    fn ages_and_expiries_follow_their_classes() {
        let capture = NaiveDate::from_ymd_opt(2023, 3, 1).unwrap();
        let mut rng = stream(3, Purpose::Plan, 0);
        for id in 0..300 {
            let adult = draw_person(
                &mut rng,
                id,
                capture,
                AgeClass::Adult,
                ExpiryClass::Valid,
                DocType::Passport,
            );
            assert!(age_on(adult.date_of_birth, capture) >= 18);
            assert!(adult.date_of_expiry > capture);
            let minor = draw_person(
                &mut rng,
                id,
                capture,
                AgeClass::Minor,
                ExpiryClass::Expired,
                DocType::IdentityCard,
            );
            assert_eq!(age_on(minor.date_of_birth, capture), 16, "{minor:?}");
            assert!(minor.date_of_expiry < capture);
        }
    }

    #[test]
    fn reformatted_numbers_normalise_back() {
        for variant in 0..4 {
            let text = reformat_number("AB1234567", variant);
            let norm: String = text
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_uppercase())
                .collect();
            assert_eq!(norm, "AB1234567");
        }
    }
}
