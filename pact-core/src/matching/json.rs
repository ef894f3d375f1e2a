//! JSON bodies compared under matching rules.

use super::values::{check_list, check_rule, describe};
use super::{Mismatch, MismatchKind};
use crate::rules::{
    render_path, Category, Cursor, MatchingRule, RuleCategory, RuleIndex, RuleList, RuleLogic,
    Segment,
};
use serde_json::{Map, Value};

/// Walks an expected and an actual document side by side.
pub(crate) struct JsonComparison<'r> {
    index: RuleIndex<'r>,
    /// Responses and messages accept keys the example does not have; requests do not.
    allow_unexpected_keys: bool,
    kind: MismatchKind,
    pub(crate) mismatches: Vec<Mismatch>,
}

impl<'r> JsonComparison<'r> {
    pub(crate) fn new(
        rules: Option<&'r RuleCategory>,
        allow_unexpected_keys: bool,
        kind: MismatchKind,
    ) -> Self {
        JsonComparison {
            index: RuleIndex::new(rules),
            allow_unexpected_keys,
            kind,
            mismatches: Vec::new(),
        }
    }

    /// Compares two documents from the root.
    pub(crate) fn run(mut self, expected: &Value, actual: &Value) -> Vec<Mismatch> {
        let cursor = self.index.root();
        let mut path = vec![Segment::Root];
        self.compare(&cursor, &mut path, expected, actual);
        self.mismatches
    }

    /// Records a mismatch; the path is rendered only now, as most nodes never need it.
    fn push(
        &mut self,
        path: &[Segment<'_>],
        expected: &Value,
        actual: &Value,
        description: String,
    ) {
        let path = render_path(path);
        self.mismatches.push(Mismatch::new(
            self.kind,
            path.as_str(),
            expected.to_string(),
            actual.to_string(),
            description,
        ));
    }

    fn child<'v, T>(
        &mut self,
        cursor: &Cursor<'r>,
        path: &mut Vec<Segment<'v>>,
        segment: Segment<'v>,
        f: impl FnOnce(&mut Self, &Cursor<'r>, &mut Vec<Segment<'v>>) -> T,
    ) -> T {
        let next = self.index.step(cursor, segment);
        path.push(segment);
        let out = f(self, &next, path);
        path.pop();
        out
    }

