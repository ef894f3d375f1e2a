//! The attribute's compile-time checks, as the compiler reports them (`tests/ui/*.stderr`;
//! regenerate with `TRYBUILD=overwrite cargo test -p pact-macros --test compile_fail`), and
//! attributes that must compile (`tests/pass`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
}
