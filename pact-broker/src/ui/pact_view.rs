//! A pact as the pact page shows it: each interaction taken apart into what a person reads
//! (description, provider states, request, response, messages) with every matching rule
//! and generator placed beside the value it applies to.
//!
//! The view is built from the pact's JSON rather than from pact-core's model: a page must
//! show whatever a consumer published, including rules pact-core does not know and
//! interactions it refuses, so each part the page cannot interpret is shown as the JSON it
//! is. pact-core still reads every interaction, and its complaint, when it has one, is
//! shown with it: that is what a verifier will say about this pact.

use crate::domain::content::interaction_id;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use pact_core::model::{parse_query_string, ContentType, Reader, SpecVersion};
use serde_json::{Map, Value};

/// A whole pact, ready for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PactView {
    /// The specification version as declared, or how it reads when undeclared.
    pub spec: String,
    /// The interactions (HTTP and messages), in file order.
    pub interactions: Vec<InteractionView>,
    /// What the page could not read at the pact's level (a list that is not a list).
    pub problems: Vec<String>,
}

/// One interaction of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InteractionView {
    /// The element id on the page, `interaction-1`, for links from results and changes.
    pub anchor: String,
    /// The `_id` the broker serves it with, which the Rust verifiers report results by.
    pub id: String,
    /// The V4 `key`, which some verifiers report results by.
    pub key: Option<String>,
    /// The description.
    pub description: String,
    /// What kind it is, in words: `HTTP`, `Asynchronous message`, `Synchronous message`.
    pub kind: &'static str,
    /// The provider states, with their parameters.
    pub states: Vec<StateView>,
    /// V4 `pending`: its failure breaks no build.
    pub pending: bool,
    /// V4 comments, each as text.
    pub comments: Vec<String>,
    /// The request and response of an HTTP interaction.
    pub http: Option<HttpView>,
    /// The messages of a message interaction: one, or a request and its responses.
    pub messages: Vec<MessageView>,
    /// What the page or pact-core could not read in it.
    pub problems: Vec<String>,
    /// The interaction as JSON, when some part of it could not be shown otherwise.
    pub raw: Option<String>,
}

/// A provider state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StateView {
    /// The state's name.
    pub name: String,
    /// Its parameters, each value as compact JSON.
    pub params: Vec<Param>,
}

/// A named value, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Param {
    /// The name.
    pub name: String,
    /// The value as compact JSON.
    pub value: String,
}

/// An HTTP interaction's two halves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HttpView {
    /// What the consumer sends.
    pub request: RequestView,
    /// What the provider answers.
    pub response: ResponseView,
}

/// An expected request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestView {
    /// The method, upper case.
    pub method: String,
    /// The path.
    pub path: String,
    /// The rules and generators of the path.
    pub path_rules: Vec<RuleView>,
    /// The query parameters, with their rules.
    pub query: Vec<FieldView>,
    /// The headers, with their rules.
    pub headers: Vec<FieldView>,
    /// The body, with its rules.
    pub body: Option<BodyView>,
    /// Rules and generators of a category the page does not place, or for a header or
    /// parameter the request does not have.
    pub other_rules: Vec<RuleView>,
}

/// An expected response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResponseView {
    /// The status.
    pub status: String,
    /// The rules of the status.
    pub status_rules: Vec<RuleView>,
    /// The headers, with their rules.
    pub headers: Vec<FieldView>,
    /// The body, with its rules.
    pub body: Option<BodyView>,
    /// Rules and generators the page does not place.
    pub other_rules: Vec<RuleView>,
}

/// A message: its contents and metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MessageView {
    /// Which message: `Message`, `Request`, `Response 1`.
    pub title: String,
    /// The contents, with their rules.
    pub contents: Option<BodyView>,
    /// The metadata, with their rules.
    pub metadata: Vec<FieldView>,
    /// Rules and generators the page does not place.
    pub other_rules: Vec<RuleView>,
}

/// A header, query parameter or metadata entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldView {
    /// Its name.
    pub name: String,
    /// Its value(s), as text.
    pub value: String,
    /// The rules and generators for it.
    pub rules: Vec<RuleView>,
}

/// A body or message contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BodyView {
    /// The content type, when declared.
    pub content_type: Option<String>,
    /// The body as text: JSON pretty-printed, text as it is, binary as base64.
    pub text: String,
    /// How the body was stored, when that matters (`base64-encoded`, `binary, 12 bytes`).
    pub note: Option<String>,
    /// The rules and generators for paths in it.
    pub rules: Vec<RuleView>,
}

/// The matching rules or the generator for one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleView {
    /// The path the rule applies to (`$.id`, a header name); empty for the path or status.
    pub path: String,
    /// A generator rather than a matching rule.
    pub generator: bool,
    /// The matchers (one for a generator).
    pub parts: Vec<RulePart>,
    /// How several matchers combine: `and` or `or`.
    pub joiner: &'static str,
}

/// One matcher or generator in words: `type`, or `date` with `yyyy-MM-dd`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RulePart {
    /// What it is.
    pub name: String,
    /// Its argument (a regex, a format, a value), shown as code.
    pub detail: Option<String>,
}

