//! The verifier against a provider played by our mock server (which checks what it was
//! sent): headers, redirects, ProviderState values, filters.

use pact_runtime::pact_core::model::SpecVersion;
use pact_runtime::prelude::*;
use pact_runtime::verifier::{Filters, PactSource, Verifier};

/// A pact as text, for the verifier.
fn source(pact: &PactBuilder) -> PactSource {
    PactSource::Json {
        name: "test pact".into(),
        text: pact.build().to_json_string(SpecVersion::V3),
    }
}

fn verify(verifier: Verifier) -> pact_runtime::verifier::VerificationReport {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(verifier.verify())
        .unwrap()
}

fn provider(build: impl FnOnce(&mut PactBuilder)) -> MockServer {
    let mut pact = PactBuilder::new("VerifierTest", "Provider");
    pact.output_dir(std::env::temp_dir().join("pact-verifier-tests-unused"));
    build(&mut pact);
    pact.start_mock_server()
}

#[test]
fn a_custom_header_replaces_the_pact_s_whatever_its_case() {
    let server = provider(|p| {
        p.interaction("an authorised request", |i| {
            i.request
                .get("/secure")
                .header("Authorization", "Bearer fresh");
        });
    });
    let mut pact = PactBuilder::new("C", "Provider");
    pact.interaction("an authorised request", |i| {
        i.request
            .get("/secure")
            .header("authorization", "Bearer stale");
    });
    let report = verify(
        Verifier::new("Provider", server.url())
            .source(source(&pact))
            .header("Authorization", "Bearer fresh"),
    );
    assert!(report.success(), "{}", report.render(false));
    assert_eq!(server.hits(), vec![1]);
    assert!(server.discard().is_empty());
}

#[test]
fn a_redirect_is_checked_not_followed() {
    let server = provider(|p| {
        p.interaction("a moved build", |i| {
            i.request.get("/old");
            i.response.status(302).header("Location", "/new");
        });
    });
    let mut pact = PactBuilder::new("C", "Provider");
    pact.interaction("a moved build", |i| {
        i.request.get("/old");
        i.response.status(302);
    });
    let report = verify(Verifier::new("Provider", server.url()).source(source(&pact)));
    assert!(report.success(), "{}", report.render(false));
    // Following the redirect would have sent GET /new, which the provider does not know.
    assert!(server.discard().is_empty());
}

#[test]
fn provider_state_generators_see_the_state_params() {
    let server = provider(|p| {
        p.interaction("item 42", |i| {
            i.request.get("/items/42");
        });
    });
    let mut pact = PactBuilder::new("C", "Provider");
    pact.interaction("item 42", |i| {
        i.given_with_params("an item exists", serde_json::json!({"id": 42}));
        i.request
            .get(from_provider_state("/items/${id}", "/items/1"));
    });
    struct NoOp;
    impl pact_runtime::provider_states::ProviderStates for NoOp {
        async fn setup(
            &self,
            _: &pact_runtime::provider_states::StateChange,
        ) -> Result<
            pact_runtime::provider_states::StateValues,
            pact_runtime::provider_states::StateError,
        > {
            Ok(Default::default())
        }
    }
    let report = verify(
        Verifier::new("Provider", server.url())
            .source(source(&pact))
            .state_handler(std::sync::Arc::new(NoOp)),
    );
    assert!(report.success(), "{}", report.render(false));
    assert!(server.discard().is_empty());
}

#[test]
fn an_empty_state_filter_selects_the_interactions_without_a_state() {
    let server = provider(|p| {
        p.interaction("stateless", |i| {
            i.request.get("/plain");
        });
    });
    let mut pact = PactBuilder::new("C", "Provider");
    pact.interaction("stateless", |i| {
        i.request.get("/plain");
    });
    pact.interaction("stateful", |i| {
        i.given("something exists");
        i.request.get("/stateful");
    });
    let filters = Filters {
        state: Some(String::new()),
        ..Filters::default()
    };
    let report = verify(
        Verifier::new("Provider", server.url())
            .source(source(&pact))
            .filters(filters),
    );
    let verified: Vec<&str> = report
        .interactions()
        .map(|(_, i)| i.description.as_str())
        .collect();
    assert_eq!(verified, ["stateless"]);
    assert!(server.discard().is_empty());
}

/// A provider that answers 200 to one request and hands back its request line.
fn recording_provider() -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let mut header = String::new();
        while reader.read_line(&mut header).unwrap() > 2 {
            header.clear();
        }
        (&stream)
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .unwrap();
        tx.send(line.trim_end().to_string()).unwrap();
    });
    (url, rx)
}

#[test]
fn a_v2_query_string_is_sent_as_written() {
    // How the broker client asks the matrix for two pacticipants: Rack pairs each
    // `q[][version]` with the `q[][pacticipant]` before it, so grouping by name would change
    // the question.
    let query = "q%5B%5D%5Bpacticipant%5D=Foo&q%5B%5D%5Bversion%5D=1.2.3\
                 &q%5B%5D%5Bpacticipant%5D=Bar&q%5B%5D%5Blatest%5D=true&latestby=cvpv";
    let pact = serde_json::json!({
        "consumer": {"name": "C"}, "provider": {"name": "Provider"},
        "interactions": [{
            "description": "a matrix query",
            "request": {"method": "get", "path": "/matrix", "query": query},
            "response": {"status": 200}
        }],
        "metadata": {"pactSpecification": {"version": "2.0.0"}}
    });
    let (url, line) = recording_provider();
    let report = verify(Verifier::new("Provider", url).source(PactSource::Json {
        name: "v2 pact".into(),
        text: pact.to_string(),
    }));
    assert!(report.success(), "{}", report.render(false));
    assert_eq!(
        line.recv().unwrap(),
        "GET /matrix?q%5B%5D%5Bpacticipant%5D=Foo&q%5B%5D%5Bversion%5D=1.2.3\
         &q%5B%5D%5Bpacticipant%5D=Bar&q%5B%5D%5Blatest%5D=true&latestby=cvpv HTTP/1.1"
    );
}
