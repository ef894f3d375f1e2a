//! Steps for the HTTP provider features (V1 to V4 `http_provider`): pact-runtime's verifier
//! replays pacts against a stub provider, which is pact-runtime's own mock server serving
//! the Background interactions' responses. Provider states go to an in-process
//! [`ProviderStates`] handler that records its calls; Pact Broker scenarios use the mock
//! server again, as the broker, from the suite's `pact-broker_cN.json` fixtures.
//!
//! Everything is set up by the Given steps and started by "the verification is run", which
//! runs the verifier, stops every server and keeps what the Then steps look at: the report,
//! its rendering, the state-handler calls, and the servers' hits and problems.

use crate::cells;
use crate::CompatWorld;
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use pact_core::model::{HttpInteraction, Interaction, MultiMap, Pact, ProviderState, Response};
use pact_runtime::mock_server::{MockServer, MockServerOptions, Problem};
use pact_runtime::provider_states::{ProviderStates, StateAction, StateChange, StateError};
use pact_runtime::verifier::{
    BrokerSource, PactSource, PublishOptions, VerificationReport, Verifier,
};
use serde_json::{json, Map, Value};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The provider name the pacts and the mock broker use.
const PROVIDER: &str = "p";

/// The provider side of a scenario.
#[derive(Debug, Default)]
pub struct ProviderWorld {
    /// The interactions the stub provider answers.
    stub: Vec<HttpInteraction>,
    /// The pacts to verify, in order.
    pacts: Vec<PactToVerify>,
    /// The state handler, when one is configured.
    states: Option<Arc<StateRecorder>>,
    /// Results are published to the broker.
    publish: bool,
    /// Headers the request filter adds.
    filter_headers: Option<MultiMap>,
    /// What the run gave.
    run: Option<Run>,
}

/// One pact to verify: interaction `n` of the Background, with what the scenario adds.
#[derive(Debug)]
struct PactToVerify {
    n: usize,
    interaction: HttpInteraction,
    from_broker: bool,
}

/// What "the verification is run" gave.
#[derive(Debug)]
struct Run {
    report: VerificationReport,
    /// The report as printed for people.
    output: String,
    /// How many requests each stub interaction answered.
    stub_hits: Vec<usize>,
    /// The requests the stub could not answer.
    stub_problems: Vec<Problem>,
    /// Each mock broker: the interaction number it serves, and its interactions'
    /// descriptions with their hits.
    brokers: Vec<BrokerRun>,
}

#[derive(Debug)]
struct BrokerRun {
    n: usize,
    hits: Vec<(String, usize)>,
    /// Requests that matched no broker interaction.
    problems: Vec<Problem>,
}

impl ProviderWorld {
    fn run(&self) -> &Run {
        self.run.as_ref().expect("the verification was run")
    }
}

/// A state handler that records every call, with the number of requests sent to the
/// provider by then (to tell "before" from "after"), and fails setups when told to.
#[derive(Debug, Default)]
struct StateRecorder {
    fail: bool,
    sent: Arc<AtomicUsize>,
    calls: Mutex<Vec<StateCall>>,
}

#[derive(Debug, Clone)]
struct StateCall {
    action: StateAction,
    state: String,
    params: Map<String, Value>,
    /// Requests sent to the provider before this call.
    sent_before: usize,
}

impl StateRecorder {
    fn record(&self, change: &StateChange) {
        self.calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(StateCall {
                action: change.action,
                state: change.state.clone(),
                params: change.params.clone(),
                sent_before: self.sent.load(Ordering::SeqCst),
            });
    }

    fn calls(&self) -> Vec<StateCall> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl ProviderStates for StateRecorder {
    async fn setup(&self, change: &StateChange) -> Result<Map<String, Value>, StateError> {
        self.record(change);
        if self.fail {
            return Err(StateError::new(format!(
                "the state callback failed for \"{}\"",
                change.state
            )));
        }
        Ok(Map::new())
    }

    async fn teardown(&self, change: &StateChange) -> Result<(), StateError> {
        self.record(change);
        Ok(())
    }
}

// The stub provider.

#[given(
    regex = r#"^a provider is started that returns the responses? from interactions? "?([\d, ]+)"?$"#
)]
fn provider_started(world: &mut CompatWorld, list: String) {
    world.provider.stub = crate::consumer::numbers(&list)
        .into_iter()
        .map(|n| world.consumer.interaction(n).clone())
        .collect();
}

