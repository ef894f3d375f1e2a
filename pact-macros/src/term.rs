//! The JSON-like terms written in the attribute: their syntax, their compile-time checks and
//! the `Term` expressions they expand to.

use pact_core::datetime::DateTimePattern;
use pact_core::rules::Pattern;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{braced, bracketed, parenthesized, token, Error, Ident, Lit, LitStr, Path, Token};

/// A value as written: JSON literals, objects and arrays, matcher calls, bare identifiers (a
/// method, a spec version or a status class) and `(expr)`, a Rust expression.
#[derive(Clone)]
pub(crate) enum Term {
    /// `null`.
    Null(Span),
    /// A literal, possibly negative.
    Lit(Lit),
    /// `{ "key": term, ... }`.
    Object(Span, Vec<(LitStr, Term)>),
    /// `[term, ...]`.
    Array(Span, Vec<Term>),
    /// `name(args)`.
    Call(Call),
    /// A bare identifier.
    Ident(Ident),
    /// `(expr)`: any Rust expression whose type converts into a `Term`.
    Expr(Span, TokenStream),
}

/// `name(arg, name = arg, ...)`.
#[derive(Clone)]
pub(crate) struct Call {
    pub name: Ident,
    /// The closing parenthesis.
    pub close: Span,
    pub args: Vec<Arg>,
}

/// One argument of a call: positional, or `name = value`.
#[derive(Clone)]
pub(crate) struct Arg {
    pub name: Option<Ident>,
    pub value: Term,
}

impl Term {
    pub fn span(&self) -> Span {
        match self {
            Term::Null(s) | Term::Object(s, _) | Term::Array(s, _) | Term::Expr(s, _) => *s,
            Term::Lit(l) => l.span(),
            Term::Call(c) => c.name.span(),
            Term::Ident(i) => i.span(),
        }
    }

