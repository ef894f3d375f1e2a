//! `cargo pact can-i-deploy`: asks the broker's matrix whether pacticipant versions can be
//! deployed, prints its rows, reason and notices, and exits with its verdict.
//!
//! The request is the one the Ruby CLI (pact_broker-client 1.78) sends, pair for pair and in
//! the same order, e.g. `GET /matrix?q[][pacticipant]=Web&q[][version]=1&latestby=cvp&environment=production`
//! (broker-api.md §1.5). Ruby's rather than the Rust CLI's because Ruby's rules are the
//! documented ones (`latestby=cvp` for one selector, `cvpv` for several; `latest=true` for
//! one selector without a target) and every broker is tested against them. The matrix has
//! no relation in the broker's index, so, as both official CLIs do, the path is built from
//! the broker's base URL (its context path kept).
//!
//! Decisions where the official CLIs leave room:
//! - Defaults: no `--pacticipant` means the package's own pacticipant ([`own_pacticipant`])
//!   at `<package version>+<short sha>` (`vcs::package_version`); another pacticipant needs
//!   a version flag, as in the Ruby CLI.
//! - `deployable: null` (a result is missing) is a no (exit 1) once any
//!   `--retry-while-unknown` retries are spent.
//! - A 400 from the broker (an unknown pacticipant or environment) is the input's fault:
//!   exit 2 with the broker's message; any other broker failure exits 4.
//! - `--dry-run` exits 0 on any answer and, as the Ruby CLI does, on a broker failure too
//!   (printing it); it still retries while unknown, to show the real answer.
//! - Rows are shown in the broker's order (ours lists ignored rows last).
//!
//! The pure parts (grouping the selector flags, the defaults, the query, the verdict, the
//! table) are plain functions; the broker and the terminal are used only in [`run`].

use crate::cli::{CanIDeployArgs, Output};
use crate::settings::LazyMetadata;
use crate::Failure;
use anyhow::anyhow;
use pact_runtime::broker::{BrokerClient, BrokerError};
use serde_json::Value;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

/// The variable that, as for the Ruby CLI, adds pacticipants to ignore (comma-separated).
pub const IGNORE_VAR: &str = "PACT_BROKER_CAN_I_DEPLOY_IGNORE";

/// One `--pacticipant` (or `--ignore`) and the version flags that followed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    /// The pacticipant; `None` for version flags given before any `--pacticipant`, which
    /// are about the package's own pacticipant.
    pub pacticipant: Option<String>,
    /// `--version`.
    pub version: Option<String>,
    /// `--latest`, `--branch` or `--main-branch`: the latest version (of the tag, branch or
    /// main branch).
    pub latest: bool,
    /// `--latest TAG`.
    pub tag: Option<String>,
    /// `--branch`.
    pub branch: Option<String>,
    /// `--main-branch`.
    pub main_branch: bool,
}

impl Selector {
    /// A selector for `name` alone.
    fn named(name: &str) -> Selector {
        Selector {
            pacticipant: Some(name.to_string()),
            ..Selector::default()
        }
    }

    /// Whether some flag says which of the pacticipant's versions is meant.
    fn names_a_version(&self) -> bool {
        self.version.is_some()
            || self.latest
            || self.tag.is_some()
            || self.branch.is_some()
            || self.main_branch
    }

    /// `Web 1`, `Web (latest prod)`, for messages.
    fn describe(&self) -> String {
        let name = self.pacticipant.as_deref().unwrap_or("?");
        if let Some(v) = &self.version {
            return format!("{name} {v}");
        }
        let which = match (&self.tag, &self.branch, self.main_branch) {
            (Some(tag), _, _) => format!("latest {tag}"),
            (_, Some(branch), _) => format!("latest of branch {branch}"),
            (_, _, true) => "latest of its main branch".to_string(),
            _ => "latest".to_string(),
        };
        format!("{name} ({which})")
    }
}

/// One selector flag as written on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flag {
    /// `--pacticipant NAME`: starts a selector.
    Pacticipant(String),
    /// `--ignore NAME`: starts a selector of a pacticipant to ignore.
    Ignore(String),
    /// `--version VERSION`.
    Version(String),
    /// `--latest [TAG]`.
    Latest(Option<String>),
    /// `--branch BRANCH`.
    Branch(String),
    /// `--main-branch`.
    MainBranch,
}

/// The selector flags of `can-i-deploy`, grouped as the Ruby CLI groups them: each
/// `--version`, `--latest`, `--branch` or `--main-branch` belongs to the `--pacticipant` (or
/// `--ignore`) before it. clap gives each flag's values separately, so the grouping reads
/// their positions (`ArgMatches::indices_of`): this is why the flags are declared by hand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectorArgs {
    /// The versions to deploy, in the order given.
    pub selectors: Vec<Selector>,
    /// The pacticipants (or versions) to ignore, in the order given.
    pub ignore: Vec<Selector>,
}