#[given(
    regex = r"^a provider is started that returns the response from interaction (\d+), with the following changes:$"
)]
fn provider_started_with_changes(world: &mut CompatWorld, n: usize, step: &Step) {
    let mut interaction = world.consumer.interaction(n).clone();
    let changes = cells::rows(step).remove(0);
    apply_response_changes(&world.suite, &mut interaction.response, &changes);
    world.provider.stub = vec![interaction];
}

/// Applies a "with the following changes" row to a response: `response` (the status),
/// `response headers` (replacing all the headers), `response body` (a body cell that
/// names its content type sets the `Content-Type` header; bare text keeps the response's).
fn apply_response_changes(suite: &Path, response: &mut Response, changes: &[(String, String)]) {
    for (k, v) in changes {
        match k.as_str() {
            "response" => response.status = v.trim().parse().expect("a status"),
            "response headers" => response.headers = Some(cells::headers(v)),
            "response body" => {
                response.body = cells::body(suite, v);
                if cells::declares_content_type(v) {
                    if let Some(ct) = response.body.declared_content_type() {
                        cells::set_content_type(&mut response.headers, &ct.to_string());
                    }
                }
            }
            other => panic!("unknown response change {other}"),
        }
    }
    cells::with_body_content_type(&mut response.headers, &response.body);
}

// The pacts.

fn add_pact(world: &mut CompatWorld, n: usize, from_broker: bool) -> &mut HttpInteraction {
    let interaction = world.consumer.interaction(n).clone();
    world.provider.pacts.push(PactToVerify {
        n,
        interaction,
        from_broker,
    });
    &mut world
        .provider
        .pacts
        .last_mut()
        .expect("just pushed")
        .interaction
}

#[given(regex = r"^a Pact file for interaction (\d+) is to be verified$")]
fn pact_file(world: &mut CompatWorld, n: usize) {
    add_pact(world, n, false);
}

#[given(regex = r"^a Pact file for interaction (\d+) is to be verified from a Pact broker$")]
fn pact_from_broker(world: &mut CompatWorld, n: usize) {
    add_pact(world, n, true);
}

#[given(
    regex = r#"^a Pact file for interaction (\d+) is to be verified with a provider state "([^"]*)" defined$"#
)]
fn pact_with_state(world: &mut CompatWorld, n: usize, state: String) {
    add_pact(world, n, false)
        .info
        .provider_states
        .push(ProviderState::new(state));
}

#[given(
    regex = r"^a Pact file for interaction (\d+) is to be verified with the following provider states defined:$"
)]
fn pact_with_states(world: &mut CompatWorld, n: usize, step: &Step) {
    let states: Vec<ProviderState> = cells::rows(step)
        .into_iter()
        .map(|row| {
            let mut state = ProviderState::default();
            for (k, v) in row {
                match k.as_str() {
                    "State Name" => state.name = v.trim().to_string(),
                    "Parameters" if !v.trim().is_empty() => match serde_json::from_str(v.trim()) {
                        Ok(Value::Object(params)) => state.params = params,
                        other => panic!("parameters {v} are not a JSON object: {other:?}"),
                    },
                    _ => {}
                }
            }
            state
        })
        .collect();
    add_pact(world, n, false).info.provider_states = states;
}

#[given(regex = r"^a Pact file for interaction (\d+) is to be verified, but is marked pending$")]
fn pact_pending(world: &mut CompatWorld, n: usize) {
    add_pact(world, n, false).info.pending = true;
}

