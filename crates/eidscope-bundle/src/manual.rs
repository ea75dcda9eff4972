//! `manual_approval.json`, whose schema nobody has published (formats.md section 4): the
//! document is kept verbatim, and a decision, an agent, a time and reasons are picked out where
//! fields with recognisable names hold them, searching a few levels deep.

use crate::json::{as_bool, as_text};
use eidscope_model::{Decision, ManualApproval};
use serde_json::Value;

const DECISION_KEYS: &[&str] = &[
    "decision", "status", "result", "verdict", "outcome", "state", "approval",
];
const AGENT_KEYS: &[&str] = &[
    "agent",
    "agentid",
    "operator",
    "operatorid",
    "reviewer",
    "reviewerid",
    "registrationauthority",
    "ra",
    "approvedby",
    "rejectedby",
    "user",
    "userid",
];
const TIME_KEYS: &[&str] = &[
    "decidedat",
    "decisiondate",
    "timestamp",
    "approvedat",
    "rejectedat",
    "reviewedat",
    "completedat",
    "date",
    "time",
    "createdat",
    "updatedat",
];
const REASON_KEYS: &[&str] = &[
    "reasons",
    "reason",
    "rejectionreasons",
    "rejectionreason",
    "comment",
    "comments",
    "notes",
    "remarks",
];
/// How deep nested objects are searched for the known names.
const MAX_DEPTH: usize = 3;

fn key(k: &str) -> String {
    k.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Reads a decision word (`approved`, `REJECTED`, `registered`, ...).
pub fn decision_word(word: &str) -> Option<Decision> {
    match key(word).as_str() {
        "accepted" | "accept" | "approved" | "approve" | "registered" | "verified" | "ok"
        | "passed" | "valid" | "confirmed" => Some(Decision::Accepted),
        "rejected" | "reject" | "declined" | "denied" | "refused" | "failed" | "invalid"
        | "notapproved" => Some(Decision::Rejected),
        _ => None,
    }
}

/// Picks the recognisable parts out of a manual review document.
pub fn read_manual_approval(raw: Value) -> ManualApproval {
    let mut found = ManualApproval {
        decision: None,
        agent: None,
        decided_at: None,
        reasons: Vec::new(),
        raw: Value::Null,
    };
    walk(&raw, 0, &mut found);
    found.raw = raw;
    found
}

fn walk(value: &Value, depth: usize, out: &mut ManualApproval) {
    let Some(o) = value.as_object() else { return };
    for (k, v) in o {
        let k = key(k);
        if out.decision.is_none() {
            if DECISION_KEYS.contains(&k.as_str()) {
                out.decision = as_text(v).as_deref().and_then(decision_word);
            } else if matches!(k.as_str(), "approved" | "accepted" | "registered") {
                out.decision = as_bool(v).map(|b| {
                    if b {
                        Decision::Accepted
                    } else {
                        Decision::Rejected
                    }
                });
            } else if k == "rejected" {
                out.decision = as_bool(v).map(|b| {
                    if b {
                        Decision::Rejected
                    } else {
                        Decision::Accepted
                    }
                });
            }
        }
        if out.agent.is_none() && AGENT_KEYS.contains(&k.as_str()) {
            out.agent = match v {
                Value::Object(a) => ["id", "name", "username", "email"].iter().find_map(|n| {
                    a.iter()
                        .find(|(ak, _)| key(ak) == *n)
                        .and_then(|(_, av)| as_text(av))
                }),
                other => as_text(other),
            };
        }
        if out.decided_at.is_none() && TIME_KEYS.contains(&k.as_str()) {
            out.decided_at = as_text(v);
        }
        if REASON_KEYS.contains(&k.as_str()) {
            match v {
                Value::Array(items) => out.reasons.extend(items.iter().filter_map(|i| match i {
                    Value::Object(_) => Some(i.to_string()),
                    other => as_text(other),
                })),
                other => out.reasons.extend(as_text(other)),
            }
        }
    }
    if depth < MAX_DEPTH {
        for v in o.values().filter(|v| v.is_object()) {
            walk(v, depth + 1, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn common_spellings_are_recognised() {
        let m = read_manual_approval(json!({
            "decision": "REJECTED", "agent": {"id": "RA-7", "name": "x"},
            "decidedAt": "2021-06-09T10:05:00Z", "reasons": ["Document damaged"], "comment": "blurry"
        }));
        assert_eq!(m.decision, Some(Decision::Rejected));
        assert_eq!(m.agent.as_deref(), Some("RA-7"));
        assert_eq!(m.decided_at.as_deref(), Some("2021-06-09T10:05:00Z"));
        assert_eq!(m.reasons, vec!["Document damaged", "blurry"]);
        let nested = read_manual_approval(json!({"review": {"approved": true, "operator": "op1"}}));
        assert_eq!(nested.decision, Some(Decision::Accepted));
        assert_eq!(nested.agent.as_deref(), Some("op1"));
        let unknown = read_manual_approval(json!([1, 2, 3]));
        assert_eq!(unknown.decision, None);
        assert_eq!(unknown.raw, json!([1, 2, 3]));
    }
}