/// The rules and generators of one part (a request, a response, a message), by category.
#[derive(Debug, Default)]
struct PartRules {
    body: Vec<RuleView>,
    header: Vec<RuleView>,
    query: Vec<RuleView>,
    metadata: Vec<RuleView>,
    path: Vec<RuleView>,
    status: Vec<RuleView>,
    other: Vec<RuleView>,
}

impl PartRules {
    /// The rules and generators of `part`, whichever form (V2 `$.body.x` keys, V3+
    /// categories) they are written in.
    fn of(part: &Map<String, Value>, problems: &mut Vec<String>) -> PartRules {
        let mut out = PartRules::default();
        match part.get("matchingRules") {
            None | Some(Value::Null) => {}
            Some(Value::Object(rules)) if rules.keys().any(|k| k.starts_with('$')) => {
                for (key, list) in rules {
                    out.add_v2(key, rule_view(key, list, false));
                }
            }
            Some(Value::Object(rules)) => {
                for (category, entries) in rules {
                    out.add_category(category, entries, false);
                }
            }
            Some(other) => {
                problems.push(format!("matchingRules is not an object: {other}"));
            }
        }
        match part.get("generators") {
            None | Some(Value::Null) => {}
            Some(Value::Object(generators)) => {
                for (category, entries) in generators {
                    out.add_category(category, entries, true);
                }
            }
            Some(other) => problems.push(format!("generators is not an object: {other}")),
        }
        out
    }

