//! Generators: values that replace an example when a request or response is used for real,
//! such as a random id, today's date, or a value the provider-state setup returned.
//!
//! Consumer mode (the mock server answering a consumer test) and provider mode (the verifier
//! sending a request to the provider) differ: `ProviderState` generators only run in provider
//! mode and `MockServerURL` generators only in consumer mode.

pub mod regex_string;

use crate::datetime::{
    evaluate_expression, DateTime, DateTimePattern, ExpressionKind, DEFAULT_DATE_PATTERN,
    DEFAULT_TIMESTAMP_PATTERN, DEFAULT_TIME_PATTERN,
};
use crate::model::{Body, JsonCache, MessageContents, MultiMap, Request, Response};
use crate::rules::{rust_regex_source, Category, PathExpr, PathToken};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The textual forms of a UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UuidFormat {
    /// 32 lower-case hex digits, no hyphens.
    Simple,
    /// `xxxxxxxx-xxxx-...` in lower case (the default).
    #[default]
    LowerCaseHyphenated,
    /// `XXXXXXXX-XXXX-...` in upper case.
    UpperCaseHyphenated,
    /// `urn:uuid:` followed by the lower-case hyphenated form.
    Urn,
}

/// The JSON type a `ProviderState` generator converts its value to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataType {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A decimal number.
    Decimal,
    /// A boolean.
    Boolean,
    /// The value as the state returned it.
    Raw,
}

/// One generator.
#[derive(Debug, Clone, PartialEq)]
pub enum Generator {
    /// An integer in `min..=max`.
    RandomInt {
        /// Lower bound.
        min: i64,
        /// Upper bound.
        max: i64,
    },
    /// A decimal number with this many digits.
    RandomDecimal {
        /// Number of digits.
        digits: usize,
    },
    /// A string of this many hexadecimal digits.
    RandomHexadecimal {
        /// Number of digits.
        digits: usize,
    },
    /// An alphanumeric string of this length.
    RandomString {
        /// Length.
        size: usize,
    },
    /// A string the regular expression matches.
    Regex(String),
    /// A random (version 4) UUID.
    Uuid(UuidFormat),
    /// Today's date, optionally moved by an expression.
    Date {
        /// Pattern, `yyyy-MM-dd` by default.
        format: Option<String>,
        /// Such as `today + 1 day`.
        expression: Option<String>,
    },
    /// The time now, optionally moved by an expression.
    Time {
        /// Pattern, `HH:mm:ss` by default.
        format: Option<String>,
        /// Such as `now + 2 hours`.
        expression: Option<String>,
    },
    /// The date and time now, optionally moved by an expression.
    DateTime {
        /// Pattern, `yyyy-MM-dd'T'HH:mm:ss` by default.
        format: Option<String>,
        /// Such as `today + 1 day @ noon`.
        expression: Option<String>,
    },
    /// `true` or `false`.
    RandomBoolean,
    /// A value from the provider-state setup: `${id}` or a template such as `/items/${id}`.
    ProviderState {
        /// The template.
        expression: String,
        /// The type to convert to.
        data_type: Option<DataType>,
    },
    /// The mock server's URL in place of the base of the example URL.
    MockServerUrl {
        /// An example URL, as written by the consumer.
        example: String,
        /// Its capture groups are kept and appended to the mock server's URL.
        regex: String,
    },
}

/// Which side is generating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GeneratorMode {
    /// The mock server, answering a consumer test.
    Consumer,
    /// The verifier, calling the provider.
    #[default]
    Provider,
}

/// What generators can draw on: the mode, values returned by provider-state setup, the mock
/// server's URL, and a random source (seedable for reproducible tests).
#[derive(Debug, Clone)]
pub struct GeneratorContext {
    /// Consumer or provider.
    pub mode: GeneratorMode,
    /// Values returned by the provider-state setup (for `ProviderState`).
    pub provider_state: Map<String, Value>,
    /// The mock server's base URL (for `MockServerURL`).
    pub mock_server_url: Option<String>,
    /// Random source.
    pub rng: fastrand::Rng,
    /// "Now", for date and time generators.
    pub now: DateTime,
}

