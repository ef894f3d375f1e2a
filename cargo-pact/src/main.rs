//! `cargo pact`: verify providers against their pacts (`verify`), serve pacts as a stub
//! provider (`stub`), run consumer pact tests with a clean pact dir (`test`), run a
//! Pact Broker (`broker`), publish to one (`publish`), ask it (`can-i-deploy`), and
//! administer it (`record-deployment`, `create-environment`, `create-version-tag`,
//! `describe-version`, `create-webhook`, ...).
//!
//! Settings come from flags, then the ecosystem's environment variables
//! (`PACT_BROKER_BASE_URL`, `PACT_BROKER_USERNAME`, ...), then `[package.metadata.pact]`,
//! then `[workspace.metadata.pact]`, then defaults. Errors go to stderr as `error: ...`
//! with their causes; the exit codes are listed in `--help`.

mod broker_cmd;
mod broker_conn;
mod can_i_deploy;
mod cli;
mod provider_cmd;
mod publish;
mod settings;
mod stub;
mod test_cmd;
mod vcs;
mod verify;

// The broker administration commands.
mod broker_admin;
mod deployments_cmd;
mod environments_cmd;
mod pacticipant_cmd;
mod versions_cmd;
mod webhook_cmd;

use clap::FromArgMatches as _;
use std::process::ExitCode;

/// A command that could not do its job: the exit code and what to tell the user.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    error: anyhow::Error,
}

impl Failure {
    /// Bad arguments, settings or pacts (exit 2).
    pub fn input(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 2,
            error: error.into(),
        }
    }

    /// The provider could not be reached (exit 3).
    pub fn unreachable(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 3,
            error: error.into(),
        }
    }

    /// Interrupted by Ctrl-C (exit 130, as a shell reports SIGINT).
    pub fn interrupted() -> Failure {
        Failure {
            code: 130,
            error: anyhow::anyhow!("interrupted"),
        }
    }

    /// The broker failed or refused (exit 4).
    pub fn broker(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 4,
            error: error.into(),
        }
    }
}

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // As a cargo subcommand the binary is run as `cargo-pact pact <command> ...`.
    if args.get(1).is_some_and(|a| a == "pact") {
        args.remove(1);
    }
    let cli = cli::command()
        .try_get_matches_from(args)
        .and_then(|m| cli::Cli::from_arg_matches(&m))
        .unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        cli::Command::Verify(args) => verify::run(*args),
        cli::Command::Stub(args) => stub::run(args),
        cli::Command::Test(args) => test_cmd::run(args),
        cli::Command::Broker(args) => broker_cmd::run(*args),
        cli::Command::Publish(args) => publish::run(*args),
        cli::Command::CanIDeploy(args) => can_i_deploy::run(*args),

        cli::Command::RecordDeployment(args) => deployments_cmd::record_deployment(*args),
        cli::Command::RecordUndeployment(args) => deployments_cmd::record_undeployment(*args),
        cli::Command::RecordRelease(args) => deployments_cmd::record_release(*args),
        cli::Command::RecordSupportEnded(args) => deployments_cmd::record_support_ended(*args),
        cli::Command::CreateEnvironment(args) => environments_cmd::create(*args),
        cli::Command::DescribeEnvironment(args) => environments_cmd::describe(*args),
        cli::Command::ListEnvironments(args) => environments_cmd::list(*args),
        cli::Command::CreateVersionTag(args) => versions_cmd::create_tag(*args),
        cli::Command::DescribeVersion(args) => versions_cmd::describe(*args),
        cli::Command::CreateOrUpdatePacticipant(args) => pacticipant_cmd::run(*args),
        cli::Command::CreateWebhook(args) => webhook_cmd::run(*args),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {}", failure.error);
            let mut causes = failure.error.chain().skip(1).peekable();
            if causes.peek().is_some() {
                eprintln!();
                eprintln!("Caused by:");
                for cause in causes {
                    eprintln!("    {cause}");
                }
            }
            ExitCode::from(failure.code)
        }
    }
}
