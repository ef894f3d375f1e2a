//! Bodies of every content type: JSON, XML, text, forms, multipart and binary.

use super::json::JsonComparison;
use super::values::{check_bytes, check_list, check_rule};
use super::xml::compare_xml;
use super::{Mismatch, MismatchKind};
use crate::model::{parse_query_string, Body, ContentType, MultiMap};
use crate::rules::{RuleCategory, RuleIndex, Segment};
use base64::Engine as _;
use serde_json::Value;

/// What bodies are compared with.
pub(crate) struct BodyContext<'a> {
    pub rules: Option<&'a RuleCategory>,
    /// Responses and messages allow keys and elements the example does not have.
    pub allow_unexpected: bool,
    pub kind: MismatchKind,
}

fn mismatch(ctx: &BodyContext<'_>, path: &str, e: &[u8], a: &[u8], d: String) -> Mismatch {
    Mismatch::new(
        ctx.kind,
        path,
        String::from_utf8_lossy(e),
        String::from_utf8_lossy(a),
        d,
    )
}

/// Rules on the whole body (`$`), if any.
fn root_rules<'a>(ctx: &BodyContext<'a>) -> Option<&'a crate::rules::RuleList> {
    ctx.rules?
        .best_for_path(&[Segment::Root])
        .filter(|r| !r.rules.is_empty())
}

/// Compares bodies with their content types (declared, or detected when not declared).
pub(crate) fn compare_bodies(
    ctx: &BodyContext<'_>,
    expected: &Body,
    expected_ct: Option<ContentType>,
    actual: &Body,
    actual_ct: Option<ContentType>,
) -> Vec<Mismatch> {
    let (e, a) = (expected.as_bytes(), actual.as_bytes());
    match (expected, actual) {
        (Body::Missing, _) => return Vec::new(),
        (Body::Null, Body::Null | Body::Empty | Body::Missing) => return Vec::new(),
        (Body::Null, Body::Present { .. }) if a.trim_ascii() == b"null" => return Vec::new(),
        (Body::Empty, Body::Empty | Body::Missing | Body::Null) => return Vec::new(),
        (Body::Present { .. }, Body::Present { .. }) => {}
        (Body::Present { .. }, _) => {
            if let Some(list) = root_rules(ctx) {
                let ct = expected_ct.map(|c| c.essence()).unwrap_or_default();
                return check_list(list, |r| check_bytes(r, a, &ct))
                    .into_iter()
                    .map(|d| mismatch(ctx, "$", e, a, d))
                    .collect();
            }
            return vec![mismatch(
                ctx,
                "$",
                e,
                a,
                format!(
                    "Expected body '{}' but was missing",
                    String::from_utf8_lossy(e)
                ),
            )];
        }
        _ => {
            let expected_kind = if matches!(expected, Body::Null) {
                "a null body"
            } else {
                "an empty body"
            };
            let d = format!(
                "Expected {expected_kind} but received '{}'",
                String::from_utf8_lossy(a)
            );
            return vec![mismatch(ctx, "$", e, a, d)];
        }
    }
    let ect = expected_ct
        .or_else(|| expected.detect_content_type())
        .unwrap_or_else(ContentType::text);
    if let Some(act) = &actual_ct {
        let same_family = (ect.is_json() && act.is_json()) || (ect.is_xml() && act.is_xml());
        if !same_family && ect.essence() != act.essence() {
            let d = format!(
                "Expected a body of '{}' but the actual content type was '{}'",
                ect.essence(),
                act.essence()
            );
            return vec![Mismatch::new(
                MismatchKind::BodyType,
                "",
                ect.essence(),
                act.essence(),
                d,
            )];
        }
    }
    let act = actual_ct.unwrap_or_else(|| ect.clone());
    if ect.is_json() {
        let parsed_expected = match expected {
            Body::Present { json, .. } => json.get_or_parse(e),
            _ => serde_json::from_slice::<Value>(e).map(std::sync::Arc::new),
        };
        match (parsed_expected, serde_json::from_slice::<Value>(a)) {
            (Ok(ev), Ok(av)) => {
                return JsonComparison::new(ctx.rules, ctx.allow_unexpected, ctx.kind).run(&ev, &av)
            }
            (Ok(_), Err(err)) => {
                let d = format!("Failed to parse the actual body as JSON: {err}");
                return vec![mismatch(ctx, "$", e, a, d)];
            }
            // An expected body that is not JSON after all is compared as text.
            (Err(_), _) => return compare_text(ctx, e, a),
        }
    }
    if ect.is_xml() {
        return match (std::str::from_utf8(e), std::str::from_utf8(a)) {
            (Ok(es), Ok(as_)) => compare_xml(es, as_, ctx.rules, ctx.allow_unexpected),
            _ => compare_binary(ctx, e, &ect, a, &act),
        };
    }
    if ect.is_form() {
        return compare_form(ctx, e, a);
    }
    if ect.is_multipart() {
        return compare_multipart(ctx, e, &ect, a, &act);
    }
    if ect.is_text() {
        return compare_text(ctx, e, a);
    }
    compare_binary(ctx, e, &ect, a, &act)
}

