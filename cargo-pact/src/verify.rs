//! `cargo pact verify`.

use crate::cli::{SourceArgs, VerifyArgs};
use crate::provider_cmd::ProviderProcess;
use crate::settings::LazyMetadata;
use crate::Failure;
use anyhow::{anyhow, Context};
use pact_runtime::broker::{Auth, BrokerError};
use pact_runtime::verifier::{
    redact_url, BrokerSource, Filters, PactSource, PublishOptions, Verifier, VerifierError,
};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

impl SourceArgs {
    /// The file, dir and URL sources, in that order. A `--url` that is a local path or a
    /// `file:` URL reads that file, as the Ruby verifier's `--pact-url` does. Credentials go
    /// only to URLs on the broker's origin (`broker_url`), or without a broker on the first
    /// `--url`'s: a token meant for one server never reaches another.
    pub fn sources(
        &self,
        auth: Option<&Auth>,
        broker_url: Option<&str>,
    ) -> Result<Vec<PactSource>, Failure> {
        let mut out: Vec<PactSource> = self.files.iter().cloned().map(PactSource::File).collect();
        out.extend(self.dirs.iter().cloned().map(PactSource::Dir));
        let mut origin = broker_url.map(str::to_string);
        for url in &self.urls {
            let mut source = PactSource::from_location(url, auth.cloned())
                .context("invalid --url (--pact-url)")
                .map_err(Failure::input)?;
            if let PactSource::Url { url, .. } = &source {
                let url = url.clone();
                let origin = origin.get_or_insert_with(|| url.clone());
                if source.restrict_credentials(origin) {
                    eprintln!(
                        "warning: not sending the credentials to {}: they are for {}",
                        redact_url(&url),
                        redact_url(origin)
                    );
                }
            }
            out.push(source);
        }
        Ok(out)
    }
}

/// `Name: value`, with a valid header name (RFC 9110 token) and a value without control
/// characters.
fn parse_header(header: &str) -> anyhow::Result<(&str, &str)> {
    let bad = || {
        anyhow!("--header {header:?} must be \"Name: value\" with a valid header name and value")
    };
    let (name, value) = header.split_once(':').ok_or_else(bad)?;
    let (name, value) = (name.trim(), value.trim());
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty()
        || !name.chars().all(token)
        || value.chars().any(|c| c.is_control() && c != '\t')
    {
        return Err(bad());
    }
    Ok((name, value))
}

fn base_url(args: &VerifyArgs, meta: &mut LazyMetadata) -> Result<String, Failure> {
    if let Some(url) = &args.provider_base_url {
        return Ok(url.clone());
    }
    if args.hostname.is_some() || args.port.is_some() {
        let host = args.hostname.as_deref().unwrap_or("localhost");
        let port = args.port.map(|p| format!(":{p}")).unwrap_or_default();
        let path = args.base_path.as_deref().unwrap_or("").trim_matches('/');
        let path = if path.is_empty() {
            String::new()
        } else {
            format!("/{path}")
        };
        return Ok(format!("{}://{host}{port}{path}", args.scheme));
    }
    let from_meta = meta
        .optional_string(&pact_settings::PROVIDER_BASE_URL)
        .map_err(Failure::input)?;
    Ok(from_meta.unwrap_or_else(|| "http://localhost:8080".to_string()))
}

/// The directory of the package in use (the current one, or `--manifest-path`'s), for git;
/// the current directory outside a cargo project.
fn package_dir(meta: &mut LazyMetadata) -> PathBuf {
    match meta.get() {
        Ok(m) => m.package_dir().to_path_buf(),
        Err(_) => PathBuf::from("."),
    }
}