    fn compare<'v>(
        &mut self,
        cursor: &Cursor<'r>,
        path: &mut Vec<Segment<'v>>,
        e: &'v Value,
        a: &'v Value,
    ) {
        let cascaded = cursor.is_cascaded();
        let rules = acting(cursor.rules(), cascaded);
        let inherited = Inherited::of(cursor);
        match (e, a) {
            (Value::Object(em), Value::Object(am)) => {
                self.compare_objects(cursor, path, rules, (e, em), (a, am))
            }
            (Value::Array(el), Value::Array(al)) => {
                self.compare_arrays(cursor, path, rules, (e, el), (a, al))
            }
            _ if inherited.any_value => {}
            _ => match rules {
                Some(list) => {
                    self.apply(list, cascaded, path, e, a);
                    let container = e.is_array() || e.is_object();
                    if container
                        && !has_type_rule(list, cascaded)
                        && std::mem::discriminant(e) != std::mem::discriminant(a)
                    {
                        let d = format!(
                            "Type mismatch: Expected {} to be the same type as {}",
                            describe(a),
                            describe(e)
                        );
                        self.push(path, e, a, d);
                    }
                }
                _ => {
                    if e.is_array() || e.is_object() || a.is_array() || a.is_object() {
                        let d = format!(
                            "Type mismatch: Expected {} to be the same type as {}",
                            describe(a),
                            describe(e)
                        );
                        self.push(path, e, a, d);
                    } else if let Err(d) = check_rule(&MatchingRule::Equality, e, a, false) {
                        self.push(path, e, a, d);
                    }
                }
            },
        }
    }

    fn apply(
        &mut self,
        list: &RuleList,
        cascaded: bool,
        path: &[Segment<'_>],
        e: &Value,
        a: &Value,
    ) {
        let check = |r: &MatchingRule| {
            effective(r, cascaded).map_or(Ok(()), |r| check_rule(r, e, a, false))
        };
        for d in check_list(list, check) {
            self.push(path, e, a, d);
        }
    }

    fn compare_objects<'v>(
        &mut self,
        cursor: &Cursor<'r>,
        path: &mut Vec<Segment<'v>>,
        rules: Option<&'r RuleList>,
        (e, em): (&'v Value, &'v Map<String, Value>),
        (a, am): (&'v Value, &'v Map<String, Value>),
    ) {
        let mut ignore_keys = false;
        let mut values_mode = false;
        // `eachValue` compares every value with its own rules, in place of the usual walk.
        let mut each_value = false;
        let cascaded = cursor.is_cascaded();
        if let Some(list) = rules {
            self.apply(list, cascaded, path, e, a);
            for rule in list.rules.iter().filter_map(|r| effective(r, cascaded)) {
                match rule {
                    MatchingRule::Values => {
                        ignore_keys = true;
                        values_mode = true;
                    }
                    MatchingRule::EachKey(inner) => {
                        ignore_keys = true;
                        for k in am.keys() {
                            let key = Value::String(k.clone());
                            let errors: Vec<String> = inner
                                .iter()
                                .filter_map(|r| check_rule(r, &key, &key, true).err())
                                .collect();
                            if !errors.is_empty() {
                                self.child(cursor, path, Segment::Field(k), |s, _, p| {
                                    for d in errors {
                                        s.push(p, &key, &key, d);
                                    }
                                });
                            }
                        }
                    }
                    MatchingRule::EachValue(inner) => {
                        ignore_keys = true;
                        each_value = true;
                        let rules = item_rules(inner);
                        let first = em.values().next();
                        for (k, v) in am {
                            let ev = em.get(k).or(first).unwrap_or(v);
                            self.each_value(path, &rules, Segment::Field(k), ev, v);
                        }
                    }
                    _ => {}
                }
            }
        }
        // The children first, with one lookup per expected key; the mismatch about the keys
        // themselves, if any, then goes in front of the children's mismatches.
        let at = self.mismatches.len();
        let mut missing = false;
        if values_mode && !each_value {
            let first = em.values().next();
            for (k, av) in am {
                if let Some(ev) = em.get(k).or(first) {
                    self.child(cursor, path, Segment::Field(k), |s, c, p| {
                        s.compare(c, p, ev, av)
                    });
                }
            }
        } else if !each_value {
            for (k, ev) in em {
                match am.get(k) {
                    Some(av) => self.child(cursor, path, Segment::Field(k), |s, c, p| {
                        s.compare(c, p, ev, av)
                    }),
                    None => missing = true,
                }
            }
        }
        if !ignore_keys {
            let unexpected = !self.allow_unexpected_keys && am.keys().any(|k| !em.contains_key(k));
            if missing || unexpected {
                let description = if em.is_empty() {
                    format!("Expected an empty Map but received {a}")
                } else {
                    format!(
                        "Expected a Map with keys [{}] but received one with keys [{}]",
                        sorted_keys(em),
                        sorted_keys(am)
                    )
                };
                let m = Mismatch::new(
                    self.kind,
                    render_path(path),
                    e.to_string(),
                    a.to_string(),
                    description,
                );
                self.mismatches.insert(at, m);
            }
        }
    }

    /// One value under `eachValue`: its rules are the value's own, from the value down, so a
    /// type rule among them reaches into the value's contents.
    fn each_value<'v>(
        &mut self,
        path: &mut Vec<Segment<'v>>,
        rules: &RuleCategory,
        segment: Segment<'v>,
        example: &Value,
        item: &Value,
    ) {
        let found = JsonComparison::new(Some(rules), self.allow_unexpected_keys, self.kind)
            .run(example, item);
        if found.is_empty() {
            return;
        }
        path.push(segment);
        let at = render_path(path);
        path.pop();
        for mut m in found {
            // The nested comparison's paths start at its own root, `$`.
            m.path = format!("{at}{}", m.path.strip_prefix('$').unwrap_or(&m.path));
            self.mismatches.push(m);
        }
    }

    fn compare_arrays<'v>(
        &mut self,
        cursor: &Cursor<'r>,
        path: &mut Vec<Segment<'v>>,
        rules: Option<&'r RuleList>,
        (e, el): (&'v Value, &'v [Value]),
        (a, al): (&'v Value, &'v [Value]),
    ) {
        let cascaded = cursor.is_cascaded();
        let inherited = Inherited::of(cursor);
        if inherited.any_list {
            return;
        }
        let mut lenient = inherited.lenient_lists;
        if let Some(list) = rules {
            self.apply(list, cascaded, path, e, a);
            for rule in list.rules.iter().filter_map(|r| effective(r, cascaded)) {
                match rule {
                    MatchingRule::ArrayContains(variants) => {
                        for v in variants {
                            let Some(example) = el.get(v.index) else {
                                continue;
                            };
                            let found = al.iter().any(|item| {
                                JsonComparison::new(
                                    Some(&v.rules),
                                    self.allow_unexpected_keys,
                                    self.kind,
                                )
                                .run(example, item)
                                .is_empty()
                            });
                            if !found {
                                let d = format!(
                                    "Variant at index {} ({}) was not found in the actual list",
                                    v.index, example
                                );
                                self.push(path, example, a, d);
                            }
                        }
                        return;
                    }
                    MatchingRule::EachValue(inner) => {
                        let rules = item_rules(inner);
                        for (i, item) in al.iter().enumerate() {
                            // With no example, an item is its own (only types can differ).
                            let example = el.first().unwrap_or(item);
                            self.each_value(path, &rules, Segment::Index(i), example, item);
                        }
                        return;
                    }
                    _ => {}
                }
            }
            lenient |= has_type_rule(list, cascaded);
        }
        if lenient {
            // Under a type rule any length will do (subject to min/max, checked above), and
            // below a structural rule a shorter list too; each item is compared with the
            // example at its index, or the first.
            let Some(first) = el.first() else { return };
            for (i, av) in al.iter().enumerate() {
                let ev = el.get(i).unwrap_or(first);
                self.child(cursor, path, Segment::Index(i), |s, c, p| {
                    s.compare(c, p, ev, av)
                });
            }
            return;
        }
        {
            if el.len() != al.len() {
                let d = format!(
                    "Expected a List with {} elements but received {} elements",
                    el.len(),
                    al.len()
                );
                self.push(path, e, a, d);
            }
            for (i, (ev, av)) in el.iter().zip(al).enumerate() {
                self.child(cursor, path, Segment::Index(i), |s, c, p| {
                    s.compare(c, p, ev, av)
                });
            }
        }
    }
}

