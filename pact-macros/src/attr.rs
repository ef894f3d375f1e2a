//! The arguments of one `#[pact_interaction(...)]`.

use crate::term::{error_between, parse_args, parse_term, Arg, Term};
use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{parenthesized, token, Error, Ident, Lit, LitBool, LitStr, Path, Token};

/// The keys of the attribute.
pub(crate) const KEYS: &[&str] = &[
    "provider",
    "consumer",
    "description",
    "given",
    "request",
    "response",
    "spec",
    "key",
    "pending",
    "comment",
    "crate",
];

const REQUEST_KEYS: &[&str] = &["query", "headers", "json", "body", "content_type"];
const RESPONSE_KEYS: &[&str] = &["headers", "json", "body", "content_type"];

/// A specification version.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spec {
    V2,
    V3,
    V4,
}

impl Spec {
    pub fn variant(self) -> &'static str {
        match self {
            Spec::V2 => "V2",
            Spec::V3 => "V3",
            Spec::V4 => "V4",
        }
    }
}

/// One attribute.
pub(crate) struct Attr {
    /// The attribute's tokens, for errors on the whole of it (empty for the outermost one,
    /// whose errors go to the call site, which is the attribute).
    pub at: TokenStream,
    pub provider: Option<LitStr>,
    pub consumer: Option<LitStr>,
    pub spec: Option<(Spec, Span)>,
    pub krate: Option<Path>,
    pub description: Option<LitStr>,
    pub given: Vec<Given>,
    pub request: Option<Request>,
    /// `request(...)` was written (even if it had errors).
    pub request_seen: bool,
    pub response: Option<Response>,
    pub key: Option<LitStr>,
    pub pending: Option<LitBool>,
    pub comments: Vec<LitStr>,
}

impl Attr {
    /// An error on the whole attribute.
    pub fn error(&self, message: impl std::fmt::Display) -> Error {
        if self.at.is_empty() {
            Error::new(Span::call_site(), message)
        } else {
            Error::new_spanned(&self.at, message)
        }
    }
}

/// `given("state", name = value, ...)`.
pub(crate) struct Given {
    pub state: LitStr,
    pub params: Vec<(Ident, Term)>,
}

/// `request(METHOD, path, ...)`.
pub(crate) struct Request {
    pub method: String,
    pub path: Term,
    pub query: Vec<(LitStr, Term)>,
    pub headers: Vec<(LitStr, Term)>,
    pub body: Body,
}

/// `response(status, ...)`.
pub(crate) struct Response {
    pub status: Option<Term>,
    pub headers: Vec<(LitStr, Term)>,
    pub body: Body,
}

/// A request's or response's body.
#[derive(Default)]
pub(crate) struct Body {
    /// `json = term`.
    pub json: Option<Term>,
    /// `body = "text"` or `body = b"bytes"`.
    pub raw: Option<Lit>,
    /// `content_type = "..."`.
    pub content_type: Option<LitStr>,
}