#[given(
    regex = r"^a Pact file for interaction (\d+) is to be verified with the following comments:$"
)]
fn pact_with_comments(world: &mut CompatWorld, n: usize, step: &Step) {
    let mut comments = Map::new();
    let mut texts = Vec::new();
    for row in cells::rows(step) {
        let cell = |name: &str| {
            row.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        match cell("type").as_str() {
            "text" => texts.push(Value::String(cell("comment"))),
            "testname" => {
                comments.insert("testname".into(), Value::String(cell("comment")));
            }
            other => panic!("unknown comment type {other}"),
        }
    }
    if !texts.is_empty() {
        comments.insert("text".into(), Value::Array(texts));
    }
    add_pact(world, n, false).info.comments = comments;
}

/// The pact of interaction `n`: consumer `c_n`, provider `p`, the interaction with `_id`
/// `IDn` (a broker serves interactions with their ids), as JSON of the feature's version.
fn pact_json(world: &CompatWorld, pact: &PactToVerify) -> Value {
    let mut interaction = pact.interaction.clone();
    interaction
        .info
        .extra
        .insert("_id".into(), Value::String(format!("ID{}", pact.n)));
    Pact {
        consumer: format!("c_{}", pact.n),
        provider: PROVIDER.into(),
        interactions: vec![Interaction::Http(interaction)],
        spec: world.spec,
        ..Pact::default()
    }
    .to_json(world.spec)
}

// Options.

#[given(regex = r"^publishing of verification results is enabled$")]
fn publishing_enabled(world: &mut CompatWorld) {
    world.provider.publish = true;
}

#[given(regex = r"^a provider state callback is configured(, but will return a failure)?$")]
fn callback_configured(world: &mut CompatWorld, failing: String) {
    world.provider.states = Some(Arc::new(StateRecorder {
        fail: !failing.is_empty(),
        ..StateRecorder::default()
    }));
}

#[given(regex = r"^a request filter is configured to make the following changes:$")]
fn request_filter(world: &mut CompatWorld, step: &Step) {
    let row = cells::rows(step).remove(0);
    let mut headers = MultiMap::default();
    for (k, v) in row {
        match k.as_str() {
            "headers" => {
                for (name, values) in cells::headers(&v).iter() {
                    headers.set(name, values.to_vec());
                }
            }
            other => panic!("unknown request filter change {other}"),
        }
    }
    world.provider.filter_headers = Some(headers);
}

// The mock broker.

/// The mock broker for interaction `n`: the suite's `pact-broker_c{n}.json` with one more
/// interaction, `GET /pacts/provider/p/consumer/c_{n}`, answering the pact under test with
/// a `pb:publish-verification-results` link to the broker itself. Returns the server
/// and its interactions' descriptions, in the order of its hits.
fn start_broker(world: &CompatWorld, pact: &PactToVerify) -> (MockServer, Vec<String>) {
    let n = pact.n;
    let name = format!("pact-broker_c{n}.json");
    let path = cells::fixtures_dir(&world.suite).join(&name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    let mut broker: Value = serde_json::from_str(&text).expect("a JSON fixture");
    fix_regex_typo(&mut broker);
    let mut body = pact_json(world, pact);
    let results_path = format!("/pacts/provider/{PROVIDER}/consumer/c_{n}/verification-results");
    body["_links"] = json!({
        "pb:publish-verification-results": {"href": format!("http://localhost:9876{results_path}")}
    });
    broker["interactions"]
        .as_array_mut()
        .expect("the fixture's interactions")
        .push(json!({
            "type": "Synchronous/HTTP",
            "description": format!("a request for the pact of c_{n}"),
            "request": {"method": "GET", "path": format!("/pacts/provider/{PROVIDER}/consumer/c_{n}")},
            "response": {
                "status": 200,
                "headers": {"Content-Type": ["application/json"]},
                "body": {"contentType": "application/json", "encoded": false, "content": body},
                "generators": {"body": {"$._links.pb:publish-verification-results.href": {
                    "type": "MockServerURL",
                    "example": format!("http://localhost:9876{results_path}"),
                    "regex": format!(".*({})$", regex::escape(&results_path)),
                }}}
            }
        }));
    let pact = pact_core::model::read_pact(&broker.to_string(), &path.display().to_string())
        .unwrap_or_else(|e| panic!("the mock broker {name}: {e}"));
    let descriptions = pact
        .interactions
        .iter()
        .map(|i| i.info().description.clone())
        .collect();
    let server = MockServer::start(pact, None, MockServerOptions::default())
        .unwrap_or_else(|e| panic!("the mock broker did not start: {e}"));
    (server, descriptions)
}

/// `pact-broker_c1.json` has the matching rule regex `.(*\/pacts…)$` where its generator
/// (and `pact-broker_c2.json`) has `.*(\/pacts…)$`: a typo in the fixture, which no
/// regex engine reads (Pact-JVM never compiles response rules on its mock server, so it
/// went unnoticed). Restore the intended expression.
fn fix_regex_typo(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(re) if key == "regex" => {
                        if let Some(tail) = re.strip_prefix(".(*") {
                            *re = format!(".*({tail}");
                        }
                    }
                    other => fix_regex_typo(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix_regex_typo),
        _ => {}
    }
}

// The run.

#[when(regex = r"^the verification is run$")]
fn verification_run(world: &mut CompatWorld) {
    let mut stub_interactions = world.provider.stub.clone();
    // With a request filter, the stub answers only requests that carry its headers: a hit
    // shows the provider received them.
    if let Some(extra) = &world.provider.filter_headers {
        for i in &mut stub_interactions {
            let headers = i.request.headers.get_or_insert_with(MultiMap::default);
            for (name, values) in extra.iter() {
                headers.set(name, values.to_vec());
            }
        }
    }
    let stub = MockServer::start(
        Pact {
            consumer: "compat-suite".into(),
            provider: PROVIDER.into(),
            interactions: stub_interactions
                .into_iter()
                .map(Interaction::Http)
                .collect(),
            spec: world.spec,
            ..Pact::default()
        },
        None,
        MockServerOptions::default(),
    )
    .unwrap_or_else(|e| panic!("the stub provider did not start: {e}"));
    let brokers: Vec<(usize, MockServer, Vec<String>)> = world
        .provider
        .pacts
        .iter()
        .filter(|p| p.from_broker)
        .map(|p| {
            let (server, descriptions) = start_broker(world, p);
            (p.n, server, descriptions)
        })
        .collect();

    let mut verifier = Verifier::new(PROVIDER, stub.url());
    for pact in world.provider.pacts.iter().filter(|p| !p.from_broker) {
        verifier = verifier.source(PactSource::Json {
            name: format!("c_{}.json", pact.n),
            text: pact_json(world, pact).to_string(),
        });
    }
    for (_, broker, _) in &brokers {
        verifier = verifier.source(PactSource::Broker(BrokerSource {
            url: broker.url().to_string(),
            ..BrokerSource::default()
        }));
    }
    // The request filter counts the requests sent, for the state handler's "before" and
    // "after".
    let counter = match &world.provider.states {
        Some(states) => {
            verifier = verifier.state_handler(states.clone());
            states.sent.clone()
        }
        None => Arc::default(),
    };
    let filter_headers = world.provider.filter_headers.clone();
    verifier = verifier.request_filter(move |request| {
        counter.fetch_add(1, Ordering::SeqCst);
        if let Some(extra) = &filter_headers {
            let headers = request.headers.get_or_insert_with(MultiMap::default);
            for (name, values) in extra.iter() {
                headers.set(name, values.to_vec());
            }
        }
    });
    if world.provider.publish {
        verifier = verifier.publish(PublishOptions {
            provider_version: "0.0.0".into(),
            ..PublishOptions::default()
        });
    }
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(verifier.verify());

    // Stop every server before looking at the result, so that a failure leaves none behind.
    let stub_hits = stub.hits();
    let stub_problems = unmatched(stub.discard());
    let brokers = brokers
        .into_iter()
        .map(|(n, broker, descriptions)| {
            let hits = broker.hits();
            BrokerRun {
                n,
                hits: descriptions.into_iter().zip(hits).collect(),
                problems: unmatched(broker.discard()),
            }
        })
        .collect();
    let report = result.unwrap_or_else(|e| {
        panic!(
            "the verification could not run: {}",
            pact_runtime::error_chain(&e)
        )
    });
    world.provider.run = Some(Run {
        output: report.render(false),
        report,
        stub_hits,
        stub_problems,
        brokers,
    });
}

/// The problems other than interactions not exercised: requests that matched nothing.
fn unmatched(problems: Vec<Problem>) -> Vec<Problem> {
    problems
        .into_iter()
        .filter(|p| !matches!(p, Problem::Missing { .. }))
        .collect()
}

// The outcome.

#[then(regex = r"^the verification will( NOT)? be successful$")]
fn verification_successful(world: &mut CompatWorld, not: String) {
    let run = world.provider.run();
    assert_eq!(
        run.report.success(),
        not.is_empty(),
        "the verification report:\n{}",
        run.output
    );
}

#[then(regex = r#"^the verification results will contain a "([^"]*)" error$"#)]
fn result_error(world: &mut CompatWorld, category: String) {
    let run = world.provider.run();
    assert!(
        run.report
            .interactions()
            .any(|(_, i)| i.outcome.error_categories().contains(&category.as_str())),
        "no {category:?} error in the verification report:\n{}",
        run.output
    );
}

#[then(regex = r#"^there will be a pending "([^"]*)" error$"#)]
fn pending_error(world: &mut CompatWorld, category: String) {
    let run = world.provider.run();
    assert!(
        run.report
            .interactions()
            .any(|(p, i)| (i.pending || p.pending)
                && i.outcome.error_categories().contains(&category.as_str())),
        "no pending {category:?} error in the verification report:\n{}",
        run.output
    );
}

// Publishing.

fn broker(run: &Run, n: usize) -> &BrokerRun {
    run.brokers
        .iter()
        .find(|b| b.n == n)
        .unwrap_or_else(|| panic!("no mock broker for interaction {n}"))
}

fn broker_hits(broker: &BrokerRun, description: &str) -> usize {
    broker
        .hits
        .iter()
        .find(|(d, _)| d == description)
        .map_or_else(
            || panic!("the mock broker has no {description:?}"),
            |(_, h)| *h,
        )
}

#[then(regex = r"^a verification result will NOT be published back$")]
fn not_published(world: &mut CompatWorld) {
    let run = world.provider.run();
    assert!(!run.brokers.is_empty(), "no pact came from a broker");
    for b in &run.brokers {
        let published: Vec<&(String, usize)> = b
            .hits
            .iter()
            .filter(|(d, h)| d.starts_with("publish") && *h > 0)
            .collect();
        assert!(
            published.is_empty(),
            "results were published: {published:?}"
        );
        assert!(
            b.problems.is_empty(),
            "the mock broker saw {:#?}",
            b.problems
        );
    }
    assert!(
        run.report.pacts.iter().all(|p| p.published.is_none()),
        "{}",
        run.output
    );
}

/// Checks that mock broker `n` received exactly one result, through the interaction
/// described as `published`, and none through `other` (when it has one). The broker
/// matches request bodies strictly (no unexpected keys, `interactionId` required): a
/// passing run's result (`{interactionId, success}` entries) matches only the
/// "publish verification results" interaction, a failed one (with
/// `interactionDescription` and `mismatches`) only the "publish failed" one.
fn assert_published(world: &CompatWorld, n: usize, published: &str, other: &str) {
    let run = world.provider.run();
    let b = broker(run, n);
    assert!(
        b.problems.is_empty(),
        "the mock broker saw {:#?}",
        b.problems
    );
    assert_eq!(
        broker_hits(b, published),
        1,
        "{published:?}: {:?}\n{}",
        b.hits,
        run.output
    );
    if b.hits.iter().any(|(d, _)| d == other) {
        assert_eq!(broker_hits(b, other), 0, "{other:?}: {:?}", b.hits);
    }
    let consumer = format!("c_{n}");
    let pact = run
        .report
        .pacts
        .iter()
        .find(|p| p.consumer == consumer)
        .unwrap_or_else(|| panic!("no pact of {consumer} was verified"));
    assert_eq!(pact.published, Some(Ok(())), "{}", run.output);
}

#[then(
    regex = r"^a successful verification result will be published back for interaction \{(\d+)\}$"
)]
fn published_success(world: &mut CompatWorld, n: usize) {
    assert_published(
        world,
        n,
        &format!("publish verification results for c_{n}"),
        &format!("publish failed verification results for c_{n}"),
    );
}

