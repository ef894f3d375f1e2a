//! Runs every case of the Pact specification's matching test suite (../shared/pact-spec, or
//! the folder in `PACT_SPEC_DIR`) and prints `pact-spec: N passed, M failed`.
//!
//! Each case is read with the pact model of its own specification version, matched with the
//! matcher of its kind (request, response, message), and its `expected` part is written back
//! as a pact of that version and read again, which must give the same model.

use pact_core::matching::{match_message, match_request, match_response, Mismatch};
use pact_core::model::{
    AsyncMessage, Body, HttpInteraction, Interaction, InteractionInfo, Pact, Reader, Request,
    Response, SpecVersion,
};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn suite_dir() -> PathBuf {
    match std::env::var_os("PACT_SPEC_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/pact-spec"),
    }
}

fn case_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            case_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

enum Part {
    Request(Request),
    Response(Response),
    Message(pact_core::model::MessageContents),
}

fn read_part(reader: &Reader, kind: &str, v: &Value, field: &str) -> Result<Part, String> {
    Ok(match kind {
        "request" => Part::Request(reader.request(v, field).map_err(|e| e.to_string())?),
        "response" => Part::Response(reader.response(v, field).map_err(|e| e.to_string())?),
        _ => Part::Message(reader.message(v, field).map_err(|e| e.to_string())?),
    })
}

/// JSON bodies compare by value: a pretty-printed body and its compact rewrite are the same.
/// V4 files carry the interaction key, which the writer computes when the model has none.
fn normalise(mut i: Interaction) -> Interaction {
    let key = i.info().key();
    i.info_mut().key = Some(key);
    fn body(b: &mut Body) {
        if let Body::Present { bytes, .. } = b {
            if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
                *bytes = v.to_string().into_bytes();
            }
        }
    }
    match &mut i {
        Interaction::Http(h) => {
            body(&mut h.request.body);
            body(&mut h.response.body);
        }
        Interaction::AsyncMessage(m) => body(&mut m.message.contents),
        Interaction::SyncMessage(_) => {}
    }
    i
}

fn round_trip(part: &Part, spec: SpecVersion, name: &str) -> Result<(), String> {
    let info = InteractionInfo::new("round trip");
    let interaction = match part {
        Part::Request(r) => Interaction::Http(HttpInteraction {
            info,
            request: r.clone(),
            response: Response::default(),
        }),
        Part::Response(r) => Interaction::Http(HttpInteraction {
            info,
            request: Request {
                method: "GET".into(),
                path: "/".into(),
                ..Request::default()
            },
            response: r.clone(),
        }),
        Part::Message(m) => Interaction::AsyncMessage(AsyncMessage {
            info,
            message: m.clone(),
        }),
    };
    let pact = Pact {
        consumer: "c".into(),
        provider: "p".into(),
        interactions: vec![interaction],
        spec,
        ..Pact::default()
    };
    let written = pact.to_json_string(spec);
    let back = pact_core::model::read_pact(&written, name).map_err(|e| e.to_string())?;
    let (a, b) = (
        normalise(pact.interactions[0].clone()),
        back.interactions.first().cloned().map(normalise),
    );
    if Some(&a) == b.as_ref() {
        Ok(())
    } else {
        Err(format!(
            "wrote:\n{written}\nread back:\n{b:#?}\noriginal:\n{a:#?}"
        ))
    }
}

fn run_case(path: &Path, root: &Path) -> (Result<(), String>, Result<(), String>) {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let name = rel.display().to_string();
    let parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let (version, kind) = (parts[0].as_str(), parts[1].as_str());
    let spec = match version {
        "v1" => SpecVersion::V1,
        "v1.1" => SpecVersion::V1_1,
        "v2" => SpecVersion::V2,
        "v3" => SpecVersion::V3,
        _ => SpecVersion::V4,
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return (Err(e.to_string()), Err("unread".into())),
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let case: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return (Err(format!("invalid JSON: {e}")), Err("unread".into())),
    };
    let reader = Reader::new(&name, spec);
    let expected_match = case["match"].as_bool().unwrap_or(false);
    let expected = read_part(&reader, kind, &case["expected"], "expected");
    let actual = read_part(&reader, kind, &case["actual"], "actual");
    let (expected, actual) = match (expected, actual) {
        (Ok(e), Ok(a)) => (e, a),
        (Err(e), _) | (_, Err(e)) => return (Err(e), Err("unread".into())),
    };
    let mismatches: Vec<Mismatch> = match (&expected, &actual) {
        (Part::Request(e), Part::Request(a)) => match_request(e, a, spec),
        (Part::Response(e), Part::Response(a)) => match_response(e, a, spec),
        (Part::Message(e), Part::Message(a)) => match_message(e, a, spec),
        _ => unreachable!("both parts are read as the same kind"),
    };
    let matched = if mismatches.is_empty() == expected_match {
        Ok(())
    } else {
        let listed: Vec<String> = mismatches.iter().map(|m| format!("    {m}")).collect();
        Err(format!(
            "expected match={expected_match} ({}), got {} mismatch(es)\n{}",
            case["comment"].as_str().unwrap_or(""),
            mismatches.len(),
            listed.join("\n")
        ))
    };
    (matched, round_trip(&expected, spec, &name))
}

fn main() -> ExitCode {
    let dir = suite_dir();
    let root = dir.join("testcases");
    if !root.is_dir() {
        println!(
            "pact-spec: skipped: the specification test cases were not found at {} (set PACT_SPEC_DIR to the folder holding testcases/)",
            root.display()
        );
        println!("pact-spec: 0 passed, 0 failed");
        return ExitCode::SUCCESS;
    }
    let mut files = Vec::new();
    case_files(&root, &mut files);
    let (mut passed, mut failed, mut rt_passed, mut rt_failed) = (0, 0, 0, 0);
    for f in &files {
        let (matched, trip) = run_case(f, &root);
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        match matched {
            Ok(()) => passed += 1,
            Err(e) => {
                failed += 1;
                println!("FAILED {name}: {e}");
            }
        }
        match trip {
            Ok(()) => rt_passed += 1,
            Err(e) => {
                rt_failed += 1;
                println!("ROUND-TRIP FAILED {name}: {e}");
            }
        }
    }
    println!("pact-spec round-trip: {rt_passed} passed, {rt_failed} failed");
    println!("pact-spec: {passed} passed, {failed} failed");
    if failed == 0 && rt_failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
