//! The product-service workflow, `run.sh`, run as a team that copied the example would run
//! it: from a copy of the example workspace in a git repository of its own, with
//! `cargo-pact` installed on the `PATH`, from another directory, on its embedded defaults, and
//! with `--keep` so the broker it started can be asked afterwards what each step left: the
//! pact file, the stored pact, the published verification, can-i-deploy's answer, the
//! recorded deployment and the dashboard's green "last verified". Then the copy's own tests
//! (the provider's compile-fail test of a missing state handler among them).
//!
//! Everything builds in its own target directory (`target/run-sh`): this test's own cargo
//! holds the workspace's build lock while it runs.

#[path = "support.rs"]
mod support;

use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `command`, a cargo or `run.sh`, building in `target`. The nested builds are cold in CI and
/// nobody debugs them: without debug info or an incremental cache this test took 330 s
/// instead of 412 s with its target directory empty.
fn nested_build<'a>(command: &'a mut Command, target: &Path) -> &'a mut Command {
    command
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// Runs `command`, failing the test with its output unless it succeeds; its stdout.
fn run(command: &mut Command) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{command:?} failed\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Copies the directory `from` to `to`, leaving out build output.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

/// The example workspace copied into `dir` as a team would take it: its `pact-runtime`
/// dependency pointed at this checkout, in a git repository of its own on `main`.
fn copy_example(dir: &Path) {
    copy_tree(&workspace().join("examples/product-service"), dir);
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let relative = r#"path = "../../pact-runtime""#;
    assert!(text.contains(relative), "{text}");
    let absolute = format!(
        "path = {:?}",
        workspace().join("pact-runtime").display().to_string()
    );
    std::fs::write(&manifest, text.replace(relative, &absolute)).unwrap();
    let git = |args: &[&str]| {
        run(Command::new("git")
            .args(["-c", "user.name=CI", "-c", "user.email=ci@example.invalid"])
            .args(args)
            .current_dir(dir))
    };
    git(&["init", "--quiet", "--initial-branch", "main"]);
    git(&["add", "."]);
    git(&["commit", "--quiet", "--message", "the product service"]);
}

/// A GET over loopback HTTP/1.1; the status and the body.
fn get(url: &str, accept: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(host).expect("connect to the broker");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let (head, body) = reply.split_once("\r\n\r\n").expect("a response");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

fn json(url: &str) -> Value {
    let (status, body) = get(url, "application/hal+json");
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: {e}: {body}"))
}

/// The text after `prefix` on the line of `out` that starts with it.
fn line_after<'a>(out: &'a str, prefix: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{out}"))
}

