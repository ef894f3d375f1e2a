//! Headless Chromium for the dashboard's tests: a page's DOM after it rendered, a
//! screenshot, what it wrote to the console and every request it made.
//!
//! Included by path (`#[path = "support/browser.rs"] mod browser;`).

#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's Chromium, when installed; under CI its absence fails the test (`.ci/run`
/// installs it), elsewhere the test says it skipped.
pub fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|p| p.is_file())
            })
        });
    match found {
        Some(path) => Some(path),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI runs the browser tests: .ci/run installs Debian's chromium package")
        }
        None => {
            eprintln!("skipped: chromium is not installed (apt-get install chromium runs these browser tests)");
            None
        }
    }
}

/// What loading one page showed.
#[derive(Debug)]
pub struct Loaded {
    /// The DOM after the page rendered (`--dump-dom`).
    pub dom: String,
    /// The console lines the page produced (errors, warnings, CSP violations).
    pub console: Vec<String>,
    /// The URL of every request the page made (the navigation included), excluding the
    /// browser's own background traffic.
    pub requests: Vec<String>,
}

/// Loads `url` in headless Chromium at `width` × 900 px, saving a screenshot to
/// `screenshot`, in a fresh profile under `work`.
pub fn load(chromium: &Path, work: &Path, url: &str, width: u32, screenshot: &Path) -> Loaded {
    let profile = work.join(format!("profile-{}", fastrand_name()));
    let netlog = profile.with_extension("netlog.json");
    let base = |cmd: &mut Command| {
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // The browser's own calls to Google's services, which are not the page's.
            "--disable-features=AutofillServerCommunication,OptimizationHints,Translate,MediaRouter",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={width},900"));
    };
    let mut dump = Command::new(chromium);
    base(&mut dump);
    dump.arg(format!("--log-net-log={}", netlog.display()))
        .arg("--dump-dom")
        .arg(url);
    let out = dump.output().expect("run chromium --dump-dom");
    assert!(
        out.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    // The page's site, `scheme://host`, as the net log keys requests.
    let site: String = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    let site = site
        .rsplit_once(':')
        .map_or(site.as_str(), |(s, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                s
            } else {
                site.as_str()
            }
        })
        .to_string();
    let requests = page_requests(
        &std::fs::read_to_string(&netlog).expect("the net log"),
        &site,
    );

    let mut shot = Command::new(chromium);
    base(&mut shot);
    shot.arg(format!("--screenshot={}", screenshot.display()))
        .arg(url);
    let out = shot.output().expect("run chromium --screenshot");
    assert!(
        out.status.success() && screenshot.is_file(),
        "no screenshot of {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&profile);
    let _ = std::fs::remove_file(&netlog);
    Loaded {
        dom,
        console,
        requests,
    }
}

/// The URLs that pages of `site` (`http://127.0.0.1`) requested, from a Chromium net log:
/// requests are keyed by the site of the page that made them, which the browser's own
/// background traffic (update and account checks) does not share.
fn page_requests(netlog: &str, site: &str) -> Vec<String> {
    let log: Value = serde_json::from_str(netlog).expect("the net log is JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].as_i64();
    let mut urls: Vec<String> = log["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["type"].as_i64() == start_job)
        .filter(|e| {
            e["params"]["network_isolation_key"]
                .as_str()
                .and_then(|k| k.split(' ').next())
                == Some(site)
        })
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .collect();
    urls.dedup();
    urls
}

/// A name unique to this process and call, for profile directories.
fn fastrand_name() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
