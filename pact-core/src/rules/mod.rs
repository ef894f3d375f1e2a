//! Matching rules: what a pact says about how an actual value may differ from the example.
//!
//! Rules are grouped by [`Category`] (body, header, query, ...). Body rules are keyed by a
//! [`PathExpr`]; header, query and metadata rules by name; path, method and status rules
//! stand alone. Both pact-file forms are read: V2's flat `{"$.body.a": {"match": "type"}}`
//! and V3/V4's `{"body": {"$.a": {"combine": "AND", "matchers": [...]}}}`.

mod index;
mod path;

pub use index::{Cursor, RuleIndex};

pub use path::{push_segment, render_path, token_weight, PathError, PathExpr, PathToken, Segment};

use crate::datetime::{
    DateTimePattern, DEFAULT_DATE_PATTERN, DEFAULT_TIMESTAMP_PATTERN, DEFAULT_TIME_PATTERN,
};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// A regular expression as written in a pact, applied to the whole value (anchored).
///
/// The expression is checked when the pact is read but compiled on first use, once for the
/// whole process: a pact repeats the same few expressions in many interactions, and compiling
/// one (a hundred microseconds and a megabyte or more for `\d` or `\p{Lu}`) costs far more
/// than reading it. Patterns are interned by their text ([`INTERNED`]), so every rule with
/// the same expression, in any pact, the mock and stub servers and the verifier alike,
/// shares one compiled regex.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    compiled: Arc<OnceLock<Result<regex::Regex, String>>>,
}

/// A compiled-on-first-use regex, shared by every [`Pattern`] of one text.
type Compiled = Arc<OnceLock<Result<regex::Regex, String>>>;

/// How many distinct expressions the process keeps compiled; past that the oldest is dropped
/// from the table (the patterns holding it keep it), so a process reading endless generated
/// pacts stays bounded.
const INTERNED_CAPACITY: usize = 1024;

/// Interned expressions: text to its shared compiled form, and the texts in insertion order.
type Table = (
    std::collections::HashMap<String, Compiled>,
    std::collections::VecDeque<String>,
);

/// The interned expressions of the process.
static INTERNED: std::sync::Mutex<Option<Table>> = std::sync::Mutex::new(None);

/// The shared compiled form of `source`, if it was interned (so it was checked already).
fn interned(source: &str) -> Option<Compiled> {
    let table = INTERNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    table.as_ref()?.0.get(source).cloned()
}

/// Interns `source` (already checked) and returns its shared compiled form.
fn intern(source: &str) -> Compiled {
    let mut table = INTERNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (map, order) = table.get_or_insert_with(Default::default);
    if let Some(compiled) = map.get(source) {
        return compiled.clone();
    }
    if map.len() >= INTERNED_CAPACITY {
        if let Some(oldest) = order.pop_front() {
            map.remove(&oldest);
        }
    }
    let compiled = Compiled::default();
    map.insert(source.to_string(), compiled.clone());
    order.push_back(source.to_string());
    compiled
}

impl Pattern {
    /// Checks `source`; the match must cover the whole value, as in the other Pact tools.
    /// Java's `\Q…\E` quoting (which Pact-JVM writes into pacts) and literal braces are
    /// accepted: see [`rust_regex_source`].
    ///
    /// ```
    /// use pact_core::rules::Pattern;
    /// let (a, b) = (Pattern::new(r"\d+").unwrap(), Pattern::new(r"\d+").unwrap());
    /// assert!(a.is_match("42") && !b.is_match("4x"));
    /// assert!(a.shares_compiled_form_with(&b), "one text, one compiled regex");
    /// ```
    pub fn new(source: &str) -> Result<Pattern, regex::Error> {
        if let Some(compiled) = interned(source) {
            return Ok(Pattern {
                source: source.to_string(),
                compiled,
            });
        }
        let rust_source = rust_regex_source(source);
        // The expression is checked on its own: inside the anchoring group an unbalanced one
        // such as `a)|(b` would parse, and mean something else.
        // The syntax tree catches malformed expressions cheaply. Translating it, which expands
        // `\d` into hundreds of Unicode ranges, can only fail on Unicode classes, flags or
        // non-ASCII text, so only such expressions pay for it.
        regex_syntax::ast::parse::Parser::new()
            .parse(&rust_source)
            .map_err(|e| regex::Error::Syntax(e.to_string()))?;
        if !rust_source.is_ascii()
            || rust_source.contains("\\p")
            || rust_source.contains("\\P")
            || rust_source.contains("(?")
        {
            regex_syntax::Parser::new()
                .parse(&rust_source)
                .map_err(|e| regex::Error::Syntax(e.to_string()))?;
        }
        Ok(Pattern {
            source: source.to_string(),
            compiled: intern(source),
        })
    }

    /// True when both patterns use one compiled regex (interned by their text).
    pub fn shares_compiled_form_with(&self, other: &Pattern) -> bool {
        Arc::ptr_eq(&self.compiled, &other.compiled)
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True when the whole of `value` matches. An expression that parses but cannot be
    /// compiled (one over the size limit) matches nothing.
    pub fn is_match(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                let source = rust_regex_source(&self.source);
                regex::Regex::new(&format!("^(?:{source})$")).map_err(|e| e.to_string())
            })
            .as_ref()
            .is_ok_and(|re| re.is_match(value))
    }
}

