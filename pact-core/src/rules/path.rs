//! Path expressions of matching rules and generators (`$.items[*].id`, `$['x-y'].z`) and the
//! concrete paths of values inside a body (`$.items[2].id`).

use std::fmt;

/// One step of a path expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathToken {
    /// `$`, the whole document.
    Root,
    /// `.name` or `['name']`; a name that is a number (`.0`, `['0']`) also selects that index.
    Field(String),
    /// `[n]`.
    Index(usize),
    /// `.*`: any field or any index.
    Star,
    /// `[*]`: any index.
    StarIndex,
}

/// A parsed path expression, as found in the keys of a `body` matching-rule category.
///
/// ```
/// use pact_core::rules::PathExpr;
/// let p = PathExpr::parse("$.animals[*].name").unwrap();
/// assert_eq!(p.tokens().len(), 4);
/// assert!(PathExpr::parse("$.a[").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathExpr {
    source: String,
    tokens: Vec<PathToken>,
}

/// A path expression that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid path expression '{expression}': {reason}")]
pub struct PathError {
    /// The expression as written.
    pub expression: String,
    /// What is wrong with it.
    pub reason: String,
}

impl PathExpr {
    /// Parses an expression. A bare name (`id`) is read as `$.id`, as other Pact tools do.
    pub fn parse(expression: &str) -> Result<PathExpr, PathError> {
        let err = |reason: String| PathError {
            expression: expression.to_string(),
            reason,
        };
        // The syntax is ASCII, so the scan works on bytes; positions in messages count
        // characters, as a person reads them.
        let pos = |byte: usize| expression.get(..byte).map_or(byte, |s| s.chars().count());
        let b = expression.as_bytes();
        let mut tokens = Vec::with_capacity(4);
        tokens.push(PathToken::Root);
        match b.first() {
            None => return Err(err("it is empty".into())),
            Some(b'$') => {}
            Some(_) => {
                if expression.contains(['.', '[', ']']) {
                    return Err(err("it must start with '$'".into()));
                }
                tokens.push(field_or_star(expression.to_string()));
                return Ok(PathExpr {
                    source: expression.to_string(),
                    tokens,
                });
            }
        }
        let mut i = 1;
        while i < b.len() {
            match b[i] {
                b'.' => {
                    let start = i + 1;
                    let end = b[start..]
                        .iter()
                        .position(|&c| c == b'.' || c == b'[')
                        .map_or(b.len(), |p| p + start);
                    let name = &expression[start..end];
                    // A name with these must be written `['...']`.
                    let bad = name
                        .char_indices()
                        .find(|(_, c)| c.is_whitespace() || matches!(c, ']' | '\'' | '"'));
                    if let Some((k, c)) = bad {
                        return Err(err(format!(
                            "unexpected character '{c}' at position {}",
                            pos(start + k)
                        )));
                    }
                    if name.is_empty() {
                        return Err(err(format!(
                            "expected a field name at position {}",
                            pos(start)
                        )));
                    }
                    tokens.push(field_or_star(name.to_string()));
                    i = end;
                }
                b'[' => match b.get(i + 1) {
                    Some(&q @ (b'\'' | b'"')) => {
                        let end = b[i + 2..]
                            .iter()
                            .position(|&c| c == q)
                            .map(|p| p + i + 2)
                            .ok_or_else(|| {
                                err(format!(
                                    "unterminated quoted name at position {}",
                                    pos(i + 1)
                                ))
                            })?;
                        if b.get(end + 1) != Some(&b']') {
                            return Err(err(format!("expected ']' at position {}", pos(end + 1))));
                        }
                        tokens.push(PathToken::Field(expression[i + 2..end].to_string()));
                        i = end + 2;
                    }
                    _ => {
                        let close = b[i + 1..]
                            .iter()
                            .position(|&c| c == b']')
                            .map(|p| p + i + 1)
                            .ok_or_else(|| {
                                err(format!("unterminated '[' at position {}", pos(i)))
                            })?;
                        let inner = expression[i + 1..close].trim();
                        if inner == "*" {
                            tokens.push(PathToken::StarIndex);
                        } else if let Ok(n) = inner.parse::<usize>() {
                            tokens.push(PathToken::Index(n));
                        } else {
                            return Err(err(format!(
                                "expected an index, '*' or a quoted name inside [] at position {}, found '{inner}'",
                                pos(i)
                            )));
                        }
                        i = close + 1;
                    }
                },
                _ => {
                    let c = expression[i..].chars().next().unwrap_or('?');
                    return Err(err(format!(
                        "unexpected character '{c}' at position {}",
                        pos(i)
                    )));
                }
            }
        }
        Ok(PathExpr {
            source: expression.to_string(),
            tokens,
        })
    }

    /// The expression as it was written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The parsed steps, starting with [`PathToken::Root`].
    pub fn tokens(&self) -> &[PathToken] {
        &self.tokens
    }

