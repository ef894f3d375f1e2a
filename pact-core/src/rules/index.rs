//! An index of a category's path expressions, so that finding the rules for each node of a
//! large body costs the same whatever the number of rules.
//!
//! The expressions form a trie. Walking a document keeps a cursor: the trie nodes whose
//! expression prefix selects the current path (with the weight so far) and the best rule
//! inherited from a parent path, since rules cascade to children.

use super::{PathToken, RuleCategory, RuleList, Segment};
use std::collections::HashMap;

#[derive(Debug, Default)]
struct Node<'a> {
    children: HashMap<&'a PathToken, usize>,
    rules: Option<&'a RuleList>,
    depth: usize,
}

/// A trie over the path expressions of one rule category.
#[derive(Debug)]
pub struct RuleIndex<'a> {
    nodes: Vec<Node<'a>>,
}

/// Where a walk through a document is, as far as rules are concerned.
#[derive(Debug, Clone, Default)]
pub struct Cursor<'a> {
    active: Vec<(usize, u64)>,
    inherited: Option<(u64, usize, &'a RuleList)>,
    best: Option<(u64, usize, &'a RuleList)>,
}

impl<'a> RuleIndex<'a> {
    /// Indexes the path-keyed entries of `rules`; `None` gives an empty index.
    pub fn new(rules: Option<&'a RuleCategory>) -> RuleIndex<'a> {
        let mut nodes = vec![Node::default()];
        for (_, expr, list) in rules.into_iter().flat_map(RuleCategory::iter) {
            let Some(expr) = expr else { continue };
            let mut at = 0;
            for (depth, token) in expr.tokens().iter().enumerate() {
                at = match nodes[at].children.get(token) {
                    Some(&next) => next,
                    None => {
                        nodes.push(Node {
                            depth: depth + 1,
                            ..Node::default()
                        });
                        let next = nodes.len() - 1;
                        nodes[at].children.insert(token, next);
                        next
                    }
                };
            }
            nodes[at].rules = Some(list);
        }
        RuleIndex { nodes }
    }

    /// True when the index holds no rule at all.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 1
    }

    /// The cursor at the document root (`$`).
    pub fn root(&self) -> Cursor<'a> {
        self.step(
            &Cursor {
                active: vec![(0, 1)],
                inherited: None,
                best: None,
            },
            Segment::Root,
        )
    }

    /// The cursor one step further down.
    pub fn step(&self, from: &Cursor<'a>, segment: Segment<'_>) -> Cursor<'a> {
        let mut active = Vec::new();
        if !from.active.is_empty() {
            let index_key;
            let field_key;
            let keys: [Option<&PathToken>; 3] = match segment {
                Segment::Root => [Some(&PathToken::Root), None, None],
                Segment::Field(f) => {
                    field_key = PathToken::Field(f.to_string());
                    index_key = f.parse::<usize>().ok().map(PathToken::Index);
                    [Some(&field_key), Some(&PathToken::Star), index_key.as_ref()]
                }
                Segment::Index(i) => {
                    index_key = Some(PathToken::Index(i));
                    field_key = PathToken::Field(i.to_string());
                    [index_key.as_ref(), Some(&field_key), Some(&PathToken::Star)]
                }
            };
            for &(node, weight) in &from.active {
                let children = &self.nodes[node].children;
                if children.is_empty() {
                    continue;
                }
                for key in keys.into_iter().flatten() {
                    if let Some(&child) = children.get(key) {
                        let w = super::token_weight(key, &segment);
                        active.push((child, weight.saturating_mul(w)));
                    }
                }
                if let Segment::Index(_) = segment {
                    if let Some(&child) = children.get(&PathToken::StarIndex) {
                        active.push((child, weight));
                    }
                }
            }
        }
        let inherited = better(from.inherited, from.best);
        let mut best = None;
        for &(node, weight) in &active {
            let n = &self.nodes[node];
            if let Some(rules) = n.rules {
                best = better(best, Some((weight, n.depth, rules)));
            }
        }
        Cursor {
            active,
            inherited,
            best,
        }
    }
}

fn better<'a>(
    a: Option<(u64, usize, &'a RuleList)>,
    b: Option<(u64, usize, &'a RuleList)>,
) -> Option<(u64, usize, &'a RuleList)> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if (y.0, y.1) > (x.0, x.1) { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

impl<'a> Cursor<'a> {
    /// One cursor for two spellings of the same place (XML elements are addressed both as
    /// `$.a.b` and `$.a.b[0]` by the pacts in circulation).
    pub fn merge(mut self, other: Cursor<'a>) -> Cursor<'a> {
        self.active.extend(other.active);
        self.inherited = better(self.inherited, other.inherited);
        self.best = better(self.best, other.best);
        self
    }

    /// The rules that apply here: the best exact or wildcard expression for this path, or
    /// the best one inherited from a parent.
    pub fn rules(&self) -> Option<&'a RuleList> {
        better(self.inherited, self.best).map(|(_, _, r)| r)
    }

    /// True when [`Cursor::rules`] were inherited from a parent path. Inherited rules keep
    /// their type semantics, but sizes (`min`, `max`) and structural rules (`values`,
    /// `arrayContains`, `eachKey`, `eachValue`) only hold where they were written.
    pub fn is_cascaded(&self) -> bool {
        match (self.inherited, self.best) {
            (Some(_), None) => true,
            (Some(i), Some(b)) => (i.0, i.1) > (b.0, b.1),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Category, MatchingRule, RuleList};

    fn category(entries: &[(&str, MatchingRule)]) -> RuleCategory {
        let mut c = RuleCategory::default();
        for (k, r) in entries {
            c.insert(Category::Body, k, RuleList::single(r.clone()))
                .unwrap();
        }
        c
    }

    #[test]
    fn agrees_with_the_weighted_selection() {
        let c = category(&[
            ("$.one", MatchingRule::Type),
            ("$.one.a.status", MatchingRule::Equality),
            ("$.two.*.ids", MatchingRule::MinType(1)),
            ("$.*", MatchingRule::Null),
            ("$[*].x", MatchingRule::Boolean),
        ]);
        let index = RuleIndex::new(Some(&c));
        let paths: Vec<Vec<Segment>> = vec![
            vec![Segment::Root],
            vec![Segment::Root, Segment::Field("one")],
            vec![
                Segment::Root,
                Segment::Field("one"),
                Segment::Field("a"),
                Segment::Field("status"),
            ],
            vec![
                Segment::Root,
                Segment::Field("one"),
                Segment::Field("a"),
                Segment::Field("ids"),
            ],
            vec![
                Segment::Root,
                Segment::Field("two"),
                Segment::Index(0),
                Segment::Field("ids"),
            ],
            vec![Segment::Root, Segment::Field("three")],
            vec![Segment::Root, Segment::Index(3), Segment::Field("x")],
        ];
        for p in paths {
            let mut cur = index.root();
            for s in &p[1..] {
                cur = index.step(&cur, *s);
            }
            assert_eq!(cur.rules(), c.best_for_path(&p), "path {p:?}");
        }
    }
}
