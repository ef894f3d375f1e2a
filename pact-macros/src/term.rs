//! The JSON-like terms written in the attribute: their syntax, their compile-time checks and
//! the `Term` expressions they expand to.

use pact_core::checks;
use pact_core::rules::StatusClass;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{
    braced, bracketed, parenthesized, token, Error, Ident, Lit, LitBool, LitStr, Path, Token,
};

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
    /// `name(args)`, a matcher call.
    Call(Box<Call>),
    /// A bare identifier.
    Ident(Ident),
    /// `(expr)`: any Rust expression whose type converts into a `Term`.
    Expr(Span, TokenStream),
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
                c.positional
                    .iter()
                    .flatten()
                    .map(Typed::canonical)
                    .chain(
                        c.named
                            .iter()
                            .flatten()
                            .map(|(n, t)| format!("{n}={}", t.canonical()))
                    )
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
            return Ok(Term::Call(Box::new(Call::describe(
                name,
                paren.span.close(),
                args,
            ))));
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

/// What an argument of a matcher must be: parsing reads each argument as its kind says,
/// and expansion writes it back as the kind's Rust value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Any term: an example, a template.
    Term,
    /// A matcher call other than `each_like` (`each_key`'s and `each_value`'s rules).
    Matcher,
    /// A string literal.
    Str,
    /// An integer literal, as an `i64`.
    Int,
    /// A count or size, as a `usize`.
    Count,
    /// A number literal, as an `f64`.
    Decimal,
    /// A number literal, as a `serde_json::Number` (integers stay integers).
    Number,
    /// `true` or `false`.
    Bool,
    /// A status class: `Success`, `"clientError"`, `[200, 201]`.
    Class,
    /// A status code, as a `u16`.
    Status,
    /// Every positional argument, or the elements of a single array: a list of terms.
    Terms,
}

/// What validation checks on a matcher's arguments beyond their kinds.
#[derive(Clone, Copy)]
pub(crate) enum Check {
    None,
    /// The regex (first argument) compiles and matches the example (second).
    Regex,
    /// [`Check::Regex`], and values can be generated from the regex.
    GeneratedRegex,
    /// The format (first argument) is valid for this kind and matches the example (second).
    DateTime(&'static str),
    /// [`Check::DateTime`], and the expression is given once.
    GeneratedDateTime(&'static str),
    /// `min <= max` and `max >= 1` (named arguments).
    Bounds,
    /// `min <= max` (positional arguments).
    Range,
    /// At least one digit.
    Digits,
    /// A semantic version.
    Semver,
    /// The status (second argument) is in the class (first).
    StatusInClass,
    /// At least one term in the list.
    AtLeastOne,
}

/// A matcher of `pact_runtime::consumer::matchers`, as the attribute writes it.
pub(crate) struct MatcherDef {
    pub name: &'static str,
    /// How a call is written, for error messages.
    pub signature: &'static str,
    /// The positional arguments, of which the first `required` must be given.
    pub positional: &'static [Kind],
    pub required: usize,
    pub named: &'static [(&'static str, Kind)],
    pub check: Check,
}

const fn m(
    name: &'static str,
    signature: &'static str,
    positional: &'static [Kind],
    check: Check,
) -> MatcherDef {
    MatcherDef {
        name,
        signature,
        positional,
        required: positional.len(),
        named: &[],
        check,
    }
}

const GENERATED_DATE: &[Kind] = &[Kind::Str, Kind::Str, Kind::Str];
const EXPRESSION: &[(&str, Kind)] = &[("expression", Kind::Str)];

