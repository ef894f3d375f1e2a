//! From the attributes and the function to the test.

use crate::attr::{parse_attr, Attr, Body, Given, Request, Response, Spec};
use crate::term::{validate, Gen, Term};
use pact_core::checks;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{parse_quote, Attribute, Error, FnArg, ItemFn, Lit, LitStr, Meta, Path, ReturnType};

/// Expands `#[pact_interaction(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let e = Error::new(
                Span::call_site(),
                "#[pact_interaction] goes on a test function",
            )
            .into_compile_error();
            return quote!(#e #item);
        }
    };
    let mut errors = Vec::new();
    let mut attrs = Vec::new();
    // A syntax error in an attribute loses the rest of it: what it lacks then is not
    // reported.
    let mut syntax_errors = Vec::new();
    let outer =
        (|input: ParseStream| parse_attr(input, TokenStream::new(), &mut errors)).parse2(args);
    match outer {
        Ok(a) => attrs.push(a),
        Err(e) => syntax_errors.push(e),
    }
    let mut kept = Vec::new();
    for a in &func.attrs {
        if !is_pact_attr(a) {
            kept.push(a.clone());
            continue;
        }
        let at = a.to_token_stream();
        let parsed = match &a.meta {
            Meta::List(list) => list
                .parse_args_with(|input: ParseStream| parse_attr(input, at.clone(), &mut errors)),
            Meta::Path(_) => (|input: ParseStream| parse_attr(input, at.clone(), &mut errors))
                .parse2(TokenStream::new()),
            Meta::NameValue(nv) => Err(Error::new_spanned(
                nv,
                "expected `#[pact_interaction(description = \"...\", ...)]`",
            )),
        };
        match parsed {
            Ok(a) => attrs.push(a),
            Err(e) => syntax_errors.push(e),
        }
    }

    check_signature(&func, &mut errors);
    let expanded = if syntax_errors.is_empty() {
        generate(&func, kept.clone(), &attrs, &mut errors)
    } else {
        errors.append(&mut syntax_errors);
        None
    };
    match (
        errors.into_iter().reduce(|mut a, b| {
            a.combine(b);
            a
        }),
        expanded,
    ) {
        (None, Some(tokens)) => tokens,
        (error, _) => {
            // The function as written, minus the attributes that need the expansion, so
            // that editors still see its body and only our errors are reported.
            let error = error
                .unwrap_or_else(|| Error::new(Span::call_site(), "#[pact_interaction] failed"))
                .into_compile_error();
            let mut func = func;
            func.attrs = kept.into_iter().filter(|a| !is_test_attr(a)).collect();
            quote! {
                #error
                #[allow(dead_code)]
                #func
            }
        }
    }
}

/// `#[pact_interaction]`, under any path.
fn is_pact_attr(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "pact_interaction")
}

/// `#[test]`, `#[tokio::test]`, `#[tokio::test(flavor = "multi_thread")]` and the like.
fn is_test_attr(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "test")
}

/// A value every stacked attribute that gives it must agree on.
fn agree<T: Clone>(
    slot: &mut Option<T>,
    value: Option<&T>,
    same: impl Fn(&T, &T) -> bool,
    span: impl Fn(&T) -> Span,
    name: &str,
    errors: &mut Vec<Error>,
) {
    let Some(value) = value else { return };
    match slot {
        Some(first) if !same(first, value) => errors.push(Error::new(
            span(value),
            format_args!(
                "`{name}` differs from the one another #[pact_interaction] of this test gives: stacked attributes make one pact"
            ),
        )),
        Some(_) => {}
        None => *slot = Some(value.clone()),
    }
}

/// What the settings of the crate being compiled say (see `pact_settings`).
struct Metadata {
    /// The manifests the values came from, included so that editing them rebuilds the test.
    manifests: Vec<String>,
    provider: Option<String>,
    consumer: Option<String>,
}

