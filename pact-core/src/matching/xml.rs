//! XML bodies: elements, attributes, text and namespaces, under matching rules.
//!
//! Paths follow the reference: the root element is `$.root`, a child element `$.root.child`
//! (or `$.root.child[1]` for the second of its name), attributes `['@name']`, text `#text`.

use super::json::{acting, effective, has_type_rule};
use super::values::{check_list, check_rule};
use super::{Mismatch, MismatchKind};
use crate::rules::{push_segment, Cursor, MatchingRule, RuleCategory, RuleIndex, Segment};
use roxmltree::{Document, Node, ParsingOptions};
use serde_json::Value;

fn parse(text: &str) -> Result<Document<'_>, roxmltree::Error> {
    Document::parse_with_options(
        text,
        ParsingOptions {
            allow_dtd: true,
            ..ParsingOptions::default()
        },
    )
}

/// Compares two XML documents.
pub(crate) fn compare_xml(
    expected: &str,
    actual: &str,
    rules: Option<&RuleCategory>,
    allow_unexpected: bool,
) -> Vec<Mismatch> {
    let body_mismatch =
        |d: String| vec![Mismatch::new(MismatchKind::Body, "$", expected, actual, d)];
    let e = match parse(expected) {
        Ok(d) => d,
        Err(err) => {
            return body_mismatch(format!("Failed to parse the expected body as XML: {err}"))
        }
    };
    let a = match parse(actual) {
        Ok(d) => d,
        Err(err) => return body_mismatch(format!("Failed to parse the actual body as XML: {err}")),
    };
    let mut c = XmlComparison {
        index: RuleIndex::new(rules),
        allow_unexpected,
        mismatches: Vec::new(),
    };
    let (er, ar) = (e.root_element(), a.root_element());
    let mut path = String::from("$");
    let root = c.index.root();
    if er.tag_name() != ar.tag_name() {
        c.push(
            &path,
            er,
            ar,
            format!("Expected element {} but received {}", name(er), name(ar)),
        );
        return c.mismatches;
    }
    let name = er.tag_name().name();
    push_segment(&mut path, &Segment::Field(name));
    let at = c.index.step(&root, Segment::Field(name));
    let indexed = c.index.step(&at, Segment::Index(0));
    c.compare(&at.merge(indexed), &mut path, er, ar);
    c.mismatches
}

fn name(n: Node<'_, '_>) -> String {
    match n.tag_name().namespace() {
        Some(ns) => format!("{{{ns}}}{}", n.tag_name().name()),
        None => n.tag_name().name().to_string(),
    }
}

fn text_of(n: Node<'_, '_>) -> String {
    n.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect::<String>()
        .trim()
        .to_string()
}

/// Size rules on an element bound the number of its child elements.
fn child_count(rule: &MatchingRule, n: usize, parent: Node<'_, '_>) -> Result<(), String> {
    let (min, max) = match rule {
        MatchingRule::MinType(m) => (Some(*m), None),
        MatchingRule::MaxType(m) => (None, Some(*m)),
        MatchingRule::MinMaxType(lo, hi) => (Some(*lo), Some(*hi)),
        _ => return Ok(()),
    };
    let name = parent.tag_name().name();
    if let Some(m) = min.filter(|m| n < *m) {
        return Err(format!(
            "Expected <{name}> to have at least {m} child element(s) but it has {n}"
        ));
    }
    if let Some(m) = max.filter(|m| n > *m) {
        return Err(format!(
            "Expected <{name}> to have at most {m} child element(s) but it has {n}"
        ));
    }
    Ok(())
}

struct XmlComparison<'r> {
    index: RuleIndex<'r>,
    allow_unexpected: bool,
    mismatches: Vec<Mismatch>,
}

impl<'r> XmlComparison<'r> {
    fn push(&mut self, path: &str, e: Node<'_, '_>, a: Node<'_, '_>, description: String) {
        self.mismatches.push(Mismatch::new(
            MismatchKind::Body,
            path,
            name(e),
            name(a),
            description,
        ));
    }

    fn push_values(&mut self, path: &str, e: &str, a: &str, description: String) {
        self.mismatches
            .push(Mismatch::new(MismatchKind::Body, path, e, a, description));
    }

    /// Compares one string (attribute value or text) under the rules at `cursor`.
    fn compare_text(&mut self, cursor: &Cursor<'r>, path: &str, e: &str, a: &str, what: &str) {
        let cascaded = cursor.is_cascaded();
        match acting(cursor.rules(), cascaded) {
            Some(list) => {
                let (ev, av) = (Value::String(e.to_string()), Value::String(a.to_string()));
                let check = |r: &MatchingRule| {
                    effective(r, cascaded).map_or(Ok(()), |r| check_rule(r, &ev, &av, true))
                };
                for d in check_list(list, check) {
                    self.push_values(path, e, a, d);
                }
            }
            None if e != a => {
                let d = if what == "text" {
                    format!("Expected value '{e}' but received '{a}'")
                } else {
                    format!("Expected '{a}' to be equal to '{e}'")
                };
                self.push_values(path, e, a, d);
            }
            None => {}
        }
    }