/// Every matcher the attribute accepts: parsing, validation, expansion and the "unknown
/// matcher" message all read this list, so a new matcher is one more line (and, when it
/// needs one, a [`Check`]).
pub(crate) const MATCHERS: &[MatcherDef] = &[
    m("like", "like(example)", &[Kind::Term], Check::None),
    MatcherDef {
        name: "each_like",
        signature: "each_like(template, min = N, max = N)",
        positional: &[Kind::Term],
        required: 1,
        named: &[("min", Kind::Count), ("max", Kind::Count)],
        check: Check::Bounds,
    },
    m(
        "regex",
        "regex(regex, example)",
        &[Kind::Str, Kind::Str],
        Check::Regex,
    ),
    m("integer", "integer(example)", &[Kind::Int], Check::None),
    m("decimal", "decimal(example)", &[Kind::Decimal], Check::None),
    m("number", "number(example)", &[Kind::Number], Check::None),
    m("boolean", "boolean(example)", &[Kind::Bool], Check::None),
    m("null", "null()", &[], Check::None),
    m("include", "include(text)", &[Kind::Str], Check::None),
    m("equality", "equality(example)", &[Kind::Term], Check::None),
    m(
        "datetime",
        "datetime(format, example)",
        &[Kind::Str, Kind::Str],
        Check::DateTime("datetime"),
    ),
    m(
        "date",
        "date(format, example)",
        &[Kind::Str, Kind::Str],
        Check::DateTime("date"),
    ),
    m(
        "time",
        "time(format, example)",
        &[Kind::Str, Kind::Str],
        Check::DateTime("time"),
    ),
    m("values", "values(example)", &[Kind::Term], Check::None),
    m(
        "array_contains",
        "array_contains([variant, ...])",
        &[Kind::Terms],
        Check::None,
    ),
    m(
        "not_empty",
        "not_empty(example)",
        &[Kind::Term],
        Check::None,
    ),
    m("semver", "semver(example)", &[Kind::Str], Check::Semver),
    m(
        "content_type",
        "content_type(content_type, example)",
        &[Kind::Str, Kind::Term],
        Check::None,
    ),
    m(
        "each_key",
        "each_key(example, key_matcher)",
        &[Kind::Term, Kind::Matcher],
        Check::None,
    ),
    m(
        "each_value",
        "each_value(example, value_matcher)",
        &[Kind::Term, Kind::Matcher],
        Check::None,
    ),
    m(
        "all_of",
        "all_of([term, ...])",
        &[Kind::Terms],
        Check::AtLeastOne,
    ),
    m(
        "any_of",
        "any_of([term, ...])",
        &[Kind::Terms],
        Check::AtLeastOne,
    ),
    m(
        "status_code",
        "status_code(class, example)",
        &[Kind::Class, Kind::Status],
        Check::StatusInClass,
    ),
    m(
        "random_int",
        "random_int(min, max)",
        &[Kind::Int, Kind::Int],
        Check::Range,
    ),
    m(
        "random_decimal",
        "random_decimal(digits)",
        &[Kind::Count],
        Check::Digits,
    ),
    m(
        "random_hexadecimal",
        "random_hexadecimal(digits)",
        &[Kind::Count],
        Check::Digits,
    ),
    m(
        "random_string",
        "random_string(size)",
        &[Kind::Count],
        Check::None,
    ),
    m("random_boolean", "random_boolean()", &[], Check::None),
    m(
        "regex_generated",
        "regex_generated(regex, example)",
        &[Kind::Str, Kind::Str],
        Check::GeneratedRegex,
    ),
    m("uuid", "uuid()", &[], Check::None),
    MatcherDef {
        name: "generated_date",
        signature: "generated_date(format, example, expression = \"...\")",
        positional: GENERATED_DATE,
        required: 2,
        named: EXPRESSION,
        check: Check::GeneratedDateTime("date"),
    },
    MatcherDef {
        name: "generated_time",
        signature: "generated_time(format, example, expression = \"...\")",
        positional: GENERATED_DATE,
        required: 2,
        named: EXPRESSION,
        check: Check::GeneratedDateTime("time"),
    },
    MatcherDef {
        name: "generated_datetime",
        signature: "generated_datetime(format, example, expression = \"...\")",
        positional: GENERATED_DATE,
        required: 2,
        named: EXPRESSION,
        check: Check::GeneratedDateTime("datetime"),
    },
    m(
        "from_provider_state",
        "from_provider_state(expression, example)",
        &[Kind::Str, Kind::Term],
        Check::None,
    ),
    m(
        "mock_server_url",
        "mock_server_url(regex, example)",
        &[Kind::Str, Kind::Str],
        Check::Regex,
    ),
];