#[then(
    regex = r"^a failed verification result will be published back for the interaction \{(\d+)\}$"
)]
fn published_failure(world: &mut CompatWorld, n: usize) {
    assert_published(
        world,
        n,
        &format!("publish failed verification results for c_{n}"),
        &format!("publish verification results for c_{n}"),
    );
}

// Provider states.

fn state_calls(world: &CompatWorld) -> Vec<StateCall> {
    world
        .provider
        .states
        .as_ref()
        .expect("a provider state callback is configured")
        .calls()
}

#[then(
    regex = r"^the provider state callback will be called (before|after) the verification is run$"
)]
fn callback_called(world: &mut CompatWorld, when: String) {
    let calls = state_calls(world);
    let found = calls.iter().any(|c| match when.as_str() {
        "before" => c.action == StateAction::Setup && c.sent_before == 0,
        _ => c.action == StateAction::Teardown && c.sent_before > 0,
    });
    assert!(found, "no call {when} the request: {calls:#?}");
}

fn assert_call(world: &CompatWorld, action: StateAction, state: &str, params: Option<Value>) {
    let calls = state_calls(world);
    let found = calls.iter().any(|c| {
        c.action == action
            && c.state == state
            && params
                .as_ref()
                .is_none_or(|p| *p == Value::Object(c.params.clone()))
    });
    assert!(
        found,
        "no {} call for {state:?} with {params:?} in {calls:#?}",
        action.as_str()
    );
}

