//! The mock server over HTTPS: a client that trusts only the server's own certificate
//! completes a request, and one that trusts nothing is refused.

use pact_runtime::prelude::*;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

fn client(roots: RootCertStore) -> tokio_rustls::TlsConnector {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

async fn get(
    connector: &tokio_rustls::TlsConnector,
    server: &MockServer,
) -> std::io::Result<String> {
    let tcp = tokio::net::TcpStream::connect(server.address()).await?;
    let name = ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await?;
    tls.write_all(b"GET /secure HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await?;
    let mut reply = String::new();
    tls.read_to_string(&mut reply).await?;
    Ok(reply)
}

#[tokio::test]
async fn serves_https_with_a_certificate_the_test_can_trust() {
    let dir = std::env::temp_dir().join(format!("pact-tls-{}", std::process::id()));
    let mut pact = PactBuilder::new("TlsConsumer", "TlsProvider");
    pact.output_dir(&dir).interaction("a secure request", |i| {
        i.request.get("/secure");
        i.response.body("secret", "text/plain");
    });
    let options = MockServerOptions {
        tls: true,
        ..MockServerOptions::default()
    };
    let server = pact.try_start_mock_server(options).unwrap();
    assert!(server.url().starts_with("https://127.0.0.1:"));

    let refused = get(&client(RootCertStore::empty()), &server).await;
    assert!(refused.is_err(), "an untrusted certificate must be refused");

    let pem = server
        .ca_pem()
        .expect("a PEM for the self-signed certificate");
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(pem.as_bytes()).unwrap())
        .unwrap();
    let reply = get(&client(roots), &server).await.unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.ends_with("secret"), "{reply}");
    server.finish().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
