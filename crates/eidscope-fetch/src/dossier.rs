//! The "Get dossier" answer, read tolerantly: nobody outside Signicat has published its shape
//! (formats.md 1.1). The process list is the first of these that exists: the answer itself when
//! it is an array, or its `processes`, `processIds` or `items` member (any letter case); an
//! entry is an id string or an object with `processId` (or `id`). Entries that hold no usable
//! id are returned, not dropped, so the manifest says what was skipped.

use crate::id::{AssureId, shorten};
use serde_json::Value;

/// The processes of a dossier answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DossierProcesses {
    /// The process ids, in answer order, duplicates removed.
    pub ids: Vec<AssureId>,
    /// Entries without a usable id, described in one line each.
    pub unreadable: Vec<String>,
}

/// Finds the process list in a dossier answer; an error when there is none.
pub fn read_dossier(answer: &Value) -> Result<DossierProcesses, String> {
    let list = match answer {
        Value::Array(items) => items,
        Value::Object(map) => map
            .iter()
            .find(|(key, value)| {
                value.is_array()
                    && ["processes", "processids", "items"]
                        .contains(&key.to_ascii_lowercase().as_str())
            })
            .and_then(|(_, value)| value.as_array())
            .ok_or("the dossier answer holds no process list (no `processes` array)")?,
        _ => return Err("the dossier answer is not a JSON object".to_owned()),
    };
    let mut found = DossierProcesses::default();
    for (index, item) in list.iter().enumerate() {
        let raw = match item {
            Value::String(id) => Some(id.as_str()),
            Value::Object(map) => ["processId", "processID", "process_id", "id"]
                .iter()
                .find_map(|key| map.get(*key)?.as_str()),
            _ => None,
        };
        match raw.map(AssureId::parse) {
            Some(Ok(id)) if !found.ids.contains(&id) => found.ids.push(id),
            Some(Ok(_)) => {}
            Some(Err(e)) => found.unreadable.push(format!("entry {index}: {e}")),
            None => found.unreadable.push(format!(
                "entry {index}: no process id in `{}`",
                shorten(&item.to_string())
            )),
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(found: &DossierProcesses) -> Vec<&str> {
        found.ids.iter().map(AssureId::as_str).collect()
    }

    #[test]
    fn the_likely_shapes_are_read() {
        let a = json!({"dossierId": "D", "processes": [
            {"processId": "P1", "provider": "eid", "status": "accepted"},
            {"processId": "P2"}, {"processId": "P1"}]});
        assert_eq!(ids(&read_dossier(&a).unwrap()), ["P1", "P2"]);
        let b = json!({"ProcessIds": ["P1", "P3"]});
        assert_eq!(ids(&read_dossier(&b).unwrap()), ["P1", "P3"]);
        let c = json!([{"id": "P4"}]);
        assert_eq!(ids(&read_dossier(&c).unwrap()), ["P4"]);
        let empty = json!({"processes": []});
        assert!(read_dossier(&empty).unwrap().ids.is_empty());
    }

    #[test]
    fn unusable_entries_are_reported_and_no_list_is_an_error() {
        let a = json!({"processes": [{"processId": "../x"}, 7, {"status": "ok"}, "P1"]});
        let found = read_dossier(&a).unwrap();
        assert_eq!(ids(&found), ["P1"]);
        assert_eq!(found.unreadable.len(), 3);
        assert!(read_dossier(&json!({"dossierId": "D"})).is_err());
        assert!(read_dossier(&json!("D")).is_err());
    }
}