/// Parses the attribute's arguments. Mistakes that leave the syntax intact are pushed on
/// `errors` and parsing goes on; a syntax error ends it.
pub(crate) fn parse_attr(
    input: ParseStream,
    at: TokenStream,
    errors: &mut Vec<Error>,
) -> syn::Result<Attr> {
    let mut attr = Attr {
        at,
        provider: None,
        consumer: None,
        spec: None,
        krate: None,
        description: None,
        given: Vec::new(),
        request: None,
        request_seen: false,
        response: None,
        key: None,
        pending: None,
        comments: Vec::new(),
    };
    while !input.is_empty() {
        if input.peek(Token![crate]) {
            let kw: Token![crate] = input.parse()?;
            input.parse::<Token![=]>()?;
            let path = input.call(Path::parse_mod_style)?;
            set_once(&mut attr.krate, path, kw.span, "crate", errors);
        } else {
            let key = Ident::parse_any(input)?.unraw();
            let name = key.to_string();
            if !KEYS.contains(&name.as_str()) {
                errors.push(Error::new(
                    key.span(),
                    format_args!("unknown key `{name}`; expected one of: {}", KEYS.join(", ")),
                ));
                skip_value(input)?;
            } else if input.peek(token::Paren) {
                let content;
                let paren = parenthesized!(content in input);
                let args = parse_args(&content)?;
                let close = paren.span.close();
                match name.as_str() {
                    "given" => {
                        if let Some(g) = given(&key, close, args, errors) {
                            attr.given.push(g);
                        }
                    }
                    "request" => {
                        attr.request_seen = true;
                        let r = request(&key, close, args, errors);
                        if let Some(r) = r {
                            set_once(&mut attr.request, r, key.span(), "request", errors);
                        }
                    }
                    "response" => {
                        let r = response(args, errors);
                        set_once(&mut attr.response, r, key.span(), "response", errors);
                    }
                    _ => errors.push(Error::new(
                        key.span(),
                        format_args!("`{name}` is written `{name} = value`"),
                    )),
                }
            } else if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                let value = parse_term(input)?;
                let span = key.span();
                match name.as_str() {
                    "provider" => {
                        if let Some(s) = string(&name, &value, errors) {
                            set_once(&mut attr.provider, s, span, &name, errors);
                        }
                    }
                    "consumer" => {
                        if let Some(s) = string(&name, &value, errors) {
                            set_once(&mut attr.consumer, s, span, &name, errors);
                        }
                    }
                    "description" => {
                        if let Some(s) = string(&name, &value, errors) {
                            set_once(&mut attr.description, s, span, &name, errors);
                        }
                    }
                    "key" => {
                        if let Some(s) = string(&name, &value, errors) {
                            set_once(&mut attr.key, s, span, &name, errors);
                        }
                    }
                    "comment" => {
                        if let Some(s) = string(&name, &value, errors) {
                            attr.comments.push(s);
                        }
                    }
                    "given" => {
                        if let Some(s) = string(&name, &value, errors) {
                            attr.given.push(Given {
                                state: s,
                                params: Vec::new(),
                            });
                        }
                    }
                    "pending" => match value {
                        Term::Lit(Lit::Bool(b)) => {
                            set_once(&mut attr.pending, b, span, &name, errors)
                        }
                        other => {
                            errors.push(Error::new(other.span(), "expected `true` or `false`"))
                        }
                    },
                    "spec" => {
                        let text = match &value {
                            Term::Lit(Lit::Str(s)) => Some(s.value()),
                            Term::Ident(i) => Some(i.to_string()),
                            _ => None,
                        };
                        let spec = match text.as_deref().map(str::to_ascii_uppercase).as_deref() {
                            Some("V2") => Some(Spec::V2),
                            Some("V3") => Some(Spec::V3),
                            Some("V4") => Some(Spec::V4),
                            _ => None,
                        };
                        match spec {
                            Some(spec) => {
                                set_once(&mut attr.spec, (spec, value.span()), span, &name, errors)
                            }
                            None => errors.push(Error::new(
                                value.span(),
                                "expected a specification version: \"V2\", \"V3\" or \"V4\"",
                            )),
                        }
                    }
                    _ => errors.push(Error::new(
                        span,
                        format_args!("`{name}` is written `{name}(...)`"),
                    )),
                }
            } else {
                return Err(input.error(format_args!("expected `=` or `(...)` after `{name}`")));
            }
        }
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(attr)
}

/// Skips an unknown key's value: everything up to the next top-level comma.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            if let TokenTree::Punct(p) = &tt {
                if p.as_char() == ',' {
                    return Ok(((), rest));
                }
            }
            rest = next;
        }
        Ok(((), rest))
    })
}

