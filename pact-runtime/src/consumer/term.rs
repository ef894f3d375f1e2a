//! Example values with matchers and generators attached: what a consumer writes in place of
//! a literal body, header, query value or path.

use pact_core::generators::{Generator, UuidFormat};
use pact_core::rules::{push_segment, Segment};
use pact_core::rules::{ArrayVariant, MatchingRule, RuleCategory, RuleList, RuleLogic};
use serde_json::{Map, Value};

/// An example value, possibly with matching rules and a generator at any depth.
///
/// Build one from plain JSON (`Term::from(json!(...))`) or with the functions of
/// [`matchers`](crate::consumer::matchers); [`Term::object`] and [`Term::array`] nest them.
///
/// ```
/// use pact_runtime::consumer::matchers::*;
/// use pact_runtime::consumer::Term;
/// let body = Term::object([("name", like("#3455")), ("tags", each_like("ci"))]);
/// let flat = body.flatten();
/// assert_eq!(flat.example, serde_json::json!({"name": "#3455", "tags": ["ci"]}));
/// assert_eq!(flat.rules.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A literal value, matched by equality unless a rule above it cascades.
    Value(Value),
    /// An object whose members may themselves carry rules.
    Object(Vec<(String, Term)>),
    /// An array whose elements may themselves carry rules.
    Array(Vec<Term>),
    /// An example with rules (combined with `logic`) and an optional generator.
    Matched {
        /// The example.
        example: Box<Term>,
        /// The rules at this position.
        rules: Vec<MatchingRule>,
        /// How the rules combine.
        logic: RuleLogic,
        /// Replaces the example when the mock server (or provider) responds.
        generator: Option<Generator>,
    },
    /// An array of elements like `template`, with `count` copies in the example.
    EachLike {
        /// Every element must match this.
        template: Box<Term>,
        /// `Type`, `MinType`, `MaxType` or `MinMaxType`.
        rule: MatchingRule,
        /// How many copies the example has.
        count: usize,
    },
}

/// A term taken apart into what a pact stores: the example and the rules and generators
/// keyed by path (`$.a[0].b` for bodies, `$` for a header value or the path itself).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlatTerm {
    /// The example value.
    pub example: Value,
    /// Rules by path, in document order.
    pub rules: Vec<(String, RuleList)>,
    /// Generators by path, in document order.
    pub generators: Vec<(String, Generator)>,
}