    /// A V2 rule, keyed by its whole path (`$.body.id`, `$.headers.Accept`, `$.query.q`).
    fn add_v2(&mut self, key: &str, mut view: RuleView) {
        let rest = key.strip_prefix("$.").unwrap_or(key);
        let (head, tail) = match rest.find(['.', '[']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let name = tail.strip_prefix('.').unwrap_or(tail);
        match head {
            "body" => {
                view.path = format!("${tail}");
                self.body.push(view);
            }
            "headers" | "header" if !name.is_empty() => {
                view.path = unbracket(name);
                self.header.push(view);
            }
            "query" if !name.is_empty() => {
                view.path = unbracket(name);
                self.query.push(view);
            }
            "path" if tail.is_empty() => {
                view.path = String::new();
                self.path.push(view);
            }
            _ => self.other.push(view),
        }
    }

    /// Where rules of `category` go; `None` for a category the page does not place.
    fn slot(&mut self, category: &str) -> Option<&mut Vec<RuleView>> {
        Some(match category {
            "body" | "content" => &mut self.body,
            "header" | "headers" => &mut self.header,
            "query" => &mut self.query,
            "metadata" => &mut self.metadata,
            "path" => &mut self.path,
            "status" => &mut self.status,
            _ => return None,
        })
    }

    /// A V3+ category of rules (`matchers` lists by path or name) or of generators.
    fn add_category(&mut self, category: &str, entries: &Value, generator: bool) {
        // The path and the status have one rule list (or generator), written without a key.
        let single = entries.get("matchers").is_some()
            || (generator && entries.get("type").is_some_and(Value::is_string));
        let known = self.slot(category).is_some();
        let views: Vec<RuleView> = match entries {
            Value::Object(_) if single => {
                vec![rule_view(
                    if known { "" } else { category },
                    entries,
                    generator,
                )]
            }
            Value::Object(map) => map
                .iter()
                .map(|(key, list)| {
                    let path = if known {
                        key.clone()
                    } else {
                        format!("{category} {key}")
                    };
                    rule_view(&path, list, generator)
                })
                .collect(),
            other => {
                self.other.push(rule_view(category, other, generator));
                return;
            }
        };
        match self.slot(category) {
            Some(target) => target.extend(views),
            None => self.other.extend(views),
        }
    }
}

/// `['Content-Type']` as `Content-Type`: V2 writes names that are not identifiers so.
fn unbracket(name: &str) -> String {
    name.strip_prefix("['")
        .and_then(|n| n.strip_suffix("']"))
        .unwrap_or(name)
        .to_string()
}

/// The rule list (or generator) `list` for `path`, in words.
fn rule_view(path: &str, list: &Value, generator: bool) -> RuleView {
    let (parts, joiner) = if generator {
        (vec![describe_generator(list)], "and")
    } else {
        match list.get("matchers") {
            Some(Value::Array(matchers)) => {
                let or = list
                    .get("combine")
                    .and_then(Value::as_str)
                    .is_some_and(|c| c.eq_ignore_ascii_case("or"));
                (
                    matchers.iter().map(describe_matcher).collect(),
                    if or { "or" } else { "and" },
                )
            }
            _ => (vec![describe_matcher(list)], "and"),
        }
    };
    RuleView {
        path: path.to_string(),
        generator,
        parts,
        joiner,
    }
}

/// Compact text of a JSON value: strings without quotes.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One matcher in words. Known matchers get their argument picked out; anything else shows
/// its name and remaining fields, so a matcher newer than this page still reads.
pub(crate) fn describe_matcher(m: &Value) -> RulePart {
    let Some(obj) = m.as_object() else {
        return RulePart {
            name: text_of(m),
            detail: None,
        };
    };
    let field = |k: &str| obj.get(k).map(text_of);
    let kind = match obj.get("match").and_then(Value::as_str) {
        Some(k) => k.to_string(),
        // V2 wrote some rules without `match`.
        None if obj.contains_key("regex") => "regex".into(),
        None if ["timestamp", "date", "time"]
            .iter()
            .any(|k| obj.contains_key(*k)) =>
        {
            ["timestamp", "date", "time"]
                .into_iter()
                .find(|k| obj.contains_key(*k))
                .unwrap_or("timestamp")
                .into()
        }
        None if obj.contains_key("min") || obj.contains_key("max") => "type".into(),
        None => {
            return RulePart {
                name: Value::Object(obj.clone()).to_string(),
                detail: None,
            }
        }
    };
    let bounds = || {
        let mut b = Vec::new();
        if let Some(min) = field("min") {
            b.push(format!("at least {min}"));
        }
        if let Some(max) = field("max") {
            b.push(format!("at most {max}"));
        }
        b
    };
    let (name, detail) = match kind.as_str() {
        "type" => {
            let b = bounds();
            if b.is_empty() {
                ("type".to_string(), None)
            } else {
                (format!("type, {}", b.join(", ")), None)
            }
        }
        "min" | "max" => (format!("type, {}", bounds().join(", ")), None),
        "regex" => ("regex".to_string(), field("regex")),
        "date" | "time" | "timestamp" | "datetime" => {
            let format = field("format")
                .or_else(|| field(&kind))
                .or_else(|| ["timestamp", "date", "time"].into_iter().find_map(&field));
            (kind.clone(), format)
        }
        "include" => ("includes".to_string(), field("value")),
        "contentType" => ("content type".to_string(), field("value")),
        "statusCode" => ("status code".to_string(), field("status")),
        "notEmpty" => ("not empty".to_string(), None),
        "semver" => ("semantic version".to_string(), None),
        "arrayContains" => {
            let n = obj
                .get("variants")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            (format!("array contains {n} variant(s)"), None)
        }
        "eachKey" | "eachValue" => {
            let inner = obj
                .get("rules")
                .and_then(Value::as_array)
                .map(|rules| {
                    rules
                        .iter()
                        .map(|r| {
                            let p = describe_matcher(r);
                            match p.detail {
                                Some(d) => format!("{} {d}", p.name),
                                None => p.name,
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .filter(|s| !s.is_empty());
            let name = if kind == "eachKey" {
                "each key"
            } else {
                "each value"
            };
            (name.to_string(), inner)
        }
        "equality" | "integer" | "decimal" | "number" | "null" | "boolean" | "values" => {
            (kind.clone(), None)
        }
        _ => {
            let rest: Map<String, Value> = obj
                .iter()
                .filter(|(k, _)| *k != "match")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let detail = (!rest.is_empty()).then(|| Value::Object(rest).to_string());
            (kind.clone(), detail)
        }
    };
    RulePart { name, detail }
}

/// A generator in words: its type, and its format, pattern or expression, else its other
/// fields.
pub(crate) fn describe_generator(g: &Value) -> RulePart {
    let Some(obj) = g.as_object() else {
        return RulePart {
            name: text_of(g),
            detail: None,
        };
    };
    let name = obj
        .get("type")
        .map(text_of)
        .unwrap_or_else(|| "generator".to_string());
    let detail = ["format", "regex", "expression"]
        .into_iter()
        .find_map(|k| obj.get(k).map(text_of))
        .or_else(|| {
            // Bounds read as a range, lower first, whatever order the map keeps.
            let rank = |k: &str| ["min", "max"].iter().position(|x| *x == k).unwrap_or(2);
            let mut rest: Vec<(&String, &Value)> =
                obj.iter().filter(|(k, _)| *k != "type").collect();
            rest.sort_by_key(|(k, _)| rank(k));
            let rest: Vec<String> = rest
                .into_iter()
                .map(|(k, v)| format!("{k} {}", text_of(v)))
                .collect();
            (!rest.is_empty()).then(|| rest.join(", "))
        });
    RulePart { name, detail }
}

/// The declared specification version of a pact, or how it reads without one.
fn spec_of(pact: &Map<String, Value>) -> (String, SpecVersion) {
    let metadata = pact.get("metadata");
    let declared = ["pactSpecification", "pact-specification"]
        .into_iter()
        .find_map(|k| metadata?.get(k)?.get("version"))
        .or_else(|| metadata?.get("pactSpecificationVersion"))
        .map(text_of);
    let inferred = || pact_core::model::infer_spec_version(pact);
    match declared {
        Some(text) => {
            let spec = SpecVersion::parse(&text).unwrap_or_else(inferred);
            (text, spec)
        }
        None => {
            let spec = inferred();
            (format!("not declared (reads as {spec})"), spec)
        }
    }
}

impl PactView {
    /// The view of a pact's JSON. Never fails: what cannot be read is shown as it is.
    pub fn new(pact: &Value) -> PactView {
        let Some(obj) = pact.as_object() else {
            return PactView {
                spec: "unknown".into(),
                interactions: Vec::new(),
                problems: vec!["The pact is not a JSON object.".into()],
            };
        };
        let (spec, version) = spec_of(obj);
        let reader = Reader::new("pact", version);
        let mut interactions = Vec::new();
        let mut problems = Vec::new();
        for list in ["interactions", "messages"] {
            match obj.get(list) {
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        let mut view = InteractionView::new(
                            item,
                            interactions.len() + 1,
                            list == "messages",
                            version,
                        );
                        let field = format!("{list}[{i}]");
                        if let Err(e) = reader.interaction(item, &field, list == "messages") {
                            view.problems
                                .push(format!("Pact verifiers cannot read it: {e}"));
                            view.raw.get_or_insert_with(|| pretty(item));
                        }
                        interactions.push(view);
                    }
                }
                Some(other) => problems.push(format!(
                    "`{list}` is not a list, so it is not shown as interactions: {}",
                    pretty(other)
                )),
            }
        }
        PactView {
            spec,
            interactions,
            problems,
        }
    }
}

/// `v` as indented JSON.
pub(crate) fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

impl InteractionView {
    /// The view of interaction `item`, the `number`th of its pact (from 1); `message` for
    /// an entry of a V3 message pact's `messages`.
    fn new(item: &Value, number: usize, message: bool, spec: SpecVersion) -> InteractionView {
        let mut view = InteractionView {
            anchor: format!("interaction-{number}"),
            id: interaction_id(item),
            key: None,
            description: String::new(),
            kind: "HTTP",
            states: Vec::new(),
            pending: false,
            comments: Vec::new(),
            http: None,
            messages: Vec::new(),
            problems: Vec::new(),
            raw: None,
        };
        let Some(obj) = item.as_object() else {
            view.description = "(not an interaction)".into();
            view.kind = "Unreadable";
            view.problems
                .push("This entry is not a JSON object.".to_string());
            view.raw = Some(pretty(item));
            return view;
        };
        view.description = obj
            .get("description")
            .map(text_of)
            .unwrap_or_else(|| "(no description)".into());
        view.key = obj.get("key").and_then(Value::as_str).map(str::to_string);
        view.pending = obj.get("pending").and_then(Value::as_bool) == Some(true);
        view.states = states_of(obj);
        view.comments = comments_of(obj.get("comments"));
        let v4 = spec >= SpecVersion::V4 || obj.contains_key("type");
        let kind = obj.get("type").and_then(Value::as_str).unwrap_or(
            if message || obj.contains_key("contents") {
                "Asynchronous/Messages"
            } else {
                "Synchronous/HTTP"
            },
        );
        let mut problems = Vec::new();
        match kind {
            "Synchronous/HTTP" => {
                let request = obj.get("request").and_then(Value::as_object);
                let response = obj.get("response").and_then(Value::as_object);
                match (request, response) {
                    (Some(req), Some(resp)) => {
                        view.http = Some(HttpView {
                            request: request_view(req, v4, &mut problems),
                            response: response_view(resp, v4, &mut problems),
                        });
                    }
                    _ => {
                        problems.push("Its request or response is missing or not an object.".into())
                    }
                }
            }
            "Asynchronous/Messages" => {
                view.kind = "Asynchronous message";
                view.messages
                    .push(message_view("Message", obj, v4, &mut problems));
            }
            "Synchronous/Messages" => {
                view.kind = "Synchronous message";
                match obj.get("request").and_then(Value::as_object) {
                    Some(req) => {
                        view.messages
                            .push(message_view("Request", req, v4, &mut problems))
                    }
                    None => problems.push("Its request is missing or not an object.".into()),
                }
                let responses: Vec<&Value> = match obj.get("response") {
                    Some(Value::Array(list)) => list.iter().collect(),
                    Some(one @ Value::Object(_)) => vec![one],
                    _ => Vec::new(),
                };
                for (i, r) in responses.iter().enumerate() {
                    match r.as_object() {
                        Some(r) => view.messages.push(message_view(
                            &format!("Response {}", i + 1),
                            r,
                            v4,
                            &mut problems,
                        )),
                        None => problems.push(format!("Response {} is not an object.", i + 1)),
                    }
                }
            }
            other => {
                view.kind = "Unknown kind";
                problems.push(format!("Its type `{other}` is not one this page knows."));
            }
        }
        if !problems.is_empty() {
            view.raw = Some(pretty(item));
        }
        view.problems = problems;
        view
    }
}

/// The provider states of an interaction: V3+ `providerStates` (objects or names) or the
/// V1/V2 `providerState` name.
fn states_of(obj: &Map<String, Value>) -> Vec<StateView> {
    match (obj.get("providerStates"), obj.get("providerState")) {
        (Some(Value::Array(states)), _) => states
            .iter()
            .map(|s| match s {
                Value::Object(o) => StateView {
                    name: o.get("name").map(text_of).unwrap_or_default(),
                    params: match o.get("params") {
                        Some(Value::Object(p)) => p
                            .iter()
                            .map(|(k, v)| Param {
                                name: k.clone(),
                                value: v.to_string(),
                            })
                            .collect(),
                        _ => Vec::new(),
                    },
                },
                other => StateView {
                    name: text_of(other),
                    params: Vec::new(),
                },
            })
            .collect(),
        (_, Some(Value::String(s))) if !s.is_empty() => vec![StateView {
            name: s.clone(),
            params: Vec::new(),
        }],
        _ => Vec::new(),
    }
}

/// V4 comments as lines: `text` entries, then `testname` and anything else by name.
fn comments_of(comments: Option<&Value>) -> Vec<String> {
    let Some(Value::Object(map)) = comments else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(Value::Array(lines)) = map.get("text") {
        out.extend(lines.iter().map(text_of));
    }
    for (k, v) in map {
        match (k.as_str(), v) {
            ("text", Value::Array(_)) => {}
            ("testname", v) => out.push(format!("Test: {}", text_of(v))),
            (k, v) => out.push(format!("{k}: {}", text_of(v))),
        }
    }
    out
}

/// The value of a `Content-Type`-like entry of `map`, whatever its case.
fn content_type_in(map: Option<&Map<String, Value>>) -> Option<String> {
    map?.iter()
        .find(|(k, _)| {
            k.eq_ignore_ascii_case("content-type") || k.eq_ignore_ascii_case("contentType")
        })
        .map(|(_, v)| match v {
            Value::Array(vs) => vs.first().map(text_of).unwrap_or_default(),
            other => text_of(other),
        })
}

/// Headers, query parameters or metadata as fields, each with the rules for its name
/// (header names compare without case); `rules` keeps the ones no field took.
fn fields_of(
    entries: Vec<(String, String)>,
    rules: &mut Vec<RuleView>,
    ignore_case: bool,
) -> Vec<FieldView> {
    entries
        .into_iter()
        .map(|(name, value)| {
            let same = |r: &RuleView| {
                if ignore_case {
                    r.path.eq_ignore_ascii_case(&name)
                } else {
                    r.path == name
                }
            };
            let (mine, rest): (Vec<RuleView>, Vec<RuleView>) = rules.drain(..).partition(same);
            *rules = rest;
            FieldView {
                name,
                value,
                rules: mine,
            }
        })
        .collect()
}

/// The entries of a headers or metadata object: each value as text, lists joined.
fn entries_of(v: Option<&Value>) -> Vec<(String, String)> {
    match v {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::Array(vs) => vs.iter().map(text_of).collect::<Vec<_>>().join(", "),
                    other => text_of(other),
                };
                (k.clone(), text)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Rules left for names the part does not have, named by their category.
fn leftover(category: &str, rules: Vec<RuleView>) -> impl Iterator<Item = RuleView> + '_ {
    rules.into_iter().map(move |mut r| {
        r.path = format!("{category} {}", r.path);
        r
    })
}

fn request_view(req: &Map<String, Value>, v4: bool, problems: &mut Vec<String>) -> RequestView {
    let mut rules = PartRules::of(req, problems);
    let query: Vec<(String, String)> = match req.get("query") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => parse_query_string(s, false)
            .iter()
            .map(|(k, vs)| (k.to_string(), vs.join(", ")))
            .collect(),
        other => entries_of(other),
    };
    let headers = entries_of(req.get("headers"));
    let content_type = content_type_in(req.get("headers").and_then(Value::as_object));
    let query = fields_of(query, &mut rules.query, false);
    let headers = fields_of(headers, &mut rules.header, true);
    let body = body_view(
        req.get("body"),
        content_type,
        v4,
        std::mem::take(&mut rules.body),
    );
    let mut other_rules = rules.other;
    other_rules.extend(leftover("query", rules.query));
    other_rules.extend(leftover("header", rules.header));
    other_rules.extend(leftover("metadata", rules.metadata));
    other_rules.extend(leftover("status", rules.status));
    RequestView {
        method: req
            .get("method")
            .map(text_of)
            .unwrap_or_else(|| "GET".into())
            .to_ascii_uppercase(),
        path: req.get("path").map(text_of).unwrap_or_else(|| "/".into()),
        path_rules: rules.path,
        query,
        headers,
        body,
        other_rules,
    }
}

fn response_view(resp: &Map<String, Value>, v4: bool, problems: &mut Vec<String>) -> ResponseView {
    let mut rules = PartRules::of(resp, problems);
    let content_type = content_type_in(resp.get("headers").and_then(Value::as_object));
    let headers = fields_of(entries_of(resp.get("headers")), &mut rules.header, true);
    let body = body_view(
        resp.get("body"),
        content_type,
        v4,
        std::mem::take(&mut rules.body),
    );
    let mut other_rules = rules.other;
    other_rules.extend(leftover("header", rules.header));
    other_rules.extend(leftover("query", rules.query));
    other_rules.extend(leftover("path", rules.path));
    other_rules.extend(leftover("metadata", rules.metadata));
    ResponseView {
        status: resp
            .get("status")
            .map(text_of)
            .unwrap_or_else(|| "200".into()),
        status_rules: rules.status,
        headers,
        body,
        other_rules,
    }
}

fn message_view(
    title: &str,
    msg: &Map<String, Value>,
    v4: bool,
    problems: &mut Vec<String>,
) -> MessageView {
    let mut rules = PartRules::of(msg, problems);
    let meta = msg.get("metadata").or_else(|| msg.get("metaData"));
    let content_type = content_type_in(meta.and_then(Value::as_object));
    let metadata = fields_of(entries_of(meta), &mut rules.metadata, false);
    let contents = body_view(
        msg.get("contents"),
        content_type,
        v4,
        std::mem::take(&mut rules.body),
    );
    let mut other_rules = rules.other;
    other_rules.extend(leftover("metadata", rules.metadata));
    other_rules.extend(leftover("header", rules.header));
    other_rules.extend(leftover("query", rules.query));
    other_rules.extend(leftover("path", rules.path));
    other_rules.extend(leftover("status", rules.status));
    MessageView {
        title: title.to_string(),
        contents,
        metadata,
        other_rules,
    }
}

fn is_json_type(content_type: Option<&str>) -> bool {
    content_type
        .and_then(ContentType::parse)
        .is_some_and(|ct| ct.is_json())
}

/// Text as a page shows a body: JSON pretty-printed when it is JSON (declared so, or
/// undeclared and parsing as an object or array), else as it is.
fn text_body(text: &str, content_type: Option<&str>) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(v)
            if is_json_type(content_type)
                || (content_type.is_none() && (v.is_object() || v.is_array())) =>
        {
            pretty(&v)
        }
        _ => text.to_string(),
    }
}

/// A body or message contents, V4 `{content, contentType, encoded}` or written as itself.
fn body_view(
    body: Option<&Value>,
    header_type: Option<String>,
    v4: bool,
    rules: Vec<RuleView>,
) -> Option<BodyView> {
    let body = match body {
        None | Some(Value::Null) if rules.is_empty() => return None,
        None => &Value::Null,
        Some(b) => b,
    };
    let v4_form = body.as_object().filter(|o| {
        v4 && o.contains_key("content")
            && o.keys().all(|k| {
                ["content", "contentType", "encoded", "contentTypeHint"].contains(&k.as_str())
            })
    });
    let (content_type, text, note) = match v4_form {
        Some(o) => {
            let ct = o
                .get("contentType")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or(header_type);
            let content = o.get("content").unwrap_or(&Value::Null);
            let (text, note) = match (o.get("encoded"), content) {
                (Some(Value::Bool(true)), Value::String(s)) => decoded(s, ct.as_deref()),
                (Some(Value::String(enc)), Value::String(s))
                    if enc.eq_ignore_ascii_case("base64") =>
                {
                    decoded(s, ct.as_deref())
                }
                (Some(Value::String(enc)), Value::String(s))
                    if enc.eq_ignore_ascii_case("json") =>
                {
                    (text_body(s, Some("application/json")), None)
                }
                (Some(Value::String(enc)), Value::String(s)) => (
                    s.clone(),
                    Some(format!("encoded as `{enc}`, shown as stored")),
                ),
                (_, Value::String(s)) => (text_body(s, ct.as_deref()), None),
                (_, other) => (pretty(other), None),
            };
            (ct, text, note)
        }
        None => {
            let text = match body {
                Value::String(s) => text_body(s, header_type.as_deref()),
                other => pretty(other),
            };
            (header_type, text, None)
        }
    };
    Some(BodyView {
        content_type,
        text,
        note,
        rules,
    })
}

/// A base64 body: its text when it decodes to readable UTF-8 (no control characters but
/// line breaks and tabs), else the base64 as stored.
fn decoded(s: &str, content_type: Option<&str>) -> (String, Option<String>) {
    let readable = |t: &str| {
        !t.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    };
    match STANDARD.decode(s.trim()) {
        Ok(bytes) => match std::str::from_utf8(&bytes) {
            Ok(text) if readable(text) => (
                text_body(text, content_type),
                Some("base64-encoded in the pact, shown decoded".into()),
            ),
            _ => (
                s.to_string(),
                Some(format!("binary, {} bytes, shown as base64", bytes.len())),
            ),
        },
        Err(_) => (
            s.to_string(),
            Some("marked base64-encoded but is not base64; shown as stored".into()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule_text(r: &RuleView) -> String {
        let parts: Vec<String> = r
            .parts
            .iter()
            .map(|p| match &p.detail {
                Some(d) => format!("{} {d}", p.name),
                None => p.name.clone(),
            })
            .collect();
        format!(
            "{}{} — {}",
            if r.generator { "gen " } else { "" },
            r.path,
            parts.join(&format!(" {} ", r.joiner))
        )
    }

    fn texts(rules: &[RuleView]) -> Vec<String> {
        rules.iter().map(rule_text).collect()
    }

    #[test]
    fn v3_rules_and_generators_sit_beside_their_values() {
        let pact = json!({
            "consumer": {"name": "C"}, "provider": {"name": "P"},
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "interactions": [{
                "description": "a request for an order",
                "providerStates": [{"name": "an order exists", "params": {"id": 42}}],
                "request": {
                    "method": "get", "path": "/orders/42",
                    "query": {"expand": ["items"]},
                    "headers": {"Accept": "application/json"},
                    "matchingRules": {
                        "path": {"matchers": [{"match": "regex", "regex": "/orders/\\d+"}]},
                        "query": {"expand": {"matchers": [{"match": "type"}]}},
                        "header": {"accept": {"matchers": [{"match": "regex", "regex": "application/.*"}]}}
                    }
                },
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": 42, "date": "2026-01-02"},
                    "matchingRules": {"body": {
                        "$.id": {"matchers": [{"match": "type"}, {"match": "integer"}], "combine": "AND"},
                        "$.date": {"matchers": [{"match": "date", "format": "yyyy-MM-dd"}]}
                    }},
                    "generators": {"body": {"$.id": {"type": "RandomInt", "min": 1, "max": 99}}}
                }
            }]
        });
        let view = PactView::new(&pact);
        assert_eq!(view.spec, "3.0.0");
        let i = &view.interactions[0];
        assert!(i.problems.is_empty(), "{:?}", i.problems);
        assert_eq!(i.anchor, "interaction-1");
        assert_eq!(i.id, interaction_id(&pact["interactions"][0]));
        assert_eq!(i.states[0].name, "an order exists");
        assert_eq!(
            i.states[0].params,
            [Param {
                name: "id".into(),
                value: "42".into()
            }]
        );
        let http = i.http.as_ref().unwrap();
        assert_eq!(http.request.method, "GET");
        assert_eq!(texts(&http.request.path_rules), [" — regex /orders/\\d+"]);
        assert_eq!(http.request.query[0].value, "items");
        assert_eq!(texts(&http.request.query[0].rules), ["expand — type"]);
        assert_eq!(
            texts(&http.request.headers[0].rules),
            ["accept — regex application/.*"]
        );
        let body = http.response.body.as_ref().unwrap();
        assert_eq!(
            body.text,
            "{\n  \"date\": \"2026-01-02\",\n  \"id\": 42\n}".to_string()
        );
        assert_eq!(
            texts(&body.rules),
            [
                "$.date — date yyyy-MM-dd",
                "$.id — type and integer",
                "gen $.id — RandomInt min 1, max 99"
            ]
        );
        assert!(http.response.other_rules.is_empty());
    }

    #[test]
    fn v2_rules_are_placed_by_their_path() {
        let pact = json!({
            "consumer": {"name": "C"}, "provider": {"name": "P"},
            "metadata": {"pactSpecification": {"version": "2.0.0"}},
            "interactions": [{
                "description": "d", "providerState": "s",
                "request": {"method": "GET", "path": "/", "query": "a=1&a=2&b=x"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"items": [{"id": 1}]},
                    "matchingRules": {
                        "$.body.items": {"min": 1, "match": "type"},
                        "$.body.items[*].id": {"match": "type"},
                        "$.headers.Content-Type": {"regex": "application/json.*"},
                        "$.status": {"match": "type"}
                    }
                }
            }]
        });
        let view = PactView::new(&pact);
        let i = &view.interactions[0];
        assert_eq!(i.states[0].name, "s");
        let http = i.http.as_ref().unwrap();
        assert_eq!(
            http.request
                .query
                .iter()
                .map(|f| (f.name.as_str(), f.value.as_str()))
                .collect::<Vec<_>>(),
            [("a", "1, 2"), ("b", "x")]
        );
        assert_eq!(
            texts(&http.response.body.as_ref().unwrap().rules),
            ["$.items — type, at least 1", "$.items[*].id — type"]
        );
        assert_eq!(
            texts(&http.response.headers[0].rules),
            ["Content-Type — regex application/json.*"]
        );
        assert_eq!(texts(&http.response.other_rules), ["$.status — type"]);
    }

    #[test]
    fn v4_bodies_and_messages_read() {
        let pact = json!({
            "consumer": {"name": "C"}, "provider": {"name": "P"},
            "metadata": {"pactSpecification": {"version": "4.0"}},
            "interactions": [
                {
                    "type": "Synchronous/HTTP", "description": "http", "key": "k1", "pending": true,
                    "comments": {"text": ["why"], "testname": "t::it"},
                    "request": {"method": "POST", "path": "/x",
                        "body": {"content": "eyJhIjoxfQ==", "contentType": "application/json", "encoded": "base64"}},
                    "response": {"status": 201,
                        "body": {"content": {"ok": true}, "contentType": "application/json", "encoded": false}}
                },
                {
                    "type": "Asynchronous/Messages", "description": "an event",
                    "contents": {"content": {"id": 1}, "contentType": "application/json", "encoded": false},
                    "metadata": {"topic": "orders"},
                    "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}},
                                      "metadata": {"topic": {"matchers": [{"match": "regex", "regex": "ord.*"}]}}}
                },
                {
                    "type": "Synchronous/Messages", "description": "a call",
                    "request": {"contents": {"content": "ping", "contentType": "text/plain", "encoded": false}},
                    "response": [{"contents": {"content": "AAEC", "contentType": "application/octet-stream", "encoded": "base64"}}]
                }
            ]
        });
        let view = PactView::new(&pact);
        let [http, event, call] = view.interactions.as_slice() else {
            panic!("three interactions")
        };
        assert!(http.problems.is_empty(), "{:?}", http.problems);
        assert_eq!(http.key.as_deref(), Some("k1"));
        assert!(http.pending);
        assert_eq!(http.comments, ["why", "Test: t::it"]);
        let h = http.http.as_ref().unwrap();
        let req_body = h.request.body.as_ref().unwrap();
        assert_eq!(req_body.text, "{\n  \"a\": 1\n}");
        assert!(req_body.note.as_deref().unwrap().contains("base64"));
        assert_eq!(
            h.response.body.as_ref().unwrap().text,
            "{\n  \"ok\": true\n}"
        );
        assert_eq!(event.kind, "Asynchronous message");
        let m = &event.messages[0];
        assert_eq!(m.contents.as_ref().unwrap().text, "{\n  \"id\": 1\n}");
        assert_eq!(
            texts(&m.contents.as_ref().unwrap().rules),
            ["$.id — integer"]
        );
        assert_eq!(texts(&m.metadata[0].rules), ["topic — regex ord.*"]);
        assert_eq!(call.kind, "Synchronous message");
        assert_eq!(call.messages[0].contents.as_ref().unwrap().text, "ping");
        let binary = call.messages[1].contents.as_ref().unwrap();
        assert_eq!(call.messages[1].title, "Response 1");
        assert_eq!(binary.text, "AAEC");
        assert_eq!(
            binary.note.as_deref(),
            Some("binary, 3 bytes, shown as base64")
        );
    }

    #[test]
    fn v3_message_pacts_read() {
        let pact = json!({
            "consumer": {"name": "C"}, "provider": {"name": "P"},
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "messages": [{
                "description": "an order was placed",
                "providerStates": [{"name": "an order"}],
                "contents": {"id": 7},
                "metaData": {"contentType": "application/json"},
                "matchingRules": {"body": {"$.id": {"matchers": [{"match": "type"}]}}}
            }]
        });
        let view = PactView::new(&pact);
        let i = &view.interactions[0];
        assert!(i.problems.is_empty(), "{:?}", i.problems);
        assert_eq!(i.kind, "Asynchronous message");
        let m = &i.messages[0];
        assert_eq!(m.metadata[0].value, "application/json");
        let contents = m.contents.as_ref().unwrap();
        assert_eq!(contents.content_type.as_deref(), Some("application/json"));
        assert_eq!(texts(&contents.rules), ["$.id — type"]);
    }

    #[test]
    fn what_cannot_be_read_is_shown_raw() {
        let pact = json!({
            "consumer": {"name": "C"}, "provider": {"name": "P"},
            "interactions": [
                {"description": "no response", "request": {"method": "GET", "path": "/"}},
                {"description": "odd type", "type": "Carrier/Pigeon"},
                "just a string",
                {"description": "odd rules", "request": {"path": "/"}, "response": {"status": 200,
                    "matchingRules": {"body": {"$.a": {"matchers": [{"match": "fancyNew", "level": 3}]}}},
                    "body": {"a": 1}}}
            ],
            "messages": {"not": "a list"}
        });
        let view = PactView::new(&pact);
        assert_eq!(view.interactions.len(), 4);
        assert!(view.problems[0].contains("`messages` is not a list"));
        let [missing, odd, string, rules] = view.interactions.as_slice() else {
            panic!("four")
        };
        assert!(missing.http.is_none());
        assert!(missing.raw.as_deref().unwrap().contains("no response"));
        assert!(missing
            .problems
            .iter()
            .any(|p| p.starts_with("Pact verifiers cannot read it")));
        assert_eq!(odd.kind, "Unknown kind");
        assert!(odd.raw.is_some());
        assert_eq!(string.kind, "Unreadable");
        assert!(string.raw.as_deref().unwrap().contains("just a string"));
        let body = rules.http.as_ref().unwrap().response.body.as_ref().unwrap();
        assert_eq!(texts(&body.rules), ["$.a — fancyNew {\"level\":3}"]);
    }

    #[test]
    fn matchers_read_in_words() {
        let d = |v: Value| {
            let p = describe_matcher(&v);
            (p.name, p.detail)
        };
        assert_eq!(
            d(json!({"match": "timestamp", "timestamp": "yyyy"})),
            ("timestamp".into(), Some("yyyy".into()))
        );
        assert_eq!(
            d(json!({"match": "include", "value": "ab"})),
            ("includes".into(), Some("ab".into()))
        );
        assert_eq!(
            d(json!({"match": "eachValue", "rules": [{"match": "regex", "regex": "\\d"}]})),
            ("each value".into(), Some("regex \\d".into()))
        );
        assert_eq!(
            d(json!({"match": "type", "min": 1, "max": 3})),
            ("type, at least 1, at most 3".into(), None)
        );
        assert_eq!(
            d(json!({"match": "statusCode", "status": "success"})),
            ("status code".into(), Some("success".into()))
        );
        let g = describe_generator(&json!({"type": "Date", "format": "yyyy-MM-dd"}));
        assert_eq!(
            (g.name.as_str(), g.detail.as_deref()),
            ("Date", Some("yyyy-MM-dd"))
        );
    }
}
