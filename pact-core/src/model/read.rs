//! Reading pact JSON of every specification version (V1, V1.1, V2, V3, V4).

use super::*;
use crate::error::PactError;
use crate::generators::Generators;
use crate::rules::MatchingRules;
use base64::Engine as _;
use serde_json::{Map, Value};

/// Reads a pact from its JSON text. `source` names the file in errors.
pub fn read_pact(text: &str, source: &str) -> Result<Pact, PactError> {
    read_pact_bytes(text.as_bytes(), source)
}

/// Reads a pact from bytes, tolerating a UTF-8 byte-order mark.
pub fn read_pact_bytes(bytes: &[u8], source: &str) -> Result<Pact, PactError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let json: Value = serde_json::from_slice(bytes).map_err(|e| PactError::json(source, &e))?;
    Reader::new(source, SpecVersion::V3).pact_owned(json)
}

/// Reads the parts of a pact with the rules of one specification version. Useful on its own
/// for requests and responses outside a pact file (test cases, broker payloads).
///
/// ```
/// use pact_core::model::{Reader, SpecVersion};
/// let r = Reader::new("case.json", SpecVersion::V1);
/// let req = r.request(&serde_json::json!({"method": "get", "path": "/", "query": "a=1&b=2"}), "expected").unwrap();
/// assert_eq!(req.method, "GET");
/// assert_eq!(req.query.unwrap().get("b").unwrap(), ["2"]);
/// ```
#[derive(Debug, Clone)]
pub struct Reader {
    source: String,
    spec: SpecVersion,
}

impl Reader {
    /// A reader for `source` (named in errors) with the rules of `spec`.
    pub fn new(source: &str, spec: SpecVersion) -> Reader {
        Reader {
            source: source.to_string(),
            spec,
        }
    }

    fn err(&self, field: &str, message: impl Into<String>) -> PactError {
        PactError::field(&self.source, field, message)
    }

    /// Reads a whole pact document; the specification version comes from its metadata.
    pub fn pact(&self, json: &Value) -> Result<Pact, PactError> {
        let (mut pact, reader) = self.pact_header(json)?;
        for key in ["interactions", "messages"] {
            match json.get(key) {
                Some(Value::Array(list)) => {
                    for (i, v) in list.iter().enumerate() {
                        let field = format!("{key}[{i}]");
                        pact.interactions
                            .push(reader.interaction(v, &field, key == "messages")?);
                    }
                }
                None | Some(Value::Null) => {}
                Some(_) => return Err(self.err(key, "must be a list")),
            }
        }
        Ok(pact)
    }

    /// [`Reader::pact`] on a document it can take apart: each interaction's JSON is dropped
    /// as soon as it is read, while it is still in the CPU's caches, rather than the whole tree at
    /// the end (which, for a large pact, takes about as long as parsing it did).
    fn pact_owned(&self, mut json: Value) -> Result<Pact, PactError> {
        let (mut pact, reader) = self.pact_header(&json)?;
        for key in ["interactions", "messages"] {
            match json.as_object_mut().and_then(|o| o.remove(key)) {
                Some(Value::Array(list)) => {
                    for (i, v) in list.into_iter().enumerate() {
                        let field = format!("{key}[{i}]");
                        pact.interactions.push(reader.interaction(
                            &v,
                            &field,
                            key == "messages",
                        )?);
                    }
                }
                None | Some(Value::Null) => {}
                Some(_) => return Err(self.err(key, "must be a list")),
            }
        }
        Ok(pact)
    }

