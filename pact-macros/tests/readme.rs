//! The README's complete example of `#[pact_interaction]` is the one `tests/pass` compiles.

#[test]
fn the_readme_shows_the_example_that_compiles() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("tests/pass/readme_example.rs")).unwrap();
    let attributes = example
        .split("// README: begin\n")
        .nth(1)
        .and_then(|rest| rest.split("// README: end\n").next())
        .expect("the README markers in tests/pass/readme_example.rs");
    assert!(attributes.contains("#[pact_interaction("), "{attributes}");
    let readme = std::fs::read_to_string(root.join("../README.md")).unwrap();
    assert!(
        readme.contains(attributes),
        "README.md does not show tests/pass/readme_example.rs's attributes as they are:\n{attributes}"
    );
}