/// An argument read as its [`Kind`].
#[derive(Clone)]
pub(crate) enum Typed {
    Term(Term),
    Str(LitStr),
    Int(i128, Span),
    Float(f64, Span),
    Bool(LitBool),
    Class(StatusClass, Span),
    Terms(Vec<Term>),
}

impl Typed {
    fn span(&self) -> Span {
        match self {
            Typed::Term(t) => t.span(),
            Typed::Str(s) => s.span(),
            Typed::Int(_, s) | Typed::Float(_, s) | Typed::Class(_, s) => *s,
            Typed::Bool(b) => b.span,
            Typed::Terms(terms) => terms.first().map_or_else(Span::call_site, Term::span),
        }
    }

    fn canonical(&self) -> String {
        match self {
            Typed::Term(t) => t.canonical(),
            Typed::Str(s) => format!("{:?}", s.value()),
            Typed::Int(v, _) => v.to_string(),
            Typed::Float(v, _) => v.to_string(),
            Typed::Bool(b) => b.value.to_string(),
            Typed::Class(c, _) => checks::status_class_name(c),
            Typed::Terms(terms) => {
                let terms: Vec<String> = terms.iter().map(Term::canonical).collect();
                format!("[{}]", terms.join(","))
            }
        }
    }
}

/// `name(args)` read against [`MATCHERS`]. What is wrong with the arguments (their number,
/// their kinds, unknown names) is kept in `problems`, which validation reports in the order
/// of the terms.
#[derive(Clone)]
pub(crate) struct Call {
    pub name: Ident,
    /// The closing parenthesis.
    pub close: Span,
    /// `None` for an unknown matcher.
    pub def: Option<&'static MatcherDef>,
    /// One slot for each of `def.positional`, `None` when not given or not readable.
    pub positional: Vec<Option<Typed>>,
    /// One slot for each of `def.named`.
    pub named: Vec<Option<(Ident, Typed)>>,
    pub problems: Vec<Error>,
}

impl Call {
    /// Reads the arguments of `name(args)` as the matcher of that name takes them.
    pub fn describe(name: Ident, close: Span, args: Vec<Arg>) -> Call {
        let mut call = Call {
            name,
            close,
            def: None,
            positional: Vec::new(),
            named: Vec::new(),
            problems: Vec::new(),
        };
        let text = call.name.to_string();
        let Some(def) = MATCHERS.iter().find(|d| d.name == text) else {
            let names: Vec<&str> = MATCHERS.iter().map(|d| d.name).collect();
            call.problems.push(Error::new(
                call.name.span(),
                format_args!(
                    "unknown matcher `{text}`; expected one of: {}",
                    names.join(", ")
                ),
            ));
            return call;
        };
        call.def = Some(def);
        let mut positional = Vec::new();
        let mut named = Vec::new();
        for arg in args {
            match arg.name {
                Some(n) => named.push((n, arg.value)),
                None => positional.push(arg.value),
            }
        }
        call.named = def.named.iter().map(|_| None).collect();
        let mut leftover = Vec::new();
        for (n, value) in named {
            let Some(i) = def.named.iter().position(|(k, _)| n == k) else {
                leftover.push(n);
                continue;
            };
            if call.named[i].is_some() {
                call.problems
                    .push(Error::new(n.span(), format_args!("`{n}` is given twice")));
            }
            let typed = call.read(def.named[i].1, value);
            call.named[i] = typed.map(|t| (n, t));
        }
        if def.positional == [Kind::Terms] {
            let terms = match <[Term; 1]>::try_from(positional) {
                Ok([Term::Array(_, elements)]) => elements,
                Ok(one) => one.into(),
                Err(all) => all,
            };
            call.positional = vec![Some(Typed::Terms(terms))];
        } else {
            let (given, n) = (positional.len(), def.positional.len());
            if given < def.required || given > n {
                let expected = if def.required == n {
                    format!("{n}")
                } else {
                    format!("{} to {n}", def.required)
                };
                let s = if n == 1 { "" } else { "s" };
                let message = format!(
                    "`{}` takes {expected} argument{s}, {given} given: `{}`",
                    def.name, def.signature
                );
                call.problems
                    .push(error_between(call.name.span(), call.close, message));
            }
            let mut values = positional.into_iter();
            for kind in def.positional {
                let typed = values.next().and_then(|v| call.read(*kind, v));
                call.positional.push(typed);
            }
        }
        for n in leftover {
            call.problems.push(Error::new(
                n.span(),
                format_args!("`{}` has no argument `{n}`: `{}`", def.name, def.signature),
            ));
        }
        call
    }

