//! Writing pacts as JSON of V2, V3 or V4, deterministically: keys sorted, interactions in
//! model order, so that a pact diff in git shows only what changed.

use super::*;
use base64::Engine as _;
use serde_json::{json, Map, Value};

impl Pact {
    /// The pact as JSON of the given version (V1 and V1.1 are written as V2, the oldest
    /// version this writer produces). Interactions a version cannot express (messages
    /// before V3, synchronous messages before V4) are left out of that version's output.
    pub fn to_json(&self, spec: SpecVersion) -> Value {
        let spec = spec.max(SpecVersion::V2);
        let mut metadata = self.metadata.clone();
        metadata.insert(
            "pactSpecification".into(),
            json!({ "version": spec.as_str() }),
        );
        let mut out = Map::new();
        out.insert("consumer".into(), json!({ "name": self.consumer }));
        out.insert("provider".into(), json!({ "name": self.provider }));
        out.insert("metadata".into(), Value::Object(metadata));
        let (http, messages): (Vec<_>, Vec<_>) = self
            .interactions
            .iter()
            .partition(|i| matches!(i, Interaction::Http(_)));
        if spec == SpecVersion::V4 {
            let all = self.interactions.iter().map(|i| i.to_json(spec)).collect();
            out.insert("interactions".into(), Value::Array(all));
        } else {
            let http: Vec<Value> = http.iter().map(|i| i.to_json(spec)).collect();
            let messages: Vec<Value> = messages
                .iter()
                .filter(|i| spec >= SpecVersion::V3 && matches!(i, Interaction::AsyncMessage(_)))
                .map(|i| i.to_json(spec))
                .collect();
            if !http.is_empty() || messages.is_empty() {
                out.insert("interactions".into(), Value::Array(http));
            }
            if !messages.is_empty() {
                out.insert("messages".into(), Value::Array(messages));
            }
        }
        sorted(Value::Object(out))
    }

    /// What writing the pact as `spec` would lose, one line each, naming the interaction
    /// and the place: a V2 pact holds one provider state without params, regex and type
    /// rules (with min/max) combined with AND, and no generators or message interactions; a
    /// V3 pact no synchronous messages. Whoever writes a pact checks this first, so nothing
    /// is dropped silently.
    ///
    /// ```
    /// use pact_core::model::{read_pact, SpecVersion};
    /// let pact = read_pact(r#"{"consumer":{"name":"C"},"provider":{"name":"P"},"interactions":[{
    ///     "description":"a request","providerStates":[{"name":"a","params":{"id":1}},{"name":"b"}],
    ///     "request":{"method":"GET","path":"/"},"response":{"status":200}}],
    ///     "metadata":{"pactSpecification":{"version":"3.0.0"}}}"#, "x").unwrap();
    /// assert_eq!(pact.lost_in(SpecVersion::V2), [
    ///     "a request: a second provider state (\"b\")",
    ///     "a request: the params of provider state \"a\"",
    /// ]);
    /// assert!(pact.lost_in(SpecVersion::V3).is_empty());
    /// ```
    pub fn lost_in(&self, spec: SpecVersion) -> Vec<String> {
        use crate::rules::{Category, MatchingRule, RuleLogic};
        let mut out = Vec::new();
        let spec = spec.max(SpecVersion::V2);
        for interaction in &self.interactions {
            let info = interaction.info();
            let description = &info.description;
            let http = match interaction {
                Interaction::Http(http) => http,
                Interaction::AsyncMessage(_) if spec < SpecVersion::V3 => {
                    out.push(format!(
                        "{description}: a message interaction (V3 or later)"
                    ));
                    continue;
                }
                Interaction::SyncMessage(_) if spec < SpecVersion::V4 => {
                    out.push(format!(
                        "{description}: a synchronous message interaction (V4)"
                    ));
                    continue;
                }
                _ => continue,
            };
            if spec > SpecVersion::V2 {
                continue;
            }
            for state in info.provider_states.iter().skip(1) {
                out.push(format!(
                    "{description}: a second provider state (\"{}\")",
                    state.name
                ));
            }
            for state in info.provider_states.iter().filter(|s| !s.params.is_empty()) {
                out.push(format!(
                    "{description}: the params of provider state \"{}\"",
                    state.name
                ));
            }
            let parts = [
                (
                    "request",
                    &http.request.matching_rules,
                    &http.request.generators,
                ),
                (
                    "response",
                    &http.response.matching_rules,
                    &http.response.generators,
                ),
            ];
            for (part, rules, generators) in parts {
                for category in Category::ALL {
                    let Some(rules) = rules.category(category) else {
                        continue;
                    };
                    for (key, _, list) in rules.iter() {
                        let place = format!("{description}: {part} {} {key}", category.name());
                        let place = place.trim_end();
                        if list.logic == RuleLogic::Or && list.rules.len() > 1 {
                            out.push(format!("{place}: rules combined with OR"));
                        }
                        for rule in &list.rules {
                            let v2 = matches!(
                                rule,
                                MatchingRule::Regex(_)
                                    | MatchingRule::Type
                                    | MatchingRule::MinType(_)
                                    | MatchingRule::MaxType(_)
                                    | MatchingRule::MinMaxType(..)
                            );
                            if !v2 {
                                let name =
                                    rule.to_json()["match"].as_str().unwrap_or("?").to_string();
                                out.push(format!("{place}: the {name} rule"));
                            }
                        }
                    }
                }
                if !generators.is_empty() {
                    out.push(format!("{description}: {part} generators"));
                }
            }
        }
        out
    }