    fn compare(
        &mut self,
        cursor: &Cursor<'r>,
        path: &mut String,
        e: Node<'_, '_>,
        a: Node<'_, '_>,
    ) {
        if e.tag_name().namespace() != a.tag_name().namespace() {
            let d = format!(
                "Expected element {} in namespace '{}' but received namespace '{}'",
                e.tag_name().name(),
                e.tag_name().namespace().unwrap_or(""),
                a.tag_name().namespace().unwrap_or("")
            );
            self.push(path, e, a, d);
        }
        self.compare_attributes(cursor, path, e, a);
        self.compare_children(cursor, path, e, a);
        let (et, at) = (text_of(e), text_of(a));
        let len = path.len();
        push_segment(path, &Segment::Field("#text"));
        let text_cursor = self.index.step(cursor, Segment::Field("#text"));
        // Text takes the rules of the element (cascading) or of an explicit `#text` path.
        self.compare_text(&text_cursor, path, &et, &at, "text");
        path.truncate(len);
    }

    fn compare_attributes(
        &mut self,
        cursor: &Cursor<'r>,
        path: &mut String,
        e: Node<'_, '_>,
        a: Node<'_, '_>,
    ) {
        for ea in e.attributes() {
            let key = format!("@{}", ea.name());
            let len = path.len();
            push_segment(path, &Segment::Field(&key));
            let found = a
                .attributes()
                .find(|aa| aa.name() == ea.name() && aa.namespace() == ea.namespace());
            match found {
                Some(aa) => {
                    let c = self.index.step(cursor, Segment::Field(&key));
                    self.compare_text(&c, path, ea.value(), aa.value(), "attribute");
                }
                None => {
                    let d = format!(
                        "Expected attribute '{}'='{}' but was missing",
                        ea.name(),
                        ea.value()
                    );
                    self.push_values(path, ea.value(), "", d);
                }
            }
            path.truncate(len);
        }
        if !self.allow_unexpected {
            for aa in a.attributes() {
                if !e
                    .attributes()
                    .any(|ea| ea.name() == aa.name() && ea.namespace() == aa.namespace())
                {
                    let d = format!("Did not expect an attribute {}='{}'", aa.name(), aa.value());
                    self.push_values(path, "", aa.value(), d);
                }
            }
        }
    }

    fn compare_children(
        &mut self,
        cursor: &Cursor<'r>,
        path: &mut String,
        e: Node<'_, '_>,
        a: Node<'_, '_>,
    ) {
        let ec: Vec<Node> = e.children().filter(Node::is_element).collect();
        let ac: Vec<Node> = a.children().filter(Node::is_element).collect();
        let cascaded = cursor.is_cascaded();
        let type_rules = acting(cursor.rules(), cascaded).filter(|l| has_type_rule(l, cascaded));
        if let Some(list) = type_rules {
            let count = |r: &MatchingRule| {
                effective(r, cascaded).map_or(Ok(()), |r| child_count(r, ac.len(), a))
            };
            for d in check_list(list, count) {
                self.push(path, e, a, d);
            }
            // Under a type rule every actual child is compared with the expected child at
            // its position, or the first one: this is how `eachLike` XML is written.
            let Some(first) = ec.first() else { return };
            let mut seen: Vec<(&str, usize)> = Vec::new();
            for (i, ach) in ac.iter().enumerate() {
                let ech = ec.get(i).copied().unwrap_or(*first);
                let n = ach.tag_name().name();
                let pos = match seen.iter_mut().find(|(k, _)| *k == n) {
                    Some((_, c)) => {
                        *c += 1;
                        *c - 1
                    }
                    None => {
                        seen.push((n, 1));
                        0
                    }
                };
                if ech.tag_name() != ach.tag_name() {
                    let d = format!(
                        "Expected child <{}/> but received <{}/>",
                        ech.tag_name().name(),
                        n
                    );
                    self.push(path, ech, *ach, d);
                    continue;
                }
                self.with_child(cursor, path, n, pos, |s, c, p| s.compare(c, p, ech, *ach));
            }
            return;
        }
        // Without a type rule children are compared by name, in order within each name.
        let mut names: Vec<&str> = Vec::new();
        for n in ec.iter().map(|c| c.tag_name().name()) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        for n in &names {
            let es: Vec<Node> = ec
                .iter()
                .copied()
                .filter(|c| c.tag_name().name() == *n)
                .collect();
            let as_: Vec<Node> = ac
                .iter()
                .copied()
                .filter(|c| c.tag_name().name() == *n)
                .collect();
            for (i, ech) in es.iter().enumerate() {
                match as_.get(i) {
                    Some(ach) => {
                        self.with_child(cursor, path, n, i, |s, c, p| s.compare(c, p, *ech, *ach))
                    }
                    None => {
                        let d = format!("Expected child <{n}/> but was missing");
                        self.push_values(path, n, "", d);
                    }
                }
            }
            if !self.allow_unexpected && as_.len() > es.len() {
                let d = format!(
                    "Expected {} <{n}/> child element(s) but received {}",
                    es.len(),
                    as_.len()
                );
                self.push_values(path, n, n, d);
            }
        }
        if !self.allow_unexpected {
            for ach in &ac {
                let n = ach.tag_name().name();
                if !names.contains(&n) {
                    let d = format!("Unexpected child <{n}/>");
                    self.push_values(path, "", n, d);
                }
            }
            let order = |list: &[Node]| -> Vec<String> {
                list.iter()
                    .map(|c| c.tag_name().name().to_string())
                    .collect()
            };
            let (eo, ao) = (order(&ec), order(&ac));
            if eo.len() == ao.len() && eo != ao {
                let d = format!(
                    "Expected child elements in the order [{}] but received [{}]",
                    eo.join(", "),
                    ao.join(", ")
                );
                self.push_values(path, &eo.join(", "), &ao.join(", "), d);
            }
        }
    }