#[then(
    regex = r#"^the provider state callback will receive a (setup|teardown) call (?:with )?"([^"]*)" as the provider state parameter$"#
)]
fn callback_call(world: &mut CompatWorld, action: String, state: String) {
    assert_call(world, action_of(&action), &state, None);
}

#[then(
    regex = r#"^the provider state callback will receive a (setup|teardown) call (?:with )?"([^"]*)" and the following parameters:$"#
)]
fn callback_call_with_params(world: &mut CompatWorld, action: String, state: String, step: &Step) {
    let params = cells::parameters(step);
    assert_call(world, action_of(&action), &state, Some(params));
}

fn action_of(word: &str) -> StateAction {
    match word {
        "setup" => StateAction::Setup,
        _ => StateAction::Teardown,
    }
}

#[then(regex = r"^the provider state callback will NOT receive a teardown call$")]
fn no_teardown(world: &mut CompatWorld) {
    let calls = state_calls(world);
    assert!(
        calls.iter().all(|c| c.action != StateAction::Teardown),
        "{calls:#?}"
    );
}

#[then(
    regex = r#"^a warning will be displayed that there was no provider state callback configured for provider state "([^"]*)"$"#
)]
fn no_callback_warning(world: &mut CompatWorld, state: String) {
    let run = world.provider.run();
    let warning =
        format!("no provider state callback is configured for provider state \"{state}\"");
    assert!(
        run.report.warnings.contains(&warning),
        "{:?}",
        run.report.warnings
    );
    assert!(run.output.contains(&warning), "{}", run.output);
}