/// Groups the flags in their command-line order: a `--pacticipant` or `--ignore` starts a
/// selector, the other flags fill the latest one (version flags before any `--pacticipant`
/// make a selector for the package's own pacticipant), a repeated flag overrides.
pub fn group(flags: impl IntoIterator<Item = Flag>) -> SelectorArgs {
    let mut out = SelectorArgs::default();
    // Which list the flags being read belong to.
    let mut in_ignore = false;
    for flag in flags {
        let name = match &flag {
            Flag::Pacticipant(name) | Flag::Ignore(name) => Some(name),
            _ => None,
        };
        if let Some(name) = name {
            in_ignore = matches!(flag, Flag::Ignore(_));
            let list = if in_ignore {
                &mut out.ignore
            } else {
                &mut out.selectors
            };
            list.push(Selector::named(name));
            continue;
        }
        let list = if in_ignore {
            &mut out.ignore
        } else {
            &mut out.selectors
        };
        if list.is_empty() {
            list.push(Selector::default());
        }
        let s = list.last_mut().expect("pushed above");
        match flag {
            Flag::Version(v) => s.version = Some(v),
            Flag::Latest(tag) => {
                s.latest = true;
                s.tag = tag;
            }
            Flag::Branch(b) => {
                s.latest = true;
                s.branch = Some(b);
            }
            Flag::MainBranch => {
                s.latest = true;
                s.main_branch = true;
            }
            Flag::Pacticipant(_) | Flag::Ignore(_) => unreachable!("handled above"),
        }
    }
    out
}

const PACTICIPANT: &str = "pacticipant";
const IGNORE: &str = "ignore";
// Not `version`: that id is clap's own `--version` flag.
const VERSION: &str = "selector-version";
const LATEST: &str = "latest";
const BRANCH: &str = "branch";
const MAIN_BRANCH: &str = "main-branch";

impl clap::FromArgMatches for SelectorArgs {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut flags: Vec<(usize, Flag)> = Vec::new();
        let mut read = |id: &str, make: &dyn Fn(String) -> Flag| {
            let (Some(indices), Ok(Some(values))) =
                (m.indices_of(id), m.try_get_many::<String>(id))
            else {
                return;
            };
            flags.extend(indices.zip(values).map(|(i, v)| (i, make(v.clone()))));
        };
        read(PACTICIPANT, &Flag::Pacticipant);
        read(IGNORE, &Flag::Ignore);
        read(VERSION, &Flag::Version);
        read(LATEST, &|tag| {
            Flag::Latest(Some(tag).filter(|t| !t.is_empty()))
        });
        read(BRANCH, &Flag::Branch);
        read(MAIN_BRANCH, &|_| Flag::MainBranch);
        flags.sort_by_key(|(i, _)| *i);
        Ok(group(flags.into_iter().map(|(_, f)| f)))
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl clap::Args for SelectorArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        use clap::{Arg, ArgAction};
        let heading = "Versions";
        cmd.arg(
            Arg::new(PACTICIPANT)
                .short('a')
                .long("pacticipant")
                .value_name("NAME")
                .action(ArgAction::Append)
                .help_heading(heading)
                .help(
                    "A pacticipant to deploy (repeatable); the version flags after it are its. \
                     Default: the package's own (its `consumer` setting, or for a provider \
                     package, one with provider-base-url or state-change-url, its `provider` \
                     setting; else the package name)",
                ),
        )
        .arg(
            Arg::new(VERSION)
                .short('e')
                .long("version")
                .value_name("VERSION")
                .action(ArgAction::Append)
                .help_heading(heading)
                .help(
                    "The version of the --pacticipant (or --ignore) before it. Default for the \
                     package's own pacticipant: <package version>+<short git sha>",
                ),
        )
        .arg(
            Arg::new(LATEST)
                .short('l')
                .long("latest")
                .value_name("TAG")
                .num_args(0..=1)
                .default_missing_value("")
                .action(ArgAction::Append)
                .help_heading(heading)
                .help("The latest version of the --pacticipant before it (with TAG: the latest with that tag)"),
        )
        .arg(
            Arg::new(BRANCH)
                .long("branch")
                .value_name("BRANCH")
                .action(ArgAction::Append)
                .help_heading(heading)
                .help("The latest version of the --pacticipant before it on this branch"),
        )
        .arg(
            Arg::new(MAIN_BRANCH)
                .long("main-branch")
                .num_args(0)
                .default_missing_value("true")
                .action(ArgAction::Append)
                .help_heading(heading)
                .help("The latest version of the --pacticipant before it on its main branch"),
        )
        .arg(
            Arg::new(IGNORE)
                .long("ignore")
                .value_name("PACTICIPANT")
                .action(ArgAction::Append)
                .help_heading(heading)
                .help(format!(
                    "A pacticipant whose results do not count (repeatable); a --version after \
                     it ignores only that version. {IGNORE_VAR} adds more (comma-separated names)"
                )),
        )
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// The package's own pacticipant and version, the defaults of the selectors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    /// Its pacticipant name, if there is a package.
    pub pacticipant: Option<String>,
    /// Its version, if the package's version is known.
    pub version: Option<String>,
}