/// Rewrites Java's literal quoting, `\Q…\E` (to the end of the expression when `\E` is
/// missing), into escaped characters that the `regex` crate reads the same way:
/// `\Q{provider}\E` becomes `\{provider\}`. Pact-JVM writes such expressions into pacts
/// (its `regex` and `MockServerURL` rules built from literal URLs). Everything else is kept
/// as written, escapes included (`\\Q` is a backslash and a `Q`); an expression without
/// `\Q` is returned unchanged without copying.
///
/// ```
/// use pact_core::rules::translate_java_quoting;
/// assert_eq!(translate_java_quoting(r"\/\Qa.b\E\/(\d+)"), r"\/a\.b\/(\d+)");
/// assert_eq!(translate_java_quoting(r"\Q(x)"), r"\(x\)");
/// assert_eq!(translate_java_quoting(r"\\Q"), r"\\Q");
/// ```
pub fn translate_java_quoting(source: &str) -> std::borrow::Cow<'_, str> {
    if !source.contains("\\Q") {
        return std::borrow::Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len() + 8);
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Q') => {
                let rest = chars.as_str();
                let (quoted, after) = match rest.find("\\E") {
                    Some(end) => (&rest[..end], &rest[end + 2..]),
                    None => (rest, ""),
                };
                out.push_str(&regex::escape(quoted));
                chars = after.chars();
            }
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// An expression as a pact wrote it, in the syntax of the `regex` crate: Java's `\Q…\E`
/// quoting translated ([`translate_java_quoting`]) and braces that cannot start a
/// repetition read as literal braces, as Ruby and JavaScript read them. The Ruby broker
/// client's pacts match templated links with `.*\/pacticipants\/{pacticipant}$`, which the
/// `regex` crate alone refuses ("repetition quantifier expects a valid decimal").
///
/// ```
/// use pact_core::rules::rust_regex_source;
/// assert_eq!(rust_regex_source(r".*\/x\/{name}$"), r".*\/x\/\{name\}$");
/// assert_eq!(rust_regex_source(r"\d{2,4}"), r"\d{2,4}");
/// assert_eq!(rust_regex_source(r"[{}]\{"), r"[{}]\{");
/// assert_eq!(rust_regex_source(r"\p{Lu}{2}"), r"\p{Lu}{2}");
/// ```
pub fn rust_regex_source(source: &str) -> std::borrow::Cow<'_, str> {
    let quoted = translate_java_quoting(source);
    if !quoted.contains(['{', '}']) {
        return quoted;
    }
    let text: &str = &quoted;
    let mut out = String::with_capacity(text.len() + 4);
    let mut in_class = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                    // `\p{Lu}`, `\P{..}` and `\x{..}` carry their braces with them.
                    if matches!(next, 'p' | 'P' | 'x')
                        && chars.peek().is_some_and(|&(_, b)| b == '{')
                    {
                        for (_, b) in chars.by_ref() {
                            out.push(b);
                            if b == '}' {
                                break;
                            }
                        }
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` right after `[` or `[^` is a literal member, not the end.
                if let Some(&(_, '^')) = chars.peek() {
                    out.push('^');
                    chars.next();
                }
                if let Some(&(_, ']')) = chars.peek() {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '{' if !in_class => match repetition_len(&text[i..]) {
                Some(len) => {
                    out.push_str(&text[i..i + len]);
                    for _ in 1..len {
                        chars.next();
                    }
                }
                None => out.push_str("\\{"),
            },
            '}' if !in_class => out.push_str("\\}"),
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The length of the repetition `{n}`, `{n,}` or `{n,m}` that `s` starts with, if it does.
fn repetition_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix('{')?;
    let end = body.find('}')?;
    let inner = &body[..end];
    let (min, max) = match inner.split_once(',') {
        Some((a, b)) => (a, Some(b)),
        None => (inner, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    let valid = digits(min) && max.is_none_or(|m| m.is_empty() || digits(m));
    valid.then_some(end + 2)
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// The class of status codes a `statusCode` rule accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusClass {
    /// 100–199.
    Information,
    /// 200–299.
    Success,
    /// 300–399.
    Redirect,
    /// 400–499.
    ClientError,
    /// 500–599.
    ServerError,
    /// Anything below 400.
    NonError,
    /// 400–599.
    Error,
    /// One of the listed codes.
    Codes(Vec<u16>),
}

impl StatusClass {
    /// True when `status` belongs to the class.
    pub fn contains(&self, status: u16) -> bool {
        match self {
            StatusClass::Information => (100..200).contains(&status),
            StatusClass::Success => (200..300).contains(&status),
            StatusClass::Redirect => (300..400).contains(&status),
            StatusClass::ClientError => (400..500).contains(&status),
            StatusClass::ServerError => (500..600).contains(&status),
            StatusClass::NonError => status < 400,
            StatusClass::Error => (400..600).contains(&status),
            StatusClass::Codes(c) => c.contains(&status),
        }
    }

    fn name(&self) -> Value {
        match self {
            StatusClass::Information => "info".into(),
            StatusClass::Success => "success".into(),
            StatusClass::Redirect => "redirect".into(),
            StatusClass::ClientError => "clientError".into(),
            StatusClass::ServerError => "serverError".into(),
            StatusClass::NonError => "nonError".into(),
            StatusClass::Error => "error".into(),
            StatusClass::Codes(c) => json!(c),
        }
    }
}

impl fmt::Display for StatusClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusClass::Information => f.write_str("an Informational response (100–199)"),
            StatusClass::Success => f.write_str("a Successful response (200–299)"),
            StatusClass::Redirect => f.write_str("a Redirect (300–399)"),
            StatusClass::ClientError => f.write_str("a Client Error response (400–499)"),
            StatusClass::ServerError => f.write_str("a Server Error response (500–599)"),
            StatusClass::NonError => f.write_str("a non-error response (< 400)"),
            StatusClass::Error => f.write_str("an error response (>= 400)"),
            StatusClass::Codes(c) => write!(f, "one of {c:?}"),
        }
    }
}

/// One `arrayContains` variant: the example at `index` and the rules for matching it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrayVariant {
    /// Which element of the expected array is the example.
    pub index: usize,
    /// Rules relative to the element (`$` is the element).
    pub rules: RuleCategory,
    /// Generators relative to the element.
    pub generators: Value,
}

/// One matching rule.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchingRule {
    /// The value must equal the example (also stops a cascading type rule).
    Equality,
    /// The whole value (as a string) must match the regular expression.
    Regex(Pattern),
    /// Same JSON type as the example; arrays may have any length.
    Type,
    /// Same type, and an array must have at least this many elements.
    MinType(usize),
    /// Same type, and an array must have at most this many elements.
    MaxType(usize),
    /// Same type, and an array's length must be within the bounds.
    MinMaxType(usize, usize),
    /// The string form of the value must contain this text.
    Include(String),
    /// An integer (in bodies a JSON number; in headers and query parameters, its string form).
    Integer,
    /// A number with a fractional part.
    Decimal,
    /// Any number.
    Number,
    /// A date-time in the given pattern.
    Timestamp(DateTimePattern),
    /// A date in the given pattern.
    Date(DateTimePattern),
    /// A time in the given pattern.
    Time(DateTimePattern),
    /// JSON null.
    Null,
    /// A boolean (or `true`/`false` in string form).
    Boolean,
    /// The bytes must be detected as this content type.
    ContentType(String),
    /// Object keys are ignored; each value is matched against the example's values.
    Values,
    /// The array must contain an element matching each variant, in any position.
    ArrayContains(Vec<ArrayVariant>),
    /// The status code must be in the class.
    StatusCode(StatusClass),
    /// Same type as the example and not empty.
    NotEmpty,
    /// A semantic version (`1.2.3`).
    Semver,
    /// Every key of the object must match the rules.
    EachKey(Vec<MatchingRule>),
    /// Every value of the object (or element of the array) must match the rules.
    EachValue(Vec<MatchingRule>),
}

impl MatchingRule {
    /// Reads one rule from its JSON object (`{"match": "regex", "regex": "\\d+"}`).
    ///
    /// ```
    /// use pact_core::rules::MatchingRule;
    /// let rule = MatchingRule::from_json(&serde_json::json!({"match": "type", "min": 1})).unwrap();
    /// assert_eq!(rule, MatchingRule::MinType(1));
    /// assert!(MatchingRule::from_json(&serde_json::json!({"match": "regex", "regex": "("})).is_err());
    /// ```
    pub fn from_json(v: &Value) -> Result<MatchingRule, String> {
        let obj = v
            .as_object()
            .ok_or_else(|| format!("a matcher must be an object, found {v}"))?;
        let str_field = |name: &str| obj.get(name).and_then(Value::as_str);
        for name in ["regex", "format"] {
            match obj.get(name) {
                None | Some(Value::Null | Value::String(_)) => {}
                Some(other) => return Err(format!("'{name}' must be a string, found {other}")),
            }
        }
        let usize_field = |name: &str| -> Result<Option<usize>, String> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    .map(|n| Some(n as usize))
                    .ok_or_else(|| format!("'{name}' must be a non-negative integer, found {v}")),
            }
        };
        let min = usize_field("min")?;
        let max = usize_field("max")?;
        let sized = |min: Option<usize>, max: Option<usize>| -> Result<MatchingRule, String> {
            Ok(match (min, max) {
                (Some(a), Some(b)) if a > b => {
                    return Err(format!("min ({a}) is greater than max ({b})"))
                }
                (Some(a), Some(b)) => MatchingRule::MinMaxType(a, b),
                (Some(a), None) => MatchingRule::MinType(a),
                (None, Some(b)) => MatchingRule::MaxType(b),
                (None, None) => MatchingRule::Type,
            })
        };
        // As in pact-reference, a bad pattern is kept and fails only the rule
        // that uses it; an empty or missing one means the default.
        let pattern = |key: &str, alt: &str| -> Result<DateTimePattern, String> {
            let p = str_field(key)
                .or_else(|| str_field(alt))
                .filter(|p| !p.is_empty());
            let default = match alt {
                "date" => DEFAULT_DATE_PATTERN,
                "time" => DEFAULT_TIME_PATTERN,
                _ => DEFAULT_TIMESTAMP_PATTERN,
            };
            Ok(DateTimePattern::parse_lenient(p.unwrap_or(default)))
        };
        let match_type = match obj.get("match") {
            Some(Value::String(s)) => s.as_str(),
            Some(other) => return Err(format!("'match' must be a string, found {other}")),
            None if obj.contains_key("regex") => "regex",
            None if min.is_some() || max.is_some() => "type",
            None => return Err(format!("a matcher needs a 'match' type, found {v}")),
        };
        let nested = |key: &str| -> Result<Vec<MatchingRule>, String> {
            match obj.get(key) {
                Some(Value::Array(rules)) => rules.iter().map(MatchingRule::from_json).collect(),
                Some(other) => Err(format!("'{key}' must be a list of matchers, found {other}")),
                None => Ok(Vec::new()),
            }
        };
        Ok(match match_type {
            "equality" => MatchingRule::Equality,
            "regex" => {
                let re = str_field("regex").ok_or("a regex matcher needs a 'regex' string")?;
                MatchingRule::Regex(
                    Pattern::new(re).map_err(|e| format!("invalid regex '{re}': {e}"))?,
                )
            }
            "type" => sized(min, max)?,
            "min" => sized(min, None)?,
            "max" => sized(None, max)?,
            "include" => MatchingRule::Include(
                value_as_text(obj.get("value")).ok_or("an include matcher needs a 'value'")?,
            ),
            "integer" => MatchingRule::Integer,
            "decimal" | "real" => MatchingRule::Decimal,
            "number" => MatchingRule::Number,
            "timestamp" | "datetime" => MatchingRule::Timestamp(pattern("format", "timestamp")?),
            "date" => MatchingRule::Date(pattern("format", "date")?),
            "time" => MatchingRule::Time(pattern("format", "time")?),
            "null" => MatchingRule::Null,
            "boolean" => MatchingRule::Boolean,
            "contentType" | "content-type" => MatchingRule::ContentType(
                str_field("value")
                    .ok_or("a contentType matcher needs a 'value'")?
                    .to_string(),
            ),
            "values" => MatchingRule::Values,
            "arrayContains" | "array-contains" => {
                let variants = obj
                    .get("variants")
                    .and_then(Value::as_array)
                    .ok_or("an arrayContains matcher needs a 'variants' list")?;
                let variants = variants
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let index = v
                            .get("index")
                            .and_then(Value::as_u64)
                            .map(|n| n as usize)
                            .unwrap_or(i);
                        let rules = match v.get("rules") {
                            Some(r) => RuleCategory::from_json(Category::Body, r)?,
                            None => RuleCategory::default(),
                        };
                        let generators = v.get("generators").cloned().unwrap_or(json!({}));
                        Ok(ArrayVariant {
                            index,
                            rules,
                            generators,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                MatchingRule::ArrayContains(variants)
            }
            "statusCode" | "status-code" => {
                let class = match obj.get("status") {
                    Some(Value::String(s)) => match s.as_str() {
                        "info" | "information" => StatusClass::Information,
                        "success" => StatusClass::Success,
                        "redirect" => StatusClass::Redirect,
                        "clientError" => StatusClass::ClientError,
                        "serverError" => StatusClass::ServerError,
                        "nonError" => StatusClass::NonError,
                        "error" => StatusClass::Error,
                        other => return Err(format!("unknown status class '{other}'")),
                    },
                    Some(Value::Array(codes)) => StatusClass::Codes(
                        codes
                            .iter()
                            .map(|c| {
                                c.as_u64()
                                    .and_then(|n| u16::try_from(n).ok())
                                    .ok_or_else(|| format!("invalid status code {c}"))
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    _ => return Err("a statusCode matcher needs a 'status'".into()),
                };
                MatchingRule::StatusCode(class)
            }
            "notEmpty" | "not-empty" => MatchingRule::NotEmpty,
            "semver" => MatchingRule::Semver,
            "eachKey" | "each-key" => MatchingRule::EachKey(nested("rules")?),
            "eachValue" | "each-value" => MatchingRule::EachValue(nested("rules")?),
            other => return Err(format!("unknown matcher type '{other}'")),
        })
    }

    /// The rule as a JSON object, in the form every spec version since V2 reads.
    pub fn to_json(&self) -> Value {
        match self {
            MatchingRule::Equality => json!({"match": "equality"}),
            MatchingRule::Regex(p) => json!({"match": "regex", "regex": p.as_str()}),
            MatchingRule::Type => json!({"match": "type"}),
            MatchingRule::MinType(n) => json!({"match": "type", "min": n}),
            MatchingRule::MaxType(n) => json!({"match": "type", "max": n}),
            MatchingRule::MinMaxType(a, b) => json!({"match": "type", "min": a, "max": b}),
            MatchingRule::Include(s) => json!({"match": "include", "value": s}),
            MatchingRule::Integer => json!({"match": "integer"}),
            MatchingRule::Decimal => json!({"match": "decimal"}),
            MatchingRule::Number => json!({"match": "number"}),
            MatchingRule::Timestamp(p) => json!({"match": "timestamp", "format": p.as_str()}),
            MatchingRule::Date(p) => json!({"match": "date", "format": p.as_str()}),
            MatchingRule::Time(p) => json!({"match": "time", "format": p.as_str()}),
            MatchingRule::Null => json!({"match": "null"}),
            MatchingRule::Boolean => json!({"match": "boolean"}),
            MatchingRule::ContentType(c) => json!({"match": "contentType", "value": c}),
            MatchingRule::Values => json!({"match": "values"}),
            MatchingRule::ArrayContains(vs) => json!({
                "match": "arrayContains",
                "variants": vs.iter().map(|v| json!({
                    "index": v.index,
                    "rules": v.rules.to_json(),
                    "generators": v.generators,
                })).collect::<Vec<_>>(),
            }),
            MatchingRule::StatusCode(c) => json!({"match": "statusCode", "status": c.name()}),
            MatchingRule::NotEmpty => json!({"match": "notEmpty"}),
            MatchingRule::Semver => json!({"match": "semver"}),
            MatchingRule::EachKey(r) => json!({
                "match": "eachKey",
                "rules": r.iter().map(MatchingRule::to_json).collect::<Vec<_>>(),
            }),
            MatchingRule::EachValue(r) => json!({
                "match": "eachValue",
                "rules": r.iter().map(MatchingRule::to_json).collect::<Vec<_>>(),
            }),
        }
    }

    /// The rule as it applies below the path it was written for: a size rule is a type rule
    /// there, and the structural rules (`values`, `arrayContains`, `eachKey`, `eachValue`)
    /// do not apply at all.
    pub fn cascaded(&self) -> Option<&MatchingRule> {
        match self {
            MatchingRule::MinType(_) | MatchingRule::MaxType(_) | MatchingRule::MinMaxType(..) => {
                Some(&MatchingRule::Type)
            }
            MatchingRule::Values
            | MatchingRule::ArrayContains(_)
            | MatchingRule::EachKey(_)
            | MatchingRule::EachValue(_) => None,
            other => Some(other),
        }
    }

    /// True for the rules that compare types and so cascade structure leniently to children.
    pub fn is_type_rule(&self) -> bool {
        matches!(
            self,
            MatchingRule::Type
                | MatchingRule::MinType(_)
                | MatchingRule::MaxType(_)
                | MatchingRule::MinMaxType(..)
        )
    }
}

fn value_as_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// How the rules of one list combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RuleLogic {
    /// Every rule must pass.
    #[default]
    And,
    /// One passing rule is enough.
    Or,
}

/// The rules that apply at one path or to one header, query parameter, status or path.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleList {
    /// The rules, in pact order.
    pub rules: Vec<MatchingRule>,
    /// How they combine.
    pub logic: RuleLogic,
}

impl RuleList {
    /// A list of one rule.
    pub fn single(rule: MatchingRule) -> RuleList {
        RuleList {
            rules: vec![rule],
            logic: RuleLogic::And,
        }
    }

    /// Reads `{"combine": "AND", "matchers": [...]}`, or a V2 single matcher object.
    pub fn from_json(v: &Value) -> Result<RuleList, String> {
        match v.get("matchers") {
            Some(Value::Array(ms)) => {
                let logic = match v.get("combine") {
                    None | Some(Value::Null) => RuleLogic::And,
                    Some(Value::String(s)) => match s.as_str() {
                        "AND" | "and" => RuleLogic::And,
                        "OR" | "or" => RuleLogic::Or,
                        other => return Err(format!("unknown rule combination '{other}'")),
                    },
                    Some(other) => return Err(format!("unknown rule combination {other}")),
                };
                let rules = ms
                    .iter()
                    .map(MatchingRule::from_json)
                    .collect::<Result<_, _>>()?;
                Ok(RuleList { rules, logic })
            }
            Some(other) => Err(format!("'matchers' must be a list, found {other}")),
            None if v.is_object() => Ok(RuleList::single(MatchingRule::from_json(v)?)),
            None => Err(format!("a rule list must be an object, found {v}")),
        }
    }

    /// `{"combine": ..., "matchers": [...]}`.
    pub fn to_json(&self) -> Value {
        json!({
            "combine": if self.logic == RuleLogic::Or { "OR" } else { "AND" },
            "matchers": self.rules.iter().map(MatchingRule::to_json).collect::<Vec<_>>(),
        })
    }

    /// True when a type rule is in the list.
    pub fn has_type_rule(&self) -> bool {
        self.rules.iter().any(MatchingRule::is_type_rule)
    }

    /// True when the list holds nothing but `equality`.
    pub fn is_equality_only(&self) -> bool {
        self.rules.iter().all(|r| *r == MatchingRule::Equality)
    }
}

/// The parts of an interaction that rules and generators can apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// The request method.
    Method,
    /// The request path.
    Path,
    /// Query parameters, by name.
    Query,
    /// Headers, by name (case-insensitive).
    Header,
    /// The body (or message contents), by path expression.
    Body,
    /// The response status.
    Status,
    /// Message metadata, by key.
    Metadata,
}

impl Category {
    /// Every category, in the order pact files list them.
    pub const ALL: [Category; 7] = [
        Category::Method,
        Category::Path,
        Category::Query,
        Category::Header,
        Category::Body,
        Category::Status,
        Category::Metadata,
    ];

    /// The name used in pact files.
    pub fn name(self) -> &'static str {
        match self {
            Category::Method => "method",
            Category::Path => "path",
            Category::Query => "query",
            Category::Header => "header",
            Category::Body => "body",
            Category::Status => "status",
            Category::Metadata => "metadata",
        }
    }

    /// Reads a category name (`headers` and V4 messages' `content` included).
    pub fn from_name(s: &str) -> Option<Category> {
        Some(match s {
            "method" => Category::Method,
            "path" => Category::Path,
            "query" => Category::Query,
            "header" | "headers" => Category::Header,
            "body" | "content" => Category::Body,
            "status" => Category::Status,
            "metadata" | "metaData" => Category::Metadata,
            _ => return None,
        })
    }

    /// True for the categories that hold one rule list rather than one per key.
    pub fn is_single(self) -> bool {
        matches!(self, Category::Method | Category::Path | Category::Status)
    }
}

/// The rules of one category: keyed by path expression (body), by name (headers, query,
/// metadata), or a single list under the empty key (path, method, status).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleCategory {
    entries: Vec<(String, Option<PathExpr>, RuleList)>,
}