fn compare_text(ctx: &BodyContext<'_>, e: &[u8], a: &[u8]) -> Vec<Mismatch> {
    let (es, as_) = (String::from_utf8_lossy(e), String::from_utf8_lossy(a));
    if let Some(list) = root_rules(ctx) {
        let (ev, av) = (
            Value::String(es.to_string()),
            Value::String(as_.to_string()),
        );
        return check_list(list, |r| check_rule(r, &ev, &av, true))
            .into_iter()
            .map(|d| mismatch(ctx, "$", e, a, d))
            .collect();
    }
    if es == as_ {
        Vec::new()
    } else {
        let d = format!("Expected body '{es}' to match '{as_}' using equality but did not match");
        vec![mismatch(ctx, "$", e, a, d)]
    }
}

fn summary(ct: &ContentType, bytes: &[u8]) -> String {
    let hex: String = bytes.iter().take(32).map(|b| format!("{b:02x}")).collect();
    format!(
        "[{}, {} bytes, starting with {hex}]",
        ct.essence(),
        bytes.len()
    )
}

fn compare_binary(
    ctx: &BodyContext<'_>,
    e: &[u8],
    ect: &ContentType,
    a: &[u8],
    act: &ContentType,
) -> Vec<Mismatch> {
    if let Some(list) = root_rules(ctx) {
        let ct = ect.essence();
        return check_list(list, |r| check_bytes(r, a, &ct))
            .into_iter()
            .map(|d| Mismatch::new(ctx.kind, "$", summary(ect, e), summary(act, a), d))
            .collect();
    }
    if e == a {
        return Vec::new();
    }
    let d = format!(
        "Actual body {} is not equal to the expected body {}",
        summary(act, a),
        summary(ect, e)
    );
    vec![Mismatch::new(
        ctx.kind,
        "$",
        summary(ect, e),
        summary(act, a),
        d,
    )]
}