impl GeneratorContext {
    /// A context for `mode` with no provider state, no mock server URL, and the clock.
    pub fn new(mode: GeneratorMode) -> GeneratorContext {
        GeneratorContext {
            mode,
            provider_state: Map::new(),
            mock_server_url: None,
            rng: fastrand::Rng::new(),
            now: DateTime::now_utc(),
        }
    }
}

/// Why a generator could not produce a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GeneratorError(pub String);

impl Generator {
    /// Reads `{"type": "RandomInt", "min": 0, "max": 10}` and the other generator forms.
    ///
    /// ```
    /// use pact_core::generators::Generator;
    /// let g = Generator::from_json(&serde_json::json!({"type": "RandomInt", "min": 1, "max": 3})).unwrap();
    /// assert_eq!(g, Generator::RandomInt { min: 1, max: 3 });
    /// assert!(Generator::from_json(&serde_json::json!({"type": "Nope"})).is_err());
    /// ```
    pub fn from_json(v: &Value) -> Result<Generator, String> {
        let obj = v
            .as_object()
            .ok_or_else(|| format!("a generator must be an object, found {v}"))?;
        let s = |k: &str| obj.get(k).and_then(Value::as_str).map(String::from);
        for k in ["format", "expression", "regex", "example", "dataType"] {
            match obj.get(k) {
                None | Some(Value::Null | Value::String(_)) => {}
                Some(other) => return Err(format!("'{k}' must be a string, found {other}")),
            }
        }
        let int = |k: &str, default: i64| -> Result<i64, String> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(default),
                Some(v) => v
                    .as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    .ok_or_else(|| format!("'{k}' must be an integer, found {v}")),
            }
        };
        let count = |k: &str, default: i64| -> Result<usize, String> {
            usize::try_from(int(k, default)?)
                .ok()
                .filter(|n| *n <= 10_000)
                .ok_or_else(|| format!("'{k}' must be between 0 and 10000"))
        };
        let ty = obj
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("a generator needs a 'type', found {v}"))?;
        let checked_pattern = |f: Option<String>| -> Result<Option<String>, String> {
            if let Some(p) = f.as_deref().filter(|p| !p.is_empty()) {
                DateTimePattern::parse(p).map_err(|e| e.to_string())?;
            }
            Ok(f)
        };
        // An expression that cannot be evaluated is reported now, not when a value is needed.
        let checked_expression =
            |e: Option<String>, kind: ExpressionKind| -> Result<Option<String>, String> {
                if let Some(e) = &e {
                    evaluate_expression(e, kind, DateTime::from_unix(0, 0))
                        .map_err(|err| err.to_string())?;
                }
                Ok(e)
            };
        Ok(match ty {
            "RandomInt" => {
                let (min, max) = (int("min", 0)?, int("max", 10)?);
                crate::checks::min_max("RandomInt", min, max).map_err(|e| e.to_string())?;
                Generator::RandomInt { min, max }
            }
            "RandomDecimal" => Generator::RandomDecimal {
                // One digit cannot hold a decimal point: two is the least that can.
                digits: count("digits", 10)?.max(2),
            },
            "RandomHexadecimal" => Generator::RandomHexadecimal {
                digits: count("digits", 10)?,
            },
            "RandomString" => Generator::RandomString {
                size: count("size", 10)?,
            },
            "Regex" => {
                let re = s("regex").ok_or("a Regex generator needs a 'regex'")?;
                regex_string::generate(&re, &mut fastrand::Rng::with_seed(0))
                    .map_err(|e| e.to_string())?;
                Generator::Regex(re)
            }
            "Uuid" => Generator::Uuid(match s("format").as_deref() {
                None | Some("lower-case-hyphenated") => UuidFormat::LowerCaseHyphenated,
                Some("simple") => UuidFormat::Simple,
                Some("upper-case-hyphenated") => UuidFormat::UpperCaseHyphenated,
                Some("URN") | Some("urn") => UuidFormat::Urn,
                Some(other) => return Err(format!("unknown UUID format '{other}'")),
            }),
            "Date" => Generator::Date {
                format: checked_pattern(s("format"))?,
                expression: checked_expression(s("expression"), ExpressionKind::Date)?,
            },
            "Time" => Generator::Time {
                format: checked_pattern(s("format"))?,
                expression: checked_expression(s("expression"), ExpressionKind::Time)?,
            },
            "DateTime" | "Timestamp" => Generator::DateTime {
                format: checked_pattern(s("format"))?,
                expression: checked_expression(s("expression"), ExpressionKind::DateTime)?,
            },
            "RandomBoolean" => Generator::RandomBoolean,
            "ProviderState" => Generator::ProviderState {
                expression: {
                    let e =
                        s("expression").ok_or("a ProviderState generator needs an 'expression'")?;
                    let unclosed = e.match_indices("${").any(|(i, _)| !e[i..].contains('}'));
                    if unclosed {
                        return Err(format!("unterminated '${{' in expression '{e}'"));
                    }
                    e
                },
                data_type: match s("dataType").as_deref() {
                    None => None,
                    Some("STRING") => Some(DataType::String),
                    Some("INTEGER") => Some(DataType::Integer),
                    Some("DECIMAL") | Some("FLOAT") => Some(DataType::Decimal),
                    Some("BOOLEAN") => Some(DataType::Boolean),
                    Some("RAW") => Some(DataType::Raw),
                    Some(other) => return Err(format!("unknown dataType '{other}'")),
                },
            },
            "MockServerURL" => {
                let regex = s("regex").ok_or("a MockServerURL generator needs a 'regex'")?;
                regex::Regex::new(&rust_regex_source(&regex))
                    .map_err(|e| format!("invalid regex '{regex}': {e}"))?;
                Generator::MockServerUrl {
                    example: s("example").unwrap_or_default(),
                    regex,
                }
            }
            other => return Err(format!("unknown generator type '{other}'")),
        })
    }

    /// The generator as pact JSON.
    pub fn to_json(&self) -> Value {
        let with = |mut base: Map<String, Value>, pairs: &[(&str, &Option<String>)]| {
            for (k, v) in pairs {
                if let Some(v) = v {
                    base.insert((*k).into(), json!(v));
                }
            }
            Value::Object(base)
        };
        let ty = |t: &str| {
            let mut m = Map::new();
            m.insert("type".into(), json!(t));
            m
        };
        match self {
            Generator::RandomInt { min, max } => {
                json!({"type": "RandomInt", "min": min, "max": max})
            }
            Generator::RandomDecimal { digits } => {
                json!({"type": "RandomDecimal", "digits": digits})
            }
            Generator::RandomHexadecimal { digits } => {
                json!({"type": "RandomHexadecimal", "digits": digits})
            }
            Generator::RandomString { size } => json!({"type": "RandomString", "size": size}),
            Generator::Regex(r) => json!({"type": "Regex", "regex": r}),
            Generator::Uuid(f) => json!({"type": "Uuid", "format": match f {
                UuidFormat::Simple => "simple",
                UuidFormat::LowerCaseHyphenated => "lower-case-hyphenated",
                UuidFormat::UpperCaseHyphenated => "upper-case-hyphenated",
                UuidFormat::Urn => "URN",
            }}),
            Generator::Date { format, expression } => with(
                ty("Date"),
                &[("format", format), ("expression", expression)],
            ),
            Generator::Time { format, expression } => with(
                ty("Time"),
                &[("format", format), ("expression", expression)],
            ),
            Generator::DateTime { format, expression } => with(
                ty("DateTime"),
                &[("format", format), ("expression", expression)],
            ),
            Generator::RandomBoolean => json!({"type": "RandomBoolean"}),
            Generator::ProviderState {
                expression,
                data_type,
            } => {
                let mut m = ty("ProviderState");
                m.insert("expression".into(), json!(expression));
                if let Some(d) = data_type {
                    let name = match d {
                        DataType::String => "STRING",
                        DataType::Integer => "INTEGER",
                        DataType::Decimal => "DECIMAL",
                        DataType::Boolean => "BOOLEAN",
                        DataType::Raw => "RAW",
                    };
                    m.insert("dataType".into(), json!(name));
                }
                Value::Object(m)
            }
            Generator::MockServerUrl { example, regex } => {
                json!({"type": "MockServerURL", "example": example, "regex": regex})
            }
        }
    }

    /// Produces a value, given the example `current`. `Ok(None)` means the generator does
    /// not run in this mode (or has nothing to draw on), and the example stays.
    pub fn generate(
        &self,
        current: &Value,
        ctx: &mut GeneratorContext,
    ) -> Result<Option<Value>, GeneratorError> {
        let rng = &mut ctx.rng;
        Ok(Some(match self {
            Generator::RandomInt { min, max } => {
                crate::checks::min_max("RandomInt", min, max)
                    .map_err(|e| GeneratorError(e.to_string()))?;
                json!(rng.i64(*min..=*max))
            }
            Generator::RandomDecimal { digits } => random_decimal(*digits, rng),
            Generator::RandomHexadecimal { digits } => {
                json!((0..*digits)
                    .map(|_| char::from(b"0123456789abcdef"[rng.usize(..16)]))
                    .collect::<String>())
            }
            Generator::RandomString { size } => {
                json!((0..*size).map(|_| rng.alphanumeric()).collect::<String>())
            }
            Generator::Regex(re) => {
                json!(regex_string::generate(re, rng).map_err(|e| GeneratorError(e.to_string()))?)
            }
            Generator::Uuid(format) => json!(uuid(*format, rng)),
            Generator::Date { format, expression } => {
                json!(self.date_time(
                    format,
                    expression,
                    ExpressionKind::Date,
                    DEFAULT_DATE_PATTERN,
                    ctx.now
                )?)
            }
            Generator::Time { format, expression } => {
                json!(self.date_time(
                    format,
                    expression,
                    ExpressionKind::Time,
                    DEFAULT_TIME_PATTERN,
                    ctx.now
                )?)
            }
            Generator::DateTime { format, expression } => json!(self.date_time(
                format,
                expression,
                ExpressionKind::DateTime,
                // The timestamp rule's default too, so a value generated without a format
                // matches a rule written without one.
                DEFAULT_TIMESTAMP_PATTERN,
                ctx.now
            )?),
            Generator::RandomBoolean => json!(rng.bool()),
            Generator::ProviderState {
                expression,
                data_type,
            } => {
                if ctx.mode != GeneratorMode::Provider {
                    return Ok(None);
                }
                match interpolate(expression, &ctx.provider_state) {
                    Some(v) => convert(v, *data_type),
                    None => return Ok(None),
                }
            }
            Generator::MockServerUrl { example, regex } => {
                let (GeneratorMode::Consumer, Some(base)) = (ctx.mode, &ctx.mock_server_url) else {
                    return Ok(None);
                };
                // The example is the URL the consumer wrote; the body may hold anything.
                let example = if example.is_empty() {
                    current.as_str().unwrap_or_default()
                } else {
                    example
                };
                let re = regex::Regex::new(&rust_regex_source(regex))
                    .map_err(|e| GeneratorError(e.to_string()))?;
                match re.captures(example) {
                    Some(caps) => {
                        let tail: String =
                            caps.iter().skip(1).flatten().map(|m| m.as_str()).collect();
                        json!(mock_server_url(base, &tail))
                    }
                    None => return Ok(None),
                }
            }
        }))
    }

    fn date_time(
        &self,
        format: &Option<String>,
        expression: &Option<String>,
        kind: ExpressionKind,
        default: &str,
        now: DateTime,
    ) -> Result<String, GeneratorError> {
        let pattern = DateTimePattern::parse(
            format
                .as_deref()
                .filter(|f| !f.is_empty())
                .unwrap_or(default),
        )
        .map_err(|e| GeneratorError(e.to_string()))?;
        let at = match expression {
            Some(e) => {
                evaluate_expression(e, kind, now).map_err(|e| GeneratorError(e.to_string()))?
            }
            None => now,
        };
        Ok(pattern.format(&at))
    }
}

