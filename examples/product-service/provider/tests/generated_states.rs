//! The provider-state handlers generated from the pacts are enforced by the compiler.

/// A provider that does not handle "build 3455 exists" does not compile, and the error
/// names the missing method.
#[test]
fn a_missing_state_handler_is_a_compile_error() {
    trybuild::TestCases::new().compile_fail("tests/ui/missing_handler.rs");
}