/// The name a package has in the broker. A provider package (one with `provider-base-url`
/// or `state-change-url`: the settings only a provider's `cargo pact verify` reads) is its
/// `provider` setting, as `verify` names it. Any other package is a consumer, whose
/// `provider` setting names the other side of its pacts: it is its `consumer` setting, as
/// the macro names it. Either way the package name when the setting is absent.
pub fn own_pacticipant(
    is_provider: bool,
    consumer: Option<String>,
    provider: Option<String>,
    package_name: Option<&str>,
) -> Option<String> {
    let setting = if is_provider { provider } else { consumer };
    setting.or_else(|| package_name.map(str::to_string))
}

/// Fills in the package's pacticipant and version where the flags leave them out: no
/// selector at all is the package's own version; a selector without a pacticipant is the
/// package's; the package's own pacticipant without a version flag is at the package's
/// version. `defaults` is called only when one of these is needed, so a command line that
/// says everything reads no manifest.
pub fn with_defaults(
    mut selectors: Vec<Selector>,
    defaults: impl FnOnce() -> Result<Defaults, Failure>,
) -> Result<Vec<Selector>, Failure> {
    if selectors.is_empty() {
        selectors.push(Selector::default());
    }
    let needed = selectors
        .iter()
        .any(|s| s.pacticipant.is_none() || !s.names_a_version());
    let defaults = if needed {
        defaults()?
    } else {
        Defaults::default()
    };
    for s in &mut selectors {
        if s.pacticipant.is_none() {
            s.pacticipant = Some(defaults.pacticipant.clone().ok_or_else(|| {
                Failure::input(anyhow!(
                    "no pacticipant: pass --pacticipant NAME (or run in the package to deploy)"
                ))
            })?);
        }
        if s.names_a_version() {
            continue;
        }
        let name = s.pacticipant.clone().unwrap_or_default();
        let own = defaults.pacticipant.as_deref() == Some(name.as_str());
        s.version = match (&defaults.version, own) {
            (Some(version), true) => Some(version.clone()),
            (None, true) => {
                return Err(Failure::input(anyhow!(
                    "no version for {name}: pass --version VERSION (there is no default: the \
                     package's version is not written in its Cargo.toml, or inherited from the \
                     workspace)"
                )))
            }
            (_, false) => {
                return Err(Failure::input(anyhow!(
                    "no version for {name}: give --version VERSION, --latest [TAG], --branch \
                     BRANCH or --main-branch after its --pacticipant"
                )))
            }
        };
    }
    Ok(selectors)
}

/// The ignore selectors of `PACT_BROKER_CAN_I_DEPLOY_IGNORE`: comma-separated names.
pub fn ignore_from_var(value: &str) -> Vec<Selector> {
    value
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(Selector::named)
        .collect()
}

/// What the versions are to be deployed next to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `--to-environment`: what is deployed or released there.
    Environment(String),
    /// `--to TAG`: the latest version of each other pacticipant with that tag.
    Tag(String),
    /// Nothing said: with one selector, the latest version of each other pacticipant; with
    /// several, each other.
    None,
}

impl Target {
    /// The target of `--to-environment` / `--to` (clap keeps them exclusive).
    pub fn from_flags(environment: Option<&str>, tag: Option<&str>) -> Target {
        match (environment, tag) {
            (Some(e), _) => Target::Environment(e.to_string()),
            (None, Some(t)) => Target::Tag(t.to_string()),
            (None, None) => Target::None,
        }
    }
}

fn push_selectors(list: &str, selectors: &[Selector], out: &mut Vec<(String, String)>) {
    for s in selectors {
        let mut push = |key: &str, value: &str| {
            out.push((format!("{list}[][{key}]"), value.to_string()));
        };
        push("pacticipant", s.pacticipant.as_deref().unwrap_or_default());
        if let Some(v) = &s.version {
            push("version", v);
        }
        if s.latest {
            push("latest", "true");
        }
        if let Some(t) = &s.tag {
            push("tag", t);
        }
        if let Some(b) = &s.branch {
            push("branch", b);
        }
        if s.main_branch {
            push("mainBranch", "true");
        }
    }
}

/// The matrix query, pair by pair in the Ruby CLI's order: the `q[]` selectors (each
/// `pacticipant`, `version`, `latest`, `tag`, `branch`, `mainBranch`), `latestby` (`cvp` for
/// one selector: the latest row per consumer version and provider; `cvpv` for several), the
/// target (`environment`, or `latest=true&tag=T`, or `latest=true` alone for one selector
/// without a target), then the `ignore[]` selectors.
pub fn matrix_query(
    selectors: &[Selector],
    ignore: &[Selector],
    target: &Target,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    push_selectors("q", selectors, &mut out);
    let single = selectors.len() == 1;
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    out.push(pair("latestby", if single { "cvp" } else { "cvpv" }));
    match target {
        Target::Environment(e) => out.push(pair("environment", e)),
        Target::Tag(t) => {
            out.push(pair("latest", "true"));
            out.push(pair("tag", t));
        }
        Target::None if single => out.push(pair("latest", "true")),
        Target::None => {}
    }
    push_selectors("ignore", ignore, &mut out);
    out
}

