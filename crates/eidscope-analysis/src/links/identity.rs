//! Normalised keys of a person and of a document, so that `Kari  Nordmann` and `KARI NORDMANN`
//! are one spelling of a name and `l898902c3`, `L898 902 C3` and `L898-902/C3` one document
//! number. Which spellings are one holder is [`crate::names`]' question, answered for a batch
//! by the holders of the rules.

use crate::names::{PersonName, is_pseudonym};
use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Who a bundle says the person is, as written: given names, surnames (upper case, one space
/// between words, national letters kept) and date of birth. Each distinct key is one spelling;
/// spellings of one name with one birth date are one holder ([`IdentityKey::person_name`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdentityKey {
    /// Given names, upper case, words separated by one space.
    pub first_name: String,
    /// Surnames, likewise.
    pub last_name: String,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Whether the date stands for a birth year only (redacted tables).
    pub birth_year_only: bool,
}

impl IdentityKey {
    /// The key, or `None` when the bundle names nobody (no names and no date of birth, as in
    /// a capture that failed before the document was read): such a bundle may be anyone, so
    /// it never counts as a different identity.
    pub fn new(
        first_name: Option<&str>,
        last_name: Option<&str>,
        date_of_birth: Option<NaiveDate>,
    ) -> Option<Self> {
        let key = IdentityKey {
            first_name: normalise_name(first_name.unwrap_or_default()),
            last_name: normalise_name(last_name.unwrap_or_default()),
            date_of_birth,
            birth_year_only: false,
        };
        let named =
            !key.first_name.is_empty() || !key.last_name.is_empty() || key.date_of_birth.is_some();
        named.then_some(key)
    }

    /// The name as it is compared across spellings.
    pub fn person_name(&self) -> PersonName {
        PersonName::new(&self.first_name, &self.last_name)
    }

    /// `KARI NORDMANN`, or `(no name)`.
    pub fn name(&self) -> String {
        let name = [self.first_name.as_str(), self.last_name.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            "(no name)".to_owned()
        } else {
            name
        }
    }

    /// `born 1978-07-10`, `born in 1978` (redacted tables), or `None`.
    pub fn birth(&self) -> Option<String> {
        self.date_of_birth.map(|date| {
            if self.birth_year_only {
                format!("born in {}", date.year())
            } else {
                format!("born {date}")
            }
        })
    }

    /// `KARI NORDMANN, born 1978-07-10`, for messages.
    pub fn describe(&self) -> String {
        match self.birth() {
            Some(birth) => format!("{}, {birth}", self.name()),
            None => self.name(),
        }
    }
}

/// Upper case, letters and digits only, words separated by one space, in Unicode canonical
/// composition (NFC: `Ü` and `U` + combining diaeresis are one spelling). National letters are
/// kept: this is how a spelling is shown, not how names compare ([`crate::names`]).
pub fn normalise_name(name: &str) -> String {
    if is_pseudonym(name) {
        return name.to_owned();
    }
    name.nfc()
        .map(|c| {
            if c.is_alphanumeric() || is_combining_mark(c) {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .map(str::to_uppercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A document number as compared across bundles: upper case, letters and digits only
/// (`ab-123 456` and `AB123456` are one document). Redaction pseudonymises this form, so that
/// redacted tables link like raw ones.
pub fn normalise_document_number(number: &str) -> String {
    if is_pseudonym(number) {
        return number.to_owned();
    }
    number
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The document key `COUNTRY:NUMBER` (`UTO:L898902C3`): the issuing country in upper case
/// (`?` when unknown) and the number in upper case without spaces or separators (`-`, `/`,
/// `.` and any other non-alphanumeric character). `None` without a number.
pub fn document_key(
    issuing_country: Option<&str>,
    document_number: Option<&str>,
) -> Option<String> {
    let number = normalise_document_number(document_number?);
    if number.is_empty() {
        return None;
    }
    let country = issuing_country
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty());
    Some(format!("{}:{number}", country.as_deref().unwrap_or("?")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_are_normalised() {
        let key = Some("UTO:L898902C3".to_owned());
        for number in [
            "L898902C3",
            "l898902c3",
            " L898 902 C3 ",
            "L898-902/C3",
            "l.898.902.c3",
        ] {
            assert_eq!(document_key(Some("uto"), Some(number)), key, "{number}");
        }
        assert_eq!(document_key(None, Some("AB 12")), Some("?:AB12".to_owned()));
        assert_eq!(document_key(Some("UTO"), Some(" - ")), None);
        assert_eq!(document_key(Some("UTO"), None), None);
    }

    #[test]
    fn names_are_normalised_and_nobody_is_no_identity() {
        let date = NaiveDate::from_ymd_opt(1974, 8, 12);
        let a = IdentityKey::new(Some("Anna  Maria"), Some("Eriksson"), date);
        let b = IdentityKey::new(Some("ANNA-MARIA"), Some("eriksson "), date);
        assert_eq!(a, b);
        assert_ne!(
            a,
            IdentityKey::new(
                Some("Anna Maria"),
                Some("Eriksson"),
                NaiveDate::from_ymd_opt(1974, 8, 13)
            )
        );
        assert_eq!(IdentityKey::new(None, Some("  "), None), None);
        assert_eq!(
            a.unwrap().describe(),
            "ANNA MARIA ERIKSSON, born 1974-08-12"
        );
    }
}

#[cfg(test)]
mod pseudonym_tests {
    use super::*;

    #[test]
    fn pseudonyms_are_keys_as_written() {
        assert_eq!(
            document_key(Some("swe"), Some("ps-22eb722aa9")).as_deref(),
            Some("SWE:ps-22eb722aa9")
        );
        assert_eq!(normalise_name("ps-0a1b"), "ps-0a1b");
        assert_eq!(
            document_key(Some("SWE"), Some("ab-12 34")).as_deref(),
            Some("SWE:AB1234")
        );
        assert_eq!(normalise_name("anne-marie  o'neil"), "ANNE MARIE O NEIL");
    }
}