fn compare_form(ctx: &BodyContext<'_>, e: &[u8], a: &[u8]) -> Vec<Mismatch> {
    let parse = |b: &[u8]| parse_query_string(&String::from_utf8_lossy(b), false);
    let (ef, af): (MultiMap, MultiMap) = (parse(e), parse(a));
    let index = RuleIndex::new(ctx.rules);
    let root = index.root();
    let mut out = Vec::new();
    for (name, evs) in ef.iter() {
        let path = format!("$.{name}");
        let Some(avs) = af.get(name) else {
            out.push(Mismatch::new(
                ctx.kind,
                &path,
                evs.join(", "),
                "",
                format!("Expected form post parameter '{name}' but was missing"),
            ));
            continue;
        };
        let cursor = index.step(&root, Segment::Field(name));
        match cursor.rules().filter(|r| !r.rules.is_empty()) {
            Some(list) => {
                for (i, av) in avs.iter().enumerate() {
                    let ev = Value::String(evs.get(i).or(evs.first()).cloned().unwrap_or_default());
                    let av = Value::String(av.clone());
                    for d in check_list(list, |r| check_rule(r, &ev, &av, true)) {
                        out.push(Mismatch::new(
                            ctx.kind,
                            &path,
                            ev.to_string(),
                            av.to_string(),
                            d,
                        ));
                    }
                }
            }
            None => {
                for (i, ev) in evs.iter().enumerate() {
                    match avs.get(i) {
                        Some(av) if av == ev => {}
                        Some(av) => out.push(Mismatch::new(
                            ctx.kind,
                            &path,
                            ev.as_str(),
                            av.as_str(),
                            format!("Expected form post parameter '{name}' with value '{ev}' but was '{av}'"),
                        )),
                        None => out.push(Mismatch::new(
                            ctx.kind,
                            &path,
                            ev.as_str(),
                            "",
                            format!("Expected form post parameter '{name}' with value '{ev}' but was missing"),
                        )),
                    }
                }
                if avs.len() > evs.len() && !ctx.allow_unexpected {
                    out.push(Mismatch::new(
                        ctx.kind,
                        &path,
                        evs.join(", "),
                        avs.join(", "),
                        format!(
                            "Expected form post parameter '{name}' with {} value(s) but received {}",
                            evs.len(),
                            avs.len()
                        ),
                    ));
                }
            }
        }
    }
    if !ctx.allow_unexpected {
        for (name, avs) in af.iter() {
            if ef.get(name).is_none() {
                out.push(Mismatch::new(
                    ctx.kind,
                    format!("$.{name}"),
                    "",
                    avs.join(", "),
                    format!("Unexpected form post parameter '{name}' received"),
                ));
            }
        }
    }
    out
}

/// One part of a multipart body.
struct Part {
    name: Option<String>,
    content_type: Option<ContentType>,
    body: Vec<u8>,
}