fn random_decimal(digits: usize, rng: &mut fastrand::Rng) -> Value {
    let digits = digits.max(2);
    let mut s: String = (0..digits)
        .map(|i| {
            // No leading zero and no trailing zero, so the text keeps every digit as a number.
            let d = if i == 0 || i == digits - 1 {
                rng.u8(1..10)
            } else {
                rng.u8(0..10)
            };
            char::from(b'0' + d)
        })
        .collect();
    let point = rng.usize(1..digits);
    s.insert(point, '.');
    if digits <= 15 {
        if let Ok(n) = s.parse::<f64>() {
            if let Some(n) = serde_json::Number::from_f64(n) {
                return Value::Number(n);
            }
        }
    }
    Value::String(s)
}

fn uuid(format: UuidFormat, rng: &mut fastrand::Rng) -> String {
    let mut b = [0u8; 16];
    for x in &mut b {
        *x = rng.u8(..);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let hyphenated = format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    match format {
        UuidFormat::Simple => hex,
        UuidFormat::LowerCaseHyphenated => hyphenated,
        UuidFormat::UpperCaseHyphenated => hyphenated.to_uppercase(),
        UuidFormat::Urn => format!("urn:uuid:{hyphenated}"),
    }
}

/// `${name}` alone gives the value itself (keeping its JSON type); a template with text
/// around placeholders gives a string. None when a name has no value.
fn interpolate(expression: &str, values: &Map<String, Value>) -> Option<Value> {
    // `${a.b}` reaches into nested values returned by a state.
    let lookup = |name: &str| -> Option<&Value> {
        values.get(name).or_else(|| {
            let mut parts = name.split('.');
            let first = values.get(parts.next()?)?;
            parts.try_fold(first, |v, p| v.get(p))
        })
    };
    let trimmed = expression.trim();
    if let Some(name) = trimmed.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        if !name.contains("${") {
            return lookup(name).cloned();
        }
    }
    let mut out = String::new();
    let mut rest = expression;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}')? + start;
        match lookup(&rest[start + 2..end])? {
            Value::String(s) => out.push_str(s),
            other => out.push_str(&other.to_string()),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(Value::String(out))
}

