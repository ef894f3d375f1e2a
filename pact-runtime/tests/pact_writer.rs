//! The pact writer on real files: merging, replacing, refusing a broken file, finding the
//! pact directory, and many threads writing one pact at once.

use pact_runtime::pact_core::model::{
    read_pact, Body, HttpInteraction, Interaction, InteractionInfo, Pact, ProviderState, Response,
    SpecVersion,
};
use pact_runtime::pact_writer::{pact_dir_with, write_pact, WriteError};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// A fresh directory under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("pact-writer-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn interaction(description: &str, state: &str, body: &str) -> Interaction {
    let mut info = InteractionInfo::new(description);
    info.provider_states.push(ProviderState::new(state));
    Interaction::Http(HttpInteraction {
        info,
        response: Response {
            body: Body::json(&serde_json::json!({ "body": body })),
            ..Response::default()
        },
        ..HttpInteraction::default()
    })
}

fn pact(interactions: Vec<Interaction>) -> Pact {
    Pact {
        consumer: "Consumer".into(),
        provider: "Provider".into(),
        interactions,
        spec: SpecVersion::V3,
        ..Pact::default()
    }
}

fn read(path: &Path) -> Pact {
    read_pact(&std::fs::read_to_string(path).unwrap(), "pact").unwrap()
}