    fn problem(&mut self, span: Span, message: impl std::fmt::Display) {
        self.problems.push(Error::new(span, message));
    }

    /// One argument as `kind`, or `None` with a problem recorded.
    fn read(&mut self, kind: Kind, term: Term) -> Option<Typed> {
        let def = self.def?;
        let what = def.name;
        let span = term.span();
        let found = term.kind();
        let checked = |r: Result<i128, checks::CheckError>, call: &mut Call| {
            r.map_err(|e| call.problem(span, e)).ok()
        };
        match (kind, term) {
            (Kind::Term | Kind::Terms, term) => Some(Typed::Term(term)),
            (Kind::Matcher, Term::Call(c)) if c.name != "each_like" => {
                Some(Typed::Term(Term::Call(c)))
            }
            (Kind::Matcher, _) => {
                self.problem(
                    span,
                    format_args!(
                        "{what} needs a matcher such as `regex(..)` or `like(..)` as its second argument"
                    ),
                );
                None
            }
            (Kind::Str, Term::Lit(Lit::Str(s))) => Some(Typed::Str(s)),
            (Kind::Bool, Term::Lit(Lit::Bool(b))) => Some(Typed::Bool(b)),
            (Kind::Bool, _) => {
                self.problem(
                    span,
                    format_args!("{what} needs `true` or `false`, found {found}"),
                );
                None
            }
            (
                Kind::Int | Kind::Count | Kind::Status,
                Term::Lit(lit @ (Lit::Int(_) | Lit::Float(_))),
            ) => {
                let written = match &lit {
                    Lit::Int(i) => i.base10_digits().to_string(),
                    Lit::Float(f) => f.base10_digits().to_string(),
                    _ => unreachable!("matched above"),
                };
                let (min, max) = match kind {
                    Kind::Count => (0, u32::MAX.into()),
                    _ => (i64::MIN.into(), i64::MAX.into()),
                };
                let v = checked(checks::integer(what, &written, min, max), self)?;
                if kind == Kind::Status {
                    checks::status(v).map_err(|e| self.problem(span, e)).ok()?;
                }
                Some(Typed::Int(v, span))
            }
            (Kind::Int | Kind::Count | Kind::Status, _) => {
                self.problem(
                    span,
                    format_args!("{what} needs an integer literal, found {found}"),
                );
                None
            }
            (Kind::Decimal | Kind::Number, Term::Lit(Lit::Int(i))) => {
                let v = checked(
                    checks::integer(what, i.base10_digits(), i64::MIN.into(), u64::MAX.into()),
                    self,
                )?;
                Some(Typed::Int(v, span))
            }
            (Kind::Decimal | Kind::Number, Term::Lit(Lit::Float(f))) => {
                let v = f.base10_parse::<f64>().unwrap_or(f64::INFINITY);
                match checks::finite(v) {
                    Ok(v) => Some(Typed::Float(v, span)),
                    Err(e) => {
                        self.problem(span, e);
                        None
                    }
                }
            }
            (Kind::Decimal | Kind::Number, _) => {
                self.problem(
                    span,
                    format_args!("{what} needs a number literal, found {found}"),
                );
                None
            }
            (Kind::Class, term) => self.read_class(term),
            (Kind::Str, _) => {
                let message = format!(
                    "expected a string literal, found {found}: `{}`",
                    def.signature
                );
                self.problem(span, message);
                None
            }
        }
    }