impl RuleCategory {
    /// Reads the JSON of one category of the V3/V4 form.
    pub fn from_json(category: Category, v: &Value) -> Result<RuleCategory, String> {
        let mut out = RuleCategory::default();
        if category.is_single() {
            let list = single_rules(category, v)?;
            if !list.rules.is_empty() {
                out.insert(category, "", list)?;
            }
            return Ok(out);
        }
        let obj = v
            .as_object()
            .ok_or_else(|| format!("the '{}' rules must be an object", category.name()))?;
        for (k, rules) in obj {
            let list = RuleList::from_json(rules).map_err(|e| format!("{k}: {e}"))?;
            out.insert(category, k, list)?;
        }
        Ok(out)
    }

    /// Adds (or replaces) the rules for `key`. Body keys must be valid path expressions.
    pub fn insert(&mut self, category: Category, key: &str, rules: RuleList) -> Result<(), String> {
        let expr = if category == Category::Body {
            Some(PathExpr::parse(key).map_err(|e| e.to_string())?)
        } else {
            None
        };
        let key = if category == Category::Body || category.is_single() {
            key.to_string()
        } else {
            strip_root(key)
        };
        match self.entries.iter_mut().find(|(k, _, _)| *k == key) {
            Some(e) => e.2 = rules,
            None => self.entries.push((key, expr, rules)),
        }
        Ok(())
    }