#[test]
fn interactions_merge_by_key_and_a_changed_one_replaces_the_old() {
    let dir = TempDir::new("merge");
    write_pact(
        &dir.0,
        &pact(vec![interaction("a", "s", "1"), interaction("b", "s", "1")]),
    )
    .unwrap();
    let path = write_pact(
        &dir.0,
        &pact(vec![
            interaction("b", "s", "2"),
            interaction("b", "other state", "3"),
        ]),
    )
    .unwrap();
    assert_eq!(path, dir.0.join("Consumer-Provider.json"));
    let written = read(&path);
    let bodies: Vec<(String, String)> = written
        .interactions
        .iter()
        .map(|i| {
            let Interaction::Http(h) = i else {
                panic!("HTTP")
            };
            (
                h.info.description.clone(),
                h.response.body.as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        bodies,
        [
            ("a".to_string(), r#"{"body":"1"}"#.to_string()),
            ("b".to_string(), r#"{"body":"2"}"#.to_string()),
            ("b".to_string(), r#"{"body":"3"}"#.to_string()),
        ]
    );
}

#[test]
fn a_broken_pact_file_is_an_error_naming_it_and_is_left_as_it_was() {
    let dir = TempDir::new("broken");
    let path = dir.0.join("Consumer-Provider.json");
    std::fs::write(&path, "{\"consumer\": ").unwrap();
    let err = write_pact(&dir.0, &pact(vec![interaction("a", "s", "1")])).unwrap_err();
    assert!(matches!(err, WriteError::InvalidExisting { .. }), "{err:?}");
    let shown = format!("{err}: {}", std::error::Error::source(&err).unwrap());
    assert!(shown.contains("Consumer-Provider.json"), "{shown}");
    assert!(shown.contains("line 1"), "{shown}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"consumer\": ");
}

#[test]
fn the_pact_dir_comes_from_the_environment_the_workspace_or_its_root() {
    let dir = TempDir::new("dirs");
    let root = &dir.0;
    let member = root.join("crates").join("consumer");
    std::fs::create_dir_all(&member).unwrap();
    std::fs::write(
        member.join("Cargo.toml"),
        "[package]\nname = \"consumer\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\n",
    )
    .unwrap();
    assert_eq!(pact_dir_with(&member, None).unwrap(), root.join("pacts"));

    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\n[workspace.metadata.pact]\npact-dir = \"contracts\"\n",
    )
    .unwrap();
    assert_eq!(
        pact_dir_with(&member, None).unwrap(),
        root.join("contracts")
    );
    assert_eq!(
        pact_dir_with(&member, Some(OsStr::new("/elsewhere"))).unwrap(),
        PathBuf::from("/elsewhere")
    );
    assert_eq!(
        pact_dir_with(&member, Some(OsStr::new("out/pacts"))).unwrap(),
        root.join("out/pacts"),
        "a relative PACT_OUTPUT_DIR is relative to the workspace root"
    );

    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace.metadata.pact]\npact-dir = 3\n",
    )
    .unwrap();
    let err = pact_dir_with(&member, None).unwrap_err();
    assert!(
        err.to_string().contains("pact-dir must be a string"),
        "{err}"
    );

    std::fs::write(root.join("Cargo.toml"), "[workspace\n").unwrap();
    let err = pact_dir_with(&member, None).unwrap_err();
    assert!(err.to_string().contains("Cargo.toml"), "{err}");
}

#[test]
fn eight_threads_writing_one_pact_lose_nothing() {
    let dir = TempDir::new("threads");
    std::thread::scope(|s| {
        for t in 0..8 {
            let dir = &dir.0;
            s.spawn(move || {
                for i in 0..10 {
                    let name = format!("thread {t} interaction {i}");
                    write_pact(dir, &pact(vec![interaction(&name, "s", "x")])).unwrap();
                }
            });
        }
    });
    let written = read(&dir.0.join("Consumer-Provider.json"));
    let mut names: Vec<String> = written
        .interactions
        .iter()
        .map(|i| i.info().description.clone())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(written.interactions.len(), 80);
    assert_eq!(names.len(), 80);
}

#[test]
fn a_v2_pact_with_state_params_is_refused_and_one_without_keeps_one_copy() {
    let dir = TempDir::new("v2-rerun");
    let mut with_params = interaction("a request", "a state", "x");
    with_params.info_mut().provider_states[0]
        .params
        .insert("id".into(), 7.into());
    with_params
        .info_mut()
        .provider_states
        .push(ProviderState::new("another state"));
    let mut pact = Pact {
        consumer: "C".into(),
        provider: "P".into(),
        spec: SpecVersion::V2,
        interactions: vec![with_params],
        ..Pact::default()
    };
    // V2 keeps one state name and no params: writing would lose the rest, so nothing is.
    let err = write_pact(&dir.0, &pact).unwrap_err().to_string();
    assert!(
        err.contains("cannot be written as pact specification 2.0.0 without losing"),
        "{err}"
    );
    assert!(
        err.contains(r#"a request: a second provider state ("another state")"#),
        "{err}"
    );
    assert!(
        err.contains(r#"a request: the params of provider state "a state""#),
        "{err}"
    );
    assert!(!dir.0.join("C-P.json").exists());
    pact.interactions = vec![interaction("a request", "a state", "x")];
    for _ in 0..3 {
        write_pact(&dir.0, &pact).unwrap();
    }
    let text = std::fs::read_to_string(dir.0.join("C-P.json")).unwrap();
    assert_eq!(
        read_pact(&text, "C-P.json").unwrap().interactions.len(),
        1,
        "{text}"
    );
}

#[test]
fn duplicate_keys_in_one_write_keep_the_last() {
    let dir = TempDir::new("duplicates");
    let pact = Pact {
        consumer: "C".into(),
        provider: "P".into(),
        interactions: vec![
            interaction("same", "s", "first"),
            interaction("same", "s", "second"),
        ],
        ..Pact::default()
    };
    write_pact(&dir.0, &pact).unwrap();
    let text = std::fs::read_to_string(dir.0.join("C-P.json")).unwrap();
    let written = read_pact(&text, "C-P.json").unwrap();
    assert_eq!(written.interactions.len(), 1, "{text}");
    assert!(text.contains("second") && !text.contains("first"), "{text}");
}

#[test]
fn two_pairs_whose_names_share_a_file_name_are_never_merged() {
    let dir = TempDir::new("pairs");
    let named = |consumer: &str, provider: &str, description: &str| Pact {
        consumer: consumer.into(),
        provider: provider.into(),
        ..pact(vec![interaction(description, "s", "x")])
    };
    for (first, second) in [
        (("a-b", "c"), ("a", "b-c")),
        (("web/app", "api"), ("web_app", "api")),
    ] {
        let path = write_pact(&dir.0, &named(first.0, first.1, "the first pair's")).unwrap();
        let error =
            write_pact(&dir.0, &named(second.0, second.1, "the second pair's")).unwrap_err();
        assert!(matches!(error, WriteError::PairClash { .. }), "{error:?}");
        let message = error.to_string();
        assert!(
            message.contains(&format!(
                r#"between "{}" and "{}", not between "{}" and "{}""#,
                first.0, first.1, second.0, second.1
            )),
            "{message}"
        );
        // The first pair's pact is untouched.
        let kept = read(&path);
        assert_eq!((kept.consumer.as_str(), kept.provider.as_str()), first);
        assert_eq!(kept.interactions.len(), 1);
        assert_eq!(kept.interactions[0].info().description, "the first pair's");
    }
    // Characters no Windows file name may hold are mapped too.
    let path = write_pact(&dir.0, &named("web:app", "a|b", "x")).unwrap();
    assert_eq!(path.file_name().unwrap(), "web_app-a_b.json");
}
