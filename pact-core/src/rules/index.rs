//! An index of a category's path expressions, so that finding the rules for each node of a
//! large body costs the same whatever the number of rules.
//!
//! The expressions form a trie. Walking a document keeps a cursor: the trie nodes whose
//! expression prefix selects the current path (with the weight so far) and the best rule
//! inherited from a parent path, since rules cascade to children.

use super::{PathToken, RuleCategory, RuleList, Segment};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The multiplicative hash rustc uses (FxHash): several times faster than the default
/// SipHash on the short names of path expressions, which matters because every step of a
/// document walk looks one up. The tables hold the names of the pact's expressions, so the
/// documents matched cannot flood them.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// One trie node: its children by kind of step, so that a step through a document looks
/// them up by the document's own key, without building a [`PathToken`] for it.
#[derive(Debug, Default)]
struct Node<'a> {
    /// `$`.
    root: Option<usize>,
    /// `.name` and `['name']`.
    fields: FxMap<&'a str, usize>,
    /// The `fields` whose name is an index written in decimal (`.0`), by that index: an
    /// array element is selected by them as by `[n]`.
    numeric_fields: FxMap<usize, usize>,
    /// `[n]`.
    indices: FxMap<usize, usize>,
    /// `.*`.
    star: Option<usize>,
    /// `[*]`.
    star_index: Option<usize>,
    rules: Option<&'a RuleList>,
    depth: usize,
    /// No expression goes further.
    leaf: bool,
}

/// A trie over the path expressions of one rule category.
#[derive(Debug)]
pub struct RuleIndex<'a> {
    nodes: Vec<Node<'a>>,
}

/// How many trie nodes a cursor holds without allocating; more is rare (many wildcard
/// expressions selecting the same place) and spills to the heap.
const INLINE_ACTIVE: usize = 4;

/// The trie nodes whose expression prefix selects the current path, with their weights.
#[derive(Debug, Clone, Default)]
struct Active {
    inline: [(usize, u64); INLINE_ACTIVE],
    len: usize,
    more: Vec<(usize, u64)>,
}

impl Active {
    fn push(&mut self, entry: (usize, u64)) {
        if self.len < INLINE_ACTIVE {
            self.inline[self.len] = entry;
        } else {
            self.more.push(entry);
        }
        self.len += 1;
    }

    /// Adds a node, or raises its weight when it is already active: two spellings of one
    /// place (XML's `$.a.b` and `$.a.b[0]`) must not double the active set at every level.
    fn merge_in(&mut self, (node, weight): (usize, u64)) {
        let inline_len = self.len.min(INLINE_ACTIVE);
        let existing = self.inline[..inline_len]
            .iter_mut()
            .chain(self.more.iter_mut())
            .find(|(n, _)| *n == node);
        match existing {
            Some(entry) => entry.1 = entry.1.max(weight),
            None => self.push((node, weight)),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &(usize, u64)> {
        self.inline[..self.len.min(INLINE_ACTIVE)]
            .iter()
            .chain(&self.more)
    }
}

/// Where a walk through a document is, as far as rules are concerned.
#[derive(Debug, Clone, Default)]
pub struct Cursor<'a> {
    active: Active,
    inherited: Option<(u64, usize, &'a RuleList)>,
    best: Option<(u64, usize, &'a RuleList)>,
}

impl<'a> RuleIndex<'a> {
    /// Indexes the path-keyed entries of `rules`; `None` gives an empty index.
    pub fn new(rules: Option<&'a RuleCategory>) -> RuleIndex<'a> {
        let mut nodes = vec![Node {
            leaf: true,
            ..Node::default()
        }];
        for (_, expr, list) in rules.into_iter().flat_map(RuleCategory::iter) {
            // An empty list (`{"matchers": []}`) says nothing, and must not hide the rules a
            // parent path passes down.
            let (Some(expr), false) = (expr, list.rules.is_empty()) else {
                continue;
            };
            let mut at = 0;
            for (depth, token) in expr.tokens().iter().enumerate() {
                let next = nodes.len();
                let node = &mut nodes[at];
                let (child, numeric) = match token {
                    PathToken::Root => (node.root.get_or_insert(next), None),
                    PathToken::Field(f) => (
                        node.fields.entry(f.as_str()).or_insert(next),
                        f.parse::<usize>().ok().filter(|n| n.to_string() == *f),
                    ),
                    PathToken::Index(i) => (node.indices.entry(*i).or_insert(next), None),
                    PathToken::Star => (node.star.get_or_insert(next), None),
                    PathToken::StarIndex => (node.star_index.get_or_insert(next), None),
                };
                let child = *child;
                node.leaf = false;
                if let Some(n) = numeric {
                    node.numeric_fields.insert(n, child);
                }
                if child == next {
                    nodes.push(Node {
                        depth: depth + 1,
                        leaf: true,
                        ..Node::default()
                    });
                }
                at = child;
            }
            nodes[at].rules = Some(list);
        }
        RuleIndex { nodes }
    }

    /// The cursor at the document root (`$`).
    pub fn root(&self) -> Cursor<'a> {
        let mut active = Active::default();
        active.push((0, 1));
        self.step(
            &Cursor {
                active,
                inherited: None,
                best: None,
            },
            Segment::Root,
        )
    }

    /// The cursor one step further down.
    ///
    /// Each active node's children are tried in a fixed order, the same for every step, so
    /// that of two equally good expressions the same one always wins. Weights are those of
    /// [`super::token_weight`]: 2 for an exact step, 1 for a wildcard.
    pub fn step(&self, from: &Cursor<'a>, segment: Segment<'_>) -> Cursor<'a> {
        let mut active = Active::default();
        for &(node, weight) in from.active.iter() {
            let n = &self.nodes[node];
            if n.leaf {
                continue;
            }
            let exact = weight.saturating_mul(2);
            match segment {
                Segment::Root => {
                    if let Some(c) = n.root {
                        active.push((c, exact));
                    }
                }
                Segment::Field(f) => {
                    if let Some(&c) = n.fields.get(f) {
                        active.push((c, exact));
                    }
                    if let Some(c) = n.star {
                        active.push((c, weight));
                    }
                    if !n.indices.is_empty() {
                        if let Some(&c) = f.parse::<usize>().ok().and_then(|i| n.indices.get(&i)) {
                            active.push((c, exact));
                        }
                    }
                }
                Segment::Index(i) => {
                    if let Some(&c) = n.indices.get(&i) {
                        active.push((c, exact));
                    }
                    if let Some(&c) = n.numeric_fields.get(&i) {
                        active.push((c, exact));
                    }
                    if let Some(c) = n.star {
                        active.push((c, weight));
                    }
                    if let Some(c) = n.star_index {
                        active.push((c, weight));
                    }
                }
            }
        }
        let inherited = better(from.inherited, from.best);
        let mut best = None;
        for &(node, weight) in active.iter() {
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
        for &entry in other.active.iter() {
            self.active.merge_in(entry);
        }
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