impl FlatTerm {
    /// The example as a string: strings as they are, other values as JSON text. Used for
    /// paths, headers and query values, which are strings on the wire.
    pub fn example_string(&self) -> String {
        match &self.example {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

impl Term {
    /// An object term from `(key, term)` pairs.
    pub fn object<K: Into<String>, T: Into<Term>>(
        members: impl IntoIterator<Item = (K, T)>,
    ) -> Term {
        Term::Object(
            members
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// An array term.
    pub fn array<T: Into<Term>>(elements: impl IntoIterator<Item = T>) -> Term {
        Term::Array(elements.into_iter().map(Into::into).collect())
    }

    /// Attaches a generator, keeping the rules.
    ///
    /// ```
    /// use pact_runtime::consumer::matchers::integer;
    /// use pact_runtime::pact_core::generators::Generator;
    /// let id = integer(1).generated(Generator::RandomInt { min: 1, max: 9 });
    /// assert_eq!(id.flatten().generators.len(), 1);
    /// ```
    pub fn generated(self, generator: Generator) -> Term {
        match self {
            Term::Matched {
                example,
                rules,
                logic,
                ..
            } => Term::Matched {
                example,
                rules,
                logic,
                generator: Some(generator),
            },
            other => Term::Matched {
                example: Box::new(other),
                rules: Vec::new(),
                logic: RuleLogic::And,
                generator: Some(generator),
            },
        }
    }

    /// The example with every rule and generator stripped.
    pub fn example(&self) -> Value {
        self.flatten().example
    }

    /// The example as a string (see [`FlatTerm::example_string`]).
    pub fn example_string(&self) -> String {
        self.flatten().example_string()
    }

    /// Takes the term apart, rooted at `$`. Matchers nested at one path (`not_empty(each_like(..))`)
    /// give one rule list holding all their rules.
    ///
    /// ```
    /// use pact_runtime::consumer::matchers::{each_like, integer, not_empty};
    /// let flat = not_empty(each_like(integer(1))).flatten();
    /// assert_eq!(flat.rules[0].0, "$");
    /// assert_eq!(flat.rules[0].1.rules.len(), 2);
    /// ```
    pub fn flatten(&self) -> FlatTerm {
        let mut out = FlatTerm::default();
        let mut path = String::from("$");
        let mut rules = Vec::new();
        out.example = self.walk(&mut path, &mut rules, &mut out.generators);
        for (path, list) in rules {
            match out.rules.iter_mut().find(|(p, _)| *p == path) {
                Some((_, existing)) => existing.rules.extend(list.rules),
                None => out.rules.push((path, list)),
            }
        }
        out
    }

    fn walk(
        &self,
        path: &mut String,
        rules: &mut Vec<(String, RuleList)>,
        generators: &mut Vec<(String, Generator)>,
    ) -> Value {
        match self {
            Term::Value(v) => v.clone(),
            Term::Object(members) => {
                let mut map = Map::new();
                for (key, term) in members {
                    let mark = path.len();
                    push_segment(path, &Segment::Field(key));
                    map.insert(key.clone(), term.walk(path, rules, generators));
                    path.truncate(mark);
                }
                Value::Object(map)
            }
            Term::Array(elements) => Value::Array(
                elements
                    .iter()
                    .enumerate()
                    .map(|(i, term)| {
                        let mark = path.len();
                        push_segment(path, &Segment::Index(i));
                        let v = term.walk(path, rules, generators);
                        path.truncate(mark);
                        v
                    })
                    .collect(),
            ),
            Term::Matched {
                example,
                rules: own,
                logic,
                generator,
            } => {
                if !own.is_empty() {
                    rules.push((
                        path.clone(),
                        RuleList {
                            rules: own.clone(),
                            logic: *logic,
                        },
                    ));
                }
                if let Some(g) = generator {
                    generators.push((path.clone(), g.clone()));
                }
                example.walk(path, rules, generators)
            }
            Term::EachLike {
                template,
                rule,
                count,
            } => {
                rules.push((path.clone(), RuleList::single(rule.clone())));
                let mark = path.len();
                path.push_str("[*]");
                let element = template.walk(path, rules, generators);
                path.truncate(mark);
                Value::Array(vec![element; *count])
            }
        }
    }
}

impl From<Value> for Term {
    fn from(v: Value) -> Term {
        Term::Value(v)
    }
}

macro_rules! term_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Term {
            fn from(v: $t) -> Term {
                Term::Value(Value::from(v))
            }
        }
    )*};
}
term_from!(&str, String, bool, i32, i64, u32, u64, usize, f64);

/// Matcher and generator constructors, each returning a [`Term`].
///
/// The functions panic (at the caller's line) on input no pact could hold, such as a regex
/// that does not compile or an example it does not match: in a test that is a bug to fix at
/// once, and `#[pact_interaction]` reports the same mistakes at compile time.
pub mod matchers {
    use super::*;
    use pact_core::checks::{self, CheckError};
    use pact_core::datetime::DateTimePattern;
    use pact_core::generators::DataType;
    use pact_core::rules::StatusClass;

    fn matched(example: impl Into<Term>, rule: MatchingRule) -> Term {
        Term::Matched {
            example: Box::new(example.into()),
            rules: vec![rule],
            logic: RuleLogic::And,
            generator: None,
        }
    }

    /// The value of a check, or a panic with its message as it is (the macro prints the
    /// same one at compile time).
    #[track_caller]
    fn checked<T>(result: Result<T, CheckError>) -> T {
        result.unwrap_or_else(|e| panic!("{e}"))
    }

    #[track_caller]
    fn date_pattern(kind: &str, format: &str, example: &str) -> DateTimePattern {
        checked(checks::datetime_example(kind, format, example))
    }

    /// Same type as the example (cascading into objects and arrays).
    ///
    /// ```
    /// use pact_runtime::consumer::matchers::like;
    /// assert_eq!(like("#3455").flatten().rules[0].0, "$");
    /// ```
    pub fn like(example: impl Into<Term>) -> Term {
        matched(example, MatchingRule::Type)
    }

    /// An array of at least one element like `template`.
    ///
    /// ```
    /// use pact_runtime::consumer::matchers::{each_like, integer};
    /// let flat = each_like(integer(1)).flatten();
    /// assert_eq!(flat.example, serde_json::json!([1]));
    /// assert_eq!(flat.rules[1].0, "$[*]");
    /// ```
    pub fn each_like(template: impl Into<Term>) -> Term {
        each_like_between(template, Some(1), None)
    }

    /// An array like `template` with optional bounds on its length; the example holds
    /// `max(min, 1)` elements.
    ///
    /// ```
    /// use pact_runtime::consumer::matchers::each_like_between;
    /// let flat = each_like_between("x", Some(2), Some(4)).flatten();
    /// assert_eq!(flat.example, serde_json::json!(["x", "x"]));
    /// ```
    #[track_caller]
    pub fn each_like_between(
        template: impl Into<Term>,
        min: Option<usize>,
        max: Option<usize>,
    ) -> Term {
        if let Some(hi) = max {
            checked(checks::max_length("each_like", hi));
        }
        let rule = match (min, max) {
            (Some(lo), Some(hi)) => {
                checked(checks::min_max("each_like", lo, hi));
                MatchingRule::MinMaxType(lo, hi)
            }
            (Some(lo), None) => MatchingRule::MinType(lo),
            (None, Some(hi)) => MatchingRule::MaxType(hi),
            (None, None) => MatchingRule::Type,
        };
        let count = min.unwrap_or(1).max(1);
        Term::EachLike {
            template: Box::new(template.into()),
            rule,
            count: max.map_or(count, |hi| count.min(hi.max(1))),
        }
    }

    /// A string matching `regex` (the whole string), with `example` as the value.
    ///
    /// ```
    /// use pact_runtime::consumer::matchers::regex;
    /// assert_eq!(regex(r"\d+", "123").example(), serde_json::json!("123"));
    /// ```
    #[track_caller]
    pub fn regex(regex: &str, example: &str) -> Term {
        matched(
            example,
            MatchingRule::Regex(checked(checks::regex_example(regex, example))),
        )
    }

    /// Any integer.
    pub fn integer(example: i64) -> Term {
        matched(example, MatchingRule::Integer)
    }

    /// Any number with a fractional part. The example must be finite: JSON has no NaN.
    #[track_caller]
    pub fn decimal(example: f64) -> Term {
        matched(checked(checks::finite(example)), MatchingRule::Decimal)
    }

    /// Any number.
    pub fn number(example: impl Into<serde_json::Number>) -> Term {
        matched(Value::Number(example.into()), MatchingRule::Number)
    }

    /// Any boolean.
    pub fn boolean(example: bool) -> Term {
        matched(example, MatchingRule::Boolean)
    }

    /// JSON null.
    pub fn null() -> Term {
        matched(Value::Null, MatchingRule::Null)
    }

    /// A string containing `text`.
    pub fn include(text: &str) -> Term {
        matched(text, MatchingRule::Include(text.to_string()))
    }

    /// Exactly the example: stops a type rule cascading from above.
    pub fn equality(example: impl Into<Term>) -> Term {
        matched(example, MatchingRule::Equality)
    }

    /// A date-time in `format` (Java-style, `yyyy-MM-dd'T'HH:mm:ss`).
    ///
    /// ```
    /// use pact_runtime::consumer::matchers::datetime;
    /// let t = datetime("yyyy-MM-dd'T'HH:mm:ss", "2026-11-25T10:00:00");
    /// assert_eq!(t.example_string(), "2026-11-25T10:00:00");
    /// ```
    #[track_caller]
    pub fn datetime(format: &str, example: &str) -> Term {
        matched(
            example,
            MatchingRule::Timestamp(date_pattern("datetime", format, example)),
        )
    }

    /// A date in `format` (`yyyy-MM-dd`).
    #[track_caller]
    pub fn date(format: &str, example: &str) -> Term {
        matched(
            example,
            MatchingRule::Date(date_pattern("date", format, example)),
        )
    }

    /// A time in `format` (`HH:mm:ss`).
    #[track_caller]
    pub fn time(format: &str, example: &str) -> Term {
        matched(
            example,
            MatchingRule::Time(date_pattern("time", format, example)),
        )
    }

    /// An object whose keys do not matter, each value like the example's values.
    pub fn values(example: impl Into<Term>) -> Term {
        matched(example, MatchingRule::Values)
    }

    /// An array containing, in any position, an element matching each variant.
    ///
    /// ```
    /// use pact_runtime::consumer::matchers::{array_contains, integer, like};
    /// let t = array_contains([like("a"), integer(2)]);
    /// assert_eq!(t.example(), serde_json::json!(["a", 2]));
    /// ```
    pub fn array_contains<T: Into<Term>>(variants: impl IntoIterator<Item = T>) -> Term {
        let mut examples = Vec::new();
        let mut rule_variants = Vec::new();
        for (index, variant) in variants.into_iter().enumerate() {
            let flat = variant.into().flatten();
            let mut rules = RuleCategory::default();
            for (path, list) in flat.rules {
                // Paths from flatten() always parse; the category only refuses bad paths.
                let _ = rules.insert(pact_core::rules::Category::Body, &path, list);
            }
            let generators: Map<String, Value> = flat
                .generators
                .iter()
                .map(|(p, g)| (p.clone(), g.to_json()))
                .collect();
            rule_variants.push(ArrayVariant {
                index,
                rules,
                generators: Value::Object(generators),
            });
            examples.push(flat.example);
        }
        matched(
            Value::Array(examples),
            MatchingRule::ArrayContains(rule_variants),
        )
    }

    /// Same type as the example and not empty.
    pub fn not_empty(example: impl Into<Term>) -> Term {
        matched(example, MatchingRule::NotEmpty)
    }

    /// A semantic version.
    #[track_caller]
    pub fn semver(example: &str) -> Term {
        checked(checks::semver(example));
        matched(example, MatchingRule::Semver)
    }

    /// Bytes detected (by their magic numbers) as `content_type`.
    pub fn content_type(content_type: &str, example: impl Into<Term>) -> Term {
        matched(example, MatchingRule::ContentType(content_type.to_string()))
    }

    /// An object each of whose keys matches the rules of `key_matcher` (say `regex(..)`).
    #[track_caller]
    pub fn each_key(example: impl Into<Term>, key_matcher: Term) -> Term {
        matched(
            example,
            MatchingRule::EachKey(rules_of("each_key", key_matcher)),
        )
    }

    /// An object (or array) each of whose values matches the rules of `value_matcher`.
    #[track_caller]
    pub fn each_value(example: impl Into<Term>, value_matcher: Term) -> Term {
        matched(
            example,
            MatchingRule::EachValue(rules_of("each_value", value_matcher)),
        )
    }

    #[track_caller]
    fn rules_of(what: &str, matcher: Term) -> Vec<MatchingRule> {
        match matcher {
            Term::Matched { rules, .. } if !rules.is_empty() => rules,
            _ => panic!("{what} needs a matcher such as regex(..) or like(..)"),
        }
    }

    /// All of the terms' rules at once (AND), on the first term's example.
    #[track_caller]
    pub fn all_of<T: Into<Term>>(terms: impl IntoIterator<Item = T>) -> Term {
        combine(terms, RuleLogic::And)
    }

    /// Any of the terms' rules (OR), on the first term's example.
    #[track_caller]
    pub fn any_of<T: Into<Term>>(terms: impl IntoIterator<Item = T>) -> Term {
        combine(terms, RuleLogic::Or)
    }

    #[track_caller]
    fn combine<T: Into<Term>>(terms: impl IntoIterator<Item = T>, logic: RuleLogic) -> Term {
        let mut example = None;
        let mut all = Vec::new();
        for term in terms {
            match term.into() {
                Term::Matched {
                    example: e, rules, ..
                } => {
                    example.get_or_insert(e);
                    all.extend(rules);
                }
                other => {
                    example.get_or_insert(Box::new(other));
                }
            }
        }
        Term::Matched {
            example: example.unwrap_or_else(|| panic!("all_of/any_of need at least one term")),
            rules: all,
            logic,
            generator: None,
        }
    }

    /// A status class for a response (`StatusClass::Success` and so on), with the example
    /// code, which must be an HTTP status of the class.
    ///
    /// ```
    /// use pact_runtime::consumer::matchers::status_code;
    /// use pact_runtime::pact_core::rules::StatusClass;
    /// assert_eq!(status_code(StatusClass::Success, 201).example(), serde_json::json!(201));
    /// ```
    #[track_caller]
    pub fn status_code(class: StatusClass, example: u16) -> Term {
        checked(checks::status(example.into()));
        checked(checks::status_in_class(example, &class));
        matched(example, MatchingRule::StatusCode(class))
    }

    /// An integer in `min..=max`, generated afresh on every response.
    #[track_caller]
    pub fn random_int(min: i64, max: i64) -> Term {
        checked(checks::min_max("random_int", min, max));
        integer(min).generated(Generator::RandomInt { min, max })
    }

    /// A decimal of `digits` digits, generated afresh.
    #[track_caller]
    pub fn random_decimal(digits: usize) -> Term {
        checked(checks::digits("random_decimal", digits));
        decimal(1.5).generated(Generator::RandomDecimal { digits })
    }

    /// A hexadecimal string of `digits` digits, generated afresh.
    #[track_caller]
    pub fn random_hexadecimal(digits: usize) -> Term {
        checked(checks::digits("random_hexadecimal", digits));
        let example = "a".repeat(digits);
        regex("[0-9a-fA-F]+", &example).generated(Generator::RandomHexadecimal { digits })
    }

    /// An alphanumeric string of `size` characters, generated afresh.
    pub fn random_string(size: usize) -> Term {
        like("x".repeat(size)).generated(Generator::RandomString { size })
    }

    /// A string matching `regex`, generated afresh from it.
    #[track_caller]
    pub fn regex_generated(regex_src: &str, example: &str) -> Term {
        let term = regex(regex_src, example);
        checked(checks::generable_regex(regex_src));
        term.generated(Generator::Regex(regex_src.to_string()))
    }

    /// A UUID (lower-case hyphenated), generated afresh.
    pub fn uuid() -> Term {
        matched(
            "e2490de5-5bd3-43d5-b7c4-526e33f71304",
            MatchingRule::Regex(checked(checks::regex(
                "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            ))),
        )
        .generated(Generator::Uuid(UuidFormat::LowerCaseHyphenated))
    }

    /// A date in `format`, generated from today (moved by `expression`, `today + 1 day`).
    #[track_caller]
    pub fn generated_date(format: &str, example: &str, expression: Option<&str>) -> Term {
        date(format, example).generated(Generator::Date {
            format: Some(format.to_string()),
            expression: expression.map(str::to_string),
        })
    }

    /// A time in `format`, generated from now (moved by `expression`, `now + 2 hours`).
    #[track_caller]
    pub fn generated_time(format: &str, example: &str, expression: Option<&str>) -> Term {
        time(format, example).generated(Generator::Time {
            format: Some(format.to_string()),
            expression: expression.map(str::to_string),
        })
    }

    /// A date-time in `format`, generated from now (moved by `expression`).
    #[track_caller]
    pub fn generated_datetime(format: &str, example: &str, expression: Option<&str>) -> Term {
        datetime(format, example).generated(Generator::DateTime {
            format: Some(format.to_string()),
            expression: expression.map(str::to_string),
        })
    }

    /// A boolean, generated afresh.
    pub fn random_boolean() -> Term {
        boolean(true).generated(Generator::RandomBoolean)
    }

    /// A value the provider fills in from its state setup: `expression` is `${name}` or a
    /// template such as `/builds/${id}`; the consumer's mock server answers with `example`.
    ///
    /// ```
    /// use pact_runtime::consumer::matchers::from_provider_state;
    /// let t = from_provider_state("/builds/${id}", "/builds/3455");
    /// assert_eq!(t.example_string(), "/builds/3455");
    /// ```
    pub fn from_provider_state(expression: &str, example: impl Into<Term>) -> Term {
        let example = example.into();
        let data_type = match example.example() {
            Value::Number(n) if n.is_i64() || n.is_u64() => Some(DataType::Integer),
            Value::Number(_) => Some(DataType::Decimal),
            Value::Bool(_) => Some(DataType::Boolean),
            _ => Some(DataType::String),
        };
        like(example).generated(Generator::ProviderState {
            expression: expression.to_string(),
            data_type,
        })
    }

    /// A URL pointing at the mock server: `example` as written by the consumer, `regex`
    /// capturing the part to keep (`.*(/builds/\d+)$`); the mock server answers with its own
    /// base URL followed by the captures.
    #[track_caller]
    pub fn mock_server_url(regex_src: &str, example: &str) -> Term {
        regex(regex_src, example).generated(Generator::MockServerUrl {
            example: example.to_string(),
            regex: regex_src.to_string(),
        })
    }
}