/// Runs the verification and maps the report to an exit code.
pub fn run(args: VerifyArgs) -> Result<ExitCode, Failure> {
    args.log.install();
    let mut meta = LazyMetadata::new(args.manifest_path.clone());
    let auth = args.broker.auth();
    let mut sources = args
        .sources
        .sources(auth.as_ref(), args.broker.broker_url.as_deref())?;
    // Without pact sources or a broker flag, the `broker-url` setting names the broker.
    let broker_url = match &args.broker.broker_url {
        Some(url) => Some(url.clone()),
        None if sources.is_empty() => args.broker.url(&mut meta)?,
        None => None,
    };
    let provider = provider_name(
        &args,
        &mut meta,
        !sources.is_empty() && broker_url.is_none(),
    )?;
    let base_url = base_url(&args, &mut meta)?;
    if let Some(url) = &broker_url {
        let mut selectors = args
            .consumer_version_selectors
            .iter()
            .map(|s| {
                serde_json::from_str::<serde_json::Value>(s).with_context(|| {
                    format!("--consumer-version-selectors {s:?} is not valid JSON")
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(Failure::input)?;
        if selectors.is_empty() && args.consumer_version_tags.is_empty() {
            selectors = meta
                .optional_json_tables(&pact_settings::CONSUMER_VERSION_SELECTORS)
                .map_err(Failure::input)?
                .unwrap_or_default();
        }
        let enable_pending = args.enable_pending
            || meta
                .optional_bool(&pact_settings::ENABLE_PENDING)
                .map_err(Failure::input)?
                .unwrap_or(false);
        let include_wip_pacts_since = match &args.include_wip_pacts_since {
            Some(date) => Some(date.clone()),
            None => meta
                .optional_string(&pact_settings::INCLUDE_WIP_PACTS_SINCE)
                .map_err(Failure::input)?,
        };
        // The branch decides pending and WIP, so the broker hears it even without
        // --publish: the CI's branch variable, else git's.
        let provider_branch = args
            .provider_branch
            .clone()
            .or_else(|| crate::vcs::branch(&package_dir(&mut meta)));
        sources.push(PactSource::Broker(BrokerSource {
            url: url.clone(),
            auth: auth.clone(),
            selectors,
            consumer_version_tags: args.consumer_version_tags.clone(),
            enable_pending,
            include_wip_pacts_since,
            provider_branch,
            provider_tags: args.provider_tags.clone(),
        }));
    }
    if sources.is_empty() {
        // The same pact dir the consumer tests write to (PACT_OUTPUT_DIR, else `pact-dir`
        // of [workspace.metadata.pact], else <workspace root>/pacts).
        let m = meta.get().map_err(|e| {
            Failure::input(
                e.context("no pacts to verify: give --file, --dir, --url or --broker-url"),
            )
        })?;
        let dir = pact_runtime::pact_writer::pact_dir(m.package_dir())
            .map_err(|e| Failure::input(anyhow!(e)))?;
        sources.push(PactSource::Dir(dir));
    }
    // A verification given entirely by flags reads no manifest for optional settings: the
    // flags say all, and start-up stays at a couple of milliseconds.
    let flags_only = args.provider_name.is_some()
        && (args.provider_base_url.is_some() || args.hostname.is_some() || args.port.is_some())
        && !meta.is_loaded();
    let state_url = match &args.state_change_url {
        Some(url) => Some(url.clone()),
        None if flags_only => None,
        None => meta
            .optional_string(&pact_settings::STATE_CHANGE_URL)
            .map_err(Failure::input)?,
    };
    let filters = Filters {
        description: args.filter_description.clone(),
        state: args.filter_state.clone(),
        no_state: args.filter_no_state,
        consumers: args.filter_consumers.clone(),
    };
    let verifier = match &provider {
        Some(name) => Verifier::new(name, &base_url),
        None => Verifier::for_provider_of_pacts(&base_url),
    };
    let mut verifier = verifier
        .filters(filters)
        .timeout(Duration::from_millis(args.request_timeout));
    for source in sources {
        verifier = verifier.source(source);
    }
    for header in &args.headers {
        let (name, value) = parse_header(header).map_err(Failure::input)?;
        verifier = verifier.header(name, value);
    }
    if let Some(url) = state_url {
        verifier = if args.state_change_as_query {
            verifier.state_change_url_as_query(url)
        } else {
            verifier.state_change_url(url)
        };
    }
    if args.publish {
        let version = match &args.provider_version {
            Some(v) => v.clone(),
            // The package run in (or --manifest-path's) is the provider: a consumer's
            // `provider` setting names the same provider, so it cannot tell them apart.
            None => meta
                .get()
                .ok()
                .and_then(crate::vcs::package_version)
                .ok_or_else(|| {
                    Failure::input(anyhow!(
                        "--publish needs --provider-version (the version verified): the \
                         default, <package version>+<git sha>, is the package's run in, and \
                         this is not a package (see --manifest-path)"
                    ))
                })?,
        };
        let provider_branch = args
            .provider_branch
            .clone()
            .or_else(|| crate::vcs::branch(&package_dir(&mut meta)));
        verifier = verifier.publish(PublishOptions {
            provider_version: version,
            provider_branch,
            provider_tags: args.provider_tags.clone(),
            build_url: args.build_url.clone().or_else(crate::vcs::build_url),
        });
    }
    // Every URL checked before the provider starts or a request goes out, naming its flag.
    verifier.check().map_err(|e| match &e {
        VerifierError::InvalidFilter { what, .. } => {
            let context = format!("invalid --filter-{what}");
            Failure::input(anyhow!(e).context(context))
        }
        VerifierError::InvalidUrl { what, .. } => {
            let flag = match *what {
                "provider base URL" => "--provider-base-url (or --hostname/--port)",
                "state change URL" => "--state-change-url (--provider-states-setup-url)",
                "pact URL" => "--url (--pact-url)",
                _ => "--broker-url (PACT_BROKER_BASE_URL)",
            };
            Failure::input(anyhow!(e).context(format!("invalid {flag}")))
        }
        _ => Failure::input(anyhow!(e)),
    })?;
    let _provider = match &args.provider_cmd {
        Some(command) => Some(ProviderProcess::start(
            command,
            &base_url,
            Duration::from_secs(args.provider_startup_timeout),
        )?),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::input(anyhow!(e).context("could not start the async runtime")))?;
    let report = runtime.block_on(async {
        tokio::select! {
            report = verifier.verify() => Ok(report),
            // Stop cleanly on Ctrl-C: dropping the provider process stops its process group.
            _ = tokio::signal::ctrl_c() => Err(Failure::interrupted()),
        }
    })?;
    let report = match report {
        Ok(report) => report,
        // Nothing to verify proves nothing: a failure unless the user says it is expected.
        Err(e @ VerifierError::NoPacts(_)) => return nothing_verified(&args, &e.to_string()),
        // Certificates that cannot be read are a setting to fix, not a broker failure.
        Err(e @ VerifierError::Broker(BrokerError::TrustedRoots { .. })) => {
            return Err(Failure::input(e))
        }
        Err(e @ VerifierError::Broker(_)) => return Err(Failure::broker(e)),
        Err(e) => return Err(Failure::input(e)),
    };
    print!("{}", report.render(args.color.enabled()));
    write_report(&args.json, || {
        serde_json::to_string_pretty(&report.to_json()).unwrap_or_default() + "\n"
    })?;
    write_report(&args.junit, || report.to_junit())?;
    if report.provider_unreachable() {
        return Err(Failure::unreachable(anyhow!(
            "the provider at {base_url} could not be reached (is it running? see --provider-cmd)"
        )));
    }
    if !report.success() {
        return Ok(ExitCode::from(1));
    }
    if let Some(why) = report.nothing_verified() {
        return nothing_verified(&args, &why);
    }
    let unpublished = report
        .pacts
        .iter()
        .filter_map(|p| p.published.as_ref()?.as_ref().err().map(|e| (p, e)))
        .map(|(p, e)| format!("{}: {e}", p.source))
        .collect::<Vec<_>>();
    if !unpublished.is_empty() {
        return Err(Failure::broker(anyhow!(
            "verified, but publishing the results failed:\n  {}",
            unpublished.join("\n  ")
        )));
    }
    Ok(ExitCode::SUCCESS)
}

/// A run that verified nothing: exit 1 with the reason, or 0 with `--ignore-no-pacts-error`.
fn nothing_verified(args: &VerifyArgs, why: &str) -> Result<ExitCode, Failure> {
    if args.ignore_no_pacts_error {
        eprintln!("warning: {why} (ignored: --ignore-no-pacts-error)");
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("error: {why}");
    eprintln!("(pass --ignore-no-pacts-error if that is expected)");
    Ok(ExitCode::from(1))
}

/// The provider to verify: `--provider-name`, else the `provider` setting; else, for pacts
/// given only as files, dirs or URLs (`explicit_sources`, no broker), None (the one the
/// pacts name); else the package name.
fn provider_name(
    args: &VerifyArgs,
    meta: &mut LazyMetadata,
    explicit_sources: bool,
) -> Result<Option<String>, Failure> {
    if let Some(name) = &args.provider_name {
        return Ok(Some(name.clone()));
    }
    // Outside a cargo project there is no metadata, and pact sources need none.
    if let Some(name) = meta
        .optional_string(&pact_settings::PROVIDER)
        .map_err(Failure::input)?
    {
        return Ok(Some(name));
    }
    if explicit_sources {
        return Ok(None);
    }
    let package = meta.get().map_err(|e| {
        Failure::input(e.context(
            "no provider name: pass --provider-name or set provider in [package.metadata.pact]",
        ))
    })?;
    package
        .package_name()
        .map(|n| Some(n.to_string()))
        .ok_or_else(|| {
            Failure::input(anyhow!(
                "no provider name: pass --provider-name or set provider in [package.metadata.pact]"
            ))
        })
}

fn write_report(path: &Option<PathBuf>, render: impl FnOnce() -> String) -> Result<(), Failure> {
    if let Some(path) = path {
        std::fs::write(path, render())
            .with_context(|| format!("could not write the report to {}", path.display()))
            .map_err(Failure::input)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_header;

    #[test]
    fn headers_are_checked() {
        assert_eq!(
            parse_header("Authorization: Bearer x").unwrap(),
            ("Authorization", "Bearer x")
        );
        assert_eq!(parse_header("X-A:1").unwrap(), ("X-A", "1"));
        for bad in ["no colon", ": v", "Bad Name: v", "X: a\nb"] {
            let message = parse_header(bad).unwrap_err().to_string();
            assert!(message.starts_with("--header"), "{message}");
        }
    }
}