    /// The parts of a pact other than its interactions, and the reader for those (with the
    /// rules of the pact's specification version).
    fn pact_header(&self, json: &Value) -> Result<(Pact, Reader), PactError> {
        let obj = json
            .as_object()
            .ok_or_else(|| self.err("$", "a pact must be a JSON object"))?;
        let name = |field: &str| -> Result<String, PactError> {
            match obj.get(field) {
                Some(Value::Object(o)) => match o.get("name") {
                    Some(Value::String(s)) => Ok(s.clone()),
                    _ => Err(self.err(&format!("{field}.name"), "missing or not a string")),
                },
                Some(_) => Err(self.err(field, "must be an object with a name")),
                None => Err(self.err(field, "missing")),
            }
        };
        let consumer = name("consumer")?;
        let provider = name("provider")?;
        let mut metadata = match obj.get("metadata") {
            Some(Value::Object(m)) => m.clone(),
            None | Some(Value::Null) => Map::new(),
            Some(_) => return Err(self.err("metadata", "must be an object")),
        };
        // The declared version and the field it came from, for errors.
        let declared = ["pactSpecification", "pact-specification"]
            .iter()
            .find_map(|k| {
                let v = metadata.get(*k)?.get("version")?;
                Some((format!("metadata.{k}.version"), v.clone()))
            })
            .or_else(|| {
                let v = metadata.get("pactSpecificationVersion")?;
                Some(("metadata.pactSpecificationVersion".to_string(), v.clone()))
            });
        let spec = match &declared {
            None | Some((_, Value::Null)) => infer_spec_version(obj),
            Some((field, Value::String(v))) => SpecVersion::parse(v)
                .ok_or_else(|| self.err(field, format!("unknown specification version '{v}'")))?,
            Some((field, Value::Number(n))) => SpecVersion::parse(&n.to_string())
                .ok_or_else(|| self.err(field, format!("unknown specification version {n}")))?,
            Some((field, other)) => {
                return Err(self.err(field, format!("unknown specification version {other}")))
            }
        };
        for k in [
            "pactSpecification",
            "pact-specification",
            "pactSpecificationVersion",
        ] {
            metadata.remove(k);
        }
        let pact = Pact {
            consumer,
            provider,
            interactions: Vec::new(),
            metadata,
            spec,
        };
        Ok((pact, Reader::new(&self.source, spec)))
    }

