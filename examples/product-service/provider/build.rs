//! Generates the provider-state handlers from the pacts for "Provider" in the workspace's
//! pact dir: a state a pact adds is a method this crate must implement to compile.

fn main() {
    if let Err(e) = pact_runtime::codegen::build_script("Provider") {
        eprintln!("error: {}", pact_runtime::error_chain(&e));
        std::process::exit(1);
    }
}