    /// [`Pact::to_json`] as pretty-printed text with a final newline.
    pub fn to_json_string(&self, spec: SpecVersion) -> String {
        let mut s = serde_json::to_string_pretty(&self.to_json(spec))
            .unwrap_or_else(|_| String::from("{}"));
        s.push('\n');
        s
    }
}

impl Interaction {
    /// One interaction as JSON of the given version.
    pub fn to_json(&self, spec: SpecVersion) -> Value {
        let info = self.info();
        let mut o = info.extra.clone();
        o.insert("description".into(), json!(info.description));
        if spec >= SpecVersion::V3 {
            if !info.provider_states.is_empty() {
                let states: Vec<Value> = info
                    .provider_states
                    .iter()
                    .map(|s| {
                        let mut m = Map::new();
                        m.insert("name".into(), json!(s.name));
                        if !s.params.is_empty() {
                            m.insert("params".into(), Value::Object(s.params.clone()));
                        }
                        Value::Object(m)
                    })
                    .collect();
                o.insert("providerStates".into(), Value::Array(states));
            }
        } else if let Some(s) = info.provider_states.first() {
            o.insert("providerState".into(), json!(s.name));
        }
        if spec >= SpecVersion::V4 {
            o.insert("type".into(), json!(self.type_name()));
            o.insert("key".into(), json!(info.key()));
            o.insert("pending".into(), json!(info.pending));
            if !info.comments.is_empty() {
                o.insert("comments".into(), Value::Object(info.comments.clone()));
            }
        }
        match self {
            Interaction::Http(i) => {
                o.insert("request".into(), request_json(&i.request, spec));
                o.insert("response".into(), response_json(&i.response, spec));
            }
            Interaction::AsyncMessage(m) => {
                for (k, v) in message_json(&m.message, spec) {
                    o.insert(k, v);
                }
            }
            Interaction::SyncMessage(m) => {
                o.insert(
                    "request".into(),
                    Value::Object(message_json(&m.request, spec)),
                );
                o.insert(
                    "response".into(),
                    Value::Array(
                        m.responses
                            .iter()
                            .map(|r| Value::Object(message_json(r, spec)))
                            .collect(),
                    ),
                );
            }
        }
        Value::Object(o)
    }
}

fn request_json(r: &Request, spec: SpecVersion) -> Value {
    let mut o = Map::new();
    o.insert("method".into(), json!(r.method));
    o.insert("path".into(), json!(r.path));
    if let Some(q) = &r.query {
        if spec >= SpecVersion::V3 {
            let mut m = Map::new();
            for (k, vs) in q.iter() {
                m.insert(k.to_string(), json!(vs));
            }
            o.insert("query".into(), Value::Object(m));
        } else {
            o.insert("query".into(), json!(query_string(q)));
        }
    }
    write_common(
        &mut o,
        r.headers.as_ref(),
        &r.body,
        &r.matching_rules,
        &r.generators,
        spec,
    );
    Value::Object(o)
}