    /// How well this expression selects `path`: 0 when it does not, otherwise the product of
    /// the per-step weights (2 for an exact step, 1 for a wildcard). An expression shorter than
    /// the path selects it through its prefix, which is how rules cascade to children.
    pub fn weight(&self, path: &[Segment<'_>]) -> u64 {
        if self.tokens.len() > path.len() {
            return 0;
        }
        self.tokens
            .iter()
            .zip(path)
            .map(|(t, s)| token_weight(t, s))
            .fold(1, u64::saturating_mul)
    }
}

impl fmt::Display for PathExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn field_or_star(name: String) -> PathToken {
    if name == "*" {
        PathToken::Star
    } else {
        PathToken::Field(name)
    }
}

/// The weight one expression step gives one concrete path step (0 = no match).
pub fn token_weight(token: &PathToken, segment: &Segment<'_>) -> u64 {
    match (token, segment) {
        (PathToken::Root, Segment::Root) => 2,
        (PathToken::Field(n), Segment::Field(f)) if n == f => 2,
        (PathToken::Field(n), Segment::Index(i)) if canonical_index(n) == Some(*i) => 2,
        (PathToken::Index(n), Segment::Index(i)) if n == i => 2,
        (PathToken::Index(n), Segment::Field(f)) if canonical_index(f) == Some(*n) => 2,
        (PathToken::Star, Segment::Field(_) | Segment::Index(_)) => 1,
        (PathToken::StarIndex, Segment::Index(_)) => 1,
        _ => 0,
    }
}

/// `"12"` is index 12; `"012"` and `"+12"` are names, as the rule index treats them.
fn canonical_index(name: &str) -> Option<usize> {
    name.parse::<usize>().ok().filter(|n| n.to_string() == name)
}

/// One step of a concrete path inside a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// The document itself.
    Root,
    /// A key of an object, an element or attribute name in XML.
    Field(&'a str),
    /// A position in an array.
    Index(usize),
}

/// Renders a concrete path the way mismatches report it: `$.a.b[0]`, `$['x y']`, and a key
/// made only of digits as `$[100]`.
///
/// ```
/// use pact_core::rules::{render_path, Segment};
/// let p = [Segment::Root, Segment::Field("items"), Segment::Index(0), Segment::Field("a b")];
/// assert_eq!(render_path(&p), "$.items[0]['a b']");
/// ```
pub fn render_path(path: &[Segment<'_>]) -> String {
    let mut out = String::new();
    for s in path {
        push_segment(&mut out, s);
    }
    if out.is_empty() {
        out.push('$');
    }
    out
}

/// Appends one segment to a rendered path.
pub fn push_segment(out: &mut String, s: &Segment<'_>) {
    use fmt::Write as _;
    match s {
        Segment::Root => out.push('$'),
        Segment::Index(i) => {
            let _ = write!(out, "[{i}]");
        }
        Segment::Field(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            let _ = write!(out, "[{f}]");
        }
        Segment::Field(f)
            if !f.is_empty()
                && f.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-')) =>
        {
            out.push('.');
            out.push_str(f);
        }
        Segment::Field(f) => {
            let _ = write!(out, "['{f}']");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form_used_by_the_specification() {
        let t = |s: &str| PathExpr::parse(s).unwrap().tokens().to_vec();
        use PathToken::*;
        assert_eq!(t("$"), vec![Root]);
        assert_eq!(t("$.a.b"), vec![Root, Field("a".into()), Field("b".into())]);
        assert_eq!(
            t("$['2'].str"),
            vec![Root, Field("2".into()), Field("str".into())]
        );
        assert_eq!(
            t("$.animals[*].*"),
            vec![Root, Field("animals".into()), StarIndex, Star]
        );
        assert_eq!(t("$[*]"), vec![Root, StarIndex]);
        assert_eq!(
            t("$.animals.0"),
            vec![Root, Field("animals".into()), Field("0".into())]
        );
        assert_eq!(t("$[0].dob"), vec![Root, Index(0), Field("dob".into())]);
        assert_eq!(
            t("$.a['@name']"),
            vec![Root, Field("a".into()), Field("@name".into())]
        );
        assert_eq!(
            t("$.a.#text"),
            vec![Root, Field("a".into()), Field("#text".into())]
        );
        assert_eq!(t("x-test"), vec![Root, Field("x-test".into())]);
    }

    #[test]
    fn rejects_malformed_expressions_with_the_reason() {
        for bad in [
            "$.", "$.a[", "$[abc]", "$['a]", "$x", "", "a.b", "$.a b", "$.a]", "$.a'b",
        ] {
            let e = PathExpr::parse(bad).unwrap_err();
            assert_eq!(e.expression, bad);
            assert!(!e.reason.is_empty());
        }
    }

    #[test]
    fn weights_prefer_exact_steps_and_cascade_to_children() {
        let p = [Segment::Root, Segment::Field("one"), Segment::Field("a")];
        let w = |s: &str| PathExpr::parse(s).unwrap().weight(&p);
        assert_eq!(w("$.one.a"), 8);
        assert_eq!(w("$.one.*"), 4);
        assert_eq!(w("$.one"), 4);
        assert_eq!(w("$.two"), 0);
        assert_eq!(w("$.one.a.b"), 0);
        let q = [Segment::Root, Segment::Field("a"), Segment::Index(0)];
        assert_eq!(PathExpr::parse("$.a[*]").unwrap().weight(&q), 4);
        assert_eq!(PathExpr::parse("$.a.0").unwrap().weight(&q), 8);
        assert_eq!(PathExpr::parse("$.a[0]").unwrap().weight(&q), 8);
    }

    #[test]
    fn renders_paths_like_the_reference() {
        let p = [Segment::Root, Segment::Field("100")];
        assert_eq!(render_path(&p), "$[100]");
        assert_eq!(render_path(&[]), "$");
        assert_eq!(
            render_path(&[Segment::Root, Segment::Field("two"), Segment::Index(0)]),
            "$.two[0]"
        );
    }
}