fn set_once<T>(slot: &mut Option<T>, value: T, span: Span, name: &str, errors: &mut Vec<Error>) {
    if slot.is_some() {
        errors.push(Error::new(span, format_args!("`{name}` is given twice")));
    } else {
        *slot = Some(value);
    }
}

fn string(name: &str, value: &Term, errors: &mut Vec<Error>) -> Option<LitStr> {
    match value.as_str() {
        Some(s) => Some(s.clone()),
        None => {
            errors.push(Error::new(
                value.span(),
                format_args!("`{name}` needs a string literal"),
            ));
            None
        }
    }
}

fn given(key: &Ident, close: Span, args: Vec<Arg>, errors: &mut Vec<Error>) -> Option<Given> {
    let mut state = None;
    let mut params: Vec<(Ident, Term)> = Vec::new();
    for arg in args {
        match arg.name {
            Some(name) => {
                if params.iter().any(|(n, _)| *n == name) {
                    errors.push(Error::new(
                        name.span(),
                        format_args!("parameter `{name}` is given twice"),
                    ));
                }
                check_plain(&arg.value, errors);
                params.push((name, arg.value));
            }
            None if state.is_none() && params.is_empty() => match arg.value.as_str() {
                Some(s) => state = Some(s.clone()),
                None => errors.push(Error::new(
                    arg.value.span(),
                    "expected the provider state's name, a string literal",
                )),
            },
            None => errors.push(Error::new(
                arg.value.span(),
                "provider state parameters are written `name = value`",
            )),
        }
    }
    if state.is_none() {
        errors.push(error_between(
            key.span(),
            close,
            "`given` needs the provider state's name: `given(\"state\", param = value, ...)`",
        ));
    }
    Some(Given {
        state: state?,
        params,
    })
}

/// Provider state parameters are plain JSON: no matchers, no identifiers.
fn check_plain(term: &Term, errors: &mut Vec<Error>) {
    match term {
        Term::Object(_, members) => members.iter().for_each(|(_, v)| check_plain(v, errors)),
        Term::Array(_, elements) => elements.iter().for_each(|v| check_plain(v, errors)),
        Term::Call(c) => errors.push(Error::new(
            c.name.span(),
            "provider state parameters are plain values, without matchers",
        )),
        _ => {}
    }
}

