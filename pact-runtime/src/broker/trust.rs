//! Which certificate authorities a broker's HTTPS certificate may come from: the public
//! (Mozilla) roots, plus the ones in the PEM file `SSL_CERT_FILE` names, the variable
//! OpenSSL, curl and the official Ruby and Rust Pact CLIs read. A team's broker behind a
//! private CA (or the example's nginx with its own certificate) needs nothing else.

use super::BrokerError;
use std::path::Path;

/// The variable naming a PEM file of extra root certificates to trust.
pub const SSL_CERT_FILE: &str = "SSL_CERT_FILE";

/// The extra roots to trust, from `SSL_CERT_FILE` when it is set and not empty.
pub(crate) fn extra_roots() -> Result<Vec<reqwest::Certificate>, BrokerError> {
    match std::env::var_os(SSL_CERT_FILE) {
        Some(path) if !path.is_empty() => roots_in(Path::new(&path)),
        _ => Ok(Vec::new()),
    }
}

/// The certificates of the PEM file at `path`; a file that cannot be read or holds none is
/// an error naming it, rather than a TLS failure later that would not say why.
pub(crate) fn roots_in(path: &Path) -> Result<Vec<reqwest::Certificate>, BrokerError> {
    let file = path.display().to_string();
    let pem = std::fs::read(path).map_err(|source| BrokerError::TrustedRoots {
        file: file.clone(),
        reason: source.to_string(),
    })?;
    let roots =
        reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| BrokerError::TrustedRoots {
            file: file.clone(),
            reason: e.to_string(),
        })?;
    if roots.is_empty() {
        return Err(BrokerError::TrustedRoots {
            file,
            reason: "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
        });
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, contents: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("pact-trust-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        path
    }

    #[test]
    fn a_pem_bundle_gives_each_of_its_certificates() {
        let one = rcgen::generate_simple_self_signed(vec!["a.test".into()]).unwrap();
        let two = rcgen::generate_simple_self_signed(vec!["b.test".into()]).unwrap();
        let bundle = format!("{}{}", one.cert.pem(), two.cert.pem());
        let path = temp("bundle.pem", bundle.as_bytes());
        assert_eq!(roots_in(&path).unwrap().len(), 2);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_missing_or_empty_file_is_an_error_naming_it() {
        let missing = std::env::temp_dir().join("pact-trust-no-such-file.pem");
        let e = roots_in(&missing).unwrap_err().to_string();
        assert!(
            e.contains("SSL_CERT_FILE") && e.contains("pact-trust-no-such-file.pem"),
            "{e}"
        );

        let empty = temp("empty.pem", b"not a certificate\n");
        let e = roots_in(&empty).unwrap_err().to_string();
        assert!(
            e.contains("empty.pem") && e.contains("no PEM certificate"),
            "{e}"
        );
        std::fs::remove_file(empty).unwrap();
    }
}