// The request filter.

#[then(regex = r#"^the request to the provider will contain the header "([^"]*)"$"#)]
fn provider_received_header(world: &mut CompatWorld, header: String) {
    let (name, value) = header.split_once(':').expect("a 'Name: value' header");
    let (name, value) = (name.trim(), value.trim());
    // The stub's interactions expect the filter's headers: a hit means they arrived.
    let extra = world
        .provider
        .filter_headers
        .as_ref()
        .expect("a request filter is configured");
    assert_eq!(
        extra.get_ignore_case(name),
        Some(&[value.to_string()][..]),
        "the filter does not add {header}"
    );
    let run = world.provider.run();
    assert!(
        run.stub_problems.is_empty(),
        "the provider saw {:#?}",
        run.stub_problems
    );
    assert!(
        run.stub_hits.iter().any(|h| *h > 0),
        "the provider received no request with {header}: {:?}",
        run.stub_hits
    );
}

// V4 comments.

#[then(regex = r#"^the comment "([^"]*)" will have been printed to the console$"#)]
fn comment_printed(world: &mut CompatWorld, comment: String) {
    let run = world.provider.run();
    assert!(
        run.report
            .interactions()
            .any(|(_, i)| i.comments.contains(&comment)),
        "no comment {comment:?} in the report"
    );
    assert!(
        run.output.lines().any(|l| l.trim() == comment),
        "{comment:?} is not printed in:\n{}",
        run.output
    );
}

#[then(regex = r#"^the "([^"]*)" will displayed as the original test name$"#)]
fn test_name_displayed(world: &mut CompatWorld, name: String) {
    let run = world.provider.run();
    assert!(
        run.report
            .interactions()
            .any(|(_, i)| i.test_name.as_deref() == Some(name.as_str())),
        "no test name {name:?} in the report"
    );
    assert!(
        run.output.contains(&format!("Test Name: {name}")),
        "the test name {name:?} is not printed in:\n{}",
        run.output
    );
}
