//! The pact writer across processes, as cargo-nextest runs tests: many processes, each with
//! many threads, adding interactions to one pact file.
//!
//! The children are this test binary again, running only `writer_child`, which is ignored in
//! ordinary runs and reads its work from `PACT_E2E_WRITER_CHILD`.

use pact_runtime::pact_core::model::{
    read_pact, Body, HttpInteraction, Interaction, InteractionInfo, Pact, Response, SpecVersion,
};
use pact_runtime::pact_writer::write_pact;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const CHILD: &str = "PACT_E2E_WRITER_CHILD";

fn pact(description: &str, body: &str) -> Pact {
    Pact {
        consumer: "Consumer".into(),
        provider: "Provider".into(),
        interactions: vec![Interaction::Http(HttpInteraction {
            info: InteractionInfo::new(description),
            response: Response {
                body: Body::json(&serde_json::json!({ "from": body })),
                ..Response::default()
            },
            ..HttpInteraction::default()
        })],
        spec: SpecVersion::V3,
        ..Pact::default()
    }
}

/// The child's work, from `<mode> <process number> <dir>`.
#[test]
#[ignore = "a child process of the tests below, which run it with --ignored"]
fn writer_child() {
    let args = std::env::var(CHILD).expect("PACT_E2E_WRITER_CHILD: run by the multi-process tests");
    let mut parts = args.splitn(3, ' ');
    let (mode, n, dir) = (
        parts.next().unwrap().to_string(),
        parts.next().unwrap().to_string(),
        PathBuf::from(parts.next().unwrap()),
    );
    match mode.as_str() {
        "distinct" => std::thread::scope(|s| {
            for t in 0..8 {
                let (dir, n) = (&dir, &n);
                s.spawn(move || {
                    for i in 0..10 {
                        let p = pact(&format!("process {n} thread {t} interaction {i}"), n);
                        write_pact(dir, &p).unwrap();
                    }
                });
            }
        }),
        _ => {
            for _ in 0..40 {
                write_pact(&dir, &pact("one shared interaction", &n)).unwrap();
            }
        }
    }
}

fn spawn(mode: &str, n: usize, dir: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "writer_child",
            "--exact",
            "--ignored",
            "--quiet",
            "--test-threads=1",
        ])
        .env(CHILD, format!("{mode} {n} {}", dir.display()))
        // Only the parent's report counts; a child's panic still shows on stderr.
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pact-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn read(path: &Path) -> Pact {
    read_pact(&std::fs::read_to_string(path).unwrap(), "pact").unwrap()
}

#[test]
fn sixteen_processes_of_eight_threads_lose_and_duplicate_nothing() {
    let dir = fresh_dir("distinct");
    let children: Vec<Child> = (0..16).map(|n| spawn("distinct", n, &dir)).collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let written = read(&dir.join("Consumer-Provider.json"));
    let mut names: Vec<&str> = written
        .interactions
        .iter()
        .map(|i| i.info().description.as_str())
        .collect();
    assert_eq!(names.len(), 1280);
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 1280, "duplicated interactions");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn two_processes_writing_one_key_leave_one_whole_interaction() {
    let dir = fresh_dir("same-key");
    let path = dir.join("Consumer-Provider.json");
    // The file exists before the writers start, so every read below finds one.
    write_pact(&dir, &pact("one shared interaction", "seed")).unwrap();
    let mut children = vec![spawn("same", 0, &dir), spawn("same", 1, &dir)];
    // While they write, every read sees a whole pact: the file is only ever replaced.
    let mut reads = 0;
    loop {
        let text = std::fs::read_to_string(&path).expect("the pact is always there");
        read_pact(&text, "pact").expect("a torn pact file");
        if children.iter_mut().all(|c| c.try_wait().unwrap().is_some()) {
            break;
        }
        // This read happened while a writer was still at work.
        reads += 1;
    }
    assert!(
        reads > 0,
        "no read overlapped the writers: the test proved nothing"
    );
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let written = read(&path);
    assert_eq!(written.interactions.len(), 1);
    let Interaction::Http(h) = &written.interactions[0] else {
        panic!("an HTTP interaction")
    };
    let body = h.response.body.as_str().unwrap();
    assert!(
        body == r#"{"from":"0"}"# || body == r#"{"from":"1"}"#,
        "{body}"
    );
    eprintln!("{reads} reads of the pact while it was written, all whole");
    std::fs::remove_dir_all(&dir).unwrap();
}