fn response_json(r: &Response, spec: SpecVersion) -> Value {
    let mut o = Map::new();
    o.insert("status".into(), json!(r.status));
    write_common(
        &mut o,
        r.headers.as_ref(),
        &r.body,
        &r.matching_rules,
        &r.generators,
        spec,
    );
    Value::Object(o)
}

fn message_json(m: &MessageContents, spec: SpecVersion) -> Map<String, Value> {
    let mut o = Map::new();
    let ct = m.content_type();
    if let Some(b) = body_json(&m.contents, ct.as_ref(), spec) {
        o.insert("contents".into(), b);
    }
    let meta_key = if spec >= SpecVersion::V4 {
        "metadata"
    } else {
        "metaData"
    };
    o.insert(meta_key.into(), Value::Object(m.metadata.clone()));
    write_annotations(&mut o, &m.matching_rules, &m.generators, spec);
    o
}

fn write_common(
    o: &mut Map<String, Value>,
    headers: Option<&MultiMap>,
    body: &Body,
    rules: &crate::rules::MatchingRules,
    generators: &crate::generators::Generators,
    spec: SpecVersion,
) {
    if let Some(h) = headers {
        let mut m = Map::new();
        for (k, vs) in h.iter() {
            let v = if spec >= SpecVersion::V4 && vs.len() > 1 {
                json!(vs)
            } else {
                json!(vs.join(", "))
            };
            m.insert(k.to_string(), v);
        }
        o.insert("headers".into(), Value::Object(m));
    }
    let ct = content_type_of(headers, body);
    if let Some(b) = body_json(body, ct.as_ref(), spec) {
        o.insert("body".into(), b);
    }
    write_annotations(o, rules, generators, spec);
}

fn write_annotations(
    o: &mut Map<String, Value>,
    rules: &crate::rules::MatchingRules,
    generators: &crate::generators::Generators,
    spec: SpecVersion,
) {
    if !rules.is_empty() {
        let v = if spec >= SpecVersion::V3 {
            rules.to_v3_json()
        } else {
            rules.to_v2_json()
        };
        o.insert("matchingRules".into(), v);
    }
    if spec >= SpecVersion::V3 && !generators.is_empty() {
        o.insert("generators".into(), generators.to_json());
    }
}

fn body_json(body: &Body, ct: Option<&ContentType>, spec: SpecVersion) -> Option<Value> {
    // A V4 body may declare its own type, which can differ from the Content-Type header.
    let ct = body.declared_content_type().or(ct);
    let content = match body {
        Body::Missing => return None,
        Body::Null => Value::Null,
        Body::Empty => json!(""),
        Body::Present { bytes, .. } => {
            let is_json = ct.is_some_and(ContentType::is_json);
            let parsed = if is_json {
                serde_json::from_slice::<Value>(bytes).ok()
            } else {
                None
            };
            match (parsed, std::str::from_utf8(bytes)) {
                (Some(v), _) => v,
                (None, Ok(s)) if spec < SpecVersion::V4 || ct.is_none_or(ContentType::is_text) => {
                    json!(s)
                }
                (None, _) if spec >= SpecVersion::V4 => {
                    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
                    let mut m = Map::new();
                    m.insert("content".into(), json!(encoded));
                    m.insert("encoded".into(), json!("base64"));
                    if let Some(ct) = ct {
                        m.insert("contentType".into(), json!(ct.to_string()));
                    }
                    return Some(Value::Object(m));
                }
                // Before V4 a body is a JSON value or a string: bytes that are not UTF-8 go as
                // base64, which the reader decodes under a binary Content-Type (as the
                // reference implementation writes and reads them).
                (None, _) => json!(base64::engine::general_purpose::STANDARD.encode(bytes)),
            }
        }
    };
    if spec < SpecVersion::V4 {
        return Some(content);
    }
    let mut m = Map::new();
    m.insert("content".into(), content);
    if body.is_present() {
        m.insert("encoded".into(), json!(false));
        if let Some(ct) = ct {
            m.insert("contentType".into(), json!(ct.to_string()));
        }
    }
    Some(Value::Object(m))
}

fn query_string(q: &MultiMap) -> String {
    q.pairs()
        .map(|(k, v)| format!("{}={}", encode_query(k), encode_query(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'/'
            | b':'
            | b'@'
            | b','
            | b'*' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Rebuilds every object with its keys in order, whatever map serde_json was built with.
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}