    /// True when the category holds no rule.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries: key, parsed path expression (body only), rules.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&PathExpr>, &RuleList)> {
        self.entries
            .iter()
            .map(|(k, e, r)| (k.as_str(), e.as_ref(), r))
    }

    /// The rules for a header, query parameter or metadata key. Header names compare without
    /// case.
    pub fn for_name(&self, name: &str, ignore_case: bool) -> Option<&RuleList> {
        self.entries
            .iter()
            .find(|(k, _, _)| {
                if ignore_case {
                    k.eq_ignore_ascii_case(name)
                } else {
                    k == name
                }
            })
            .map(|(_, _, r)| r)
    }

    /// The single rule list of a path, method or status category.
    pub fn single(&self) -> Option<&RuleList> {
        self.entries.first().map(|(_, _, r)| r)
    }

    /// The best rules for a concrete body path: the expression with the highest weight, ties
    /// going to the longer expression. Rules on a parent path apply to its children. Matching
    /// walks documents with [`RuleIndex`], which makes the same choice in one step per node;
    /// this is the direct form, for one path.
    pub fn best_for_path(&self, path: &[Segment<'_>]) -> Option<&RuleList> {
        // An empty list says nothing; on a tie the first entry stays, as in the index.
        self.entries
            .iter()
            .filter_map(|(_, e, r)| {
                let e = e.as_ref().filter(|_| !r.rules.is_empty())?;
                let w = e.weight(path);
                (w > 0).then_some((w, e.tokens().len(), r))
            })
            .fold(
                None,
                |best: Option<(u64, usize, &RuleList)>, c| match best {
                    Some(b) if (b.0, b.1) >= (c.0, c.1) => Some(b),
                    _ => Some(c),
                },
            )
            .map(|(_, _, r)| r)
    }

    /// The body rules under the field `name`, re-rooted there: `$.file.size` becomes
    /// `$.size`. Used for the parts of a multipart body, whose rules are written by part name.
    ///
    /// ```
    /// use pact_core::rules::{Category, MatchingRule, RuleCategory, RuleList, Segment};
    /// let mut body = RuleCategory::default();
    /// body.insert(Category::Body, "$.photo", RuleList::single(MatchingRule::NotEmpty)).unwrap();
    /// let part = body.under("photo");
    /// assert!(part.best_for_path(&[Segment::Root]).is_some());
    /// ```
    pub fn under(&self, name: &str) -> RuleCategory {
        let mut out = RuleCategory::default();
        for (_, expr, list) in &self.entries {
            let Some(tokens) = expr.as_ref().map(PathExpr::tokens) else {
                continue;
            };
            if let [PathToken::Root, PathToken::Field(f), rest @ ..] = tokens {
                if f == name {
                    let key = format!("${}", render_tokens(rest));
                    // Rendered tokens always parse again.
                    let _ = out.insert(Category::Body, &key, list.clone());
                }
            }
        }
        out
    }

    /// The category as V3/V4 JSON; keys sort, so output is deterministic.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        for (k, _, r) in &self.entries {
            m.insert(k.clone(), r.to_json());
        }
        Value::Object(m)
    }
}

