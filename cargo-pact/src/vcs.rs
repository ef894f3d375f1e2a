//! The commit, branch and build URL a pipeline runs for: the CI system's variables first
//! (the ones the official CLIs read with `--auto-detect-version-properties`), then `git`.
//! They give the default version (`<package version>+<short sha>`) and branch of
//! `publish`, `can-i-deploy` and `verify --publish`.

use std::path::Path;
use std::process::Command;

/// Variables that hold the commit, in the order they are tried.
const COMMIT_VARS: [&str; 10] = [
    "GITHUB_SHA",
    "BUILDKITE_COMMIT",
    "CIRCLE_SHA1",
    "TRAVIS_COMMIT",
    "GIT_COMMIT",
    "APPVEYOR_REPO_COMMIT",
    "CI_COMMIT_SHA",
    "BITBUCKET_COMMIT",
    "BUILD_SOURCEVERSION",
    "CIRRUS_CHANGE_IN_REPO",
];

/// Variables that hold the branch, in the order they are tried (GitHub's head ref first:
/// on a pull request `GITHUB_REF` is the merge ref).
const BRANCH_VARS: [&str; 12] = [
    "GITHUB_HEAD_REF",
    "GITHUB_REF",
    "BUILDKITE_BRANCH",
    "CIRCLE_BRANCH",
    "TRAVIS_BRANCH",
    "GIT_BRANCH",
    "GIT_LOCAL_BRANCH",
    "APPVEYOR_REPO_BRANCH",
    "CI_COMMIT_REF_NAME",
    "BITBUCKET_BRANCH",
    "BUILD_SOURCEBRANCHNAME",
    "CIRRUS_BRANCH",
];

/// Variables that hold the build's URL.
const BUILD_URL_VARS: [&str; 5] = [
    "BUILDKITE_BUILD_URL",
    "CIRCLE_BUILD_URL",
    "TRAVIS_BUILD_WEB_URL",
    "CI_JOB_URL",
    "BUILD_URL",
];

/// A variable's value when it is set and not blank.
fn var(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).filter(|v| !v.trim().is_empty())
}

/// The commit from the CI variables, shortened to 7 characters as `git` shows it.
pub fn commit_from(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    COMMIT_VARS
        .iter()
        .find_map(|n| var(env, n))
        .map(|sha| sha.trim().chars().take(7).collect())
}

/// The branch from the CI variables, without a `refs/heads/` prefix.
pub fn branch_from(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let value = BRANCH_VARS.iter().find_map(|n| var(env, n))?;
    let value = value.trim();
    Some(
        value
            .strip_prefix("refs/heads/")
            .unwrap_or(value)
            .to_string(),
    )
}

/// The build URL from the CI variables (GitHub Actions' is put together from its parts).
pub fn build_url_from(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let github = || {
        Some(format!(
            "{}/{}/actions/runs/{}",
            var(env, "GITHUB_SERVER_URL")?,
            var(env, "GITHUB_REPOSITORY")?,
            var(env, "GITHUB_RUN_ID")?
        ))
    };
    github().or_else(|| BUILD_URL_VARS.iter().find_map(|n| var(env, n)))
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// The commit being built: the CI's variable, else `git rev-parse --short=7 HEAD` in `dir`.
pub fn commit(dir: &Path) -> Option<String> {
    commit_from(&process_env).or_else(|| git(dir, &["rev-parse", "--short=7", "HEAD"]))
}

/// The branch being built: the CI's variable, else the checked-out branch in `dir` (none
/// on a detached HEAD).
pub fn branch(dir: &Path) -> Option<String> {
    branch_from(&process_env)
        .or_else(|| git(dir, &["rev-parse", "--abbrev-ref", "HEAD"]).filter(|b| b != "HEAD"))
}

/// The CI build's URL, if the CI says.
pub fn build_url() -> Option<String> {
    build_url_from(&process_env)
}

/// A package's pipeline version: `<package version>+<short sha>`, or the package version
/// alone outside git.
pub fn version(package_version: &str, commit: Option<&str>) -> String {
    match commit {
        Some(sha) => format!("{package_version}+{sha}"),
        None => package_version.to_string(),
    }
}

/// The version a package's pipeline runs for by default: `<package version>+<short sha>`
/// of the package in `meta`; None outside a package.
pub fn package_version(meta: &crate::settings::Metadata) -> Option<String> {
    let package_version = meta.package_version()?;
    Some(version(
        package_version,
        commit(meta.package_dir()).as_deref(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn github_actions_gives_the_head_ref_the_short_sha_and_the_run_url() {
        let e = env(&[
            ("GITHUB_SHA", "0123456789abcdef"),
            ("GITHUB_HEAD_REF", ""),
            ("GITHUB_REF", "refs/heads/feat/x"),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/web"),
            ("GITHUB_RUN_ID", "42"),
        ]);
        assert_eq!(commit_from(&e).as_deref(), Some("0123456"));
        assert_eq!(
            branch_from(&e).as_deref(),
            Some("feat/x"),
            "blank head ref skipped"
        );
        assert_eq!(
            build_url_from(&e).as_deref(),
            Some("https://github.com/acme/web/actions/runs/42")
        );
    }

    #[test]
    fn gitlab_and_jenkins_variables_are_read() {
        let gitlab = env(&[
            ("CI_COMMIT_SHA", "feedbeef00"),
            ("CI_COMMIT_REF_NAME", "main"),
            ("CI_JOB_URL", "https://gitlab.example/job/1"),
        ]);
        assert_eq!(commit_from(&gitlab).as_deref(), Some("feedbee"));
        assert_eq!(branch_from(&gitlab).as_deref(), Some("main"));
        assert_eq!(
            build_url_from(&gitlab).as_deref(),
            Some("https://gitlab.example/job/1")
        );
        let jenkins = env(&[("GIT_COMMIT", "abc"), ("GIT_BRANCH", "release")]);
        assert_eq!(commit_from(&jenkins).as_deref(), Some("abc"));
        assert_eq!(branch_from(&jenkins).as_deref(), Some("release"));
        assert_eq!(build_url_from(&env(&[])), None);
    }

    #[test]
    fn the_version_joins_package_version_and_sha() {
        assert_eq!(version("1.2.0", Some("abc1234")), "1.2.0+abc1234");
        assert_eq!(version("1.2.0", None), "1.2.0");
    }

    #[test]
    fn git_gives_this_checkout_s_commit() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        if git(dir, &["rev-parse", "HEAD"]).is_none() {
            eprintln!("skipped: not in a git checkout");
            return;
        }
        let sha = git(dir, &["rev-parse", "--short=7", "HEAD"]).unwrap();
        assert!(sha.len() >= 7 && sha.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
