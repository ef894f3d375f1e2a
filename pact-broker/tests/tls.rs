//! `serve_tls`: a request in flight when shutdown comes still gets its answer over TLS, with
//! `https` hrefs, and the server stops once it has. (`cargo-pact/tests/broker.rs` drives
//! HTTPS end to end through the command.)

mod support;

use pact_broker::store::Store;
use pact_broker::tls::TlsConfig;
use pact_broker::{Broker, BrokerConfig};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

/// A TLS client trusting only `cert_pem`.
fn connector(cert_pem: &str) -> tokio_rustls::TlsConnector {
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(cert_pem.as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_request_in_flight_over_tls_finish() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_pem = certified.cert.pem();
    let tls = TlsConfig::from_pem(
        cert_pem.as_bytes(),
        certified.key_pair.serialize_pem().as_bytes(),
    )
    .unwrap();
    let dir = support::TempDir::new("tls-graceful");
    let database = format!("sqlite://{}", dir.0.join("broker.sqlite").display());
    let broker = Broker::new(
        Store::open(&database).await.unwrap(),
        BrokerConfig::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(pact_broker::serve_tls(broker, listener, tls, async {
        let _ = stopped.await;
    }));

    // The request goes out whole but for its last bytes, so the broker is reading its body
    // when the shutdown comes.
    let body = support::publish_body(
        &support::pact("Web", "API", &["a request"]),
        "1.0.0",
        Some("main"),
        &[],
    )
    .to_string();
    let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let mut conn = connector(&cert_pem).connect(name, tcp).await.unwrap();
    let head = format!(
        "POST /contracts/publish HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    let (first, last) = body.split_at(body.len() - 10);
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(first.as_bytes()).await.unwrap();
    conn.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !server.is_finished(),
        "the server stopped with a request in flight"
    );
    // A new connection is no longer accepted.
    assert!(tokio::net::TcpStream::connect(address).await.is_err());

    conn.write_all(last.as_bytes()).await.unwrap();
    conn.flush().await.unwrap();
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut reply))
        .await
        .expect("the reply comes")
        .ok();
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(
        reply.contains("https://localhost/pacts/"),
        "https hrefs: {reply}"
    );
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops once the request is answered")
        .unwrap();
}
