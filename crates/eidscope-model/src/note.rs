//! What the reader tolerated in a bundle: a second entry of a kind, an encrypted entry, a
//! process file that does not parse, a field it could not read. A [`Note`] never stops the
//! reading and never changes a status; it is listed for the person who reads the report.
//!
//! Each note is declared once below with the sentence it is written as; `Display` writes that
//! sentence (the `notes` of `inspect --json`) and `FromStr` reads it back, so that a report
//! read from JSON holds the same notes. A sentence this version does not know (written by
//! another version) is kept as [`Note::Other`].

use std::fmt;

macro_rules! notes {
    ($( $(#[$doc:meta])* $variant:ident $({ $($field:ident),+ })? => $sentence:literal, )+) => {
        /// One thing the reader tolerated. The fields are the values the sentence names, as
        /// written in the bundle.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum Note {
            $( $(#[$doc])* $variant $({ $(
                #[allow(missing_docs)]
                $field: String
            ),+ })?, )+
            /// A note of another version, kept as written.
            Other(String),
        }

        impl fmt::Display for Note {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $( Note::$variant $({ $($field),+ })? => write!(f, $sentence), )+
                    Note::Other(text) => f.write_str(text),
                }
            }
        }

        impl Note {
            /// Reads a note as [`Display`](fmt::Display) writes it; an unknown sentence is
            /// [`Note::Other`].
            pub fn parse(text: &str) -> Note {
                $(
                    if let Some(holes) = fill($sentence, text) {
                        #[allow(unused_variables, unused_mut)]
                        let mut take = |name: &str| {
                            holes.iter().find(|(hole, _)| *hole == name).map(|(_, v)| v.clone())
                        };
                        #[allow(unused_labels)] // unit variants have no field to miss
                        let note = 'note: {
                            $( $(
                                let Some($field) = take(stringify!($field)) else {
                                    break 'note None;
                                };
                            )+ )?
                            Some(Note::$variant $({ $($field),+ })?)
                        };
                        // Only a note that writes the same sentence again is the note.
                        if let Some(note) = note.filter(|note| note.to_string() == text) {
                            return note;
                        }
                    }
                )+
                Note::Other(text.to_owned())
            }
        }
    };
}

notes! {
    /// A second entry of a documented kind; the first one is read.
    SecondEntry { file, name } => "second `{file}` entry `{name}` ignored",
    /// An encrypted entry, which cannot be read (as older versions wrote it; the
    /// `encrypted-entry` finding says it now).
    EncryptedEntry { name } => "entry `{name}` is encrypted and was not read",
    /// The process file beside the bundle does not parse; the bundle is read without it.
    ProcessIgnored { file, problem } => "process file {file} ignored: {problem}",
    /// The zip has no `ocr.json`; the process's copy of the OCR data is read instead.
    OcrFromProcess => "the zip has no ocr.json: the process's providerSpecific.ocr is used",
    /// No capture date: two-digit years are resolved against today.
    NoCaptureDate => "no capture date: two-digit years are read against today",
    /// The process JSON held the `...` elisions of documentation examples.
    ProcessElisions => "process JSON held `...` elisions; they were ignored",
    /// The process JSON is not an object.
    ProcessNotObject => "process JSON is not an object",
    /// A time of the process that is not ISO 8601.
    ProcessTime { field, value } => "process `{field}` `{value}` is not an ISO-8601 time",
    /// `ocr.json` is not an object.
    OcrNotObject => "ocr.json is not a JSON object",
    /// A similarity word that is not a known level.
    UnknownSimilarity { word } => "similarity `{word}` is not a known level",
    /// A security check without a readable verdict.
    CheckWithoutVerdict { name } => "security check `{name}` has no readable verdict",
    /// `securityChecks` is neither an object nor an array.
    ChecksUnreadable => "securityChecks is neither an object nor an array",
    /// `features` is neither an array nor an object.
    FeaturesUnreadable => "features is neither an array nor an object",
    /// A feature that is not an object.
    FeatureNotObject => "a feature that is not an object was skipped",
    /// A feature without a name.
    FeatureWithoutName => "a feature without a name was skipped",
    /// A JSON entry that starts with a UTF-8 byte order mark, which JSON does not allow.
    JsonByteOrderMark { entry } => "`{entry}` starts with a UTF-8 byte order mark; it was skipped",
    /// A JSON entry written as UTF-16 with a byte order mark.
    JsonUtf16 { entry } => "`{entry}` is UTF-16 text; it was read as such",
    /// Numbers a double cannot hold (out of range, or integers past 64 bits).
    JsonBigNumbers { entry, count } => "`{entry}` holds {count} number(s) a double cannot hold; they were kept as text",
    /// `\u` escapes of lone UTF-16 surrogates, which no text can hold.
    JsonLoneSurrogates { entry } => "`{entry}` holds lone UTF-16 surrogates; they were read as U+FFFD",
}

/// The values of the `{holes}` of `sentence` in `text`, when `text` has the sentence's
/// shape: each hole takes the text up to the first place where the words after it follow.
fn fill(sentence: &'static str, text: &str) -> Option<Vec<(&'static str, String)>> {
    let mut holes = Vec::new();
    let (lead, mut rest) = match sentence.split_once('{') {
        Some((lead, rest)) => (lead, Some(rest)),
        None => (sentence, None),
    };
    let mut text = text.strip_prefix(lead)?;
    while let Some(after_brace) = rest {
        let (name, after) = after_brace.split_once('}')?;
        let (words, next) = match after.split_once('{') {
            Some((words, next)) => (words, Some(next)),
            None => (after, None),
        };
        let end = match next {
            None if words.is_empty() => text.len(),
            None => text
                .len()
                .checked_sub(words.len())
                .filter(|&end| text[end..] == *words)?,
            Some(_) => text.find(words)?,
        };
        holes.push((name, text.get(..end)?.to_owned()));
        text = text.get(end + words.len()..)?;
        rest = next;
    }
    text.is_empty().then_some(holes)
}

impl std::str::FromStr for Note {
    type Err = std::convert::Infallible;
    /// [`Note::parse`]: every sentence is a note.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Note::parse(text))
    }
}

crate::text_serde!(Note, "What the reader tolerated, one sentence.");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_read_back_as_written() {
        let notes = [
            Note::SecondEntry {
                file: "front.jpeg".into(),
                name: "x/Front.JPG".into(),
            },
            Note::ProcessIgnored {
                file: "/a b/x.json".into(),
                problem: "process file is not valid JSON: EOF while parsing".into(),
            },
            Note::OcrFromProcess,
            Note::ProcessTime {
                field: "createdAt".into(),
                value: "yesterday".into(),
            },
            Note::UnknownSimilarity {
                word: "so-so".into(),
            },
            Note::Other("something a newer version noticed".into()),
        ];
        for note in notes {
            assert_eq!(Note::parse(&note.to_string()), note, "{note}");
        }
        assert_eq!(
            Note::OcrFromProcess.to_string(),
            "the zip has no ocr.json: the process's providerSpecific.ocr is used"
        );
    }

    #[test]
    fn names_holding_the_sentence_words_stay_text() {
        // A name with a backtick in it: read back as text rather than mis-split.
        let note = Note::EncryptedEntry {
            name: "a` is encrypted and was not read".into(),
        };
        let text = note.to_string();
        assert_eq!(Note::parse(&text).to_string(), text);
    }
}