fn convert(v: Value, to: Option<DataType>) -> Value {
    let text = match &v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match to {
        None | Some(DataType::Raw) => v,
        Some(DataType::String) => Value::String(text),
        Some(DataType::Integer) => text.parse::<i64>().map(Value::from).unwrap_or(v),
        Some(DataType::Decimal) => text.parse::<f64>().map(Value::from).unwrap_or(v),
        Some(DataType::Boolean) => text.parse::<bool>().map(Value::from).unwrap_or(v),
    }
}

/// The generators of a request, response or message, by category: body and metadata by path
/// expression, headers and query parameters by name, path and status alone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Generators {
    categories: BTreeMap<Category, BTreeMap<String, Generator>>,
}

impl Generators {
    /// Reads `{"body": {"$.id": {...}}, "header": {"X": {...}}, "path": {...}, "status": {...}}`.
    pub fn from_json(v: &Value) -> Result<Generators, String> {
        let obj = match v {
            Value::Object(o) => o,
            Value::Null => return Ok(Generators::default()),
            other => return Err(format!("generators must be an object, found {other}")),
        };
        let mut out = Generators::default();
        for (k, gens) in obj {
            let cat = Category::from_name(k)
                .ok_or_else(|| format!("unknown generator category '{k}'"))?;
            if cat.is_single() {
                out.add(
                    cat,
                    "",
                    Generator::from_json(gens).map_err(|e| format!("{k}: {e}"))?,
                )?;
            } else {
                let map = gens
                    .as_object()
                    .ok_or_else(|| format!("{k}: must be an object"))?;
                for (key, g) in map {
                    let g = Generator::from_json(g).map_err(|e| format!("{k}.{key}: {e}"))?;
                    out.add(cat, key, g)?;
                }
            }
        }
        Ok(out)
    }