/// `k=v&k=v`, each value percent-encoded but for the unreserved characters (so a `+` in
/// `1.0.0+abc1234` stays a plus and a space is `%20`); the keys' brackets are sent raw, as
/// the official clients send them.
pub fn query_string(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        for b in v.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// The broker's verdict (`summary.deployable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// `true`: every required verification result is published and successful.
    Yes,
    /// `false`: a verification failed, or a version does not exist.
    No,
    /// `null` (or absent): a verification result is missing.
    Unknown,
}

impl Verdict {
    /// The verdict of a matrix answer.
    pub fn of(matrix: &Value) -> Verdict {
        match matrix.pointer("/summary/deployable") {
            Some(Value::Bool(true)) => Verdict::Yes,
            Some(Value::Bool(false)) => Verdict::No,
            _ => Verdict::Unknown,
        }
    }
}

/// The exit code: 0 for yes, 1 for no and for unknown (a missing result is no reason to
/// deploy); 0 whatever the answer with `--dry-run`.
pub fn exit_code(verdict: Verdict, dry_run: bool) -> u8 {
    if dry_run || verdict == Verdict::Yes {
        0
    } else {
        1
    }
}

/// How many verification results the answer lacks (`summary.unknown`); `None` when the
/// broker does not say (Pact Broker before 2.23.4), which `--retry-while-unknown` needs.
pub fn unknown_count(matrix: &Value) -> Option<u64> {
    matrix.pointer("/summary/unknown").and_then(Value::as_u64)
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color && !text.is_empty() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

const GREEN: &str = "32";
const RED: &str = "31";
const YELLOW: &str = "33";
const DIM: &str = "2";
const BOLD: &str = "1";

fn text_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// The matrix rows as a table, in the broker's order: consumer, its version, provider, its
/// version (`-` when no provider version verified it), whether the verification succeeded
/// (`unknown` without one; ignored rows say so) and the link to the verification result.
/// Columns are padded before they are colored, so colors never shift them.
pub fn render_table(matrix: &Value, color: bool) -> String {
    let rows: &[Value] = matrix
        .get("matrix")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    if rows.is_empty() {
        return "No matrix rows: there is no integration to check for these versions.\n".into();
    }
    let header = [
        "CONSUMER",
        "C.VERSION",
        "PROVIDER",
        "P.VERSION",
        "SUCCESS?",
        "RESULT",
    ];
    // Each cell: its text, and its color code if any.
    let mut table: Vec<[(String, Option<&str>); 6]> = Vec::with_capacity(rows.len());
    for row in rows {
        let cell = |p: &str| text_at(row, p).unwrap_or("-").to_string();
        let ignored = row.get("ignored").and_then(Value::as_bool) == Some(true);
        let (success, code) = match row.pointer("/verificationResult/success") {
            Some(Value::Bool(true)) => ("true", GREEN),
            Some(Value::Bool(false)) => ("false", RED),
            _ => ("unknown", YELLOW),
        };
        let (success, code) = if ignored {
            (format!("{success} [ignored]"), DIM)
        } else {
            (success.to_string(), code)
        };
        table.push([
            (cell("/consumer/name"), None),
            (cell("/consumer/version/number"), None),
            (cell("/provider/name"), None),
            (cell("/provider/version/number"), None),
            (success, Some(code)),
            (
                text_at(row, "/verificationResult/_links/self/href")
                    .unwrap_or("")
                    .to_string(),
                None,
            ),
        ]);
    }
    let mut widths = header.map(|h| h.chars().count());
    for row in &table {
        for (w, (text, _)) in widths.iter_mut().zip(row) {
            *w = (*w).max(text.chars().count());
        }
    }
    let mut out = String::new();
    let line = |mut cells: Vec<(String, Option<&str>)>, out: &mut String| {
        // Empty cells at the end are left out, and the last column is not padded: no
        // trailing blanks or separators.
        while cells.len() > 1 && cells.last().is_some_and(|(text, _)| text.is_empty()) {
            cells.pop();
        }
        let last = cells.len() - 1;
        let mut text = String::new();
        for (i, ((cell, code), width)) in cells.into_iter().zip(widths).enumerate() {
            let padded = if i == last {
                cell
            } else {
                format!("{cell:<width$}")
            };
            text.push_str(&match code {
                Some(code) => paint(color, code, &padded),
                None => padded,
            });
            if i != last {
                text.push_str(" | ");
            }
        }
        out.push_str(&text);
        out.push('\n');
    };
    line(
        header.iter().map(|h| (h.to_string(), Some(BOLD))).collect(),
        &mut out,
    );
    line(
        widths.iter().map(|w| ("-".repeat(*w), None)).collect(),
        &mut out,
    );
    for row in table {
        line(row.into_iter().collect(), &mut out);
    }
    out
}

/// The whole answer for `--output table`: the verdict, the table, the broker's reason
/// (unless its notices say it already) and its notices (colored by type), and for a dry run
/// a last line saying the exit code ignores the answer.
pub fn render_answer(matrix: &Value, color: bool, dry_run: bool) -> String {
    let verdict = Verdict::of(matrix);
    let mut out = String::new();
    let (headline, code) = match verdict {
        Verdict::Yes => (r"Computer says yes \o/", GREEN),
        Verdict::No | Verdict::Unknown => ("Computer says no ¯\\_(ツ)_/¯", RED),
    };
    let _ = writeln!(out, "{}\n", paint(color, code, headline));
    out.push_str(&render_table(matrix, color));
    out.push('\n');
    let notices: Vec<(&str, Option<&str>)> = matrix
        .get("notices")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|n| {
            let text = n.get("text").and_then(Value::as_str)?;
            Some((text, n.get("type").and_then(Value::as_str)))
        })
        .collect();
    // The broker's reason is its notices' texts joined by newlines: print it only when
    // the notices do not already say every line of it.
    match text_at(matrix, "/summary/reason") {
        Some(reason)
            if !reason
                .lines()
                .all(|line| notices.iter().any(|(text, _)| *text == line)) =>
        {
            let _ = writeln!(out, "{}", paint(color, code, reason));
        }
        None if matrix.get("summary").is_none() => {
            let _ = writeln!(
                out,
                "{}",
                paint(color, RED, "The broker's answer has no summary.")
            );
        }
        _ => {}
    }
    for (text, kind) in notices {
        let code = match kind {
            Some("error" | "danger") => Some(RED),
            Some("warning" | "prompt") => Some(YELLOW),
            Some("success") => Some(GREEN),
            _ => None,
        };
        let _ = writeln!(
            out,
            "{}",
            code.map_or_else(|| text.to_string(), |c| paint(color, c, text))
        );
    }
    if dry_run {
        let _ = writeln!(
            out,
            "\n{}",
            paint(color, YELLOW, &dry_run_note(Some(verdict)))
        );
    }
    out
}

