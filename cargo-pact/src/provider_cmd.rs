//! `--provider-cmd`: start the provider, wait until its base URL answers, stop it after.

use crate::Failure;
use anyhow::anyhow;
use std::net::{TcpStream, ToSocketAddrs};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A provider started for the verification; dropping it stops its whole process group
/// (so `cargo run` and the server it started both end).
pub struct ProviderProcess {
    child: Child,
}

/// `host:port` of a URL (the default port of its scheme when it has none).
fn authority(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host_port = rest.split(['/', '?', '#']).next()?;
    let host_port = host_port.rsplit_once('@').map_or(host_port, |(_, h)| h);
    let has_port = host_port
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()) && !host_port.ends_with(']'));
    Some(if has_port {
        host_port.to_string()
    } else {
        format!("{host_port}:{}", if scheme == "https" { 443 } else { 80 })
    })
}

impl ProviderProcess {
    /// Runs `command` with `sh -c` and waits up to `timeout` for `base_url` to accept
    /// connections.
    pub fn start(
        command: &str,
        base_url: &str,
        timeout: Duration,
    ) -> Result<ProviderProcess, Failure> {
        let address = authority(base_url).ok_or_else(|| {
            Failure::input(anyhow!("the provider base URL {base_url:?} has no host"))
        })?;
        let mut shell = Command::new("sh");
        shell.arg("-c").arg(command);
        // Its own process group, so that stopping it stops what it started (`cargo run`
        // and the server it runs).
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut shell, 0);
        let child = shell.spawn().map_err(|e| {
            Failure::unreachable(
                anyhow!(e).context(format!("could not run --provider-cmd {command:?}")),
            )
        })?;
        let mut process = ProviderProcess { child };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = process.child.try_wait() {
                return Err(Failure::unreachable(anyhow!(
                    "the provider command {command:?} exited ({status}) before {base_url} answered"
                )));
            }
            let up = address
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
                .is_some_and(|a| {
                    TcpStream::connect_timeout(&a, Duration::from_millis(200)).is_ok()
                });
            if up {
                return Ok(process);
            }
            if started.elapsed() > timeout {
                return Err(Failure::unreachable(anyhow!(
                    "the provider started by {command:?} did not answer at {base_url} within {} s",
                    timeout.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ProviderProcess {
    #[cfg(not(unix))]
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    #[cfg(unix)]
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::authority;

    #[test]
    fn authority_of_urls() {
        assert_eq!(
            authority("http://127.0.0.1:3001/x").as_deref(),
            Some("127.0.0.1:3001")
        );
        assert_eq!(
            authority("https://example.com").as_deref(),
            Some("example.com:443")
        );
        assert_eq!(
            authority("http://u:p@localhost:80").as_deref(),
            Some("localhost:80")
        );
        assert_eq!(authority("localhost:80"), None);
    }
}
