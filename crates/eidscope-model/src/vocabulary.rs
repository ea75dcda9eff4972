//! Closed sets of words: the enums whose values every output writes as one fixed word
//! (severities, finding codes, entry kinds, shapes, levels, decisions, error kinds).
//!
//! [`Vocabulary`] says, for such an enum, every value and the word of each; the [`words!`]
//! macro writes that table once per enum and derives from it the inherent `as_str`, `Display`,
//! `FromStr` (forgiving: any letter case, surrounding blanks) and serde (the exact word), so
//! that JSON, the text outputs, the command line and the Parquet enum columns of
//! `eidscope-tables` all take their words from the one table. Adding a variant means adding
//! it to its `words!` line: the compiler refuses an enum whose table misses a variant.

/// An enum whose values are written as fixed words.
pub trait Vocabulary: Copy + Eq + 'static {
    /// What one value is called in messages (`severity`, `level`).
    const NOUN: &'static str;
    /// Every value, in the order outputs list them.
    const ALL: &'static [Self];

    /// The word of this value in every output.
    fn word(self) -> &'static str;

    /// The value of an exact word.
    fn from_word(word: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.word() == word)
    }

    /// The value of a word as a person types it: any letter case, blanks around it ignored.
    /// The error says which words there are.
    fn parse_word(text: &str) -> Result<Self, String> {
        let wanted = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|value| value.word().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                let words: Vec<&str> = Self::ALL.iter().map(|value| value.word()).collect();
                let expected = match words.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} or {last}", rest.join(", "))
                    }
                    _ => words.join(""),
                };
                format!("unknown {} `{text}` (expected {expected})", Self::NOUN)
            })
    }
}

/// Writes the word table of an enum: `words!(Shape, "shape", [Signicat => "signicat",
/// EidRaw => "eid-raw"])` implements [`Vocabulary`] (the values in the order listed), an
/// inherent `as_str`, `Display`, `FromStr` ([`Vocabulary::parse_word`]) and serde as the
/// exact word.
#[macro_export]
macro_rules! words {
    ($ty:ident, $noun:literal, [$($variant:ident => $word:literal),+ $(,)?]) => {
        impl $ty {
            /// The word used in every output.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $ty::$variant => $word, )+
                }
            }
        }

        impl $crate::Vocabulary for $ty {
            const NOUN: &'static str = $noun;
            const ALL: &'static [Self] = &[$( $ty::$variant ),+];
            fn word(self) -> &'static str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                <$ty as $crate::Vocabulary>::parse_word(text)
            }
        }

        impl $crate::vocabulary::serde::Serialize for $ty {
            fn serialize<S: $crate::vocabulary::serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl $crate::vocabulary::schemars::JsonSchema for $ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(
                _: &mut $crate::vocabulary::schemars::SchemaGenerator,
            ) -> $crate::vocabulary::schemars::Schema {
                $crate::vocabulary::schemars::json_schema!({
                    "description": concat!("A ", $noun, ": one of a closed set of words."),
                    "type": "string",
                    "enum": [$( $word ),+],
                })
            }
        }

        impl<'de> $crate::vocabulary::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::vocabulary::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let word: ::std::borrow::Cow<'de, str> =
                    $crate::vocabulary::serde::Deserialize::deserialize(deserializer)?;
                <$ty as $crate::Vocabulary>::from_word(&word).ok_or_else(|| {
                    <D::Error as $crate::vocabulary::serde::de::Error>::unknown_variant(
                        &word,
                        &[$( $word ),+],
                    )
                })
            }
        }
    };
}

/// Serde for a type written as its text: serialised with `Display`, read back with `FromStr`
/// (for values whose words are not a fixed table: a perceptual hash, a reason, a note). Its
/// JSON Schema is a string described by `$what`.
#[macro_export]
macro_rules! text_serde {
    ($ty:ty, $what:literal) => {
        impl $crate::vocabulary::schemars::JsonSchema for $ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(
                _: &mut $crate::vocabulary::schemars::SchemaGenerator,
            ) -> $crate::vocabulary::schemars::Schema {
                $crate::vocabulary::schemars::json_schema!({
                    "description": $what,
                    "type": "string",
                })
            }
        }

        impl $crate::vocabulary::serde::Serialize for $ty {
            fn serialize<S: $crate::vocabulary::serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> $crate::vocabulary::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::vocabulary::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let text: String =
                    $crate::vocabulary::serde::Deserialize::deserialize(deserializer)?;
                text.parse()
                    .map_err(<D::Error as $crate::vocabulary::serde::de::Error>::custom)
            }
        }
    };
}

/// serde, as the [`words!`] and [`text_serde!`] macros name it (so that crates using them need
/// no serde of their own).
#[doc(hidden)]
pub use serde;

/// schemars, as the [`words!`] and [`text_serde!`] macros name it.
#[doc(hidden)]
pub use schemars;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Colour {
        Red,
        DarkBlue,
    }
    words!(Colour, "colour", [Red => "red", DarkBlue => "dark-blue"]);

    #[test]
    fn the_table_gives_every_form() {
        assert_eq!(Colour::ALL, [Colour::Red, Colour::DarkBlue]);
        assert_eq!(Colour::DarkBlue.to_string(), "dark-blue");
        assert_eq!(" DARK-blue ".parse::<Colour>(), Ok(Colour::DarkBlue));
        assert_eq!(
            "green".parse::<Colour>(),
            Err("unknown colour `green` (expected red or dark-blue)".to_owned())
        );
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).unwrap(),
            "\"dark-blue\""
        );
        assert_eq!(
            serde_json::from_str::<Colour>("\"red\"").unwrap(),
            Colour::Red
        );
        assert!(serde_json::from_str::<Colour>("\"Red\"").is_err());
    }
}