    fn with_child(
        &mut self,
        cursor: &Cursor<'r>,
        path: &mut String,
        name: &str,
        index: usize,
        f: impl FnOnce(&mut Self, &Cursor<'r>, &mut String),
    ) {
        let len = path.len();
        push_segment(path, &Segment::Field(name));
        let by_name = self.index.step(cursor, Segment::Field(name));
        let by_index = self.index.step(&by_name, Segment::Index(index));
        if index > 0 {
            push_segment(path, &Segment::Index(index));
        }
        f(self, &by_name.merge(by_index), path);
        path.truncate(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Category, RuleList};

    fn rules(entries: &[(&str, MatchingRule)]) -> RuleCategory {
        let mut c = RuleCategory::default();
        for (k, r) in entries {
            c.insert(Category::Body, k, RuleList::single(r.clone()))
                .unwrap();
        }
        c
    }

    fn descriptions(e: &str, a: &str, r: Option<&RuleCategory>, lenient: bool) -> Vec<String> {
        compare_xml(e, a, r, lenient)
            .into_iter()
            .map(|m| format!("{} {}", m.path, m.description))
            .collect()
    }

    #[test]
    fn a_min_rule_counts_child_elements() {
        let r = rules(&[("$.animals", MatchingRule::MinType(2))]);
        let e = "<animals><cat/></animals>";
        assert_eq!(
            descriptions(e, "<animals><cat/></animals>", Some(&r), true),
            ["$.animals Expected <animals> to have at least 2 child element(s) but it has 1"]
        );
        assert!(descriptions(e, "<animals><cat/><cat/></animals>", Some(&r), true).is_empty());
    }

    #[test]
    fn reports_missing_children_attributes_text_and_namespaces() {
        assert_eq!(
            descriptions(
                "<v><one>A</one><two>B</two></v>",
                "<v><one>A</one></v>",
                None,
                false
            ),
            ["$.v Expected child <two/> but was missing"]
        );
        assert_eq!(
            descriptions("<a name=\"x\"/>", "<a/>", None, true),
            ["$.a['@name'] Expected attribute 'name'='x' but was missing"]
        );
        assert_eq!(
            descriptions("<a>1</a>", "<a>2</a>", None, true),
            ["$.a['#text'] Expected value '1' but received '2'"]
        );
        assert_eq!(
            descriptions("<a xmlns=\"urn:x\"/>", "<a xmlns=\"urn:y\"/>", None, true).len(),
            1
        );
        assert!(descriptions(
            "<p:a xmlns:p=\"urn:x\"/>",
            "<q:a xmlns:q=\"urn:x\"/>",
            None,
            false
        )
        .is_empty());
    }

    #[test]
    fn attribute_rules_apply_to_every_repeated_element() {
        let r = rules(&[
            ("$.people", MatchingRule::Type),
            ("$.people.person[*]['@id']", MatchingRule::Integer),
        ]);
        let e = "<people><person id=\"1\"/></people>";
        assert!(descriptions(
            e,
            "<people><person id=\"7\"/><person id=\"8\"/></people>",
            Some(&r),
            false
        )
        .is_empty());
        assert_eq!(
            descriptions(
                e,
                "<people><person id=\"7\"/><person id=\"x\"/></people>",
                Some(&r),
                false
            ),
            ["$.people.person[1]['@id'] Expected 'x' (String) to be an integer"]
        );
    }

    #[test]
    fn malformed_xml_is_a_mismatch_not_a_panic() {
        let d = descriptions("<a/>", "<a>", None, true);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].contains("Failed to parse the actual body as XML"),
            "{d:?}"
        );
    }

    #[test]
    fn deep_documents_with_wildcard_rules_stay_linear() {
        let depth = 40;
        let rule = format!("$.r{}", ".*".repeat(depth));
        let r = rules(&[(rule.as_str(), MatchingRule::Type)]);
        let doc = format!("{}x{}", "<r>".repeat(depth + 1), "</r>".repeat(depth + 1));
        let started = std::time::Instant::now();
        assert!(descriptions(&doc, &doc, Some(&r), false).is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