    /// Adds a generator for a key of a category (`""` for path, method and status). Body
    /// keys must be valid path expressions.
    pub fn add(
        &mut self,
        category: Category,
        key: &str,
        generator: Generator,
    ) -> Result<(), String> {
        if category == Category::Body {
            PathExpr::parse(key).map_err(|e| e.to_string())?;
        }
        self.categories
            .entry(category)
            .or_default()
            .insert(key.to_string(), generator);
        Ok(())
    }

    /// True when there is no generator.
    pub fn is_empty(&self) -> bool {
        self.categories.values().all(BTreeMap::is_empty)
    }

    /// The generators of one category.
    pub fn category(&self, c: Category) -> impl Iterator<Item = (&str, &Generator)> {
        self.categories
            .get(&c)
            .into_iter()
            .flat_map(|m| m.iter().map(|(k, g)| (k.as_str(), g)))
    }

    /// As pact JSON.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for (c, gens) in &self.categories {
            if gens.is_empty() {
                continue;
            }
            let v = if c.is_single() {
                gens.values()
                    .next()
                    .map(Generator::to_json)
                    .unwrap_or(Value::Null)
            } else {
                Value::Object(gens.iter().map(|(k, g)| (k.clone(), g.to_json())).collect())
            };
            out.insert(c.name().to_string(), v);
        }
        Value::Object(out)
    }

    /// Headers (names without case) or query parameters; created when a generator needs them.
    fn apply_to_values(
        &self,
        c: Category,
        values: &mut Option<MultiMap>,
        ignore_case: bool,
        ctx: &mut GeneratorContext,
    ) -> Result<(), GeneratorError> {
        if self.category(c).next().is_none() {
            return Ok(());
        }
        let values = values.get_or_insert_with(MultiMap::default);
        for (name, g) in self.category(c) {
            let existing = if ignore_case {
                values.get_ignore_case(name).map(<[String]>::to_vec)
            } else {
                values.get(name).map(<[String]>::to_vec)
            };
            let existing = existing.unwrap_or_else(|| vec![String::new()]);
            let mut out = Vec::with_capacity(existing.len());
            for v in &existing {
                out.push(match g.generate(&json!(v), ctx)? {
                    Some(Value::String(s)) => s,
                    Some(other) => other.to_string(),
                    None => v.clone(),
                });
            }
            match (ignore_case, values.get_mut_ignore_case(name)) {
                (true, Some(slot)) => *slot = out,
                _ => values.set(name, out),
            }
        }
        Ok(())
    }

    fn apply_to_body(
        &self,
        body: &mut Body,
        ctx: &mut GeneratorContext,
    ) -> Result<(), GeneratorError> {
        let gens: Vec<(&str, &Generator)> = self.category(Category::Body).collect();
        if gens.is_empty() {
            return Ok(());
        }
        let Body::Present { bytes, json, .. } = body else {
            return Ok(());
        };
        // The body is a clone sharing its parse cache with the expectation: give the new
        // bytes a cache of their own.
        *json = JsonCache::default();
        match serde_json::from_slice::<Value>(bytes) {
            Ok(mut doc) => {
                for (path, g) in gens {
                    let Ok(expr) = PathExpr::parse(path) else {
                        continue;
                    };
                    apply_at(&mut doc, &expr.tokens()[1..], g, ctx)?;
                }
                *bytes = doc.to_string().into_bytes();
            }
            Err(_) => {
                // Not JSON: a generator on the whole body (`$`) replaces it as text.
                if let Some((_, g)) = gens.iter().find(|(p, _)| *p == "$") {
                    let current = json!(String::from_utf8_lossy(bytes));
                    if let Some(v) = g.generate(&current, ctx)? {
                        *bytes = match v {
                            Value::String(s) => s.into_bytes(),
                            other => other.to_string().into_bytes(),
                        };
                    }
                }
            }
        }
        Ok(())
    }

    /// Applies the generators to a request: path, headers, query and body.
    ///
    /// ```
    /// use pact_core::generators::*;
    /// use pact_core::model::Request;
    /// use pact_core::rules::Category;
    /// let mut req = Request { path: "/items/1".into(), ..Request::default() };
    /// req.generators.add(Category::Path, "", Generator::ProviderState {
    ///     expression: "/items/${id}".into(), data_type: None }).unwrap();
    /// let mut ctx = GeneratorContext::new(GeneratorMode::Provider);
    /// ctx.provider_state.insert("id".into(), 42.into());
    /// assert_eq!(req.generators.apply_to_request(&req, &mut ctx).unwrap().path, "/items/42");
    /// ```
    pub fn apply_to_request(
        &self,
        req: &Request,
        ctx: &mut GeneratorContext,
    ) -> Result<Request, GeneratorError> {
        let mut out = req.clone();
        if let Some((_, g)) = self.category(Category::Path).next() {
            if let Some(v) = g.generate(&json!(req.path), ctx)? {
                out.path = value_text(v);
            }
        }
        self.apply_to_values(Category::Header, &mut out.headers, true, ctx)?;
        self.apply_to_values(Category::Query, &mut out.query, false, ctx)?;
        self.apply_to_body(&mut out.body, ctx)?;
        Ok(out)
    }

    /// Applies the generators to a response: status, headers and body.
    pub fn apply_to_response(
        &self,
        resp: &Response,
        ctx: &mut GeneratorContext,
    ) -> Result<Response, GeneratorError> {
        let mut out = resp.clone();
        if let Some((_, g)) = self.category(Category::Status).next() {
            if let Some(v) = g.generate(&json!(resp.status), ctx)? {
                if let Some(s) = v.as_u64().and_then(|n| u16::try_from(n).ok()) {
                    out.status = s;
                }
            }
        }
        self.apply_to_values(Category::Header, &mut out.headers, true, ctx)?;
        self.apply_to_body(&mut out.body, ctx)?;
        Ok(out)
    }

    /// Applies the generators to message contents and metadata.
    pub fn apply_to_message(
        &self,
        msg: &MessageContents,
        ctx: &mut GeneratorContext,
    ) -> Result<MessageContents, GeneratorError> {
        let mut out = msg.clone();
        for (key, g) in self.category(Category::Metadata) {
            let current = out.metadata.get(key).cloned().unwrap_or(Value::Null);
            if let Some(v) = g.generate(&current, ctx)? {
                out.metadata.insert(key.to_string(), v);
            }
        }
        self.apply_to_body(&mut out.contents, ctx)?;
        Ok(out)
    }
}

