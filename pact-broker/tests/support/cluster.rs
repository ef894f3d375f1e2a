//! A PostgreSQL cluster of a test's own, that it may stop and start again under a running
//! broker (the shared one in `PACT_BROKER_TEST_POSTGRES_URL` serves the other tests and
//! must stay up). Made the way `.ci/postgres` makes the shared one: `initdb` in a fresh
//! directory, trust authentication, 127.0.0.1 on a free port; as root, every command runs
//! as the `postgres` user, since the server refuses to run as root.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A private cluster; stopped and deleted on drop.
pub struct Cluster {
    bindir: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

/// The directory holding `initdb` and `pg_ctl`: the newest `/usr/lib/postgresql/*/bin`,
/// else the one on `PATH`.
fn bindir() -> Option<PathBuf> {
    let fits = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, d)| fits(d))
        .collect();
    versioned.sort();
    versioned
        .pop()
        .map(|(_, d)| d)
        .or_else(|| std::env::split_paths(&std::env::var_os("PATH")?).find(|d| fits(d)))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Says why `test` skipped; under CI (`CI` set) fails instead.
fn skip(test: &str, why: &str) -> Option<Cluster> {
    assert!(std::env::var_os("CI").is_none(), "{test}: {why}");
    println!("{test}: skipped: {why}");
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Cluster {
    /// Initialises and starts a cluster; `None`, having said why, when PostgreSQL's
    /// binaries are not installed or, as root, there is no `postgres` user to run them.
    /// Under CI (`CI` set) those are failures, not skips.
    pub fn start(test: &str) -> Option<Cluster> {
        let Some(bindir) = bindir() else {
            return skip(
                test,
                "initdb and pg_ctl are not installed (apt-get install postgresql)",
            );
        };
        let as_postgres = is_root();
        let has_postgres_user = || {
            Command::new("id")
                .arg("postgres")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if as_postgres && !has_postgres_user() {
            return skip(
                test,
                "running as root and there is no `postgres` user to run the server as",
            );
        }
        let dir = std::env::temp_dir().join(format!(
            "pact-broker-private-pg-{}-{:x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).expect("cluster dir");
        let mut cluster = Cluster {
            bindir,
            dir,
            port: 0,
            as_postgres,
        };
        if as_postgres {
            let chowned = Command::new("chown")
                .args(["postgres:".as_ref(), cluster.dir.as_os_str()])
                .status();
            assert!(chowned.is_ok_and(|s| s.success()), "chown the cluster dir");
        }
        let data = cluster.dir.to_str().unwrap().to_string();
        let initdb = cluster.bindir.join("initdb");
        cluster.run(
            initdb.to_str().unwrap(),
            [
                "-D",
                &data,
                "--auth=trust",
                "-U",
                "postgres",
                "--no-sync",
                "--locale=C",
            ],
        );
        // A free port can be taken between choosing it and the server binding it.
        for _ in 0..5 {
            cluster.port = free_port();
            if cluster.try_start() {
                return Some(cluster);
            }
        }
        panic!(
            "{test}: the private cluster did not start: {}",
            std::fs::read_to_string(cluster.dir.join("log")).unwrap_or_default()
        );
    }

    /// A URL of its `postgres` database. The password is ignored (trust authentication):
    /// it is there so a test can check that it never shows.
    pub fn url(&self, password: &str) -> String {
        format!(
            "postgres://postgres:{password}@127.0.0.1:{}/postgres",
            self.port
        )
    }

    /// Stops the server as an operator would (`pg_ctl stop -m fast`: sessions are
    /// terminated, then it shuts down), and waits until it has.
    pub fn stop(&self) {
        let pg_ctl = self.bindir.join("pg_ctl");
        let data = self.dir.to_str().unwrap();
        self.run(
            pg_ctl.to_str().unwrap(),
            ["-D", data, "-m", "fast", "-w", "stop"],
        );
    }

    /// Starts it again on the same port and waits until it accepts connections.
    pub fn restart(&self) {
        assert!(self.try_start(), "the private cluster did not start again");
    }

    fn try_start(&self) -> bool {
        let pg_ctl = self.bindir.join("pg_ctl");
        let data = self.dir.to_str().unwrap();
        let log = self.dir.join("log");
        let options = format!(
            "-p {} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port
        );
        let args = [
            "-D",
            data,
            "-l",
            log.to_str().unwrap(),
            "-w",
            "-t",
            "60",
            "-o",
            &options,
            "start",
        ];
        self.command(pg_ctl.to_str().unwrap(), args)
            .status()
            .is_ok_and(|s| s.success())
    }

    /// `program args` as the cluster's owner, run from its directory (the `postgres` user
    /// may not be able to enter the caller's); panics if it fails.
    fn run<'a>(&self, program: &str, args: impl IntoIterator<Item = &'a str>) {
        let out = self
            .command(program, args)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            out.status.success(),
            "{program} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn command<'a>(&self, program: &str, args: impl IntoIterator<Item = &'a str>) -> Command {
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", program]);
            c
        } else {
            Command::new(program)
        };
        cmd.args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        cmd
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let pg_ctl = self.bindir.join("pg_ctl");
        let data = self.dir.to_str().unwrap().to_string();
        let _ = self
            .command(
                pg_ctl.to_str().unwrap(),
                ["-D", &data, "-m", "immediate", "stop"],
            )
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