#[test]
fn the_workflow_runs_end_to_end_in_one_command_from_a_copy_of_the_example() {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("run-sh");
    // `cargo install --path cargo-pact`, without the copy into ~/.cargo/bin.
    run(nested_build(&mut Command::new(env!("CARGO")), &target)
        .args(["build", "--quiet", "-p", "cargo-pact", "--manifest-path"])
        .arg(workspace().join("Cargo.toml")));
    let path = std::env::join_paths(std::iter::once(target.join("debug")).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let copy = support::temp_dir("product-service-copy");
    copy_example(&copy.0);

    let elsewhere = std::env::temp_dir();
    let out = nested_build(&mut Command::new("bash"), &target)
        .arg(copy.0.join("run.sh"))
        .arg("--keep")
        .current_dir(&elsewhere)
        .env("PATH", &path)
        .env_remove("PACT_BROKER_BASE_URL")
        .env_remove("PACT_OUTPUT_DIR")
        .output()
        .expect("run run.sh");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "run.sh failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let url = line_after(&stdout, "The dashboard: ")
        .trim_end_matches('/')
        .to_string();
    let keep = line_after(&stdout, "The broker keeps running (pid ");
    let pid = keep.split(',').next().unwrap().to_string();
    let work = PathBuf::from(
        keep.split("data in ")
            .nth(1)
            .unwrap()
            .split(')')
            .next()
            .unwrap(),
    );
    let stop = || {
        let _ = Command::new("kill").arg(&pid).status();
    };

    let result = std::panic::catch_unwind(|| {
        // Each step ran, in order.
        let mut at = 0;
        for step in [
            "==> build cargo-pact and the provider",
            "==> run the consumer's pact test",
            "==> start a Pact Broker",
            "==> publish the consumer's pact",
            "==> start the provider with its provider-state endpoint",
            "==> verify the provider",
            "==> create the production environment",
            "==> can-i-deploy the provider to production",
            "==> record the provider's deployment to production",
        ] {
            let found = stdout[at..]
                .find(step)
                .unwrap_or_else(|| panic!("no step {step:?} after byte {at}:\n{stdout}"));
            at += found + step.len();
        }
        let installed = target.join("debug/cargo-pact");
        assert!(
            stdout.contains(&format!("using {}", installed.display())),
            "not the installed cargo-pact:\n{stdout}"
        );

        // The consumer test wrote the pact.
        let pact: Value = serde_json::from_str(
            &std::fs::read_to_string(work.join("pacts/Consumer-Provider.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            pact["interactions"][0]["description"],
            "a request for build 3455"
        );

        // The broker stores it, and the provider's published verification succeeded.
        let stored = json(&format!(
            "{url}/pacts/provider/Provider/consumer/Consumer/latest"
        ));
        assert_eq!(
            stored["interactions"][0]["description"],
            "a request for build 3455"
        );
        // Published as the package's version and the copy's commit, from its branch.
        let sha = run(Command::new("git")
            .args(["rev-parse", "--short=7", "HEAD"])
            .current_dir(&copy.0));
        let sha = sha.trim();
        assert_eq!(
            stored["_links"]["pb:consumer-version"]["name"],
            format!("1.0.0+{sha}"),
            "{stored}"
        );
        let version = json(&format!(
            "{url}/pacticipants/Consumer/versions/1.0.0%2B{sha}"
        ));
        assert_eq!(
            version["_embedded"]["branchVersions"][0]["name"], "main",
            "{version}"
        );
        let matrix = json(&format!("{url}/matrix?q%5B%5D%5Bpacticipant%5D=Consumer&q%5B%5D%5Bpacticipant%5D=Provider&latestby=cvpv"));
        let rows = matrix["matrix"].as_array().expect("matrix rows");
        assert_eq!(rows.len(), 1, "{matrix}");
        assert_eq!(rows[0]["verificationResult"]["success"], true, "{matrix}");

        // can-i-deploy said yes; the deployment is recorded.
        assert!(stdout.contains("Computer says yes"), "{stdout}");
        let environments = json(&format!("{url}/environments"));
        let production = environments["_embedded"]["environments"]
            .as_array()
            .and_then(|all| all.iter().find(|e| e["name"] == "production"))
            .unwrap_or_else(|| panic!("no production: {environments}"));
        let uuid = production["uuid"].as_str().unwrap();
        let deployed = json(&format!(
            "{url}/environments/{uuid}/deployed-versions/currently-deployed"
        ));
        let current = deployed["_embedded"]["deployedVersions"]
            .as_array()
            .expect("deployed versions");
        assert_eq!(current.len(), 1, "{deployed}");
        assert_eq!(
            current[0]["_embedded"]["version"]["_embedded"]["pacticipant"]["name"]
                .as_str()
                .or(current[0]["_embedded"]["pacticipant"]["name"].as_str()),
            Some("Provider"),
            "{deployed}"
        );

        // The dashboard shows the pact green.
        let (status, index) = get(&format!("{url}/"), "text/html");
        assert_eq!(status, 200);
        let row = index
            .find("<tr data-consumer=\"Consumer\" data-provider=\"Provider\"")
            .map(|at| &index[at..at + index[at..].find("</tr>").unwrap()])
            .unwrap_or_else(|| panic!("no row: {index}"));
        assert!(
            row.contains("data-state=\"verified\"") && row.contains(">verified</a>"),
            "{row}"
        );
    });
    stop();
    let _ = std::fs::remove_dir_all(&work);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }

    // The copy's own tests pass, and its consumer test rewrites the committed pact
    // byte for byte: the provider's state handlers are generated from what it commits.
    run(nested_build(&mut Command::new(env!("CARGO")), &target)
        .args(["test", "--workspace"])
        .current_dir(&copy.0)
        .env_remove("PACT_OUTPUT_DIR"));
    let changed = run(Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(&copy.0));
    assert_eq!(changed, "", "the tests changed the copy");
}

#[test]
fn an_unknown_argument_is_refused_by_name() {
    let out = Command::new("bash")
        .arg(workspace().join("examples/product-service/run.sh"))
        .arg("--kep")
        .output()
        .expect("run run.sh");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown argument '--kep'"), "{stderr}");
}