    /// Reads one interaction of any kind. `is_message` is set for a V3 `messages` entry.
    pub fn interaction(
        &self,
        v: &Value,
        field: &str,
        is_message: bool,
    ) -> Result<Interaction, PactError> {
        let obj = v
            .as_object()
            .ok_or_else(|| self.err(field, "an interaction must be an object"))?;
        let mut info = InteractionInfo::default();
        let mut extra = Map::new();
        let kind = match obj.get("type") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => return Err(self.err(&format!("{field}.type"), "must be a string")),
        };
        for (k, val) in obj {
            let sub = || format!("{field}.{k}");
            match k.as_str() {
                "description" => {
                    info.description = val
                        .as_str()
                        .ok_or_else(|| self.err(&sub(), "must be a string"))?
                        .to_string()
                }
                "providerState" | "provider_state" => match val {
                    Value::String(s) if !s.is_empty() => {
                        info.provider_states.push(ProviderState::new(s.clone()))
                    }
                    Value::String(_) | Value::Null => {}
                    _ => return Err(self.err(&sub(), "must be a string")),
                },
                "providerStates" => {
                    let list = val
                        .as_array()
                        .ok_or_else(|| self.err(&sub(), "must be a list"))?;
                    for (i, s) in list.iter().enumerate() {
                        info.provider_states
                            .push(self.provider_state(s, &format!("{}[{i}]", sub()))?);
                    }
                }
                "key" => {
                    info.key = match val {
                        Value::String(s) => Some(s.clone()),
                        Value::Null => None,
                        _ => return Err(self.err(&sub(), "must be a string")),
                    }
                }
                "pending" => {
                    info.pending = val
                        .as_bool()
                        .ok_or_else(|| self.err(&sub(), "must be true or false"))?
                }
                "comments" => {
                    info.comments = val
                        .as_object()
                        .cloned()
                        .ok_or_else(|| self.err(&sub(), "must be an object"))?
                }
                "type" | "request" | "response" | "contents" | "metadata" | "metaData"
                | "matchingRules" | "generators" => {}
                _ => {
                    extra.insert(k.clone(), val.clone());
                }
            }
        }
        if info.description.is_empty() && !obj.contains_key("description") {
            return Err(self.err(&format!("{field}.description"), "missing"));
        }
        info.extra = extra;
        let kind = match kind {
            Some(k) => k,
            None if is_message || obj.contains_key("contents") => "Asynchronous/Messages",
            None => "Synchronous/HTTP",
        };
        match kind {
            "Synchronous/HTTP" => {
                let request = obj
                    .get("request")
                    .ok_or_else(|| self.err(&format!("{field}.request"), "missing"))?;
                let response = obj
                    .get("response")
                    .ok_or_else(|| self.err(&format!("{field}.response"), "missing"))?;
                Ok(Interaction::Http(HttpInteraction {
                    info,
                    request: self.request(request, &format!("{field}.request"))?,
                    response: self.response(response, &format!("{field}.response"))?,
                }))
            }
            "Asynchronous/Messages" => Ok(Interaction::AsyncMessage(AsyncMessage {
                info,
                message: self.message(v, field)?,
            })),
            "Synchronous/Messages" => {
                let request = obj
                    .get("request")
                    .ok_or_else(|| self.err(&format!("{field}.request"), "missing"))?;
                let responses = match obj.get("response") {
                    Some(Value::Array(list)) => list
                        .iter()
                        .enumerate()
                        .map(|(i, r)| self.message(r, &format!("{field}.response[{i}]")))
                        .collect::<Result<_, _>>()?,
                    Some(r @ Value::Object(_)) => {
                        vec![self.message(r, &format!("{field}.response"))?]
                    }
                    None => Vec::new(),
                    Some(_) => return Err(self.err(&format!("{field}.response"), "must be a list")),
                };
                Ok(Interaction::SyncMessage(SyncMessage {
                    info,
                    request: self.message(request, &format!("{field}.request"))?,
                    responses,
                }))
            }
            other => Err(self.err(
                &format!("{field}.type"),
                format!("unknown interaction type '{other}'"),
            )),
        }
    }

    fn provider_state(&self, v: &Value, field: &str) -> Result<ProviderState, PactError> {
        match v {
            Value::String(s) => Ok(ProviderState::new(s.clone())),
            Value::Object(o) => {
                let name = o
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| self.err(&format!("{field}.name"), "missing or not a string"))?;
                let params = match o.get("params") {
                    Some(Value::Object(p)) => p.clone(),
                    None | Some(Value::Null) => Map::new(),
                    Some(_) => {
                        return Err(self.err(&format!("{field}.params"), "must be an object"))
                    }
                };
                Ok(ProviderState {
                    name: name.to_string(),
                    params,
                })
            }
            _ => Err(self.err(field, "must be an object with a name")),
        }
    }

    /// Reads a request.
    pub fn request(&self, v: &Value, field: &str) -> Result<Request, PactError> {
        let obj = v
            .as_object()
            .ok_or_else(|| self.err(field, "a request must be an object"))?;
        let method = match obj.get("method") {
            Some(Value::String(s)) => s.to_ascii_uppercase(),
            None => "GET".to_string(),
            Some(_) => return Err(self.err(&format!("{field}.method"), "must be a string")),
        };
        let path = match obj.get("path") {
            Some(Value::String(s)) => s.clone(),
            None => "/".to_string(),
            Some(_) => return Err(self.err(&format!("{field}.path"), "must be a string")),
        };
        let query = match obj.get("query") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(parse_query_string(s, self.spec == SpecVersion::V1)),
            Some(Value::Object(o)) => {
                let mut m = MultiMap::default();
                for (k, vs) in o {
                    m.set(k, self.string_list(vs, &format!("{field}.query.{k}"))?);
                }
                Some(m)
            }
            Some(_) => {
                return Err(self.err(&format!("{field}.query"), "must be a string or an object"))
            }
        };
        let headers = self.headers(obj.get("headers"), &format!("{field}.headers"))?;
        let body = self.body(obj.get("body"), headers.as_ref(), &format!("{field}.body"))?;
        let (matching_rules, generators) = self.annotations(obj, field)?;
        Ok(Request {
            method,
            path,
            query,
            headers,
            body,
            matching_rules,
            generators,
        })
    }

    /// Reads a response.
    pub fn response(&self, v: &Value, field: &str) -> Result<Response, PactError> {
        let obj = v
            .as_object()
            .ok_or_else(|| self.err(field, "a response must be an object"))?;
        let status = match obj.get("status") {
            None => 200,
            Some(s) => s
                .as_u64()
                .or_else(|| s.as_str().and_then(|s| s.parse().ok()))
                .and_then(|n| u16::try_from(n).ok())
                .filter(|n| (100..=999).contains(n))
                .ok_or_else(|| {
                    self.err(&format!("{field}.status"), format!("invalid status {s}"))
                })?,
        };
        let headers = self.headers(obj.get("headers"), &format!("{field}.headers"))?;
        let body = self.body(obj.get("body"), headers.as_ref(), &format!("{field}.body"))?;
        let (matching_rules, generators) = self.annotations(obj, field)?;
        Ok(Response {
            status,
            headers,
            body,
            matching_rules,
            generators,
        })
    }

    /// Reads message contents in the V3 form (`contents` + `metaData`) or the V4 form
    /// (`contents: {contentType, encoded, content}` + `metadata`).
    pub fn message(&self, v: &Value, field: &str) -> Result<MessageContents, PactError> {
        let obj = v
            .as_object()
            .ok_or_else(|| self.err(field, "a message must be an object"))?;
        let metadata = match obj.get("metadata").or_else(|| obj.get("metaData")) {
            Some(Value::Object(m)) => m.clone(),
            None | Some(Value::Null) => Map::new(),
            Some(_) => return Err(self.err(&format!("{field}.metadata"), "must be an object")),
        };
        let ct_header: Option<MultiMap> = metadata
            .iter()
            .find(|(k, _)| {
                k.eq_ignore_ascii_case("contentType") || k.eq_ignore_ascii_case("content-type")
            })
            .and_then(|(_, v)| v.as_str())
            .map(|ct| std::iter::once(("Content-Type", ct)).collect());
        let contents = self.body(
            obj.get("contents"),
            ct_header.as_ref(),
            &format!("{field}.contents"),
        )?;
        let (matching_rules, generators) = self.annotations(obj, field)?;
        Ok(MessageContents {
            contents,
            metadata,
            matching_rules,
            generators,
        })
    }

    fn annotations(
        &self,
        obj: &Map<String, Value>,
        field: &str,
    ) -> Result<(MatchingRules, Generators), PactError> {
        let rules = match obj.get("matchingRules") {
            Some(v) => MatchingRules::from_json(v)
                .map_err(|e| self.err(&format!("{field}.matchingRules"), e))?,
            None => MatchingRules::default(),
        };
        let generators = match obj.get("generators") {
            Some(v) => {
                Generators::from_json(v).map_err(|e| self.err(&format!("{field}.generators"), e))?
            }
            None => Generators::default(),
        };
        Ok((rules, generators))
    }

    fn string_list(&self, v: &Value, field: &str) -> Result<Vec<String>, PactError> {
        let one = |v: &Value| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(_) | Value::Bool(_) => Ok(v.to_string()),
            _ => Err(self.err(field, format!("expected a string, found {v}"))),
        };
        match v {
            Value::Array(list) => list.iter().map(one).collect(),
            Value::Null => Ok(Vec::new()),
            other => Ok(vec![one(other)?]),
        }
    }

    fn headers(&self, v: Option<&Value>, field: &str) -> Result<Option<MultiMap>, PactError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => {
                let mut m = MultiMap::default();
                for (k, vs) in o {
                    m.set(k, self.string_list(vs, &format!("{field}.{k}"))?);
                }
                Ok(Some(m))
            }
            Some(_) => Err(self.err(field, "must be an object")),
        }
    }

    fn body(
        &self,
        v: Option<&Value>,
        headers: Option<&MultiMap>,
        field: &str,
    ) -> Result<Body, PactError> {
        let header_ct = headers
            .and_then(|h| h.get_ignore_case("content-type"))
            .and_then(|v| v.first())
            .and_then(|v| ContentType::parse(v));
        let Some(v) = v else { return Ok(Body::Missing) };
        // V4 bodies are `{"contentType", "encoded", "content"}`; older ones are the content
        // itself. A V4 file may still hold a raw body (upstream test data does), so decide by
        // shape rather than by version alone.
        if self.spec >= SpecVersion::V4 {
            if let Value::Object(o) = v {
                if o.contains_key("content")
                    && o.keys().all(|k| {
                        ["content", "contentType", "encoded", "contentTypeHint"]
                            .contains(&k.as_str())
                    })
                {
                    let ct = match o.get("contentType") {
                        None | Some(Value::Null) => None,
                        Some(Value::String(s)) => ContentType::parse(s),
                        Some(other) => {
                            return Err(self.err(
                                &format!("{field}.contentType"),
                                format!("must be a string, found {other}"),
                            ))
                        }
                    }
                    .or(header_ct);
                    let encoded = match o.get("encoded") {
                        None | Some(Value::Null) | Some(Value::Bool(false)) => None,
                        Some(Value::Bool(true)) => Some("base64"),
                        Some(Value::String(s)) => Some(s.as_str()),
                        Some(other) => {
                            return Err(self.err(
                                &format!("{field}.encoded"),
                                format!("expected false or an encoding name, found {other}"),
                            ))
                        }
                    };
                    return match (o.get("content"), encoded) {
                        (None | Some(Value::Null), _) => Ok(Body::Null),
                        (Some(Value::String(s)), Some(enc))
                            if enc.eq_ignore_ascii_case("base64") =>
                        {
                            let bytes = base64::engine::general_purpose::STANDARD
                                .decode(s.trim())
                                .map_err(|e| {
                                    self.err(
                                        &format!("{field}.content"),
                                        format!("invalid base64: {e}"),
                                    )
                                })?;
                            Ok(Body::bytes(bytes, ct))
                        }
                        (Some(Value::String(s)), Some(enc)) if enc != "json" => Err(self.err(
                            &format!("{field}.encoded"),
                            format!("unknown encoding '{enc}'"),
                        )),
                        (Some(content), _) => Ok(self.legacy_body(content, ct)),
                    };
                }
            }
        }
        // Before V4 a binary body is written as a base64 string (the reference writes bytes
        // that are not UTF-8 so): under a Content-Type that is neither text nor multipart, a
        // string that decodes as base64 is taken as the bytes it encodes.
        if let (true, Value::String(text), Some(ct)) =
            (self.spec < SpecVersion::V4, v, header_ct.as_ref())
        {
            if !text.is_empty() && !ct.is_text() && !ct.is_multipart() {
                if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text) {
                    return Ok(Body::bytes(bytes, header_ct));
                }
            }
        }
        Ok(self.legacy_body(v, header_ct))
    }

    /// A body written as the content itself (V1–V3, and V4 `content` values).
    fn legacy_body(&self, v: &Value, ct: Option<ContentType>) -> Body {
        match v {
            Value::Null => Body::Null,
            Value::String(s) if s.is_empty() => Body::Empty,
            Value::String(s) => {
                let is_json = ct.as_ref().is_some_and(ContentType::is_json);
                if is_json && serde_json::from_str::<Value>(s).is_err() {
                    // A JSON body that is a bare string: keep it as the JSON string it is.
                    Body::bytes(Value::String(s.clone()).to_string(), ct)
                } else {
                    Body::bytes(s.clone(), ct)
                }
            }
            // `to_vec` writes the same compact text as `to_string`, without going through
            // `fmt`, which takes three times as long on large bodies.
            other => Body::bytes(
                serde_json::to_vec(other).unwrap_or_else(|_| other.to_string().into_bytes()),
                Some(
                    ct.filter(ContentType::is_json)
                        .unwrap_or_else(ContentType::json),
                ),
            ),
        }
    }
}

