//! The zip as a container: a structure that does not agree with itself (`archive-damaged`),
//! bytes before it (`prefixed-archive`) or after it (`trailing-data`), entries that share a
//! name or a documented role (`duplicate-entry`), encrypted entries (`encrypted-entry`), and
//! JSON entries that cannot be read or parsed (`json-unreadable`). Each says what other tools
//! may see differently, or what the analysis had to do without.

use eidscope_bundle::Bundle;
use eidscope_bundle::archive::classify;
use eidscope_model::{EntryKind, Finding, FindingCode};
use serde_json::json;
use std::collections::BTreeMap;

pub(super) fn findings(bundle: &Bundle, out: &mut Vec<Finding>) {
    structure(bundle, out);
    duplicates(bundle, out);
    encrypted(bundle, out);
    for (kind, (name, problem)) in &bundle.unreadable_json {
        out.push(Finding::new(
            FindingCode::JsonUnreadable,
            format!(
                "`{}` cannot be read: {problem}; the bundle is analysed without it",
                name.escape_debug()
            ),
            json!({"entry": name, "kind": kind, "problem": problem}),
        ));
    }
}

fn structure(bundle: &Bundle, out: &mut Vec<Finding>) {
    let structure = &bundle.archive.structure;
    if !structure.problems.is_empty() {
        out.push(Finding::new(
            FindingCode::ArchiveDamaged,
            format!(
                "the zip's structure is inconsistent, so other readers may see other contents: {}",
                structure.problems.join("; ")
            ),
            json!({"problems": structure.problems}),
        ));
    }
    if structure.prefix_bytes > 0 {
        out.push(Finding::new(
            FindingCode::PrefixedArchive,
            format!(
                "{} bytes come before the zip (a self-extractor, or another file in front)",
                structure.prefix_bytes
            ),
            json!({"prefix_bytes": structure.prefix_bytes}),
        ));
    }
    if structure.trailing_bytes > 0 {
        out.push(Finding::new(
            FindingCode::TrailingData,
            format!(
                "{} bytes follow the zip's end record",
                structure.trailing_bytes
            ),
            json!({"trailing_bytes": structure.trailing_bytes}),
        ));
    }
}

/// Entries that share a name, or name one documented entry: one finding per name or role.
fn duplicates(bundle: &Bundle, out: &mut Vec<Finding>) {
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for entry in bundle.archive.entries.iter().filter(|e| !e.directory) {
        let key = match classify(&entry.name) {
            EntryKind::Unexpected => entry.name.clone(),
            kind => kind.file_name().to_owned(),
        };
        groups.entry(key).or_default().push(&entry.name);
    }
    for (role, names) in groups.into_iter().filter(|(_, names)| names.len() > 1) {
        let listed: Vec<String> = names
            .iter()
            .map(|n| format!("`{}`", n.escape_debug()))
            .collect();
        out.push(Finding::new(
            FindingCode::DuplicateEntry,
            format!(
                "{} entries name `{}` ({}): other tools may read another of them; the first is analysed",
                names.len(),
                role.escape_debug(),
                listed.join(", ")
            ),
            json!({"name": role, "entries": names, "analysed": names[0]}),
        ));
    }
}

fn encrypted(bundle: &Bundle, out: &mut Vec<Finding>) {
    for entry in bundle.archive.entries.iter().filter(|e| e.encrypted) {
        let read = bundle
            .archive
            .contents
            .values()
            .any(|data| data.name == entry.name);
        let message = if read {
            format!(
                "entry `{}` is flagged as encrypted, but its data is plain and was read",
                entry.name.escape_debug()
            )
        } else {
            format!(
                "entry `{}` is encrypted and was not read; the rest of the bundle is analysed without it",
                entry.name.escape_debug()
            )
        };
        out.push(Finding::new(
            FindingCode::EncryptedEntry,
            message,
            json!({"entry": entry.name, "read": read}),
        ));
    }
}
