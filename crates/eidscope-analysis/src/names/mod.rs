//! What counts as the same name. A document writes its holder's name more than one way: the
//! visual zone with national letters (`JÜRGEN MÜLLER`), the machine-readable zone (MRZ)
//! transliterated by ICAO Doc 9303 Part 3 (`JUERGEN<MUELLER`, or `JURGEN MULLER` where the
//! diacritics are dropped), cut at the length of the MRZ name field, with given names reduced to
//! initials or in another order, in any letter case, with hyphens, spaces or `<` between the
//! words. The provider may give either zone's reading. These are one name; `MILLER` is not
//! `MÜLLER`.
//!
//! Two tools, for two jobs:
//!
//! - **Keys** ([`surname_key`], [`given_names_key`], [`NameKey`]): a canonical form, equal for
//!   every spelling the Doc 9303 table ([`icao::LATIN`]) can produce of one name, and for any
//!   case, punctuation, fillers and order of the given names. A key is a function of the text,
//!   so "same key" is an equivalence (transitive): redaction pseudonymises keys, and the
//!   identities of `links` start from them. The price of transitivity: the folds merge every
//!   pair the table can bridge, so `MICHAEL` and `MICHAL` share a key (both are spellings of
//!   `MICHÄL`), as do `MANUEL` and `MANUL`. Names that differ in any other letter never do.
//! - **Matching** ([`PersonName::matches`]): the key, plus what is a relation and not a key: a
//!   name cut at the MRZ length ([`icao::NAME_FIELD_LENGTHS`]) is a prefix of the full one, and
//!   `J K MUELLER` matches `JUERGEN KARL MUELLER`. Neither can be a key (`J` matches both
//!   `JUERGEN` and `JOHANNES`, which do not match each other), so matching is used pair by
//!   pair, where both names are known ([`crate::links`]), never to make pseudonyms.
//!
//! Pseudonyms of `scan --redact` (`ps-` and hex digits) are keys already: they are kept as they
//! are and match only themselves.
//!
//! Pure and total: any text gives a key (possibly empty), nothing here panics or reads a file.

pub mod icao;

use icao::{NAME_FIELD_LENGTHS, fold, lookup};
use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// One word of a name as the machine-readable zone writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Word {
    /// The recommended transliteration: upper-case A–Z (digits, and letters of scripts the table
    /// does not cover, are kept, upper-cased).
    pub mrz: String,
    /// The fewest characters a form of the table writes the word in (`MÜLLER`: 6, as `MULLER`).
    pub shortest: usize,
    /// The most (`MÜLLER`: 8, as `MUXXLLER`).
    pub longest: usize,
}

impl Word {
    fn push_row(&mut self, row: &icao::Transliteration) {
        let forms = || std::iter::once(row.recommended).chain(row.alternatives.iter().copied());
        self.mrz.push_str(row.recommended);
        self.shortest += forms().map(str::len).min().unwrap_or(0);
        self.longest += forms().map(str::len).max().unwrap_or(0);
    }

    fn push_plain(&mut self, c: char) {
        self.mrz.push(c);
        self.shortest += 1;
        self.longest += 1;
    }

    /// One letter or digit of the name, in any case and any Unicode form.
    fn push_letter(&mut self, c: char) {
        if let Some(row) = lookup(c) {
            return self.push_row(row);
        }
        for upper in c.to_uppercase() {
            if let Some(row) = lookup(upper) {
                self.push_row(row);
            } else if upper.is_ascii() {
                self.push_plain(upper);
            } else {
                // A letter the table does not list: its base letter, without the diacritics.
                for part in std::iter::once(upper).nfd() {
                    match lookup(part) {
                        _ if is_combining_mark(part) => {}
                        Some(row) => self.push_row(row),
                        None => self.push_plain(part),
                    }
                }
            }
        }
    }
}