    fn read_class(&mut self, term: Term) -> Option<Typed> {
        let span = term.span();
        let class = match &term {
            Term::Ident(i) => checks::status_class(&i.to_string()),
            Term::Lit(Lit::Str(s)) => checks::status_class(&s.value()),
            Term::Array(_, codes) => {
                let mut list = Vec::new();
                for c in codes {
                    let Term::Lit(Lit::Int(i)) = c else {
                        self.problem(c.span(), "expected a status code");
                        return None;
                    };
                    let code =
                        checks::integer("status_code", i.base10_digits(), i128::MIN, i128::MAX)
                            .and_then(checks::status);
                    match code {
                        Ok(code) => list.push(code),
                        Err(e) => {
                            self.problem(c.span(), e);
                            return None;
                        }
                    }
                }
                Some(StatusClass::Codes(list))
            }
            _ => None,
        };
        let Some(class) = class else {
            let names: Vec<&str> = checks::STATUS_CLASSES.iter().map(|(i, _)| *i).collect();
            self.problem(
                span,
                format_args!(
                    "expected a status class, one of: {}, or a list of codes such as [200, 201]",
                    names.join(", ")
                ),
            );
            return None;
        };
        Some(Typed::Class(class, span))
    }

    fn arg(&self, i: usize) -> Option<&Typed> {
        self.positional.get(i)?.as_ref()
    }

    fn named_arg(&self, name: &str) -> Option<&Typed> {
        let def = self.def?;
        let i = def.named.iter().position(|(n, _)| *n == name)?;
        self.named[i].as_ref().map(|(_, t)| t)
    }

    /// The terms inside the arguments, for validation to walk.
    fn subterms(&self) -> impl Iterator<Item = &Term> {
        self.positional
            .iter()
            .flatten()
            .chain(self.named.iter().flatten().map(|(_, t)| t))
            .flat_map(|t| match t {
                Typed::Term(t) => std::slice::from_ref(t),
                Typed::Terms(terms) => terms.as_slice(),
                _ => &[],
            })
    }
}

/// Validates terms: reports what parsing found wrong, checks each matcher's arguments
/// through `pact_core::checks`, and refuses values no JSON holds, each error at its token.
pub(crate) fn validate(term: &Term, errors: &mut Vec<Error>) {
    match term {
        Term::Null(_) | Term::Expr(..) => {}
        Term::Lit(lit) => {
            if let Err(e) = literal_value(lit) {
                errors.push(e);
            }
        }
        Term::Object(_, members) => members.iter().for_each(|(_, v)| validate(v, errors)),
        Term::Array(_, elements) => elements.iter().for_each(|v| validate(v, errors)),
        Term::Call(call) => {
            errors.extend(call.problems.iter().cloned());
            check_call(call, errors);
            call.subterms().for_each(|t| validate(t, errors));
        }
        Term::Ident(ident) => errors.push(Error::new(
            ident.span(),
            format_args!(
                "expected a value, found `{ident}`: write a string as \"{ident}\", a matcher as `{ident}(..)`, or a Rust expression as `({ident})`"
            ),
        )),
    }
}

/// A JSON literal's value as a Rust literal, or why it is none.
enum Literal {
    Int(i128),
    Float(f64),
    Other,
}

fn literal_value(lit: &Lit) -> Result<Literal, Error> {
    match lit {
        Lit::Str(_) | Lit::Bool(_) => Ok(Literal::Other),
        Lit::Int(i) => match i.base10_digits().parse::<i128>() {
            Ok(v) if v >= i128::from(i64::MIN) && v <= i128::from(u64::MAX) => Ok(Literal::Int(v)),
            _ => Err(Error::new(i.span(), "integer out of range")),
        },
        Lit::Float(f) => checks::finite(f.base10_parse::<f64>().unwrap_or(f64::INFINITY))
            .map(Literal::Float)
            .map_err(|e| Error::new(f.span(), e)),
        other => Err(Error::new(
            other.span(),
            "expected a JSON literal: a string, a number or a boolean",
        )),
    }
}