fn value_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Replaces every value the expression selects (wildcards included).
fn apply_at(
    doc: &mut Value,
    tokens: &[PathToken],
    g: &Generator,
    ctx: &mut GeneratorContext,
) -> Result<(), GeneratorError> {
    let Some((first, rest)) = tokens.split_first() else {
        if let Some(v) = g.generate(doc, ctx)? {
            *doc = v;
        }
        return Ok(());
    };
    match (first, doc) {
        (PathToken::Field(f), Value::Object(m)) => {
            if let Some(child) = m.get_mut(f) {
                apply_at(child, rest, g, ctx)?;
            }
        }
        (PathToken::Field(f), Value::Array(a)) => {
            if let Some(child) = f.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                apply_at(child, rest, g, ctx)?;
            }
        }
        (PathToken::Index(i), Value::Array(a)) => {
            if let Some(child) = a.get_mut(*i) {
                apply_at(child, rest, g, ctx)?;
            }
        }
        (PathToken::Star, Value::Object(m)) => {
            for child in m.values_mut() {
                apply_at(child, rest, g, ctx)?;
            }
        }
        (PathToken::Star | PathToken::StarIndex, Value::Array(a)) => {
            for child in a.iter_mut() {
                apply_at(child, rest, g, ctx)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The URL a `MockServerURL` generator gives: the mock server's base URL joined to the
/// captured tail. Captures are often written without their leading slash (Pact-JVM's
/// `.*\/(\Qpacts\E…)$`), so a `/` goes between the two when neither has one; an empty
/// tail gives the base URL.
fn mock_server_url(base: &str, tail: &str) -> String {
    let base = base.trim_end_matches('/');
    if tail.is_empty() || tail.starts_with('/') {
        format!("{base}{tail}")
    } else {
        format!("{base}/{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mock_server_urls_join_base_and_tail_with_one_slash() {
        for (base, tail) in [
            ("http://127.0.0.1:1234", "/pacts/p"),
            ("http://127.0.0.1:1234/", "/pacts/p"),
            ("http://127.0.0.1:1234", "pacts/p"),
            ("http://127.0.0.1:1234/", "pacts/p"),
        ] {
            assert_eq!(
                mock_server_url(base, tail),
                "http://127.0.0.1:1234/pacts/p",
                "{base} + {tail}"
            );
        }
        assert_eq!(
            mock_server_url("http://127.0.0.1:1234/", ""),
            "http://127.0.0.1:1234"
        );
    }

    #[test]
    fn a_capture_without_its_leading_slash_still_gives_a_url() {
        // The compatibility suite's mock broker (pact-broker_c2.json, written by Pact-JVM).
        let g = Generator::from_json(&json!({
            "type": "MockServerURL",
            "example": "http://localhost:9876/pacts/provider/{provider}/for-verification",
            "regex": ".*\\/(\\Qpacts\\E\\/\\Qprovider\\E\\/\\Q{provider}\\E\\/\\Qfor-verification\\E)$"
        }))
        .unwrap();
        let mut ctx = GeneratorContext::new(GeneratorMode::Consumer);
        ctx.mock_server_url = Some("http://127.0.0.1:41234".into());
        assert_eq!(
            g.generate(&json!("x"), &mut ctx).unwrap(),
            Some(json!(
                "http://127.0.0.1:41234/pacts/provider/{provider}/for-verification"
            ))
        );
    }
}