fn request(key: &Ident, close: Span, args: Vec<Arg>, errors: &mut Vec<Error>) -> Option<Request> {
    let mut positional = Vec::new();
    let mut body = Body::default();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for arg in args {
        match arg.name {
            None => positional.push(arg.value),
            Some(name) => match name.to_string().as_str() {
                "query" => {
                    if !query.is_empty() {
                        errors.push(Error::new(name.span(), "`query` is given twice"));
                    }
                    query = pairs("query", arg.value, errors);
                }
                "headers" => {
                    if !headers.is_empty() {
                        errors.push(Error::new(name.span(), "`headers` is given twice"));
                    }
                    headers = pairs("headers", arg.value, errors);
                }
                other => {
                    if !body_key(&mut body, &name, arg.value, errors) {
                        errors.push(Error::new(
                            name.span(),
                            format_args!(
                                "unknown request key `{other}`; expected one of: {}",
                                REQUEST_KEYS.join(", ")
                            ),
                        ));
                    }
                }
            },
        }
    }
    check_body(&body, errors);
    let mut positional = positional.into_iter();
    let (Some(method), Some(path)) = (positional.next(), positional.next()) else {
        errors.push(error_between(
            key.span(),
            close,
            "`request` needs a method and a path: `request(GET, \"/path\", ...)`",
        ));
        return None;
    };
    for extra in positional {
        errors.push(Error::new(
            extra.span(),
            format_args!(
                "unexpected argument; after the method and path `request` takes {}",
                REQUEST_KEYS
                    .iter()
                    .map(|k| format!("`{k} = ...`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let method_text = match &method {
        Term::Ident(i) => i.to_string(),
        Term::Lit(Lit::Str(s)) => s.value(),
        other => other.canonical(),
    };
    let method = match pact_core::checks::method(&method_text) {
        Ok(m) => m,
        Err(e) => {
            errors.push(Error::new(method.span(), e));
            "GET".into()
        }
    };
    if let Term::Lit(Lit::Str(s)) = &path {
        if !s.value().starts_with('/') {
            errors.push(Error::new(s.span(), "a request path starts with `/`"));
        }
    }
    Some(Request {
        method,
        path,
        query,
        headers,
        body,
    })
}

fn response(args: Vec<Arg>, errors: &mut Vec<Error>) -> Response {
    let mut status = None;
    let mut body = Body::default();
    let mut headers = Vec::new();
    for arg in args {
        match arg.name {
            None if status.is_none() => status = Some(arg.value),
            None => errors.push(Error::new(
                arg.value.span(),
                format_args!(
                    "unexpected argument; after the status `response` takes {}",
                    RESPONSE_KEYS
                        .iter()
                        .map(|k| format!("`{k} = ...`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            Some(name) if name == "headers" => {
                if !headers.is_empty() {
                    errors.push(Error::new(name.span(), "`headers` is given twice"));
                }
                headers = pairs("headers", arg.value, errors);
            }
            Some(name) => {
                if !body_key(&mut body, &name, arg.value, errors) {
                    errors.push(Error::new(
                        name.span(),
                        format_args!(
                            "unknown response key `{name}`; expected one of: {}",
                            RESPONSE_KEYS.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    check_body(&body, errors);
    Response {
        status,
        headers,
        body,
    }
}

/// Takes `json`, `body` or `content_type`; false for another key.
fn body_key(body: &mut Body, name: &Ident, value: Term, errors: &mut Vec<Error>) -> bool {
    let twice = || Error::new(name.span(), format_args!("`{name}` is given twice"));
    match name.to_string().as_str() {
        "json" => {
            if body.json.is_some() {
                errors.push(twice());
            }
            body.json = Some(value);
        }
        "body" => {
            if body.raw.is_some() {
                errors.push(twice());
            }
            match value {
                Term::Lit(lit @ (Lit::Str(_) | Lit::ByteStr(_))) => body.raw = Some(lit),
                other => errors.push(Error::new(
                    other.span(),
                    "`body` needs a string or byte string literal; use `json = ...` for JSON",
                )),
            }
        }
        "content_type" => {
            if body.content_type.is_some() {
                errors.push(twice());
            }
            if let Some(s) = string("content_type", &value, errors) {
                body.content_type = Some(s);
            }
        }
        _ => return false,
    }
    true
}

fn check_body(body: &Body, errors: &mut Vec<Error>) {
    if let (Some(_), Some(raw)) = (&body.json, &body.raw) {
        errors.push(Error::new(
            raw.span(),
            "give either `json = ...` or `body = ...`, not both",
        ));
    }
    if let (None, None, Some(ct)) = (&body.json, &body.raw, &body.content_type) {
        errors.push(Error::new(
            ct.span(),
            "`content_type` describes a body: add `body = ...` or `json = ...`",
        ));
    }
}

/// `{ "name": value, ... }` for headers and query parameters; an array value is several
/// values of one name.
fn pairs(what: &str, value: Term, errors: &mut Vec<Error>) -> Vec<(LitStr, Term)> {
    let Term::Object(_, members) = value else {
        errors.push(Error::new(
            value.span(),
            format_args!("`{what}` is written `{what} = {{ \"name\": value, ... }}`"),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, value) in members {
        match value {
            Term::Array(_, values) => out.extend(values.into_iter().map(|v| (name.clone(), v))),
            Term::Object(span, _) | Term::Null(span) => errors.push(Error::new(
                span,
                format_args!("a {what} value is a string, a matcher, or an array of them"),
            )),
            value => out.push((name, value)),
        }
    }
    out
}