/// The checks of one matcher beyond its arguments' kinds.
fn check_call(call: &Call, errors: &mut Vec<Error>) {
    let Some(def) = call.def else { return };
    let mut fail = |span: Span, e: checks::CheckError| errors.push(Error::new(span, e));
    let strings = (call.arg(0), call.arg(1));
    match def.check {
        Check::None => {}
        Check::Regex | Check::GeneratedRegex => {
            if let (Some(Typed::Str(re)), Some(Typed::Str(example))) = strings {
                match checks::regex_example(&re.value(), &example.value()) {
                    Err(e @ checks::CheckError::InvalidRegex { .. }) => fail(re.span(), e),
                    Err(e) => fail(example.span(), e),
                    Ok(_) if matches!(def.check, Check::GeneratedRegex) => {
                        if let Err(e) = checks::generable_regex(&re.value()) {
                            fail(re.span(), e);
                        }
                    }
                    Ok(_) => {}
                }
            }
        }
        Check::DateTime(kind) | Check::GeneratedDateTime(kind) => {
            if let (Some(Typed::Str(format)), Some(Typed::Str(example))) = strings {
                match checks::datetime_example(kind, &format.value(), &example.value()) {
                    Err(e @ checks::CheckError::InvalidFormat { .. }) => fail(format.span(), e),
                    Err(e) => fail(example.span(), e),
                    Ok(_) => {}
                }
            }
            if let (Some(_), Some(positional)) = (call.named_arg("expression"), call.arg(2)) {
                errors.push(Error::new(
                    positional.span(),
                    "the expression is given twice",
                ));
            }
        }
        Check::Bounds => {
            let (min, max) = (call.named_arg("min"), call.named_arg("max"));
            if let (Some(Typed::Int(lo, span)), Some(Typed::Int(hi, _))) = (min, max) {
                if let Err(e) = checks::min_max(def.name, lo, hi) {
                    fail(*span, e);
                }
            }
            if let Some(Typed::Int(hi, span)) = max {
                if let Err(e) = checks::max_length(def.name, *hi as usize) {
                    fail(*span, e);
                }
            }
        }
        Check::Range => {
            if let (Some(Typed::Int(lo, span)), Some(Typed::Int(hi, _))) = strings {
                if let Err(e) = checks::min_max(def.name, lo, hi) {
                    fail(*span, e);
                }
            }
        }
        Check::Digits => {
            if let Some(Typed::Int(n, span)) = call.arg(0) {
                if let Err(e) = checks::digits(def.name, *n as usize) {
                    fail(*span, e);
                }
            }
        }
        Check::Semver => {
            if let Some(Typed::Str(example)) = call.arg(0) {
                if let Err(e) = checks::semver(&example.value()) {
                    fail(example.span(), e);
                }
            }
        }
        Check::StatusInClass => {
            if let (Some(Typed::Class(class, _)), Some(Typed::Int(code, span))) = strings {
                if let Err(e) = checks::status_in_class(*code as u16, class) {
                    fail(*span, e);
                }
            }
        }
        Check::AtLeastOne => {
            if let Some(Typed::Terms(terms)) = call.arg(0) {
                if terms.is_empty() {
                    errors.push(error_between(
                        call.name.span(),
                        call.close,
                        format_args!("{} needs at least one term", def.name),
                    ));
                }
            }
        }
    }
}

/// Turns validated terms into `Term` expressions.
pub(crate) struct Gen<'a> {
    pub krate: &'a Path,
}

