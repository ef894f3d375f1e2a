//! The generated provider-state handlers: a snapshot of the code for a pact dir, and the
//! rules behind it (parameter types, names, determinism, errors).

use pact_runtime::codegen::{generate, CodegenError};
use std::path::{Path, PathBuf};

fn pact_dir(name: &str, pacts: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pact-codegen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in pacts {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

fn pact(consumer: &str, provider: &str, interactions: &str) -> String {
    format!(
        r#"{{"consumer":{{"name":"{consumer}"}},"provider":{{"name":"{provider}"}},"interactions":[{interactions}],"metadata":{{"pactSpecification":{{"version":"3.0.0"}}}}}}"#
    )
}

fn interaction(description: &str, states: &str) -> String {
    format!(
        r#"{{"description":"{description}","providerStates":[{states}],"request":{{"method":"GET","path":"/"}},"response":{{"status":200}}}}"#
    )
}

fn fixture() -> Vec<(&'static str, String)> {
    vec![
        (
            "Web-Provider.json",
            pact(
                "Web",
                "Provider",
                &[
                    interaction("a request for build 3455", r#"{"name":"build 3455 exists","params":{"id":3455}}"#),
                    interaction(
                        "a request for a build by name",
                        r#"{"name":"build 3455 exists","params":{"id":3455.5,"name":"x"}},{"name":"the user is logged in"}"#,
                    ),
                ]
                .join(","),
            ),
        ),
        (
            "Mobile-Provider.json",
            pact(
                "Mobile",
                "Provider",
                &interaction(
                    "a list of builds",
                    r#"{"name":"builds exist","params":{"count":2,"flags":{"a":true},"done":false}},{"name":"Builds exist!"}"#,
                ),
            ),
        ),
        ("Web-Other.json", pact("Web", "Other", &interaction("elsewhere", r#"{"name":"not ours"}"#))),
    ]
}

fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot at {}: run with UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "the generated code differs from {}; run with UPDATE_SNAPSHOTS=1 to accept:\n{actual}",
        path.display()
    );
}

#[test]
fn generated_handlers_match_the_snapshot() {
    let files = fixture();
    let pacts: Vec<(&str, &str)> = files.iter().map(|(f, t)| (*f, t.as_str())).collect();
    let dir = pact_dir("snapshot", &pacts);
    let code = generate(&dir, "Provider").unwrap();
    // The header names the pact dir, which differs per run: keep the rest.
    let body = code.split_once('\n').unwrap().1.split_once('\n').unwrap().1;
    snapshot("codegen_provider.rs.txt", body);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn parameter_types_names_and_consumers() {
    let files = fixture();
    let pacts: Vec<(&str, &str)> = files.iter().map(|(f, t)| (*f, t.as_str())).collect();
    let dir = pact_dir("types", &pacts);
    let code = generate(&dir, "Provider").unwrap();
    // id was an integer and a decimal: f64; name only in one of two uses: Option<String>.
    assert!(code.contains("fn build_3455_exists(&self, id: f64, name: ::core::option::Option<::std::string::String>)"), "{code}");
    assert!(
        code.contains(
            "count: i64, done: bool, flags: ::pact_runtime::__private::serde_json::Value"
        ),
        "{code}"
    );
    // Two states with the same identifier get distinct methods.
    assert!(
        code.contains("fn builds_exist(") && code.contains("fn builds_exist_2("),
        "{code}"
    );
    assert!(code.contains("fn the_user_is_logged_in(&self)"), "{code}");
    assert!(
        code.contains("/// - Web: \"a request for build 3455\""),
        "{code}"
    );
    assert!(code.contains("Consumers: Mobile, Web."), "{code}");
    assert!(
        !code.contains("not ours"),
        "states of other providers stay out: {code}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn output_does_not_depend_on_file_order_or_names() {
    let files = fixture();
    let a = pact_dir(
        "order-a",
        &files
            .iter()
            .map(|(f, t)| (*f, t.as_str()))
            .collect::<Vec<_>>(),
    );
    let renamed: Vec<(String, &str)> = files
        .iter()
        .enumerate()
        .map(|(i, (_, t))| (format!("{}-pact.json", 9 - i), t.as_str()))
        .collect();
    let b = pact_dir(
        "order-b",
        &renamed
            .iter()
            .map(|(f, t)| (f.as_str(), *t))
            .collect::<Vec<_>>(),
    );
    let strip = |code: String| {
        code.split_once('\n')
            .unwrap()
            .1
            .split_once('\n')
            .unwrap()
            .1
            .to_string()
    };
    assert_eq!(
        strip(generate(&a, "Provider").unwrap()),
        strip(generate(&b, "Provider").unwrap())
    );
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

#[test]
fn a_malformed_pact_is_an_error_naming_the_file_and_line() {
    let dir = pact_dir(
        "malformed",
        &[(
            "Broken-Provider.json",
            "{\n  \"consumer\": {\"name\": \"Web\"},\n  oops\n}",
        )],
    );
    let err = generate(&dir, "Provider").unwrap_err();
    assert!(matches!(err, CodegenError::Pact(_)));
    let message = err.to_string();
    assert!(
        message.contains("Broken-Provider.json") && message.contains("line 3"),
        "{message}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_pact_dir_gives_a_trait_without_states() {
    let code = generate(Path::new("/nonexistent/pacts"), "Provider").unwrap();
    assert!(code.contains("none yet (no pacts found)"));
    assert!(
        !code.contains("Output = ::core::result::Result<::pact_runtime::__private::StateValues"),
        "{code}"
    );
    assert!(
        code.contains("other => ::core::result::Result::Err"),
        "{code}"
    );
}