/// What the structural rules (`values`, `eachKey`, `eachValue`, `arrayContains`) mean below
/// the path they were written for, as pact-reference applies them there: they leave
/// `equality` in charge of values (`values`) or accept any value (the others), and lists
/// under them may be shorter than their example, longer ones following its first item
/// (`eachValue` accepts any list).
#[derive(Debug, Clone, Copy, Default)]
struct Inherited {
    /// Any value that is not an object or list where its example is one passes.
    any_value: bool,
    /// Any list passes.
    any_list: bool,
    /// Lists need not be as long as their example.
    lenient_lists: bool,
}

impl Inherited {
    fn of(cursor: &Cursor<'_>) -> Inherited {
        let Some(list) = cursor.rules().filter(|_| cursor.is_cascaded()) else {
            return Inherited::default();
        };
        let mut out = Inherited::default();
        for rule in &list.rules {
            match rule {
                MatchingRule::Values => out.lenient_lists = true,
                MatchingRule::EachKey(_) | MatchingRule::ArrayContains(_) => {
                    out.any_value = true;
                    out.lenient_lists = true;
                }
                MatchingRule::EachValue(_) => {
                    out.any_value = true;
                    out.any_list = true;
                }
                _ => {}
            }
        }
        out
    }
}

/// `eachValue`'s rules as the rules of one value's root.
fn item_rules(inner: &[MatchingRule]) -> RuleCategory {
    let mut rules = RuleCategory::default();
    let list = RuleList {
        rules: inner.to_vec(),
        logic: RuleLogic::And,
    };
    // `$` always parses, so this insert cannot fail.
    let _ = rules.insert(Category::Body, "$", list);
    rules
}