/// The rule list of a path, method or status category, in either form implementations
/// write: flat (`{"combine": "AND", "matchers": [...]}`, as pact-jvm and pact-reference write
/// `path`) or keyed by the root path (`{"$": {"combine": ...}}`, as pact-reference writes
/// `status` and `method`).
fn single_rules(category: Category, v: &Value) -> Result<RuleList, String> {
    let Some(obj) = v.as_object() else {
        return RuleList::from_json(v);
    };
    if obj.contains_key("matchers") || obj.contains_key("match") {
        return RuleList::from_json(v);
    }
    match (obj.get("$"), obj.len()) {
        (_, 0) => Ok(RuleList::default()),
        (Some(list), 1) => RuleList::from_json(list),
        _ => Err(format!(
            "the '{}' rules must be a rule list or {{\"$\": rule list}}, found keys {}",
            category.name(),
            obj.keys()
                .map(|k| format!("'{k}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Path tokens (after the root) back as expression text.
fn render_tokens(tokens: &[PathToken]) -> String {
    let mut out = String::new();
    for t in tokens {
        match t {
            PathToken::Root => out.push('$'),
            PathToken::Field(f) => push_segment(&mut out, &Segment::Field(f)),
            PathToken::Index(i) => push_segment(&mut out, &Segment::Index(*i)),
            PathToken::Star => out.push_str(".*"),
            PathToken::StarIndex => out.push_str("[*]"),
        }
    }
    out
}

fn strip_root(key: &str) -> String {
    // V4 pacts sometimes key header and query rules by path (`$['X-Test']`, `$.a`).
    if key.starts_with('$') {
        if let Ok(p) = PathExpr::parse(key) {
            if let [PathToken::Root, PathToken::Field(f), ..] = p.tokens() {
                return f.clone();
            }
        }
    }
    key.to_string()
}

/// All the rules of a request, response or message, by category.
///
/// ```
/// use pact_core::rules::{Category, MatchingRules};
/// let v2 = serde_json::json!({"$.body.id": {"match": "type"}, "$.headers.Accept": {"match": "regex", "regex": "\\w+"}});
/// let rules = MatchingRules::from_json(&v2).unwrap();
/// assert!(rules.category(Category::Header).unwrap().for_name("accept", true).is_some());
/// let v3 = rules.to_v3_json();
/// assert_eq!(MatchingRules::from_json(&v3).unwrap(), rules);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MatchingRules {
    categories: BTreeMap<Category, RuleCategory>,
}

impl MatchingRules {
    /// Reads either form: V2 flat (keys starting with `$`) or V3/V4 by category.
    pub fn from_json(v: &Value) -> Result<MatchingRules, String> {
        let obj = match v {
            Value::Object(o) => o,
            Value::Null => return Ok(MatchingRules::default()),
            other => return Err(format!("matchingRules must be an object, found {other}")),
        };
        let mut out = MatchingRules::default();
        for (k, rules) in obj {
            if k.starts_with('$') {
                out.insert_v2(k, rules).map_err(|e| format!("{k}: {e}"))?;
            } else {
                let cat = Category::from_name(k)
                    .ok_or_else(|| format!("unknown matching rule category '{k}'"))?;
                let parsed =
                    RuleCategory::from_json(cat, rules).map_err(|e| format!("{k}: {e}"))?;
                let target = out.categories.entry(cat).or_default();
                for (key, _, list) in parsed.entries {
                    target.insert(cat, &key, list)?;
                }
            }
        }
        out.categories.retain(|_, c| !c.is_empty());
        Ok(out)
    }

    fn insert_v2(&mut self, key: &str, rule: &Value) -> Result<(), String> {
        let list = RuleList::from_json(rule)?;
        let expr = PathExpr::parse(key).map_err(|e| e.to_string())?;
        let tokens = expr.tokens();
        let name = |i: usize| match tokens.get(i) {
            Some(PathToken::Field(f)) => Some(f.clone()),
            Some(PathToken::Star) => Some("*".to_string()),
            _ => None,
        };
        let cat = name(1)
            .and_then(|n| Category::from_name(&n))
            .ok_or_else(|| format!("unknown rule path '{key}'"))?;
        let sub_key = if cat == Category::Body {
            // `$.body.a[0]` becomes `$.a[0]`.
            let rest = key.trim_start_matches('$');
            let rest = rest.strip_prefix(".body").unwrap_or(rest);
            let rest = rest.strip_prefix("['body']").unwrap_or(rest);
            format!("${rest}")
        } else if cat.is_single() {
            String::new()
        } else {
            name(2).ok_or_else(|| format!("rule path '{key}' names no {}", cat.name()))?
        };
        self.categories
            .entry(cat)
            .or_default()
            .insert(cat, &sub_key, list)
    }

    /// The rules of one category, if any.
    pub fn category(&self, c: Category) -> Option<&RuleCategory> {
        self.categories.get(&c)
    }

    /// The rules of one category, created empty when absent.
    pub fn category_mut(&mut self, c: Category) -> &mut RuleCategory {
        self.categories.entry(c).or_default()
    }

    /// Adds rules for a key of a category (`""` for path, method and status).
    pub fn add(&mut self, c: Category, key: &str, rules: RuleList) -> Result<(), String> {
        self.categories.entry(c).or_default().insert(c, key, rules)
    }

    /// True when no category holds a rule.
    pub fn is_empty(&self) -> bool {
        self.categories.values().all(RuleCategory::is_empty)
    }

    /// The V3/V4 form: `{"body": {"$.a": {"combine": "AND", "matchers": [...]}}, ...}`.
    pub fn to_v3_json(&self) -> Value {
        let mut m = Map::new();
        for (c, rules) in &self.categories {
            if rules.is_empty() {
                continue;
            }
            // As pact-reference writes them: `path` flat, `status` and `method` keyed by `$`.
            let v = match (c, rules.single()) {
                (Category::Path, Some(list)) => list.to_json(),
                (Category::Status | Category::Method, Some(list)) => json!({"$": list.to_json()}),
                _ => rules.to_json(),
            };
            m.insert(c.name().to_string(), v);
        }
        Value::Object(m)
    }

    /// The V2 flat form: `{"$.body.a": {"match": "type"}, "$.headers.X": {...}}`. V2 has one
    /// rule per path, so only the first rule of each list is written.
    pub fn to_v2_json(&self) -> Value {
        let mut m = Map::new();
        for (c, rules) in &self.categories {
            for (k, _, list) in rules.iter() {
                let Some(rule) = list.rules.first() else {
                    continue;
                };
                let path = match c {
                    Category::Body => match k.strip_prefix('$') {
                        Some(rest) => format!("$.body{rest}"),
                        // A bare name (`id`) is read as `$.id`.
                        None => format!("$.body.{k}"),
                    },
                    Category::Header => format!("$.headers.{k}"),
                    Category::Query => format!("$.query.{k}"),
                    Category::Metadata => format!("$.metadata.{k}"),
                    other => format!("$.{}", other.name()),
                };
                m.insert(path, rule.to_json());
            }
        }
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_repeated_across_pacts_is_compiled_once_and_the_table_stays_bounded() {
        let rule = |text: &str| {
            let v = serde_json::json!({"body": {"$.a": {"matchers": [{"match": "regex", "regex": text}]}}});
            let rules = MatchingRules::from_json(&v).unwrap();
            let list = rules
                .category(Category::Body)
                .unwrap()
                .iter()
                .next()
                .unwrap()
                .2
                .clone();
            match list.rules.as_slice() {
                [MatchingRule::Regex(p)] => p.clone(),
                other => panic!("{other:?}"),
            }
        };
        let first = rule(r"\p{Lu}{2}-\d+ shared");
        for _ in 0..100 {
            let again = rule(r"\p{Lu}{2}-\d+ shared");
            assert!(again.shares_compiled_form_with(&first));
        }
        assert!(first.is_match("AB-12 shared"));
        assert!(!rule(r"other").shares_compiled_form_with(&first));
        for n in 0..INTERNED_CAPACITY + 10 {
            let _ = rule(&format!("bounded-{n}"));
        }
        let table = INTERNED.lock().unwrap();
        let (map, order) = table.as_ref().unwrap();
        assert!(map.len() <= INTERNED_CAPACITY, "{}", map.len());
        assert_eq!(map.len(), order.len());
        // A pattern dropped from the table keeps working.
        drop(table);
        assert!(first.is_match("XY-3 shared"));
    }

    #[test]
    fn java_literal_quoting_is_accepted_and_matches_literally() {
        // As Pact-JVM writes a link into a pact (the compatibility suite's mock broker).
        let java = r".*(\/\Qpacts\E\/\Qprovider\E\/\Q{provider}\E\/\Qfor-verification\E)$";
        let p = Pattern::new(java).unwrap();
        assert_eq!(p.as_str(), java, "the pact keeps the expression as written");
        assert!(p.is_match("http://127.0.0.1:1/pacts/provider/{provider}/for-verification"));
        assert!(!p.is_match("http://127.0.0.1:1/pacts/provider/p/for-verification"));
        // Quoted metacharacters are literal; quoting runs to the end without `\E`.
        let p = Pattern::new(r"\Qa.b(c)\E\d+").unwrap();
        assert!(p.is_match("a.b(c)12"));
        assert!(!p.is_match("axb(c)12"));
        assert!(Pattern::new(r"x\Q[y").unwrap().is_match("x[y"));
        // Inside a class too, and an escaped backslash before Q starts nothing.
        assert!(Pattern::new(r"[\Q]-\E]+").unwrap().is_match("]-]"));
        assert!(Pattern::new(r"\\Q").unwrap().is_match(r"\Q"));
        // Unquoted, braces that start no repetition are literal too, as Ruby reads them
        // (the Ruby broker client's pacts); real repetitions keep their meaning.
        let p = Pattern::new(r".*\/{provider}$").unwrap();
        assert!(p.is_match("http://x/{provider}") && !p.is_match("http://x/p"));
        assert!(Pattern::new(r"a{2}").unwrap().is_match("aa"));
        assert!(Pattern::new(r"a{2,}b{,").unwrap().is_match("aaab{,"));
        assert!(Pattern::new(r"\p{Lu}{2}").unwrap().is_match("AB"));
    }
}