fn parse_multipart(bytes: &[u8], ct: &ContentType) -> Option<Vec<Part>> {
    let boundary = ct.parameter("boundary")?;
    let delimiter = format!("--{boundary}");
    let text = bytes;
    let mut parts = Vec::new();
    let mut sections = split(text, delimiter.as_bytes());
    sections.next()?; // preamble
    for section in sections {
        if section.starts_with(b"--") {
            break;
        }
        let section = section
            .strip_prefix(b"\r\n")
            .or_else(|| section.strip_prefix(b"\n"))
            .unwrap_or(section);
        let section = section
            .strip_suffix(b"\r\n")
            .or_else(|| section.strip_suffix(b"\n"))
            .unwrap_or(section);
        let (head, body) = match find(section, b"\r\n\r\n") {
            Some(i) => (&section[..i], &section[i + 4..]),
            None => match find(section, b"\n\n") {
                Some(i) => (&section[..i], &section[i + 2..]),
                None => (&section[..0], section),
            },
        };
        let head = String::from_utf8_lossy(head);
        let mut part = Part {
            name: None,
            content_type: None,
            body: body.to_vec(),
        };
        let mut base64_encoded = false;
        for line in head.lines() {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            let v = v.trim();
            match k.trim().to_ascii_lowercase().as_str() {
                "content-type" => part.content_type = ContentType::parse(v),
                "content-disposition" => {
                    part.name = v.split(';').find_map(|p| {
                        let (k, v) = p.split_once('=')?;
                        (k.trim() == "name").then(|| v.trim().trim_matches('"').to_string())
                    })
                }
                "content-transfer-encoding" => base64_encoded = v.eq_ignore_ascii_case("base64"),
                _ => {}
            }
        }
        if base64_encoded {
            let compact: Vec<u8> = part
                .body
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(compact) {
                part.body = decoded;
            }
        }
        parts.push(part);
    }
    Some(parts)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(hay: &'a [u8], delimiter: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut rest = Some(hay);
    std::iter::from_fn(move || {
        let r = rest?;
        match find(r, delimiter) {
            Some(i) => {
                rest = Some(&r[i + delimiter.len()..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

fn compare_multipart(
    ctx: &BodyContext<'_>,
    e: &[u8],
    ect: &ContentType,
    a: &[u8],
    act: &ContentType,
) -> Vec<Mismatch> {
    let (Some(eparts), Some(aparts)) = (parse_multipart(e, ect), parse_multipart(a, act)) else {
        return compare_binary(ctx, e, ect, a, act);
    };
    let mut out = Vec::new();
    for (i, ep) in eparts.iter().enumerate() {
        // Parts are paired by name, the n-th of a name with the n-th of that name.
        let found = match &ep.name {
            Some(n) => {
                let nth = eparts[..i]
                    .iter()
                    .filter(|p| p.name.as_ref() == Some(n))
                    .count();
                aparts
                    .iter()
                    .filter(|p| p.name.as_ref() == Some(n))
                    .nth(nth)
            }
            None => aparts.get(i),
        };
        let label = ep.name.clone().unwrap_or_else(|| i.to_string());
        let Some(ap) = found else {
            out.push(Mismatch::new(
                ctx.kind,
                format!("$.{label}"),
                label.as_str(),
                "",
                format!("Expected a multipart part '{label}' but was missing"),
            ));
            continue;
        };
        // A part's rules are the body rules written under its name (`$.photo`).
        let part_rules = match (&ep.name, ctx.rules) {
            (Some(name), Some(rules)) => Some(rules.under(name)),
            _ => None,
        };
        let part_ctx = BodyContext {
            rules: part_rules.as_ref(),
            allow_unexpected: ctx.allow_unexpected,
            kind: ctx.kind,
        };
        let ebody = Body::bytes(ep.body.clone(), ep.content_type.clone());
        let abody = Body::bytes(ap.body.clone(), ap.content_type.clone());
        let ect = ep
            .content_type
            .clone()
            .or_else(|| Some(ContentType::text()));
        let act = ap
            .content_type
            .clone()
            .or_else(|| Some(ContentType::text()));
        let found = compare_bodies(&part_ctx, &ebody, ect, &abody, act);
        out.extend(found.into_iter().map(|mut m| {
            m.path = format!("$.{label}{}", m.path.strip_prefix('$').unwrap_or(&m.path));
            m
        }));
    }
    if !ctx.allow_unexpected && aparts.len() > eparts.len() {
        out.push(Mismatch::new(
            ctx.kind,
            "$",
            eparts.len().to_string(),
            aparts.len().to_string(),
            format!(
                "Expected {} multipart parts but received {}",
                eparts.len(),
                aparts.len()
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Category, MatchingRule, RuleList};

    fn multipart(parts: &[(&str, &str, &str)]) -> (Body, ContentType) {
        let mut text = String::new();
        for (name, ct, body) in parts {
            text.push_str(&format!(
                "--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n{body}\r\n"
            ));
        }
        text.push_str("--XyZ--\r\n");
        let ct = ContentType::parse("multipart/form-data; boundary=XyZ").unwrap();
        (Body::bytes(text, Some(ct.clone())), ct)
    }

    fn compare(
        rules: Option<&RuleCategory>,
        e: &[(&str, &str, &str)],
        a: &[(&str, &str, &str)],
    ) -> Vec<String> {
        let ((eb, ect), (ab, act)) = (multipart(e), multipart(a));
        let ctx = BodyContext {
            rules,
            allow_unexpected: false,
            kind: MismatchKind::Body,
        };
        compare_bodies(&ctx, &eb, Some(ect), &ab, Some(act))
            .into_iter()
            .map(|m| format!("{} {}", m.path, m.description))
            .collect()
    }

    #[test]
    fn parts_take_the_body_rules_written_under_their_name() {
        let e = [("meta", "application/json", r#"{"id": 1}"#)];
        let a = [("meta", "application/json", r#"{"id": 5}"#)];
        assert_eq!(
            compare(None, &e, &a),
            ["$.meta.id Expected 5 (Integer) to be equal to 1 (Integer)"]
        );
        let mut rules = RuleCategory::default();
        rules
            .insert(
                Category::Body,
                "$.meta.id",
                RuleList::single(MatchingRule::Integer),
            )
            .unwrap();
        assert!(compare(Some(&rules), &e, &a).is_empty());
    }

    #[test]
    fn parts_of_one_name_pair_in_order() {
        let parts = [("f", "text/plain", "one"), ("f", "text/plain", "two")];
        assert!(compare(None, &parts, &parts).is_empty());
        let swapped = [("f", "text/plain", "two"), ("f", "text/plain", "one")];
        assert_eq!(compare(None, &parts, &swapped).len(), 2);
    }
}
