//! What the user asks for: whole dossiers or single processes, from the command line or from a
//! list (`--list FILE` or standard input).
//!
//! A list is CSV or plain lines of `dossierId[,processId]` (`;` and tabs separate too; quotes
//! around a field, a UTF-8 byte-order mark, blank lines and `#` comments are ignored). A first
//! line naming its columns (`dossierId,processId,...`, any letter case, `_` or spaces) is a
//! header: the columns are then found by name, so a CSV export with more columns works as it
//! is. A line that cannot be read is not dropped: it comes back as a [`ListProblem`] and the run
//! lists it as failed.

use crate::id::{AssureId, shorten};
use serde::{Deserialize, Serialize};

/// One thing asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Requested {
    /// Every process of a dossier (listed with "Get dossier").
    Dossier(AssureId),
    /// One process of a dossier.
    Process(AssureId, AssureId),
}

/// A list line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListProblem {
    /// Where: `FILE:LINE`.
    pub source: String,
    /// Why, in one line.
    pub error: String,
}

/// A list read: the requests in order (duplicates kept; the run removes them) and the lines
/// that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestList {
    /// The requests, in list order.
    pub requests: Vec<Requested>,
    /// Lines that are not requests.
    pub problems: Vec<ListProblem>,
}

/// Which column holds what.
struct Columns {
    dossier: usize,
    process: Option<usize>,
}

/// Reads a list; `source` names it in problems (a file name, or `stdin`).
pub fn parse_list(text: &str, source: &str) -> RequestList {
    let mut list = RequestList::default();
    let mut columns: Option<Columns> = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split([',', ';', '\t']).map(unquote).collect();
        let here = format!("{source}:{}", index + 1);
        if columns.is_none() {
            match header_columns(&fields) {
                Ok(Some(found)) => {
                    columns = Some(found);
                    continue;
                }
                Ok(None) => {
                    columns = Some(Columns {
                        dossier: 0,
                        process: Some(1),
                    });
                }
                Err(error) => {
                    list.problems.push(ListProblem {
                        source: here,
                        error,
                    });
                    return list;
                }
            }
        }
        let Some(columns) = &columns else { continue };
        match request_of(&fields, columns) {
            Ok(request) => list.requests.push(request),
            Err(error) => list.problems.push(ListProblem {
                source: here,
                error,
            }),
        }
    }
    list
}

fn unquote(field: &str) -> &str {
    let field = field.trim();
    field
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(field)
        .trim()
}

/// A column name reduced to letters, lower case: `Dossier ID` and `dossier_id` are `dossierid`.
fn column_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The columns named by a header line; `None` when the line is data (its first field is an
/// id that does not name a column).
fn header_columns(fields: &[&str]) -> Result<Option<Columns>, String> {
    let keys: Vec<String> = fields.iter().map(|f| column_key(f)).collect();
    let find = |names: &[&str]| keys.iter().position(|k| names.contains(&k.as_str()));
    let dossier = find(&["dossierid", "dossier"]);
    let process = find(&["processid", "process"]);
    let looks_like_header = dossier.is_some()
        || process.is_some()
        || fields
            .first()
            .is_some_and(|f| AssureId::parse(f).is_err() && !f.is_empty());
    match (dossier, looks_like_header) {
        (Some(dossier), _) => Ok(Some(Columns { dossier, process })),
        (None, true) => Err(format!(
            "the first line `{}` is neither a request nor a header with a dossierId column",
            shorten(&fields.join(","))
        )),
        (None, false) => Ok(None),
    }
}

fn request_of(fields: &[&str], columns: &Columns) -> Result<Requested, String> {
    let dossier = fields.get(columns.dossier).copied().unwrap_or_default();
    let dossier = AssureId::parse(dossier).map_err(|e| format!("dossier: {e}"))?;
    let process = columns
        .process
        .and_then(|i| fields.get(i).copied())
        .filter(|p| !p.is_empty());
    match process {
        None => Ok(Requested::Dossier(dossier)),
        Some(p) => {
            let process = AssureId::parse(p).map_err(|e| format!("process: {e}"))?;
            Ok(Requested::Process(dossier, process))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> AssureId {
        AssureId::parse(s).unwrap()
    }

    #[test]
    fn plain_lines_name_dossiers_and_processes() {
        let list = parse_list(
            "\u{feff}# nightly\nD1,P1\n\nD1 , P2\nD2\n\"D3\";\"P9\"\nD4\tP4\nD5,\n",
            "l",
        );
        assert_eq!(
            list.requests,
            vec![
                Requested::Process(id("D1"), id("P1")),
                Requested::Process(id("D1"), id("P2")),
                Requested::Dossier(id("D2")),
                Requested::Process(id("D3"), id("P9")),
                Requested::Process(id("D4"), id("P4")),
                Requested::Dossier(id("D5")),
            ]
        );
        assert!(list.problems.is_empty());
    }

    #[test]
    fn a_header_finds_its_columns_by_name() {
        let list = parse_list(
            "created,Process ID,status,dossier_id\n2024-01-01,P1,accepted,D1\nx,,y,D2\n",
            "export.csv",
        );
        assert_eq!(
            list.requests,
            vec![
                Requested::Process(id("D1"), id("P1")),
                Requested::Dossier(id("D2"))
            ]
        );
    }

    #[test]
    fn bad_lines_are_problems_with_their_place_not_dropped() {
        let list = parse_list("D1,P1\n../etc,P2\nD3,a/b\nD4\n", "list.csv");
        assert_eq!(list.requests.len(), 2);
        let places: Vec<&str> = list.problems.iter().map(|p| p.source.as_str()).collect();
        assert_eq!(places, ["list.csv:2", "list.csv:3"]);
        assert!(list.problems[0].error.starts_with("dossier: "));
        assert!(list.problems[1].error.starts_with("process: "));
    }

    #[test]
    fn a_header_without_a_dossier_column_is_one_problem() {
        let list = parse_list("Created at,Status\nD1,P1\n", "l");
        assert!(list.requests.is_empty());
        assert_eq!(list.problems.len(), 1);
        assert_eq!(list.problems[0].source, "l:1");
    }
}
