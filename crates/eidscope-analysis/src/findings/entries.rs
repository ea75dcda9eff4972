//! The zip's entries: media the bundle should hold but does not (`missing-media`), names that
//! would escape a folder (`unsafe-entry`), and entries outside the documented set
//! (`unexpected-entry`).

use eidscope_bundle::Bundle;
use eidscope_model::{EntryKind, Finding, FindingCode, Status};
use serde_json::json;

pub(super) fn findings(bundle: &Bundle, out: &mut Vec<Finding>) {
    for entry in &bundle.archive.entries {
        if entry.unsafe_name {
            out.push(Finding::new(
                FindingCode::UnsafeEntry,
                format!(
                    "entry `{}` has an unsafe name or is a link; it is never extracted",
                    entry.name.escape_debug()
                ),
                json!({"entry": entry.name}),
            ));
        } else if entry.kind == EntryKind::Unexpected
            && !entry.directory
            // A second entry of a documented kind is a `duplicate-entry`.
            && eidscope_bundle::archive::classify(&entry.name) == EntryKind::Unexpected
        {
            out.push(Finding::new(
                FindingCode::UnexpectedEntry,
                format!(
                    "entry `{}` is not part of the documented bundle",
                    entry.name.escape_debug()
                ),
                json!({"entry": entry.name, "size": entry.size}),
            ));
        }
    }
    // A failed process may stop before any capture: absent media say nothing then.
    if bundle.derivation.status == Status::Failed {
        return;
    }
    let identity = bundle.ocr.as_ref().map(|o| &o.identity);
    let mut expected = vec![
        EntryKind::Front,
        EntryKind::Selfie,
        EntryKind::Portrait,
        EntryKind::Video,
    ];
    if identity.is_some_and(|i| i.has_back_side() && !i.is_passport()) {
        expected.insert(1, EntryKind::Back);
    }
    for kind in expected {
        if bundle.archive.entry(kind).is_none() {
            let why = if kind == EntryKind::Back {
                format!(
                    " (documents of type `{}` have a back side)",
                    identity
                        .and_then(|i| i.document_type_raw.as_deref())
                        .unwrap_or("-")
                )
            } else {
                String::new()
            };
            out.push(Finding::new(
                FindingCode::MissingMedia,
                format!("the bundle has no `{}`{why}", kind.file_name()),
                json!({"entry": kind.file_name(), "kind": kind}),
            ));
        }
    }
}