/// A rule as it applies here: inherited rules keep only their type semantics (see
/// [`MatchingRule::cascaded`]).
pub(crate) fn effective(rule: &MatchingRule, cascaded: bool) -> Option<&MatchingRule> {
    if cascaded {
        rule.cascaded()
    } else {
        Some(rule)
    }
}

/// The rules that act here, or None when what is left of them is only `equality` (which is
/// what no rule means too).
pub(crate) fn acting(list: Option<&RuleList>, cascaded: bool) -> Option<&RuleList> {
    list.filter(|l| {
        l.rules
            .iter()
            .filter_map(|r| effective(r, cascaded))
            .any(|r| *r != MatchingRule::Equality)
    })
}

/// True when a type rule acts here, which makes containers lenient about their length.
pub(crate) fn has_type_rule(list: &RuleList, cascaded: bool) -> bool {
    list.rules
        .iter()
        .filter_map(|r| effective(r, cascaded))
        .any(MatchingRule::is_type_rule)
}

fn sorted_keys(m: &Map<String, Value>) -> String {
    let mut keys: Vec<&str> = m.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Category;
    use serde_json::json;

    fn run(rules: &[(&str, MatchingRule)], e: Value, a: Value, lenient: bool) -> Vec<String> {
        let mut c = RuleCategory::default();
        for (k, r) in rules {
            c.insert(Category::Body, k, RuleList::single(r.clone()))
                .unwrap();
        }
        JsonComparison::new(Some(&c), lenient, MismatchKind::Body)
            .run(&e, &a)
            .into_iter()
            .map(|m| format!("{} {}", m.path, m.description))
            .collect()
    }

    #[test]
    fn sizes_hold_only_where_they_are_written_while_types_cascade() {
        let rules = [("$.animals", MatchingRule::MinType(2))];
        let e = json!({"animals": [{"name": "a", "tags": ["x", "y"]}]});
        let ok = json!({"animals": [{"name": "b", "tags": ["z"]}, {"name": "c", "tags": []}]});
        assert!(run(&rules, e.clone(), ok, false).is_empty());
        let short = json!({"animals": [{"name": "b", "tags": []}]});
        assert_eq!(
            run(&rules, e.clone(), short, false),
            [r#"$.animals Expected [{"name":"b","tags":[]}] (size 1) to have minimum size of 2"#]
        );
        let wrong_type = json!({"animals": [{"name": 1, "tags": []}, {"name": "c", "tags": []}]});
        assert_eq!(
            run(&rules, e, wrong_type, false),
            ["$.animals[0].name Expected 1 (Integer) to be the same type as 'a' (String)"]
        );
    }

    #[test]
    fn requests_reject_unexpected_keys_and_responses_accept_them() {
        let e = json!({"one": "a"});
        let a = json!({"one": "a", "two": "b"});
        assert_eq!(
            run(&[], e.clone(), a.clone(), false),
            ["$ Expected a Map with keys [one] but received one with keys [one, two]"]
        );
        assert!(run(&[], e, a, true).is_empty());
    }

    #[test]
    fn arrays_without_rules_must_have_the_same_length() {
        assert_eq!(
            run(&[], json!([1, 2]), json!([1, 2, 3]), true),
            ["$ Expected a List with 2 elements but received 3 elements"]
        );
    }

    #[test]
    fn structural_rules_below_where_they_are_written_act_as_pact_reference_has_them() {
        let each_key = MatchingRule::EachKey(vec![MatchingRule::Regex(
            crate::rules::Pattern::new("[a-z]+").unwrap(),
        )]);
        let e = json!({"m": {"a": "x"}});
        assert!(run(
            &[("$.m", each_key.clone())],
            e.clone(),
            json!({"m": {"b": "x"}}),
            false
        )
        .is_empty());
        // Below `$.m` eachKey accepts any value, and lists of any length (pact-reference's
        // verdicts, found by the differential check); keys of nested objects still count.
        let grandchild = json!({"m": {"a": {"deep": "x", "list": [1, 2]}}});
        assert!(run(
            &[("$.m", each_key.clone())],
            grandchild.clone(),
            json!({"m": {"a": {"deep": 5, "list": [3]}}}),
            false
        )
        .is_empty());
        assert_eq!(
            run(
                &[("$.m", each_key)],
                grandchild,
                json!({"m": {"a": {}}}),
                false
            )
            .len(),
            1
        );
        // Below `values`, values compare, and lists may be shorter.
        let values = [("$.m", MatchingRule::Values)];
        let e = json!({"m": {"a": {"deep": "x", "list": [1, 2]}}});
        assert!(run(
            &values,
            e.clone(),
            json!({"m": {"a": {"deep": "x", "list": [1]}}}),
            false
        )
        .is_empty());
        assert_eq!(
            run(
                &values,
                e,
                json!({"m": {"a": {"deep": "y", "list": [1, 2, 2]}}}),
                false
            ),
            [
                "$.m.a.deep Expected 'y' (String) to be equal to 'x' (String)",
                "$.m.a.list[2] Expected 2 (Integer) to be equal to 1 (Integer)"
            ]
        );
        // eachValue's rules are the values' own: type there reaches all the way down.
        let each_value = [("$.m", MatchingRule::EachValue(vec![MatchingRule::Type]))];
        let e = json!({"m": {"a": {"deep": "x", "list": [1, 2]}}});
        assert!(run(
            &each_value,
            e.clone(),
            json!({"m": {"a": {"deep": "y", "list": [3]}}}),
            false
        )
        .is_empty());
        assert_eq!(
            run(
                &each_value,
                e,
                json!({"m": {"a": {"deep": 1, "list": [3]}}}),
                false
            )
            .len(),
            1
        );
    }

    #[test]
    fn an_empty_rule_list_does_not_hide_a_parents_rules() {
        let mut c = RuleCategory::default();
        c.insert(Category::Body, "$", RuleList::single(MatchingRule::Type))
            .unwrap();
        c.insert(Category::Body, "$.a", RuleList::default())
            .unwrap();
        let m = JsonComparison::new(Some(&c), false, MismatchKind::Body)
            .run(&json!({"a": "x"}), &json!({"a": "y"}));
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn large_integers_compare_exactly() {
        let m = run(
            &[],
            json!({"id": 9007199254740993_u64}),
            json!({"id": 9007199254740992_u64}),
            false,
        );
        assert_eq!(m.len(), 1);
        // An integer never equals a decimal (pact-reference's verdict, found by the
        // differential check).
        assert_eq!(run(&[], json!([1]), json!([1.0]), false).len(), 1);
        assert!(run(&[], json!([1.5]), json!([1.5]), false).is_empty());
    }

    #[test]
    fn only_type_rules_make_arrays_lenient_about_length() {
        let rules = [("$", MatchingRule::NotEmpty)];
        assert_eq!(
            run(&rules, json!({"a": [1, 2]}), json!({"a": [1, 2, 3]}), true),
            ["$.a Expected a List with 2 elements but received 3 elements"]
        );
    }

    #[test]
    fn each_value_rules_are_each_values_own_and_reach_into_it() {
        let rules = [("$.items", MatchingRule::EachValue(vec![MatchingRule::Type]))];
        let e = json!({"items": [{"name": "a", "tags": ["x"]}]});
        let ok = json!({"items": [{"name": "b", "tags": []}, {"name": "c", "tags": ["y", "z"]}]});
        assert!(run(&rules, e.clone(), ok, false).is_empty());
        let bad = json!({"items": [{"name": "b", "tags": []}, {"name": 7, "tags": []}]});
        assert_eq!(
            run(&rules, e, bad, false),
            ["$.items[1].name Expected 7 (Integer) to be the same type as 'a' (String)"]
        );
    }
}
