//! How the machine-readable zone writes letters outside A–Z: the Latin transliteration table of
//! ICAO Doc 9303, as data, and the folds it implies.
//!
//! Sources. The recommended forms are those of *Doc 9303 Machine Readable Travel Documents,
//! Eighth Edition 2021, Part 3: Specifications Common to all MRTDs*, section 6 ("Transliterations
//! recommended for use by States"), table A (multinational Latin-based characters), written
//! here by hand from that table. The alternatives are the other forms documents carry for the
//! same letter: the letter without its diacritic (section 6 allows States to omit diacritics, and
//! Spain, Iceland and others print Ü, Ñ, Ð as U, N, D; the Sixth Edition, 2006, recommended O
//! for Ø), and the `NXX`/`UXX` of the Sixth Edition's table for Ñ and Ü (as quoted, for
//! instance, by the US SEVP transliteration guide). No code or data file of any library was
//! copied; letters the table does not list lose their diacritics by Unicode decomposition
//! ([`super::spell`]).
//!
//! This module only maps letters; it never decides what a name is.

use std::sync::LazyLock;

/// How Doc 9303 writes one national letter in the machine-readable zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transliteration {
    /// The letter, in upper case (ß, which has no upper case in most text, as itself).
    pub letter: char,
    /// The recommended transliteration (Doc 9303 Part 3, section 6, table A).
    pub recommended: &'static str,
    /// Other forms documents carry for the letter (see the module documentation).
    pub alternatives: &'static [&'static str],
}

const fn one(letter: char, recommended: &'static str) -> Transliteration {
    Transliteration {
        letter,
        recommended,
        alternatives: &[],
    }
}

const fn or(
    letter: char,
    recommended: &'static str,
    alternatives: &'static [&'static str],
) -> Transliteration {
    Transliteration {
        letter,
        recommended,
        alternatives,
    }
}

/// The Latin table of Doc 9303 Part 3, section 6, sorted by letter (code point).
pub const LATIN: &[Transliteration] = &[
    one('À', "A"),                // U+00C0 A grave
    one('Á', "A"),                // U+00C1 A acute
    one('Â', "A"),                // U+00C2 A circumflex
    one('Ã', "A"),                // U+00C3 A tilde
    or('Ä', "AE", &["A"]),        // U+00C4 A diaeresis
    or('Å', "AA", &["A"]),        // U+00C5 A ring
    one('Æ', "AE"),               // U+00C6 AE ligature
    one('Ç', "C"),                // U+00C7 C cedilla
    one('È', "E"),                // U+00C8 E grave
    one('É', "E"),                // U+00C9 E acute
    one('Ê', "E"),                // U+00CA E circumflex
    one('Ë', "E"),                // U+00CB E diaeresis
    one('Ì', "I"),                // U+00CC I grave
    one('Í', "I"),                // U+00CD I acute
    one('Î', "I"),                // U+00CE I circumflex
    one('Ï', "I"),                // U+00CF I diaeresis
    one('Ð', "D"),                // U+00D0 eth
    or('Ñ', "N", &["NXX"]),       // U+00D1 N tilde
    one('Ò', "O"),                // U+00D2 O grave
    one('Ó', "O"),                // U+00D3 O acute
    one('Ô', "O"),                // U+00D4 O circumflex
    one('Õ', "O"),                // U+00D5 O tilde
    or('Ö', "OE", &["O"]),        // U+00D6 O diaeresis
    or('Ø', "OE", &["O"]),        // U+00D8 O stroke
    one('Ù', "U"),                // U+00D9 U grave
    one('Ú', "U"),                // U+00DA U acute
    one('Û', "U"),                // U+00DB U circumflex
    or('Ü', "UE", &["U", "UXX"]), // U+00DC U diaeresis
    one('Ý', "Y"),                // U+00DD Y acute
    one('Þ', "TH"),               // U+00DE thorn
    one('ß', "SS"),               // U+00DF sharp s
    one('Ā', "A"),                // U+0100 A macron
    one('Ă', "A"),                // U+0102 A breve
    one('Ą', "A"),                // U+0104 A ogonek
    one('Ć', "C"),                // U+0106 C acute
    one('Ĉ', "C"),                // U+0108 C circumflex
    one('Ċ', "C"),                // U+010A C dot
    one('Č', "C"),                // U+010C C caron
    one('Ď', "D"),                // U+010E D caron
    one('Đ', "D"),                // U+0110 D stroke
    one('Ē', "E"),                // U+0112 E macron
    one('Ĕ', "E"),                // U+0114 E breve
    one('Ė', "E"),                // U+0116 E dot
    one('Ę', "E"),                // U+0118 E ogonek
    one('Ě', "E"),                // U+011A E caron
    one('Ĝ', "G"),                // U+011C G circumflex
    one('Ğ', "G"),                // U+011E G breve
    one('Ġ', "G"),                // U+0120 G dot
    one('Ģ', "G"),                // U+0122 G cedilla
    one('Ĥ', "H"),                // U+0124 H circumflex
    one('Ħ', "H"),                // U+0126 H stroke
    one('Ĩ', "I"),                // U+0128 I tilde
    one('Ī', "I"),                // U+012A I macron
    one('Ĭ', "I"),                // U+012C I breve
    one('Į', "I"),                // U+012E I ogonek
    one('İ', "I"),                // U+0130 I dot
    one('ı', "I"),                // U+0131 dotless i
    one('Ĳ', "IJ"),               // U+0132 IJ ligature
    one('Ĵ', "J"),                // U+0134 J circumflex
    one('Ķ', "K"),                // U+0136 K cedilla
    one('Ĺ', "L"),                // U+0139 L acute
    one('Ļ', "L"),                // U+013B L cedilla
    one('Ľ', "L"),                // U+013D L caron
    one('Ŀ', "L"),                // U+013F L middle dot
    one('Ł', "L"),                // U+0141 L stroke
    one('Ń', "N"),                // U+0143 N acute
    one('Ņ', "N"),                // U+0145 N cedilla
    one('Ň', "N"),                // U+0147 N caron
    one('Ŋ', "N"),                // U+014A eng
    one('Ō', "O"),                // U+014C O macron
    one('Ŏ', "O"),                // U+014E O breve
    one('Ő', "O"),                // U+0150 O double acute
    one('Œ', "OE"),               // U+0152 OE ligature
    one('Ŕ', "R"),                // U+0154 R acute
    one('Ŗ', "R"),                // U+0156 R cedilla
    one('Ř', "R"),                // U+0158 R caron
    one('Ś', "S"),                // U+015A S acute
    one('Ŝ', "S"),                // U+015C S circumflex
    one('Ş', "S"),                // U+015E S cedilla
    one('Š', "S"),                // U+0160 S caron
    one('Ţ', "T"),                // U+0162 T cedilla
    one('Ť', "T"),                // U+0164 T caron
    one('Ŧ', "T"),                // U+0166 T stroke
    one('Ũ', "U"),                // U+0168 U tilde
    one('Ū', "U"),                // U+016A U macron
    one('Ŭ', "U"),                // U+016C U breve
    one('Ů', "U"),                // U+016E U ring
    one('Ű', "U"),                // U+0170 U double acute
    one('Ų', "U"),                // U+0172 U ogonek
    one('Ŵ', "W"),                // U+0174 W circumflex
    one('Ŷ', "Y"),                // U+0176 Y circumflex
    one('Ÿ', "Y"),                // U+0178 Y diaeresis
    one('Ź', "Z"),                // U+0179 Z acute
    one('Ż', "Z"),                // U+017B Z dot
    one('Ž', "Z"),                // U+017D Z caron
    one('ẞ', "SS"),               // U+1E9E capital sharp s
];