/// The specification version a pact without a declared one reads as: V4 when an
/// interaction has a `type`, V3 with `messages`, provider states or a query object, else V2.
///
/// ```
/// use pact_core::{model::infer_spec_version, SpecVersion};
/// let pact = serde_json::json!({"interactions": [{"type": "Synchronous/HTTP"}]});
/// assert_eq!(infer_spec_version(pact.as_object().unwrap()), SpecVersion::V4);
/// ```
pub fn infer_spec_version(obj: &Map<String, Value>) -> SpecVersion {
    let interactions = obj
        .get("interactions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if interactions.iter().any(|i| i.get("type").is_some()) {
        SpecVersion::V4
    } else if obj.contains_key("messages")
        || interactions.iter().any(|i| {
            i.get("providerStates").is_some()
                || i.pointer("/request/query").is_some_and(Value::is_object)
        })
    {
        SpecVersion::V3
    } else {
        SpecVersion::V2
    }
}

/// Parses `a=1&b=2&a=3` into names with their values, decoding `%XX` and `+`. With
/// `keep_empty`, empty segments (a trailing `&`) are kept as an empty name, which only the
/// strict V1 comparison looks at.
pub fn parse_query_string(s: &str, keep_empty: bool) -> MultiMap {
    let mut m = MultiMap::default();
    let s = s.strip_prefix('?').unwrap_or(s);
    if s.is_empty() {
        return m;
    }
    for part in s.split('&') {
        if part.is_empty() {
            if keep_empty {
                m.add("", "");
            }
            continue;
        }
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        m.add(&percent_decode(k), percent_decode(v));
    }
    m
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit() =>
            {
                let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
                out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_need_two_hex_digits() {
        assert_eq!(percent_decode("a%3Db"), "a=b");
        assert_eq!(percent_decode("%+1"), "% 1");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("a+b"), "a b");
    }
}
