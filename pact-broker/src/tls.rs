//! HTTPS: a certificate chain and its private key, read from PEM, for [`serve_tls`].
//!
//! rustls with the ring provider, the same stack the broker's webhook client (reqwest) and
//! pact-runtime's mock server already use, so serving TLS adds no crate to the tree.
//!
//! [`serve_tls`]: crate::serve_tls

use std::sync::Arc;
use tokio_rustls::rustls::pki_types::pem::PemObject as _;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};

/// Why a certificate and key cannot serve HTTPS.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate PEM holds no certificate, or one that cannot be decoded.
    #[error("not a PEM certificate chain: {0}")]
    Certificate(String),
    /// The key PEM holds no private key, or one that cannot be decoded.
    #[error("not a PEM private key (PKCS#8, PKCS#1 or SEC1): {0}")]
    Key(String),
    /// Both parsed, but rustls refuses them together (a key that does not match the
    /// certificate, say, or a key type it does not support).
    #[error("the certificate and key cannot be used together: {0}")]
    Mismatch(String),
}

/// What the broker serves HTTPS with: a certificate chain and its key, checked.
#[derive(Clone)]
pub struct TlsConfig {
    pub(crate) acceptor: tokio_rustls::TlsAcceptor,
}

impl std::fmt::Debug for TlsConfig {
    // The key is in there: show nothing of it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig").finish_non_exhaustive()
    }
}

impl TlsConfig {
    /// The chain in `cert_chain` (PEM, the server's certificate first, then any
    /// intermediates) with the private key in `key` (PEM). HTTP/2 and HTTP/1.1 are both
    /// offered by ALPN, as the server speaks both.
    pub fn from_pem(cert_chain: &[u8], key: &[u8]) -> Result<TlsConfig, TlsError> {
        let certs = CertificateDer::pem_slice_iter(cert_chain)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TlsError::Certificate(e.to_string()))?;
        if certs.is_empty() {
            return Err(TlsError::Certificate(
                "no BEGIN CERTIFICATE section".to_string(),
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|e| TlsError::Key(e.to_string()))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Mismatch(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| TlsError::Mismatch(e.to_string()))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(TlsConfig {
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn self_signed() -> (String, String) {
        let c = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        (c.cert.pem(), c.key_pair.serialize_pem())
    }

    #[test]
    fn a_certificate_with_its_key_is_accepted() {
        let (cert, key) = self_signed();
        assert!(TlsConfig::from_pem(cert.as_bytes(), key.as_bytes()).is_ok());
    }

    #[test]
    fn each_bad_part_is_named() {
        let (cert, key) = self_signed();
        let (_, other_key) = self_signed();
        let err = |c: &str, k: &str| TlsConfig::from_pem(c.as_bytes(), k.as_bytes()).unwrap_err();
        assert!(matches!(err("", &key), TlsError::Certificate(_)));
        assert!(matches!(err(&key, &key), TlsError::Certificate(_)));
        assert!(matches!(err(&cert, &cert), TlsError::Key(_)));
        assert!(matches!(err(&cert, &other_key), TlsError::Mismatch(_)));
    }
}
