//! What changed between two pacts of one integration: interactions added, removed and
//! changed, with the changed parts side by side.
//!
//! Interactions are the same interaction when their description and provider states are
//! (the rule `onConflict: merge` uses too), so a changed response body reads as a change
//! rather than as one interaction removed and another added. The broker's `_id` and the V4
//! `key` are left out of the comparison: both are derived from the content, so they change
//! whenever anything else does.

use crate::domain::content::canonical_json;
use serde_json::{Map, Value};
use std::collections::{HashMap, VecDeque};

/// The changes from an old pact to a new one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PactDiff {
    /// Interactions only the new pact has.
    pub added: Vec<Named>,
    /// Interactions only the old pact has.
    pub removed: Vec<Named>,
    /// Interactions both have, with different contents.
    pub changed: Vec<Changed>,
    /// How many interactions are the same in both.
    pub unchanged: usize,
    /// Changes outside the interactions (`metadata`, say).
    pub pact_fields: Vec<FieldChange>,
}

impl PactDiff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.pact_fields.is_empty()
    }
}

/// An interaction by what identifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Named {
    /// Its description.
    pub description: String,
    /// Its provider states, joined (`an order exists, a user is logged in`); empty if none.
    pub states: String,
    /// Its position in its pact, from 0 (`interactions` then `messages`), for links to it.
    pub index: usize,
}

/// An interaction both pacts have, and what differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Changed {
    /// The interaction, with its position in the new pact.
    pub interaction: Named,
    /// Each part that differs.
    pub fields: Vec<FieldChange>,
}

/// One part that differs, both sides as indented JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldChange {
    /// Which part: `response.body`, `request.headers`, `contents`, `metadata`.
    pub field: String,
    /// The old value, `(absent)` when it had none.
    pub old: String,
    /// The new value, `(absent)` when it has none.
    pub new: String,
}

/// Fields left out of the comparison: the interaction's identity, and ids derived from it.
const IDENTITY: [&str; 5] = [
    "_id",
    "key",
    "description",
    "providerStates",
    "providerState",
];

/// Parts compared one level down, so a change names `response.body` rather than the whole
/// response.
const SPLIT: [&str; 2] = ["request", "response"];

/// The interactions of a pact: `interactions`, then a V3 message pact's `messages`.
fn interactions(pact: &Value) -> Vec<&Value> {
    ["interactions", "messages"]
        .into_iter()
        .filter_map(|k| pact.get(k).and_then(Value::as_array))
        .flatten()
        .collect()
}

/// Whether a pact is V4, whose bodies are `{content, contentType, encoded}`.
fn is_v4(pact: &Value) -> bool {
    let declared = pact
        .get("metadata")
        .and_then(|m| {
            m.get("pactSpecification")
                .or_else(|| m.get("pact-specification"))
        })
        .and_then(|s| s.get("version"))
        .and_then(Value::as_str);
    declared.is_some_and(|v| v.trim_start_matches(['v', 'V']).starts_with('4'))
        || interactions(pact).iter().any(|i| i.get("type").is_some())
}

/// An interaction as it compares: a V4 body that is not encoded as its content, a header
/// with one value as that value, `metaData` as `metadata`. A consumer moving from V3 to V4 changes how
/// its pact is written, not what it expects, and the changes should say only the latter.
fn normalised(interaction: &Value, v4: bool) -> Value {
    fn part(v: &mut Value, v4: bool) {
        let Some(map) = v.as_object_mut() else { return };
        if let Some(meta) = map.remove("metaData") {
            map.entry("metadata").or_insert(meta);
        }
        for key in ["body", "contents"] {
            let unwrapped = match map.get(key) {
                Some(Value::Object(o))
                    if v4
                        && o.keys().all(|k| {
                            ["content", "contentType", "encoded", "contentTypeHint"]
                                .contains(&k.as_str())
                        })
                        && matches!(o.get("encoded"), None | Some(Value::Bool(false))) =>
                {
                    o.get("content").cloned()
                }
                _ => None,
            };
            if let Some(content) = unwrapped {
                map.insert(key.to_string(), content);
            }
        }
        if let Some(Value::Object(headers)) = map.get_mut("headers") {
            for value in headers.values_mut() {
                if let Value::Array(values) = value {
                    if let [one @ Value::String(_)] = values.as_mut_slice() {
                        *value = one.take();
                    }
                }
            }
        }
    }
    let mut out = interaction.clone();
    part(&mut out, v4);
    if let Some(map) = out.as_object_mut() {
        for key in SPLIT {
            match map.get_mut(key) {
                Some(Value::Array(items)) => items.iter_mut().for_each(|i| part(i, v4)),
                Some(v) => part(v, v4),
                None => {}
            }
        }
    }
    out
}

