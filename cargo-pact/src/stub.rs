//! `cargo pact stub`.

use crate::cli::StubArgs;
use crate::Failure;
use anyhow::anyhow;
use pact_runtime::stub_server::{StubError, StubOptions, StubServer};
use pact_runtime::verifier::load_pacts;
use std::process::ExitCode;

/// Serves the pacts until the process is stopped.
pub fn run(args: StubArgs) -> Result<ExitCode, Failure> {
    args.log.install();
    let auth = args.auth.auth();
    let sources = args.sources.sources(auth.as_ref(), None)?;
    if sources.is_empty() {
        return Err(Failure::input(anyhow!(
            "no pacts to serve: pass --file, --dir or --url"
        )));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::input(anyhow!(e).context("could not start the async runtime")))?;
    let pacts = runtime
        .block_on(load_pacts(&sources, None))
        .map_err(Failure::input)?
        .into_iter()
        .filter(|(_, p)| {
            args.filter_consumers.is_empty() || args.filter_consumers.contains(&p.consumer)
        })
        .map(|(_, p)| p)
        .collect();
    drop(runtime);
    let options = StubOptions {
        host: args.host,
        port: args.port,
        cors: args.cors,
        provider_state: args.provider_state,
        provider_state_header: args.provider_state_header_name,
    };
    let server = StubServer::start(pacts, options).map_err(|e| match e {
        StubError::ProviderState(..) => {
            Failure::input(anyhow!(e).context("invalid --provider-state"))
        }
        other => Failure::input(other),
    })?;
    let n = server.interactions();
    println!(
        "stub server for {n} interaction{} listening on {}",
        if n == 1 { "" } else { "s" },
        server.url()
    );
    server.wait();
    Ok(ExitCode::SUCCESS)
}