/// What a dry run says about its exit code, given the verdict (`None`: no answer).
fn dry_run_note(verdict: Option<Verdict>) -> String {
    let answer = match verdict {
        Some(Verdict::Yes) => "the answer is yes",
        Some(Verdict::No | Verdict::Unknown) => "the answer is no",
        None => "there is no answer",
    };
    format!("Dry run (--dry-run): {answer}, but the exit code is 0 whatever it is.")
}

/// The package's pacticipant and version, read from its manifest.
fn package_defaults(meta: &mut LazyMetadata) -> Result<Defaults, Failure> {
    let m = meta.get().map_err(|e| {
        Failure::input(
            e.context("could not read the package's settings for the default pacticipant"),
        )
    })?;
    let version = crate::vcs::package_version(m);
    Ok(Defaults {
        // Only a package of its own has a pacticipant to default to.
        pacticipant: crate::broker_admin::pacticipant(None, meta).ok(),
        version,
    })
}

/// A broker failure as the command reports it: a 400 is the broker refusing the question
/// (an unknown pacticipant or environment: the input, exit 2) with its message; anything
/// else exit 4. The client's errors name the URL without credentials.
fn broker_failure(broker: &BrokerClient, error: BrokerError) -> Failure {
    let base = broker.base_url().to_string();
    if let BrokerError::Status {
        status: 400,
        message,
        ..
    } = &error
    {
        let message = message.clone().unwrap_or_else(|| "no reason given".into());
        return Failure::input(anyhow!(error).context(format!(
            "the Pact Broker at {base} refused the query: {message}"
        )));
    }
    Failure::broker(anyhow!(error).context(format!(
        "could not get the matrix from the Pact Broker at {base}"
    )))
}

/// Asks for the matrix, and with `--retry-while-unknown` asks again, every `interval`, while
/// a verification result is missing, saying so on stderr.
async fn ask(
    broker: &BrokerClient,
    href: &str,
    retries: u32,
    interval: Duration,
) -> Result<Value, Failure> {
    let get = || async {
        broker
            .get(href)
            .await
            .map(|d| d.into_json())
            .map_err(|e| broker_failure(broker, e))
    };
    let mut matrix = get().await?;
    if retries == 0 {
        return Ok(matrix);
    }
    let unknown = |m: &Value| {
        unknown_count(m).ok_or_else(|| {
            Failure::broker(anyhow!(
                "the Pact Broker at {} does not count the unknown verification results \
                 (summary.unknown), which --retry-while-unknown needs (Pact Broker 2.23.4 or later)",
                broker.base_url()
            ))
        })
    };
    let mut missing = unknown(&matrix)?;
    let mut attempt = 0;
    while missing > 0 && attempt < retries {
        attempt += 1;
        let results = if missing == 1 { "result" } else { "results" };
        eprintln!(
            "Waiting {}s for {missing} verification {results} to be published (retry {attempt} of {retries})",
            interval.as_secs()
        );
        tokio::time::sleep(interval).await;
        matrix = get().await?;
        missing = unknown(&matrix)?;
    }
    Ok(matrix)
}