    /// A short name for error messages.
    fn kind(&self) -> &'static str {
        match self {
            Term::Null(_) => "`null`",
            Term::Lit(Lit::Str(_)) => "a string",
            Term::Lit(Lit::Int(_)) => "an integer",
            Term::Lit(Lit::Float(_)) => "a decimal number",
            Term::Lit(Lit::Bool(_)) => "a boolean",
            Term::Lit(_) => "a literal",
            Term::Object(..) => "an object",
            Term::Array(..) => "an array",
            Term::Call(_) => "a matcher call",
            Term::Ident(_) => "an identifier",
            Term::Expr(..) => "a Rust expression",
        }
    }

    pub fn as_str(&self) -> Option<&LitStr> {
        match self {
            Term::Lit(Lit::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// A canonical rendering, to compare provider state parameters.
    pub fn canonical(&self) -> String {
        match self {
            Term::Null(_) => "null".into(),
            Term::Lit(Lit::Str(s)) => format!("{:?}", s.value()),
            Term::Lit(Lit::Int(i)) => i.base10_digits().to_string(),
            Term::Lit(Lit::Float(f)) => f.base10_digits().to_string(),
            Term::Lit(Lit::Bool(b)) => b.value.to_string(),
            Term::Lit(l) => quote!(#l).to_string(),
            Term::Object(_, members) => {
                let mut parts: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{:?}:{}", k.value(), v.canonical()))
                    .collect();
                parts.sort();
                format!("{{{}}}", parts.join(","))
            }
            Term::Array(_, elements) => format!(
                "[{}]",
                elements
                    .iter()
                    .map(Term::canonical)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Term::Call(c) => format!(
                "{}({})",
                c.name,
                c.args
                    .iter()
                    .map(|a| match &a.name {
                        Some(n) => format!("{n}={}", a.value.canonical()),
                        None => a.value.canonical(),
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Term::Ident(i) => i.to_string(),
            Term::Expr(_, e) => format!("({e})"),
        }
    }
}

/// Parses one term.
pub(crate) fn parse_term(input: ParseStream) -> syn::Result<Term> {
    if input.peek(token::Brace) {
        let content;
        let brace = braced!(content in input);
        let mut members = Vec::new();
        while !content.is_empty() {
            let key: LitStr = content.parse().map_err(|e| {
                Error::new(
                    e.span(),
                    "expected a string key: objects are written `{ \"key\": value, ... }`",
                )
            })?;
            content.parse::<Token![:]>()?;
            let value = parse_term(&content)?;
            members.push((key, value));
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        return Ok(Term::Object(brace.span.join(), members));
    }
    if input.peek(token::Bracket) {
        let content;
        let bracket = bracketed!(content in input);
        let mut elements = Vec::new();
        while !content.is_empty() {
            elements.push(parse_term(&content)?);
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        return Ok(Term::Array(bracket.span.join(), elements));
    }
    if input.peek(token::Paren) {
        let content;
        let paren = parenthesized!(content in input);
        let expr: TokenStream = content.parse()?;
        if expr.is_empty() {
            return Err(Error::new(
                paren.span.join(),
                "expected a Rust expression inside `( )`",
            ));
        }
        return Ok(Term::Expr(paren.span.join(), expr));
    }
    if input.peek(Lit) {
        return Ok(Term::Lit(input.parse()?));
    }
    if input.peek(Ident::peek_any) {
        let name = Ident::parse_any(input)?;
        if input.peek(token::Paren) {
            let content;
            let paren = parenthesized!(content in input);
            let args = parse_args(&content)?;
            return Ok(Term::Call(Call {
                name,
                close: paren.span.close(),
                args,
            }));
        }
        if name == "null" {
            return Ok(Term::Null(name.span()));
        }
        return Ok(Term::Ident(name));
    }
    Err(input.error(
        "expected a value: a literal, `null`, `{ ... }`, `[ ... ]`, a matcher such as `like(..)`, or `(rust_expression)`",
    ))
}

/// Parses `arg, name = arg, ...` up to the end of `input`.
pub(crate) fn parse_args(input: ParseStream) -> syn::Result<Vec<Arg>> {
    let mut args = Vec::new();
    while !input.is_empty() {
        let name =
            if input.peek(Ident::peek_any) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
                let name = Ident::parse_any(input)?.unraw();
                input.parse::<Token![=]>()?;
                Some(name)
            } else {
                None
            };
        let value = parse_term(input)?;
        args.push(Arg { name, value });
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(args)
}

/// The matchers `json = { ... }` and the other term positions accept, with their arguments.
pub(crate) const MATCHERS: &[(&str, &str)] = &[
    ("like", "like(example)"),
    ("each_like", "each_like(template, min = N, max = N)"),
    ("regex", "regex(regex, example)"),
    ("integer", "integer(example)"),
    ("decimal", "decimal(example)"),
    ("number", "number(example)"),
    ("boolean", "boolean(example)"),
    ("null", "null()"),
    ("include", "include(text)"),
    ("equality", "equality(example)"),
    ("datetime", "datetime(format, example)"),
    ("date", "date(format, example)"),
    ("time", "time(format, example)"),
    ("values", "values(example)"),
    ("array_contains", "array_contains([variant, ...])"),
    ("not_empty", "not_empty(example)"),
    ("semver", "semver(example)"),
    ("content_type", "content_type(content_type, example)"),
    ("each_key", "each_key(example, key_matcher)"),
    ("each_value", "each_value(example, value_matcher)"),
    ("all_of", "all_of([term, ...])"),
    ("any_of", "any_of([term, ...])"),
    ("status_code", "status_code(class, example)"),
    ("random_int", "random_int(min, max)"),
    ("random_decimal", "random_decimal(digits)"),
    ("random_hexadecimal", "random_hexadecimal(digits)"),
    ("random_string", "random_string(size)"),
    ("random_boolean", "random_boolean()"),
    ("regex_generated", "regex_generated(regex, example)"),
    ("uuid", "uuid()"),
    (
        "generated_date",
        "generated_date(format, example, expression = \"...\")",
    ),
    (
        "generated_time",
        "generated_time(format, example, expression = \"...\")",
    ),
    (
        "generated_datetime",
        "generated_datetime(format, example, expression = \"...\")",
    ),
    (
        "from_provider_state",
        "from_provider_state(expression, example)",
    ),
    ("mock_server_url", "mock_server_url(regex, example)"),
];

/// The status classes of `status_code(..)`: the identifier, the name in a pact, the variant.
const STATUS_CLASSES: &[(&str, &str)] = &[
    ("Information", "info"),
    ("Success", "success"),
    ("Redirect", "redirect"),
    ("ClientError", "clientError"),
    ("ServerError", "serverError"),
    ("NonError", "nonError"),
    ("Error", "error"),
];

/// Turns terms into `Term` expressions, collecting every problem found on the way.
pub(crate) struct Gen<'a> {
    pub krate: &'a Path,
    pub errors: &'a mut Vec<Error>,
}

impl Gen<'_> {
    pub fn error(&mut self, span: Span, message: impl std::fmt::Display) {
        self.errors.push(Error::new(span, message));
    }

    /// An error on a whole call, from its name to its closing parenthesis.
    fn call_error(&mut self, call: &Call, message: impl std::fmt::Display) {
        self.errors
            .push(error_between(call.name.span(), call.close, message));
    }

    fn placeholder(&self) -> TokenStream {
        let k = self.krate;
        quote!(#k::__private::Term::Value(#k::__private::serde_json::Value::Null))
    }

    /// A `Term` expression for `term`.
    pub fn term(&mut self, term: &Term) -> TokenStream {
        let k = self.krate;
        match term {
            Term::Null(span) => {
                quote_spanned!(*span=> #k::__private::Term::Value(#k::__private::serde_json::Value::Null))
            }
            Term::Lit(lit) => match self.literal(lit) {
                Some(value) => quote!(#k::__private::Term::from(#value)),
                None => self.placeholder(),
            },
            Term::Object(_, members) => {
                let members = members.iter().map(|(key, value)| {
                    let value = self.term(value);
                    quote!((::std::string::String::from(#key), #value))
                });
                let members: Vec<_> = members.collect();
                quote!(#k::__private::Term::Object(::std::vec![#(#members),*]))
            }
            Term::Array(_, elements) => {
                let elements: Vec<_> = elements.iter().map(|e| self.term(e)).collect();
                quote!(#k::__private::Term::Array(::std::vec![#(#elements),*]))
            }
            Term::Call(call) => self.call(call),
            Term::Ident(ident) => {
                self.error(
                    ident.span(),
                    format_args!(
                        "expected a value, found `{ident}`: write a string as \"{ident}\", a matcher as `{ident}(..)`, or a Rust expression as `({ident})`"
                    ),
                );
                self.placeholder()
            }
            Term::Expr(span, expr) => {
                quote_spanned!(*span=> <#k::__private::Term as ::core::convert::From<_>>::from(#expr))
            }
        }
    }

    /// A JSON literal as a Rust literal with an explicit type.
    fn literal(&mut self, lit: &Lit) -> Option<TokenStream> {
        match lit {
            Lit::Str(s) => Some(quote!(#s)),
            Lit::Bool(b) => Some(quote!(#b)),
            Lit::Int(_) => self.int(lit).map(|v| int_tokens(v, lit.span())),
            Lit::Float(f) => match f.base10_parse::<f64>() {
                Ok(v) if v.is_finite() => Some(float_tokens(v, f.span())),
                _ => {
                    self.error(f.span(), "not a finite number");
                    None
                }
            },
            other => {
                self.error(
                    other.span(),
                    "expected a JSON literal: a string, a number or a boolean",
                );
                None
            }
        }
    }

    /// The value of an integer literal (within `i64` or `u64`).
    fn int(&mut self, lit: &Lit) -> Option<i128> {
        let Lit::Int(i) = lit else { return None };
        match i.base10_digits().parse::<i128>() {
            Ok(v) if v >= i128::from(i64::MIN) && v <= i128::from(u64::MAX) => Some(v),
            _ => {
                self.error(i.span(), "integer out of range");
                None
            }
        }
    }

    fn call(&mut self, call: &Call) -> TokenStream {
        let name = call.name.to_string();
        let Some((_, signature)) = MATCHERS.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = MATCHERS.iter().map(|(n, _)| *n).collect();
            self.error(
                call.name.span(),
                format_args!(
                    "unknown matcher `{name}`; expected one of: {}",
                    names.join(", ")
                ),
            );
            return self.placeholder();
        };
        let mut args = Args::new(self, call, signature);
        let k = args.gen.krate.clone();
        let f = {
            let ident = Ident::new(&name, call.name.span());
            quote!(#k::__private::matchers::#ident)
        };
        let tokens = match name.as_str() {
            "like" | "equality" | "values" | "not_empty" => {
                let [example] = args.positional::<1>(1);
                let example = args.term(example);
                quote!(#f(#example))
            }
            "each_like" => {
                let min = args.named("min");
                let max = args.named("max");
                let [template] = args.positional::<1>(1);
                let template = args.term(template);
                let min_v = min.and_then(|m| args.usize(m));
                let max_v = max.and_then(|m| args.usize(m));
                if let (Some(lo), Some(hi), Some(m)) = (min_v, max_v, min) {
                    if lo > hi {
                        args.gen.error(
                            m.span(),
                            format_args!("each_like: min ({lo}) is greater than max ({hi})"),
                        );
                    }
                }
                if let (Some(0), Some(m)) = (max_v, max) {
                    args.gen
                        .error(m.span(), "each_like: max must be at least 1");
                }
                if min.is_none() && max.is_none() {
                    quote!(#f(#template))
                } else {
                    let opt = |v: Option<usize>| match v {
                        Some(v) => quote!(::core::option::Option::Some(#v)),
                        None => quote!(::core::option::Option::None),
                    };
                    let (min, max) = (opt(min_v), opt(max_v));
                    quote!(#k::__private::matchers::each_like_between(#template, #min, #max))
                }
            }
            "regex" | "regex_generated" | "mock_server_url" => {
                let [regex, example] = args.positional::<2>(2);
                let regex_s = args.string(regex);
                let example_s = args.string(example);
                if let (Some(r), Some(e)) = (&regex_s, &example_s) {
                    args.gen.check_regex(r, e);
                    if name == "regex_generated" {
                        let mut rng = fastrand::Rng::with_seed(0);
                        if let Err(err) =
                            pact_core::generators::regex_string::generate(&r.value(), &mut rng)
                        {
                            args.gen.error(r.span(), err);
                        }
                    }
                }
                quote!(#f(#regex_s, #example_s))
            }
            "integer" => {
                let [example] = args.positional::<1>(1);
                let v = example
                    .and_then(|e| args.typed_int(e, "integer", i64::MIN.into(), i64::MAX.into()));
                let v =
                    v.map(|v| int_literal(v as i64, example.map_or(call.name.span(), Term::span)));
                quote!(#f(#v))
            }
            "decimal" | "number" => {
                let [example] = args.positional::<1>(1);
                let v = example.and_then(|e| args.number(e, &name));
                match (v, name.as_str()) {
                    (Some(Num::Float(x, span)), "number") => {
                        let x = float_tokens(x, span);
                        quote!(#f(#k::__private::serde_json::Number::from_f64(#x).expect("a finite number")))
                    }
                    (Some(Num::Float(x, span)), _) => {
                        let x = float_tokens(x, span);
                        quote!(#f(#x))
                    }
                    (Some(Num::Int(i, span)), "number") => {
                        let i = int_tokens(i, span);
                        quote!(#f(#i))
                    }
                    (Some(Num::Int(i, span)), _) => {
                        let x = float_tokens(i as f64, span);
                        quote!(#f(#x))
                    }
                    (None, _) => quote!(#f(0.0)),
                }
            }
            "boolean" => {
                let [example] = args.positional::<1>(1);
                let b = match example {
                    Some(Term::Lit(Lit::Bool(b))) => quote!(#b),
                    Some(other) => {
                        args.gen.error(
                            other.span(),
                            format_args!("boolean needs `true` or `false`, found {}", other.kind()),
                        );
                        quote!(false)
                    }
                    None => quote!(false),
                };
                quote!(#f(#b))
            }
            "null" | "uuid" | "random_boolean" => {
                args.positional::<0>(0);
                quote!(#f())
            }
            "include" => {
                let [text] = args.positional::<1>(1);
                let text = args.string(text);
                quote!(#f(#text))
            }
            "semver" => {
                let [example] = args.positional::<1>(1);
                let example = args.string(example);
                if let Some(e) = &example {
                    if !pact_core::matching::is_semver(&e.value()) {
                        args.gen.error(
                            e.span(),
                            format_args!(
                                "{:?} is not a semantic version (such as \"1.2.3\")",
                                e.value()
                            ),
                        );
                    }
                }
                quote!(#f(#example))
            }
            "datetime" | "date" | "time" | "generated_date" | "generated_time"
            | "generated_datetime" => {
                let generated = name.starts_with("generated_");
                let named_expression = if generated {
                    args.named("expression")
                } else {
                    None
                };
                let (format, example, positional_expression) = if generated {
                    let [format, example, expression] = args.positional::<3>(2);
                    (format, example, expression)
                } else {
                    let [format, example] = args.positional::<2>(2);
                    (format, example, None)
                };
                let format = args.string(format);
                let example = args.string(example);
                if let (Some(fmt), Some(ex)) = (&format, &example) {
                    let kind = name.trim_start_matches("generated_");
                    args.gen.check_datetime(kind, fmt, ex);
                }
                if generated {
                    let expression = match (named_expression, positional_expression) {
                        (Some(a), Some(b)) => {
                            args.gen.error(b.span(), "the expression is given twice");
                            Some(a)
                        }
                        (a, b) => a.or(b),
                    };
                    let expression = match expression {
                        Some(e) => {
                            let e = args.string(Some(e));
                            quote!(::core::option::Option::Some(#e))
                        }
                        None => quote!(::core::option::Option::None),
                    };
                    quote!(#f(#format, #example, #expression))
                } else {
                    quote!(#f(#format, #example))
                }
            }
            "array_contains" | "all_of" | "any_of" => {
                let terms = args.list();
                if terms.is_empty() && name != "array_contains" {
                    args.gen
                        .call_error(call, format_args!("{name} needs at least one term"));
                }
                let terms: Vec<_> = terms.iter().map(|t| args.gen.term(t)).collect();
                quote!(#f(::std::vec![#(#terms),*]))
            }
            "content_type" => {
                let [ct, example] = args.positional::<2>(2);
                let ct = args.string(ct);
                let example = args.term(example);
                quote!(#f(#ct, #example))
            }
            "each_key" | "each_value" => {
                let [example, matcher] = args.positional::<2>(2);
                let example = args.term(example);
                match matcher {
                    Some(Term::Call(c)) if c.name != "each_like" => {}
                    Some(other) => args.gen.error(
                        other.span(),
                        format_args!(
                            "{name} needs a matcher such as `regex(..)` or `like(..)` as its second argument"
                        ),
                    ),
                    None => {}
                }
                let matcher = args.term(matcher);
                quote!(#f(#example, #matcher))
            }
            "status_code" => {
                let [class, example] = args.positional::<2>(2);
                let class = class.and_then(|c| args.gen.status_class(c));
                let code = example.and_then(|e| args.typed_int(e, "status_code", 100, 599));
                let class_tokens = class.as_ref().map(|(tokens, _, _)| tokens.clone());
                if let (Some((_, codes, class_name)), Some(code), Some(e)) = (&class, code, example)
                {
                    if !codes.contains(&(code as u16)) {
                        args.gen.error(
                            e.span(),
                            format_args!("status {code} is not in the class {class_name}"),
                        );
                    }
                }
                let code = code.map(|c| {
                    let lit = proc_macro2::Literal::u16_suffixed(c as u16);
                    quote!(#lit)
                });
                quote!(#f(#class_tokens, #code))
            }
            "random_int" => {
                let [min, max] = args.positional::<2>(2);
                let lo = min.and_then(|m| {
                    args.typed_int(m, "random_int", i64::MIN.into(), i64::MAX.into())
                });
                let hi = max.and_then(|m| {
                    args.typed_int(m, "random_int", i64::MIN.into(), i64::MAX.into())
                });
                if let (Some(lo), Some(hi), Some(m)) = (lo, hi, min) {
                    if lo > hi {
                        args.gen.error(
                            m.span(),
                            format_args!("random_int: min ({lo}) is greater than max ({hi})"),
                        );
                    }
                }
                let lo = lo.map(|v| int_literal(v as i64, call.name.span()));
                let hi = hi.map(|v| int_literal(v as i64, call.name.span()));
                quote!(#f(#lo, #hi))
            }
            "random_decimal" | "random_hexadecimal" | "random_string" => {
                let [n_expr] = args.positional::<1>(1);
                let n = n_expr.and_then(|n| args.usize(n));
                if let (Some(0), Some(e), true) = (n, n_expr, call.name != "random_string") {
                    args.gen.error(
                        e.span(),
                        format_args!("{}: needs at least one digit", call.name),
                    );
                }
                quote!(#f(#n))
            }
            "from_provider_state" => {
                let [expression, example] = args.positional::<2>(2);
                let expression = args.string(expression);
                let example = args.term(example);
                quote!(#f(#expression, #example))
            }
            _ => unreachable!("every matcher of MATCHERS is handled"),
        };
        args.finish();
        tokens
    }

    /// Checks that `regex` compiles and matches `example`.
    pub fn check_regex(&mut self, regex: &LitStr, example: &LitStr) {
        match Pattern::new(&regex.value()) {
            Err(e) => self.error(regex.span(), format_args!("invalid regex: {e}")),
            Ok(p) if !p.is_match(&example.value()) => self.error(
                example.span(),
                format_args!(
                    "the example {:?} does not match the regex `{}`",
                    example.value(),
                    regex.value()
                ),
            ),
            Ok(_) => {}
        }
    }

    fn check_datetime(&mut self, kind: &str, format: &LitStr, example: &LitStr) {
        match DateTimePattern::parse(&format.value()) {
            Err(e) => self.error(format.span(), format_args!("invalid {kind} format: {e}")),
            Ok(p) if !p.matches(&example.value()) => self.error(
                example.span(),
                format_args!(
                    "the example {:?} does not match the {kind} format {:?}",
                    example.value(),
                    format.value()
                ),
            ),
            Ok(_) => {}
        }
    }

    /// A `StatusClass` expression, the codes it contains and its name.
    fn status_class(&mut self, term: &Term) -> Option<(TokenStream, Vec<u16>, String)> {
        let k = self.krate;
        let named = |name: &str| {
            STATUS_CLASSES
                .iter()
                .position(|(ident, pact)| *ident == name || *pact == name)
        };
        let index = match term {
            Term::Ident(i) => named(&i.to_string()),
            Term::Lit(Lit::Str(s)) => named(&s.value()),
            Term::Array(_, codes) => {
                let mut list = Vec::new();
                for c in codes {
                    let Term::Lit(lit @ Lit::Int(_)) = c else {
                        self.error(c.span(), "expected a status code");
                        return None;
                    };
                    let v = self.int(lit)?;
                    if !(100..=599).contains(&v) {
                        self.error(c.span(), format_args!("status {v} is not within 100..=599"));
                        return None;
                    }
                    list.push(v as u16);
                }
                let tokens = quote!(#k::__private::StatusClass::Codes(::std::vec![#(#list),*]));
                let name = format!("{list:?}");
                return Some((tokens, list, name));
            }
            _ => None,
        };
        let Some(index) = index else {
            let names: Vec<&str> = STATUS_CLASSES.iter().map(|(i, _)| *i).collect();
            self.error(
                term.span(),
                format_args!(
                    "expected a status class, one of: {}, or a list of codes such as [200, 201]",
                    names.join(", ")
                ),
            );
            return None;
        };
        let variant = Ident::new(STATUS_CLASSES[index].0, term.span());
        let codes: Vec<u16> = (100..=599)
            .filter(|c| match index {
                0 => (100..200).contains(c),
                1 => (200..300).contains(c),
                2 => (300..400).contains(c),
                3 => (400..500).contains(c),
                4 => (500..600).contains(c),
                5 => *c < 400,
                _ => (400..600).contains(c),
            })
            .collect();
        Some((
            quote!(#k::__private::StatusClass::#variant),
            codes,
            STATUS_CLASSES[index].0.to_string(),
        ))
    }
}

enum Num {
    Int(i128, Span),
    Float(f64, Span),
}

/// The arguments of one matcher call, taken one by one; what is left over is an error.
struct Args<'g, 'a, 'c> {
    gen: &'g mut Gen<'a>,
    call: &'c Call,
    signature: &'static str,
    positional: Vec<&'c Term>,
    named: Vec<(&'c Ident, &'c Term, bool)>,
}

impl<'g, 'a, 'c> Args<'g, 'a, 'c> {
    fn new(gen: &'g mut Gen<'a>, call: &'c Call, signature: &'static str) -> Self {
        let mut positional = Vec::new();
        let mut named = Vec::new();
        for arg in &call.args {
            match &arg.name {
                Some(n) => named.push((n, &arg.value, false)),
                None => positional.push(&arg.value),
            }
        }
        Args {
            gen,
            call,
            signature,
            positional,
            named,
        }
    }

    /// Up to `N` positional arguments, of which the first `required` must be there.
    fn positional<const N: usize>(&mut self, required: usize) -> [Option<&'c Term>; N] {
        let given = self.positional.len();
        if given < required || given > N {
            let expected = if required == N {
                format!("{N}")
            } else {
                format!("{required} to {N}")
            };
            let s = if N == 1 { "" } else { "s" };
            self.gen.call_error(
                self.call,
                format_args!(
                    "`{}` takes {expected} argument{s}, {given} given: `{}`",
                    self.call.name, self.signature
                ),
            );
        }
        std::array::from_fn(|i| self.positional.get(i).copied())
    }

    /// All positional arguments as a list: `f([a, b])` or `f(a, b)`.
    fn list(&mut self) -> Vec<&'c Term> {
        match self.positional.as_slice() {
            [Term::Array(_, elements)] => elements.iter().collect(),
            other => other.to_vec(),
        }
    }

    fn named(&mut self, name: &str) -> Option<&'c Term> {
        let mut found = None;
        for (n, value, used) in &mut self.named {
            if *n == name {
                if found.is_some() {
                    self.gen
                        .error(n.span(), format_args!("`{name}` is given twice"));
                }
                *used = true;
                found = Some(*value);
            }
        }
        found
    }

    /// Reports leftover named arguments.
    fn finish(self) {
        for (name, _, used) in &self.named {
            if !used {
                self.gen.error(
                    name.span(),
                    format_args!(
                        "`{}` has no argument `{name}`: `{}`",
                        self.call.name, self.signature
                    ),
                );
            }
        }
    }

    fn term(&mut self, term: Option<&Term>) -> TokenStream {
        match term {
            Some(t) => self.gen.term(t),
            None => self.gen.placeholder(),
        }
    }

    fn string(&mut self, term: Option<&'c Term>) -> Option<LitStr> {
        match term? {
            Term::Lit(Lit::Str(s)) => Some(s.clone()),
            other => {
                self.gen.error(
                    other.span(),
                    format_args!(
                        "expected a string literal, found {}: `{}`",
                        other.kind(),
                        self.signature
                    ),
                );
                None
            }
        }
    }

    /// An integer literal within `lo..=hi`.
    fn typed_int(&mut self, term: &Term, what: &str, lo: i128, hi: i128) -> Option<i128> {
        let Term::Lit(lit @ Lit::Int(_)) = term else {
            let found = match term {
                Term::Lit(Lit::Float(f)) => format!("`{}`", f.base10_digits()),
                other => other.kind().to_string(),
            };
            self.gen.error(
                term.span(),
                format_args!("{what} needs an integer literal, found {found}"),
            );
            return None;
        };
        let v = self.gen.int(lit)?;
        if v < lo || v > hi {
            self.gen.error(
                term.span(),
                format_args!("{what}: {v} is not within {lo}..={hi}"),
            );
            return None;
        }
        Some(v)
    }

    fn usize(&mut self, term: &Term) -> Option<usize> {
        let name = self.call.name.to_string();
        self.typed_int(term, &name, 0, u32::MAX.into())
            .map(|v| v as usize)
    }

    fn number(&mut self, term: &Term, what: &str) -> Option<Num> {
        match term {
            Term::Lit(lit @ Lit::Int(_)) => self.gen.int(lit).map(|v| Num::Int(v, lit.span())),
            Term::Lit(Lit::Float(f)) => match f.base10_parse::<f64>() {
                Ok(v) if v.is_finite() => Some(Num::Float(v, f.span())),
                _ => {
                    self.gen.error(f.span(), "not a finite number");
                    None
                }
            },
            other => {
                self.gen.error(
                    other.span(),
                    format_args!("{what} needs a number literal, found {}", other.kind()),
                );
                None
            }
        }
    }
}

fn int_literal(v: i64, span: Span) -> TokenStream {
    int_tokens(v.into(), span)
}

/// `v` as an `i64` literal (a `u64` one above `i64::MAX`).
pub(crate) fn int_tokens(v: i128, span: Span) -> TokenStream {
    let mut lit = match i64::try_from(v) {
        Ok(v) => proc_macro2::Literal::i64_suffixed(v.abs()),
        Err(_) => proc_macro2::Literal::u64_suffixed(v as u64),
    };
    lit.set_span(span);
    if v < 0 {
        if v == i128::from(i64::MIN) {
            return quote_spanned!(span=> i64::MIN);
        }
        quote_spanned!(span=> -#lit)
    } else {
        quote!(#lit)
    }
}

fn float_tokens(v: f64, span: Span) -> TokenStream {
    let mut lit = proc_macro2::Literal::f64_suffixed(v.abs());
    lit.set_span(span);
    if v.is_sign_negative() {
        quote_spanned!(span=> -#lit)
    } else {
        quote!(#lit)
    }
}

/// An error covering `start` to `end` (on compilers that can join spans; else at `start`).
pub(crate) fn error_between(start: Span, end: Span, message: impl std::fmt::Display) -> Error {
    let a = Ident::new("a", start);
    let b = Ident::new("b", end);
    Error::new_spanned(quote!(#a #b), message)
}