/// Characters the MRZ leaves out without a separator: apostrophes (`O'NEIL` is `ONEIL`) and
/// the Catalan middle dot (`PAL·LÀS` is `PALLAS`).
fn is_omitted(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '`' | '\u{00B4}' | '\u{00B7}'
    )
}

/// The words of a name as the MRZ writes them: Unicode compatibility-normalised (NFKC), national
/// letters transliterated by the table (recommended form), other diacritics dropped, upper
/// case; apostrophes left out; anything else that is not a letter or digit (space, hyphen,
/// `<`, comma, period) separates words.
pub fn spell(name: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut word = Word::default();
    for c in name.nfkc() {
        if is_omitted(c) || is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            word.push_letter(c);
        } else if !word.mrz.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.mrz.is_empty() {
        words.push(word);
    }
    words
}

/// The name as the MRZ writes it (recommended transliteration), words separated by one space:
/// `Jürgen-Müller` is `JUERGEN MUELLER`.
pub fn transliterate(name: &str) -> String {
    spell(name)
        .into_iter()
        .map(|w| w.mrz)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a value is a pseudonym of `scan --redact` (`ps-` and hex digits): a key already,
/// kept as written so that keys match the tables.
pub fn is_pseudonym(value: &str) -> bool {
    value
        .strip_prefix("ps-")
        .is_some_and(|hex| !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The key of a surname (or of any single word): transliterated, folded ([`icao::fold`]), its
/// words run together (`O'Neil`, `O NEIL` and `ONEIL`; `Müller-Lüdenscheidt` and `MUELLER
/// LUEDENSCHEIDT` are one).
pub fn surname_key(surname: &str) -> String {
    if is_pseudonym(surname.trim()) {
        return surname.trim().to_owned();
    }
    let joined: String = spell(surname).into_iter().map(|w| w.mrz).collect();
    fold(&joined)
}

/// The key of the given names: each word transliterated and folded, in alphabetical order,
/// separated by one space (`Anna-Maria`, `MARIA ANNA` and `ANNA<MARIA` are one).
pub fn given_names_key(given_names: &str) -> String {
    if is_pseudonym(given_names.trim()) {
        return given_names.trim().to_owned();
    }
    let mut words: Vec<String> = spell(given_names).iter().map(|w| fold(&w.mrz)).collect();
    words.sort_unstable();
    words.join(" ")
}

/// The key of a whole name: equal keys are the same name (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NameKey {
    /// [`surname_key`] of the surnames.
    pub surname: String,
    /// [`given_names_key`] of the given names.
    pub given_names: String,
}

/// A name prepared for matching: its key, its folded words in written order and its MRZ form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    key: NameKey,
    /// The folded given names, in written order.
    given: Vec<String>,
    /// The folded words as the MRZ name field writes them: `SURNAME<<GIVEN<NAMES`.
    mrz: String,
    /// The fewest and the most characters the MRZ name field can write this name in.
    written: (usize, usize),
    /// A pseudonym: matches only an equal key.
    pseudonymous: bool,
}

impl PersonName {
    /// The name of a holder with these given names and surnames (either may be empty).
    pub fn new(given_names: &str, surname: &str) -> PersonName {
        let key = NameKey {
            surname: surname_key(surname),
            given_names: given_names_key(given_names),
        };
        if is_pseudonym(given_names.trim()) || is_pseudonym(surname.trim()) {
            return PersonName {
                key,
                given: Vec::new(),
                mrz: String::new(),
                written: (0, 0),
                pseudonymous: true,
            };
        }
        let (surnames, given) = (spell(surname), spell(given_names));
        let folded =
            |words: &[Word]| -> Vec<String> { words.iter().map(|w| fold(&w.mrz)).collect() };
        let mut mrz = folded(&surnames).join("<");
        let given_folded = folded(&given);
        if !given_folded.is_empty() {
            mrz.push_str("<<");
            mrz.push_str(&given_folded.join("<"));
        }
        PersonName {
            key,
            given: given_folded,
            mrz,
            written: field_length(&surnames, &given),
            pseudonymous: false,
        }
    }

    /// The key of this name.
    pub fn key(&self) -> &NameKey {
        &self.key
    }

    /// Whether the name is a pseudonym of `scan --redact` (it matches only an equal key).
    pub fn is_pseudonymous(&self) -> bool {
        self.pseudonymous
    }

    /// Whether two names are one: equal keys; or one surname and the same given names in
    /// another order or reduced to initials (`J K` for `JUERGEN KARL`, never `J` for two names,
    /// never a name left out); or one name the other cut at an MRZ name field length
    /// ([`PersonName::truncates`]). Pseudonyms match only an equal key.
    pub fn matches(&self, other: &PersonName) -> bool {
        if self.pseudonymous || other.pseudonymous {
            return self.key == other.key;
        }
        (self.key.surname == other.key.surname && given_names_match(&self.given, &other.given))
            || self.truncates(other)
            || other.truncates(self)
    }

    /// Whether this name is `full` cut by the MRZ: it can be written in exactly the length of a
    /// name field ([`NAME_FIELD_LENGTHS`]) that `full` exceeds, and its MRZ form is the start of
    /// `full`'s (`NILAVADHANANDA<<CHAYAPA<DEJTHAMRONG<KRA`, 39 characters, cut from
    /// `...<KRASUANG`).
    pub fn truncates(&self, full: &PersonName) -> bool {
        !self.pseudonymous
            && !full.pseudonymous
            && NAME_FIELD_LENGTHS.iter().any(|&field| {
                (self.written.0..=self.written.1).contains(&field) && full.written.1 > field
            })
            && full.mrz.len() > self.mrz.len()
            && full.mrz.starts_with(&self.mrz)
    }
}

/// The fewest and the most characters of the MRZ name field `SURNAME<<GIVEN<NAMES`.
fn field_length(surnames: &[Word], given: &[Word]) -> (usize, usize) {
    let part = |words: &[Word], pick: fn(&Word) -> usize| -> usize {
        words.iter().map(pick).sum::<usize>() + words.len().saturating_sub(1)
    };
    let separator = if given.is_empty() { 0 } else { 2 };
    (
        part(surnames, |w| w.shortest) + separator + part(given, |w| w.shortest),
        part(surnames, |w| w.longest) + separator + part(given, |w| w.longest),
    )
}

/// Whether two lists of folded given names are one: as many names, paired so that each pair is
/// one name, or an initial and a name starting with it.
///
/// Equal full names pair first (that is always safe); what is left pairs only as initial and
/// name, so it suffices that, letter by letter, the initials of each side cover the other
/// side's names and the remaining initials are as many on both sides.
fn given_names_match(a: &[String], b: &[String]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let is_initial = |w: &String| w.chars().count() == 1;
    let mut full: BTreeMap<&str, i64> = BTreeMap::new();
    for w in a.iter().filter(|w| !is_initial(w)) {
        *full.entry(w).or_default() += 1;
    }
    for w in b.iter().filter(|w| !is_initial(w)) {
        *full.entry(w).or_default() -= 1;
    }
    // Per first letter: [names of a, initials of a, names of b, initials of b].
    let mut by_letter: BTreeMap<char, [i64; 4]> = BTreeMap::new();
    for (word, surplus) in &full {
        let Some(letter) = word.chars().next() else {
            continue;
        };
        let counts = by_letter.entry(letter).or_default();
        if *surplus > 0 {
            counts[0] += surplus;
        } else {
            counts[2] -= surplus;
        }
    }
    for (words, slot) in [(a, 1), (b, 3)] {
        for w in words.iter().filter(|w| is_initial(w)) {
            if let Some(letter) = w.chars().next() {
                by_letter.entry(letter).or_default()[slot] += 1;
            }
        }
    }
    by_letter
        .values()
        .all(|&[names_a, initials_a, names_b, initials_b]| {
            names_a <= initials_b
                && names_b <= initials_a
                && initials_a - names_b == initials_b - names_a
        })
}

#[cfg(test)]
mod tests;