impl Gen<'_> {
    /// What stands for a term validation refused; never compiled, since an error stops the
    /// expansion.
    fn placeholder(&self) -> TokenStream {
        let k = self.krate;
        quote!(#k::__private::Term::Value(#k::__private::serde_json::Value::Null))
    }

    /// A `Term` expression for `term`.
    pub fn term(&self, term: &Term) -> TokenStream {
        let k = self.krate;
        match term {
            Term::Null(span) => {
                quote_spanned!(*span=> #k::__private::Term::Value(#k::__private::serde_json::Value::Null))
            }
            Term::Lit(lit) => {
                let value = match (lit, literal_value(lit)) {
                    (Lit::Str(s), _) => quote!(#s),
                    (Lit::Bool(b), _) => quote!(#b),
                    (_, Ok(Literal::Int(v))) => int_tokens(v, lit.span()),
                    (_, Ok(Literal::Float(v))) => float_tokens(v, lit.span()),
                    _ => return self.placeholder(),
                };
                quote!(#k::__private::Term::from(#value))
            }
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
            Term::Ident(_) => self.placeholder(),
            Term::Expr(span, expr) => {
                quote_spanned!(*span=> <#k::__private::Term as ::core::convert::From<_>>::from(#expr))
            }
        }
    }

    /// `matchers::name(args)`, each argument written as its kind's Rust value.
    fn call(&self, call: &Call) -> TokenStream {
        let Some(def) = call.def else {
            return self.placeholder();
        };
        let k = self.krate;
        let ident = Ident::new(def.name, call.name.span());
        let f = quote!(#k::__private::matchers::#ident);
        let args: Vec<TokenStream> = def
            .positional
            .iter()
            .zip(&call.positional)
            .map(|(kind, typed)| match typed {
                Some(t) => self.typed(*kind, t),
                None => self.placeholder(),
            })
            .collect();
        match def.check {
            Check::Bounds => {
                let (min, max) = (call.named_arg("min"), call.named_arg("max"));
                if min.is_none() && max.is_none() {
                    return quote!(#f(#(#args),*));
                }
                let opt = |v: Option<&Typed>| match v {
                    Some(t) => {
                        let v = self.typed(Kind::Count, t);
                        quote!(::core::option::Option::Some(#v))
                    }
                    None => quote!(::core::option::Option::None),
                };
                let (min, max) = (opt(min), opt(max));
                let template = &args[0];
                quote!(#k::__private::matchers::each_like_between(#template, #min, #max))
            }
            Check::GeneratedDateTime(_) => {
                let expression = call.named_arg("expression").or(call.arg(2));
                let expression = match expression {
                    Some(e) => {
                        let e = self.typed(Kind::Str, e);
                        quote!(::core::option::Option::Some(#e))
                    }
                    None => quote!(::core::option::Option::None),
                };
                let (format, example) = (&args[0], &args[1]);
                quote!(#f(#format, #example, #expression))
            }
            _ => quote!(#f(#(#args),*)),
        }
    }

    fn typed(&self, kind: Kind, typed: &Typed) -> TokenStream {
        let k = self.krate;
        match (kind, typed) {
            (_, Typed::Term(t)) => self.term(t),
            (_, Typed::Str(s)) => quote!(#s),
            (_, Typed::Bool(b)) => quote!(#b),
            (Kind::Count, Typed::Int(v, _)) => {
                let lit = proc_macro2::Literal::usize_suffixed(*v as usize);
                quote!(#lit)
            }
            (Kind::Status, Typed::Int(v, span)) => {
                let mut lit = proc_macro2::Literal::u16_suffixed(*v as u16);
                lit.set_span(*span);
                quote!(#lit)
            }
            (Kind::Decimal, Typed::Int(v, span)) => float_tokens(*v as f64, *span),
            (Kind::Number, Typed::Float(v, span)) => {
                let x = float_tokens(*v, *span);
                quote!(#k::__private::serde_json::Number::from_f64(#x).expect("a finite number"))
            }
            (_, Typed::Int(v, span)) => int_tokens(*v, *span),
            (_, Typed::Float(v, span)) => float_tokens(*v, *span),
            (_, Typed::Class(StatusClass::Codes(list), _)) => {
                quote!(#k::__private::StatusClass::Codes(::std::vec![#(#list),*]))
            }
            (_, Typed::Class(class, span)) => {
                let variant = Ident::new(&checks::status_class_name(class), *span);
                quote!(#k::__private::StatusClass::#variant)
            }
            (_, Typed::Terms(terms)) => {
                let terms: Vec<_> = terms.iter().map(|t| self.term(t)).collect();
                quote!(::std::vec![#(#terms),*])
            }
        }
    }
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