/// Runs `cargo pact can-i-deploy`.
pub fn run(args: CanIDeployArgs) -> Result<ExitCode, Failure> {
    args.log.install();
    let mut meta = LazyMetadata::new(args.manifest_path.clone());
    let selectors = with_defaults(args.selectors.selectors.clone(), || {
        package_defaults(&mut meta)
    })?;
    let mut ignore = args.selectors.ignore.clone();
    if let Ok(names) = std::env::var(IGNORE_VAR) {
        ignore.extend(ignore_from_var(&names));
    }
    if args
        .to_environment
        .as_deref()
        .is_some_and(|e| e.trim().is_empty())
    {
        return Err(Failure::input(anyhow!("--to-environment cannot be blank")));
    }
    let target = Target::from_flags(args.to_environment.as_deref(), args.to.as_deref());
    let broker = args.broker.client(&mut meta)?;
    let href = format!(
        "/matrix?{}",
        query_string(&matrix_query(&selectors, &ignore, &target))
    );
    let versions = selectors
        .iter()
        .map(Selector::describe)
        .collect::<Vec<_>>()
        .join(", ");
    let to = match &target {
        Target::Environment(e) => format!(" to {e}"),
        Target::Tag(t) => format!(" with the latest {t} version of each other pacticipant"),
        Target::None => String::new(),
    };
    eprintln!(
        "Can I deploy {versions}{to}? Asking the Pact Broker at {}",
        broker.base_url()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::input(anyhow!(e).context("could not start the async runtime")))?;
    let interval = Duration::from_secs(args.retry_interval);
    // Ctrl-C stops the wait (a dry run included).
    let asked = runtime.block_on(async {
        tokio::select! {
            matrix = ask(&broker, &href, args.retry_while_unknown, interval) => Some(matrix),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    let matrix = match asked {
        None => return Err(Failure::interrupted()),
        Some(Ok(matrix)) => matrix,
        // A dry run exits 0 whatever the broker answers, a failure to answer included (as
        // the Ruby CLI's does: deploying while the broker is down is what it is for), but
        // says what went wrong.
        Some(Err(failure)) if args.dry_run => {
            eprintln!("error: {:#}", failure.error);
            eprintln!("{}", dry_run_note(None));
            return Ok(ExitCode::SUCCESS);
        }
        Some(Err(failure)) => return Err(failure),
    };
    let verdict = Verdict::of(&matrix);
    match args.output {
        Output::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&matrix).unwrap_or_else(|_| matrix.to_string())
            );
            // stdout stays one JSON document.
            if args.dry_run {
                eprintln!("{}", dry_run_note(Some(verdict)));
            }
        }
        Output::Table => {
            print!(
                "{}",
                render_answer(&matrix, args.color.enabled(), args.dry_run)
            );
        }
    }
    Ok(ExitCode::from(exit_code(verdict, args.dry_run)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Color;
    use clap::FromArgMatches as _;
    use serde_json::json;

    fn parse(args: &[&str]) -> crate::cli::CanIDeployArgs {
        let mut argv = vec!["cargo-pact", "can-i-deploy"];
        argv.extend(args);
        let matches = crate::cli::command()
            .try_get_matches_from(argv)
            .unwrap_or_else(|e| panic!("{e}"));
        match crate::cli::Cli::from_arg_matches(&matches).unwrap().command {
            crate::cli::Command::CanIDeploy(args) => *args,
            other => panic!("{other:?}"),
        }
    }

    fn sel(name: &str, version: &str) -> Selector {
        Selector {
            version: Some(version.into()),
            ..Selector::named(name)
        }
    }

    #[test]
    fn each_version_flag_belongs_to_the_pacticipant_before_it() {
        let args = parse(&[
            "--pacticipant",
            "Web",
            "--version",
            "1",
            "-a",
            "API",
            "--latest",
            "prod",
            "--ignore",
            "Foo",
            "--version",
            "3",
            "--pacticipant",
            "Bar",
            "--branch",
            "main",
            "--pacticipant",
            "Baz",
            "--main-branch",
            "--pacticipant",
            "Qux",
            "--latest",
            "--ignore",
            "Zed",
        ]);
        let s = &args.selectors;
        assert_eq!(
            s.selectors,
            vec![
                sel("Web", "1"),
                Selector {
                    latest: true,
                    tag: Some("prod".into()),
                    ..Selector::named("API")
                },
                Selector {
                    latest: true,
                    branch: Some("main".into()),
                    ..Selector::named("Bar")
                },
                Selector {
                    latest: true,
                    main_branch: true,
                    ..Selector::named("Baz")
                },
                Selector {
                    latest: true,
                    ..Selector::named("Qux")
                },
            ]
        );
        assert_eq!(s.ignore, vec![sel("Foo", "3"), Selector::named("Zed")]);
    }

    #[test]
    fn version_flags_before_any_pacticipant_are_the_package_s() {
        let args = parse(&["--version", "2", "--to-environment", "production"]);
        assert_eq!(
            args.selectors.selectors,
            vec![Selector {
                version: Some("2".into()),
                ..Selector::default()
            }]
        );
        assert_eq!(args.to_environment.as_deref(), Some("production"));
        assert!(parse(&[]).selectors.selectors.is_empty());
        // `=` forms count too.
        let args = parse(&["--pacticipant=Web", "--version=1"]);
        assert_eq!(args.selectors.selectors, vec![sel("Web", "1")]);
    }

    #[test]
    fn to_and_to_environment_exclude_each_other() {
        let argv = [
            "cargo-pact",
            "can-i-deploy",
            "--to",
            "prod",
            "--to-environment",
            "p",
        ];
        assert!(crate::cli::command().try_get_matches_from(argv).is_err());
    }

    fn defaults(name: &str, version: Option<&str>) -> Result<Defaults, Failure> {
        Ok(Defaults {
            pacticipant: Some(name.into()),
            version: version.map(str::to_string),
        })
    }

    #[test]
    fn the_package_gives_the_missing_pacticipant_and_version() {
        let got = with_defaults(vec![], || defaults("Web", Some("1.0.0+abc1234"))).unwrap();
        assert_eq!(got, vec![sel("Web", "1.0.0+abc1234")]);
        // Named, without a version: the package's version only for the package's own name.
        let got =
            with_defaults(vec![Selector::named("Web")], || defaults("Web", Some("7"))).unwrap();
        assert_eq!(got, vec![sel("Web", "7")]);
        let e =
            with_defaults(vec![Selector::named("API")], || defaults("Web", Some("7"))).unwrap_err();
        assert!(
            e.error.to_string().contains("no version for API"),
            "{}",
            e.error
        );
        let e = with_defaults(vec![], || defaults("Web", None)).unwrap_err();
        assert!(e.error.to_string().contains("--version"), "{}", e.error);
        let e = with_defaults(vec![], || Ok(Defaults::default())).unwrap_err();
        assert!(e.error.to_string().contains("--pacticipant"), "{}", e.error);
        // Everything given: the manifest is not read.
        let got = with_defaults(vec![sel("API", "P1")], || panic!("read the manifest")).unwrap();
        assert_eq!(got, vec![sel("API", "P1")]);
    }

    #[test]
    fn a_provider_package_is_its_provider_setting_a_consumer_its_consumer_setting() {
        let own = |p, c: Option<&str>, v: Option<&str>| {
            own_pacticipant(p, c.map(Into::into), v.map(Into::into), Some("web-app"))
        };
        assert_eq!(own(true, None, Some("API")).as_deref(), Some("API"));
        assert_eq!(own(false, Some("Web"), Some("API")).as_deref(), Some("Web"));
        // A consumer's `provider` is the other side: never its own name.
        assert_eq!(own(false, None, Some("API")).as_deref(), Some("web-app"));
        assert_eq!(own(true, None, None).as_deref(), Some("web-app"));
        assert_eq!(own_pacticipant(false, None, None, None), None);
    }

    fn query(selectors: &[Selector], ignore: &[Selector], target: &Target) -> String {
        query_string(&matrix_query(selectors, ignore, target))
    }

    #[test]
    fn the_query_is_the_ruby_cli_s_pair_for_pair() {
        let env = Target::Environment("production".into());
        assert_eq!(
            query(&[sel("Web", "1")], &[], &env),
            "q[][pacticipant]=Web&q[][version]=1&latestby=cvp&environment=production"
        );
        assert_eq!(
            query(&[sel("Web", "2"), sel("API", "P1")], &[], &Target::None),
            "q[][pacticipant]=Web&q[][version]=2&q[][pacticipant]=API&q[][version]=P1&latestby=cvpv"
        );
        assert_eq!(
            query(&[sel("Web", "1")], &[], &Target::None),
            "q[][pacticipant]=Web&q[][version]=1&latestby=cvp&latest=true"
        );
        assert_eq!(
            query(
                &[sel("Web", "1")],
                &[sel("Foo", "3.4.5")],
                &Target::Tag("prod".into())
            ),
            "q[][pacticipant]=Web&q[][version]=1&latestby=cvp&latest=true&tag=prod\
             &ignore[][pacticipant]=Foo&ignore[][version]=3.4.5"
        );
        let branch = Selector {
            latest: true,
            branch: Some("feat/x".into()),
            ..Selector::named("Web")
        };
        let main = Selector {
            latest: true,
            main_branch: true,
            ..Selector::named("API")
        };
        let tagged = Selector {
            latest: true,
            tag: Some("prod".into()),
            ..Selector::named("Bar")
        };
        assert_eq!(
            query(&[branch, main, tagged], &[Selector::named("Foo")], &env),
            "q[][pacticipant]=Web&q[][latest]=true&q[][branch]=feat%2Fx\
             &q[][pacticipant]=API&q[][latest]=true&q[][mainBranch]=true\
             &q[][pacticipant]=Bar&q[][latest]=true&q[][tag]=prod\
             &latestby=cvpv&environment=production&ignore[][pacticipant]=Foo"
        );
    }

    #[test]
    fn values_are_percent_encoded_so_a_plus_stays_a_plus() {
        assert_eq!(
            query(&[sel("Pricing Service", "1.0.0+abc1234")], &[], &Target::None),
            "q[][pacticipant]=Pricing%20Service&q[][version]=1.0.0%2Babc1234&latestby=cvp&latest=true"
        );
        assert_eq!(
            ignore_from_var(" Foo, ,Bar "),
            vec![Selector::named("Foo"), Selector::named("Bar")]
        );
    }

    #[test]
    fn only_yes_exits_0_unless_it_is_a_dry_run() {
        let verdict = |d: Value| Verdict::of(&json!({"summary": {"deployable": d}}));
        assert_eq!(verdict(json!(true)), Verdict::Yes);
        assert_eq!(verdict(json!(false)), Verdict::No);
        assert_eq!(verdict(Value::Null), Verdict::Unknown);
        assert_eq!(Verdict::of(&json!({})), Verdict::Unknown);
        assert_eq!(exit_code(Verdict::Yes, false), 0);
        assert_eq!(exit_code(Verdict::No, false), 1);
        assert_eq!(exit_code(Verdict::Unknown, false), 1);
        for v in [Verdict::Yes, Verdict::No, Verdict::Unknown] {
            assert_eq!(exit_code(v, true), 0);
        }
        assert_eq!(unknown_count(&json!({"summary": {"unknown": 2}})), Some(2));
        assert_eq!(unknown_count(&json!({"summary": {}})), None);
    }

    #[test]
    fn color_follows_the_flag_then_cargo_then_no_color_then_the_terminal() {
        assert!(Color::Always.resolve(Some("never"), true, false));
        assert!(!Color::Never.resolve(Some("always"), false, true));
        assert!(Color::Auto.resolve(Some("always"), true, false));
        assert!(!Color::Auto.resolve(Some("never"), false, true));
        assert!(!Color::Auto.resolve(Some("auto"), true, true));
        assert!(Color::Auto.resolve(None, false, true));
        assert!(!Color::Auto.resolve(None, false, false));
    }

    fn row(consumer_version: &str, provider_version: Option<&str>, success: Option<bool>) -> Value {
        json!({
            "consumer": {"name": "Web", "version": {"number": consumer_version}},
            "provider": {"name": "API", "version": provider_version.map(|v| json!({"number": v}))},
            "verificationResult": success.map(|s| json!({
                "success": s,
                "_links": {"self": {"href": format!("http://b/verification-results/{consumer_version}")}}
            })),
        })
    }

    #[test]
    fn the_table_has_a_row_per_matrix_row_with_the_result_link() {
        let mut ignored = row("3", Some("P2"), Some(false));
        ignored["ignored"] = json!(true);
        let matrix = json!({
            "summary": {"deployable": false, "reason": "One or more verifications failed"},
            "notices": [
                {"type": "error", "text": "One or more verifications failed"},
                {"type": "warning", "text": "Foo is ignored"}
            ],
            "matrix": [row("1", Some("P1"), Some(true)), row("2", Some("P1"), Some(false)),
                       row("10.0.0", None, None), ignored],
        });
        assert_eq!(
            render_table(&matrix, false),
            "\
CONSUMER | C.VERSION | PROVIDER | P.VERSION | SUCCESS?        | RESULT
-------- | --------- | -------- | --------- | --------------- | -------------------------------
Web      | 1         | API      | P1        | true            | http://b/verification-results/1
Web      | 2         | API      | P1        | false           | http://b/verification-results/2
Web      | 10.0.0    | API      | -         | unknown
Web      | 3         | API      | P2        | false [ignored] | http://b/verification-results/3
"
        );
        let answer = render_answer(&matrix, false, false);
        assert!(answer.starts_with("Computer says no"), "{answer}");
        assert_eq!(
            answer.matches("One or more verifications failed").count(),
            1,
            "{answer}"
        );
        assert!(answer.contains("Foo is ignored"), "{answer}");
        assert!(!answer.contains("Dry run"), "{answer}");
        // A reason made of the notices' texts is not printed twice.
        let mut joined = matrix.clone();
        joined["summary"]["reason"] = json!("One or more verifications failed\nFoo is ignored");
        let answer = render_answer(&joined, false, false);
        assert_eq!(answer.matches("Foo is ignored").count(), 1, "{answer}");
        let mut other = matrix.clone();
        other["notices"] = json!([]);
        let answer = render_answer(&other, false, false);
        assert!(
            answer.contains("One or more verifications failed"),
            "{answer}"
        );
        let dry = render_answer(&matrix, false, true);
        assert!(
            dry.contains("Dry run (--dry-run): the answer is no"),
            "{dry}"
        );
    }

    #[test]
    fn colors_do_not_shift_the_columns() {
        let matrix = json!({"summary": {"deployable": true, "reason": "ok"},
                            "matrix": [row("1", Some("P1"), Some(true))]});
        let plain = render_table(&matrix, false);
        let colored = render_table(&matrix, true);
        assert!(colored.contains("\x1b[32mtrue"), "{colored:?}");
        let strip = regex_free_strip(&colored);
        assert_eq!(strip, plain);
        let answer = render_answer(&matrix, true, false);
        assert!(
            answer.starts_with("\x1b[32mComputer says yes"),
            "{answer:?}"
        );
        assert!(render_table(&json!({"matrix": []}), false).starts_with("No matrix rows"));
    }

    /// `text` without its ANSI color sequences.
    fn regex_free_strip(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