fn read_metadata() -> Result<Metadata, String> {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").ok_or("CARGO_MANIFEST_DIR is not set")?;
    let settings =
        pact_settings::Settings::load(std::path::Path::new(&dir)).map_err(|e| e.to_string())?;
    let mut manifests = Vec::new();
    let mut field = |key: &pact_settings::Key| -> Result<Option<String>, String> {
        let found = settings
            .string_with_source(key)
            .map_err(|e| e.to_string())?;
        Ok(found.map(|(value, source)| {
            if let pact_settings::Source::Manifest(path) = source {
                if let Some(path) = path.to_str().map(str::to_string) {
                    if !manifests.contains(&path) {
                        manifests.push(path);
                    }
                }
            }
            value
        }))
    };
    let provider = field(&pact_settings::PROVIDER)?;
    let consumer = field(&pact_settings::CONSUMER)?;
    Ok(Metadata {
        manifests,
        provider,
        consumer,
    })
}

/// The test, or `None` when something is missing (the errors say what).
fn generate(
    func: &ItemFn,
    kept: Vec<Attribute>,
    attrs: &[Attr],
    errors: &mut Vec<Error>,
) -> Option<TokenStream> {
    let mut provider: Option<LitStr> = None;
    let mut consumer: Option<LitStr> = None;
    let mut spec: Option<(Spec, Span)> = None;
    let mut krate: Option<Path> = None;
    for a in attrs {
        let same_str = |a: &LitStr, b: &LitStr| a.value() == b.value();
        agree(
            &mut provider,
            a.provider.as_ref(),
            same_str,
            LitStr::span,
            "provider",
            errors,
        );
        agree(
            &mut consumer,
            a.consumer.as_ref(),
            same_str,
            LitStr::span,
            "consumer",
            errors,
        );
        agree(
            &mut spec,
            a.spec.as_ref(),
            |a, b| a.0 == b.0,
            |s| s.1,
            "spec",
            errors,
        );
        agree(
            &mut krate,
            a.krate.as_ref(),
            |a, b| a.to_token_stream().to_string() == b.to_token_stream().to_string(),
            |p| p.span(),
            "crate",
            errors,
        );
    }
    let krate = krate.unwrap_or_else(|| parse_quote!(::pact_runtime));
    let spec = spec.map_or(Spec::V3, |s| s.0);

    // The provider, and the consumer unless given, from the settings; their manifests are then
    // included so that editing it rebuilds the test.
    let mut track_manifests = Vec::new();
    if provider.is_none() || consumer.is_none() {
        match read_metadata() {
            Ok(m) => {
                if provider.is_none() {
                    provider = m
                        .provider
                        .as_ref()
                        .map(|p| LitStr::new(p, Span::call_site()));
                }
                if consumer.is_none() {
                    consumer = m
                        .consumer
                        .as_ref()
                        .map(|c| LitStr::new(c, Span::call_site()));
                }
                track_manifests = m.manifests;
            }
            Err(e) if provider.is_none() => errors.push(Error::new(Span::call_site(), e)),
            Err(_) => {}
        }
    }
    if provider.is_none() {
        let message = "no provider: add `provider = \"...\"` here, or `provider = \"...\"` under [package.metadata.pact] or [workspace.metadata.pact] in Cargo.toml";
        errors.push(attrs.first().map_or_else(
            || Error::new(Span::call_site(), message),
            |a| a.error(message),
        ));
    }

    // Each interaction, checked and built.
    let mut seen: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut valid = Vec::new();
    for a in attrs {
        let Some(description) = &a.description else {
            errors.push(a.error("missing `description = \"...\"`: every interaction needs one"));
            continue;
        };
        if a.request.is_none() && !a.request_seen {
            errors.push(
                a.error("missing `request(METHOD, \"/path\", ...)`: every interaction needs one"),
            );
        }
        let id = (
            description.value(),
            a.given
                .iter()
                .map(|g| {
                    let mut params: Vec<String> = g
                        .params
                        .iter()
                        .map(|(n, v)| format!("{n}={}", v.canonical()))
                        .collect();
                    params.sort();
                    (g.state.value(), params.join(","))
                })
                .collect::<Vec<_>>(),
        );
        if seen.contains(&id) {
            errors.push(Error::new(
                description.span(),
                "duplicate interaction: another #[pact_interaction] of this test has the same description and provider states",
            ));
        }
        seen.push(id);
        if let Some(key) = &a.key {
            if keys.contains(&key.value()) {
                errors.push(Error::new(
                    key.span(),
                    "duplicate interaction key: another #[pact_interaction] of this test has it",
                ));
            }
            keys.push(key.value());
        }
        if spec != Spec::V4 {
            let v4_only = a
                .key
                .as_ref()
                .map(LitStr::span)
                .or(a.pending.as_ref().map(|p| p.span))
                .or(a.comments.first().map(LitStr::span));
            if let Some(span) = v4_only {
                errors.push(Error::new(
                    span,
                    "`key`, `pending` and `comment` are V4 features: add `spec = \"V4\"`",
                ));
            }
        }
        let Some(request) = &a.request else { continue };
        validate_interaction(a, request, errors);
        valid.push((a, description, request));
    }
    let provider = provider?;
    if !errors.is_empty() {
        return None;
    }
    let gen = Gen { krate: &krate };
    let interactions: Vec<TokenStream> = valid
        .into_iter()
        .map(|(a, description, request)| interaction(&gen, a, description, request))
        .collect();

    let k = &krate;
    let consumer = match consumer {
        Some(c) => quote!(#c),
        None => quote!(::core::env!("CARGO_PKG_NAME")),
    };
    let spec = format_ident!("{}", spec.variant());
    let track = track_manifests.iter().map(|path| {
        quote! { const _: &[u8] = ::core::include_bytes!(#path); }
    });
    let setup = quote! {
        #(#track)*
        let mut __pact = #k::__private::builder(#consumer, #provider, ::core::env!("CARGO_MANIFEST_DIR"));
        __pact.spec(#k::__private::SpecVersion::#spec);
        #(#interactions)*
        let __pact_mock = __pact.start_mock_server();
    };
    Some(wrap(func, kept, k, setup))
}

/// Validates the terms of one attribute, in the order they are written.
fn validate_interaction(a: &Attr, request: &Request, errors: &mut Vec<Error>) {
    for Given { params, .. } in &a.given {
        params.iter().for_each(|(_, value)| validate(value, errors));
    }
    validate(&request.path, errors);
    for (_, value) in request.query.iter().chain(&request.headers) {
        validate(value, errors);
    }
    if let Some(json) = &request.body.json {
        validate(json, errors);
    }
    let Some(response) = &a.response else { return };
    match &response.status {
        None => {}
        Some(Term::Lit(Lit::Int(i))) => {
            let digits = i.base10_digits();
            let code = digits
                .parse::<i128>()
                .map_err(|_| checks::CheckError::Status {
                    code: digits.to_string(),
                })
                .and_then(checks::status);
            if let Err(e) = code {
                errors.push(Error::new(i.span(), e));
            }
        }
        Some(term @ (Term::Call(_) | Term::Expr(..))) => validate(term, errors),
        Some(other) => errors.push(Error::new(
            other.span(),
            "expected a status code such as 200, or `status_code(Success, 200)`",
        )),
    }
    for (_, value) in &response.headers {
        validate(value, errors);
    }
    if let Some(json) = &response.body.json {
        validate(json, errors);
    }
}

/// `__pact.interaction(..)` for one validated attribute.
fn interaction(gen: &Gen, a: &Attr, description: &LitStr, request: &Request) -> TokenStream {
    let k = gen.krate.clone();
    let mut steps = Vec::new();
    for Given { state, params } in &a.given {
        if params.is_empty() {
            steps.push(quote!(__pact_i.given(#state);));
        } else {
            let inserts: Vec<_> = params
                .iter()
                .map(|(name, value)| {
                    let name = LitStr::new(&name.to_string(), name.span());
                    let value = gen.term(value);
                    quote!(__pact_params.insert(::std::string::String::from(#name), #k::__private::Term::example(&#value));)
                })
                .collect();
            steps.push(quote! {
                __pact_i.given_with_params(#state, {
                    let mut __pact_params = #k::__private::serde_json::Map::new();
                    #(#inserts)*
                    #k::__private::serde_json::Value::Object(__pact_params)
                });
            });
        }
    }
    if let Some(key) = &a.key {
        steps.push(quote!(__pact_i.key(#key);));
    }
    if let Some(pending) = &a.pending {
        steps.push(quote!(__pact_i.pending(#pending);));
    }
    for comment in &a.comments {
        steps.push(quote!(__pact_i.comment(#comment);));
    }

    let Request {
        method,
        path,
        query,
        headers,
        body,
    } = request;
    let path = gen.term(path);
    steps.push(quote!(__pact_i.request.method(#method).path(#path);));
    for (name, value) in query {
        let value = gen.term(value);
        steps.push(quote!(__pact_i.request.query_param(#name, #value);));
    }
    for (name, value) in headers {
        let value = gen.term(value);
        steps.push(quote!(__pact_i.request.header(#name, #value);));
    }
    steps.push(body_steps(gen, quote!(__pact_i.request), body));

    let default = Response {
        status: None,
        headers: Vec::new(),
        body: Body::default(),
    };
    let response = a.response.as_ref().unwrap_or(&default);
    let status = match &response.status {
        Some(Term::Lit(Lit::Int(i))) => quote_u16(i.base10_parse::<u16>().unwrap_or(200), i.span()),
        Some(term) => gen.term(term),
        None => quote!(200u16),
    };
    steps.push(quote!(__pact_i.response.status(#status);));
    for (name, value) in &response.headers {
        let value = gen.term(value);
        steps.push(quote!(__pact_i.response.header(#name, #value);));
    }
    steps.push(body_steps(gen, quote!(__pact_i.response), &response.body));

    quote! {
        __pact.interaction(#description, |__pact_i: &mut #k::__private::InteractionBuilder| {
            #(#steps)*
        });
    }
}

fn quote_u16(code: u16, span: Span) -> TokenStream {
    let mut lit = proc_macro2::Literal::u16_suffixed(code);
    lit.set_span(span);
    quote!(#lit)
}

fn body_steps(gen: &Gen, target: TokenStream, body: &Body) -> TokenStream {
    match (&body.json, &body.raw, &body.content_type) {
        (Some(json), _, ct) => {
            let json = gen.term(json);
            let ct = ct
                .as_ref()
                .map(|ct| quote!(#target.header("Content-Type", #ct);));
            quote! { #ct #target.json_body(#json); }
        }
        (None, Some(raw), ct) => {
            let ct = ct
                .as_ref()
                .map_or_else(|| quote!("text/plain"), |c| quote!(#c));
            quote!(#target.body(&#raw[..], #ct);)
        }
        (None, None, _) => TokenStream::new(),
    }
}

/// The test function around the user's.
fn wrap(func: &ItemFn, kept: Vec<Attribute>, k: &Path, setup: TokenStream) -> TokenStream {
    let sig = &func.sig;
    let arg = sig.inputs.first().map(|_| quote!(&__pact_mock));
    let has_test_attr = kept.iter().any(is_test_attr);
    let is_async = sig.asyncness.is_some();
    let test_attr = (!has_test_attr).then(|| quote!(#[::core::prelude::v1::test]));
    let mut inner = func.clone();
    inner.attrs.clear();
    inner.vis = syn::Visibility::Inherited;
    inner.sig.ident = format_ident!("__pact_test");
    let call = if !is_async {
        quote!(__pact_test(#arg))
    } else if has_test_attr {
        quote!(__pact_test(#arg).await)
    } else {
        quote!(#k::__private::block_on(__pact_test(#arg)))
    };
    let outer_async = (is_async && has_test_attr).then(|| quote!(async));
    let vis = &func.vis;
    let name = &sig.ident;
    let output = &sig.output;
    let finish = match output {
        ReturnType::Default => quote! {
            #call;
            #k::__private::finish(__pact_mock);
        },
        ReturnType::Type(..) => quote! {
            let __pact_result = #call;
            #k::__private::finish_with(__pact_mock, __pact_result)
        },
    };
    quote! {
        #(#kept)*
        #test_attr
        #vis #outer_async fn #name() #output {
            #setup
            #inner
            #finish
        }
    }
}

/// The signature a test can have: no generics, no `self`, at most one argument, a reference.
fn check_signature(func: &ItemFn, errors: &mut Vec<Error>) {
    let sig = &func.sig;
    if !sig.generics.params.is_empty() {
        errors.push(Error::new_spanned(
            &sig.generics,
            "a test function cannot be generic",
        ));
    }
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        None => {}
        Some(FnArg::Receiver(r)) => {
            errors.push(Error::new_spanned(r, "a test function takes no `self`"));
        }
        Some(FnArg::Typed(t)) if !matches!(*t.ty, syn::Type::Reference(_)) => {
            errors.push(Error::new_spanned(
                &t.ty,
                "the mock server is lent to the test: write `mock: &MockServer`",
            ));
        }
        Some(FnArg::Typed(_)) => {}
    }
    for extra in inputs {
        errors.push(Error::new_spanned(
            extra,
            "a #[pact_interaction] test takes at most one argument, `mock: &MockServer`",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::expand;
    use quote::quote;

    fn expanded(args: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
        expand(args, item).to_string()
    }

    #[test]
    fn the_expansion_names_only_the_private_module() {
        let out = expanded(
            quote!(
                provider = "P",
                description = "d",
                given("s", id = 1),
                request(GET, regex(r"/b/\d+", "/b/1"), headers = { "A": "b" }),
                response(200, json = { "a": each_like({ "id": integer(1) }, min = 2), "b": null }),
            ),
            quote!(
                fn t(mock: &MockServer) {}
            ),
        );
        assert!(!out.contains("compile_error"), "{out}");
        let mut rest = out.as_str();
        while let Some(i) = rest.find(":: pact_runtime ::") {
            rest = &rest[i + ":: pact_runtime ::".len()..];
            assert!(rest.starts_with(" __private ::"), "{out}");
        }
        assert!(
            out.contains("# [:: core :: prelude :: v1 :: test]"),
            "{out}"
        );
        assert!(out.contains("each_like_between"), "{out}");
        assert!(
            out.contains("fn __pact_test (mock : & MockServer)"),
            "{out}"
        );
        assert!(out.contains("finish (__pact_mock)"), "{out}");
    }

    #[test]
    fn stacked_attributes_are_consumed_by_the_outermost() {
        let out = expanded(
            quote!(provider = "P", description = "one", request(GET, "/1")),
            quote!(
                /// Docs stay.
                #[pact_interaction(description = "two", request(GET, "/2"))]
                #[ignore]
                fn t() {}
            ),
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(!out.contains("pact_interaction"), "{out}");
        assert_eq!(out.matches("__pact . interaction (").count(), 2, "{out}");
        assert!(
            out.contains("# [ignore]") && out.contains("Docs stay."),
            "{out}"
        );
    }

    #[test]
    fn async_tests_keep_their_runtime_attribute_or_get_one() {
        let item = quote!(
            #[tokio::test]
            async fn t(mock: &MockServer) -> Result<(), String> {
                Ok(())
            }
        );
        let out = expanded(
            quote!(provider = "P", description = "d", request(GET, "/")),
            item,
        );
        assert!(out.contains("# [tokio :: test] async fn t ()"), "{out}");
        assert!(!out.contains("v1 :: test"), "{out}");
        assert!(out.contains("__pact_test (& __pact_mock) . await"), "{out}");
        assert!(
            out.contains("finish_with (__pact_mock , __pact_result)"),
            "{out}"
        );

        let item = quote!(
            async fn t() {}
        );
        let out = expanded(
            quote!(provider = "P", description = "d", request(GET, "/")),
            item,
        );
        assert!(
            out.contains("# [:: core :: prelude :: v1 :: test] fn t ()"),
            "{out}"
        );
        assert!(out.contains("block_on (__pact_test ())"), "{out}");
    }

    #[test]
    fn on_error_the_function_stays_without_its_test_attributes() {
        let out = expanded(
            quote!(provider = "P", request(GET, "/")),
            quote!(
                #[test]
                fn t(mock: &MockServer) {
                    body();
                }
            ),
        );
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("missing `description"), "{out}");
        assert!(
            out.contains("# [allow (dead_code)] fn t (mock : & MockServer)"),
            "{out}"
        );
        assert!(!out.contains("# [test]"), "{out}");
    }
}