/// The lengths of the name field of the machine-readable zone, in characters: TD1 cards (30,
/// the whole third line), TD2 cards and MRV-B visas (31), TD3 passports and MRV-A visas (39).
/// A name longer than its field is cut at this length (Doc 9303 Part 3, section 4.6; Parts 4 to
/// 7 give the field of each format).
pub const NAME_FIELD_LENGTHS: [usize; 3] = [30, 31, 39];

/// The row of the table for this letter, if the table has one.
pub fn lookup(letter: char) -> Option<&'static Transliteration> {
    LATIN
        .binary_search_by_key(&letter, |t| t.letter)
        .ok()
        .map(|i| &LATIN[i])
}

/// The folds the table implies: `(letter, tail)` where a letter of the table is written either
/// as `letter` alone or as `letter` followed by `tail` (Ä as A or AE: `('A', "E")`; Ü as U or
/// UXX: `('U', "XX")`). Derived from the table, in table order, each once.
pub fn folds() -> &'static [(char, &'static str)] {
    static FOLDS: LazyLock<Vec<(char, &'static str)>> = LazyLock::new(|| {
        let mut folds: Vec<(char, &'static str)> = Vec::new();
        for row in LATIN.iter().filter(|row| !row.alternatives.is_empty()) {
            let forms = || std::iter::once(row.recommended).chain(row.alternatives.iter().copied());
            let Some(shortest) = forms().min_by_key(|form| form.len()) else {
                continue;
            };
            let mut head = shortest.chars();
            let (Some(letter), None) = (head.next(), head.next()) else {
                continue;
            };
            for tail in forms().filter_map(|form| form.strip_prefix(shortest)) {
                if !tail.is_empty() && !folds.contains(&(letter, tail)) {
                    folds.push((letter, tail));
                }
            }
        }
        folds
    });
    &FOLDS
}

/// A word with every fold applied until none applies: the one spelling that every
/// transliteration of a letter of the table shares (`MUELLER`, `MULLER` and `MUXXLLER` all
/// fold to `MULLER`; `AASA` and `ASA` to `ASA`).
///
/// The folds form a confluent rewriting system (each shortens the word, and where two overlap,
/// as in `AAE`, both orders end in the same word), so the result does not depend on the order
/// they are applied in; a tested property. One pass with a stack computes it: after each
/// letter, a fold can only end at that letter.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        out.push(c);
        for &(letter, tail) in folds() {
            if let Some(head) = out.strip_suffix(tail)
                && head.ends_with(letter)
            {
                out.truncate(head.len());
                break;
            }
        }
    }
    out
}