/// What identifies an interaction: its description and its provider states (names and
/// parameters), with V1/V2's `providerState` read as one state without parameters.
fn identity(i: &Value) -> (String, String) {
    let description = i
        .get("description")
        .map(|d| d.as_str().map_or_else(|| d.to_string(), str::to_string))
        .unwrap_or_default();
    let states = match (i.get("providerStates"), i.get("providerState")) {
        (Some(Value::Array(states)), _) => states
            .iter()
            .map(|s| match s {
                Value::String(name) => canonical_json(&serde_json::json!({"name": name})),
                other => canonical_json(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        (_, Some(Value::String(s))) if !s.is_empty() => {
            canonical_json(&serde_json::json!({"name": s}))
        }
        _ => String::new(),
    };
    (description, states)
}

fn named(i: &Value, index: usize) -> Named {
    let names: Vec<String> = match (i.get("providerStates"), i.get("providerState")) {
        (Some(Value::Array(states)), _) => states
            .iter()
            .map(|s| match s.get("name").unwrap_or(s) {
                Value::String(n) => n.clone(),
                other => other.to_string(),
            })
            .collect(),
        (_, Some(Value::String(s))) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    };
    Named {
        description: identity(i).0,
        states: names.join(", "),
        index,
    }
}

fn shown(v: Option<&Value>) -> String {
    v.map_or_else(|| "(absent)".to_string(), super::pact_view::pretty)
}

/// The parts in which `old` and `new` differ, keys in the new one's order then the old
/// one's; `prefix` names the parent part.
fn field_changes(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    prefix: &str,
    skip: &[&str],
    split: &[&str],
) -> Vec<FieldChange> {
    let mut keys: Vec<&String> = new.keys().collect();
    keys.extend(old.keys().filter(|k| !new.contains_key(*k)));
    let mut out = Vec::new();
    for key in keys {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let (a, b) = (old.get(key), new.get(key));
        if a == b {
            continue;
        }
        let field = format!("{prefix}{key}");
        match (a, b) {
            (Some(Value::Object(a)), Some(Value::Object(b))) if split.contains(&key.as_str()) => {
                out.extend(field_changes(a, b, &format!("{field}."), &[], &[]));
            }
            _ => out.push(FieldChange {
                field,
                old: shown(a),
                new: shown(b),
            }),
        }
    }
    out
}

/// What changed from `old` to `new`.
pub(crate) fn diff(old: &Value, new: &Value) -> PactDiff {
    let (old_list, new_list) = (interactions(old), interactions(new));
    let (old_v4, new_v4) = (is_v4(old), is_v4(new));
    // Several interactions with one identity pair up in order.
    let mut by_identity: HashMap<(String, String), VecDeque<usize>> = HashMap::new();
    for (i, item) in old_list.iter().enumerate() {
        by_identity.entry(identity(item)).or_default().push_back(i);
    }
    let mut matched = vec![false; old_list.len()];
    let mut out = PactDiff::default();
    for (index, item) in new_list.iter().enumerate() {
        let Some(o) = by_identity
            .get_mut(&identity(item))
            .and_then(VecDeque::pop_front)
        else {
            out.added.push(named(item, index));
            continue;
        };
        matched[o] = true;
        let (before, after) = (normalised(old_list[o], old_v4), normalised(item, new_v4));
        let fields = match (&before, &after) {
            (Value::Object(a), Value::Object(b)) => field_changes(a, b, "", &IDENTITY, &SPLIT),
            (a, b) if a == b => Vec::new(),
            (a, b) => vec![FieldChange {
                field: "interaction".into(),
                old: shown(Some(a)),
                new: shown(Some(b)),
            }],
        };
        if fields.is_empty() {
            out.unchanged += 1;
        } else {
            out.changed.push(Changed {
                interaction: named(item, index),
                fields,
            });
        }
    }
    out.removed = old_list
        .iter()
        .enumerate()
        .filter(|(i, _)| !matched[*i])
        .map(|(i, item)| named(item, i))
        .collect();
    if let (Value::Object(a), Value::Object(b)) = (old, new) {
        out.pact_fields = field_changes(a, b, "", &["interactions", "messages"], &[]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pact(interactions: Value) -> Value {
        json!({"consumer": {"name": "C"}, "provider": {"name": "P"}, "interactions": interactions,
               "metadata": {"pactSpecification": {"version": "3.0.0"}}})
    }

    #[test]
    fn added_removed_and_changed_interactions() {
        let old = pact(json!([
            {"description": "a list", "request": {"method": "GET", "path": "/items"},
             "response": {"status": 200, "body": [1]}},
            {"description": "an item", "providerStates": [{"name": "item 1", "params": {"id": 1}}],
             "request": {"method": "GET", "path": "/items/1"}, "response": {"status": 200}},
            {"description": "gone", "request": {"method": "DELETE", "path": "/x"}, "response": {"status": 204}}
        ]));
        let new = pact(json!([
            {"description": "a list", "_id": "new id", "request": {"method": "GET", "path": "/items"},
             "response": {"status": 200, "body": [1, 2], "headers": {"X": "y"}}},
            {"description": "an item", "providerStates": [{"name": "item 1", "params": {"id": 1}}],
             "request": {"method": "GET", "path": "/items/1"}, "response": {"status": 200}},
            {"description": "an item", "providerStates": [{"name": "item 1", "params": {"id": 2}}],
             "request": {"method": "GET", "path": "/items/2"}, "response": {"status": 200}}
        ]));
        let d = diff(&old, &new);
        assert_eq!(d.unchanged, 1);
        assert_eq!(
            d.added,
            [Named {
                description: "an item".into(),
                states: "item 1".into(),
                index: 2
            }]
        );
        assert_eq!(d.removed[0].description, "gone");
        assert_eq!(d.removed[0].index, 2);
        assert_eq!(d.changed.len(), 1);
        let c = &d.changed[0];
        assert_eq!(c.interaction.description, "a list");
        assert_eq!(
            c.fields,
            [
                FieldChange {
                    field: "response.body".into(),
                    old: "[\n  1\n]".into(),
                    new: "[\n  1,\n  2\n]".into()
                },
                FieldChange {
                    field: "response.headers".into(),
                    old: "(absent)".into(),
                    new: "{\n  \"X\": \"y\"\n}".into()
                },
            ]
        );
        assert!(d.pact_fields.is_empty());
        assert!(!d.is_empty());
    }

    #[test]
    fn the_same_pact_differs_in_nothing() {
        let p = pact(
            json!([{"description": "a", "providerState": "s", "request": {}, "response": {}}]),
        );
        let d = diff(&p, &p);
        assert!(d.is_empty());
        assert_eq!(d.unchanged, 1);
    }

    #[test]
    fn a_v2_state_is_the_same_as_a_v3_state_without_params() {
        let old = pact(
            json!([{"description": "a", "providerState": "s", "request": {}, "response": {}}]),
        );
        let new = pact(
            json!([{"description": "a", "providerStates": [{"name": "s"}], "request": {}, "response": {}}]),
        );
        let d = diff(&old, &new);
        assert!(d.added.is_empty() && d.removed.is_empty(), "{d:?}");
        assert_eq!(d.unchanged, 1);
    }

    #[test]
    fn moving_to_v4_changes_only_what_is_expected() {
        let old = pact(
            json!([{"description": "a", "request": {"method": "GET", "path": "/"},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"id": 1}}}]),
        );
        let mut new = json!({"consumer": {"name": "C"}, "provider": {"name": "P"},
            "metadata": {"pactSpecification": {"version": "4.0"}},
            "interactions": [{"type": "Synchronous/HTTP", "description": "a", "key": "k",
                "request": {"method": "GET", "path": "/"},
                "response": {"status": 200, "headers": {"Content-Type": ["application/json"]},
                    "body": {"content": {"id": 2}, "contentType": "application/json", "encoded": false}}}]});
        let d = diff(&old, &new);
        let fields: Vec<&str> = d.changed[0]
            .fields
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(fields, ["response.body", "type"]);
        assert_eq!(d.changed[0].fields[0].new, "{\n  \"id\": 2\n}");
        new["interactions"][0]["response"]["body"]["content"]["id"] = json!(1);
        let d = diff(&old, &new);
        assert_eq!(d.changed[0].fields.len(), 1, "{d:?}");
    }

    #[test]
    fn messages_and_metadata_are_compared() {
        let old = json!({"messages": [{"description": "m", "contents": {"a": 1}}],
                         "metadata": {"pactSpecification": {"version": "3.0.0"}}});
        let new = json!({"messages": [{"description": "m", "contents": {"a": 2}}],
                         "metadata": {"pactSpecification": {"version": "3.0.0"}, "x": 1}});
        let d = diff(&old, &new);
        assert_eq!(d.changed[0].fields[0].field, "contents");
        assert_eq!(d.pact_fields[0].field, "metadata");
    }
}
