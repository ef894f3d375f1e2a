//! `cargo pact broker`: a Pact Broker on an SQLite file, or on PostgreSQL for teams, over
//! HTTP, or HTTPS with `--tls-cert` and `--tls-key`.

use crate::cli::BrokerArgs;
use crate::Failure;
use anyhow::{anyhow, Context as _};
use pact_broker::auth::{AuthConfig, BasicUser};
use pact_broker::store::{redact, Store};
use pact_broker::tls::{TlsConfig, TlsError};
use pact_broker::{Broker, BrokerConfig};
use std::process::ExitCode;

/// Serves the broker until Ctrl-C or SIGTERM; requests in flight then finish.
pub fn run(args: BrokerArgs) -> Result<ExitCode, Failure> {
    args.log.install();
    let auth = auth(&args)?;
    let tls = tls(&args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::input(anyhow!(e).context("could not start the async runtime")))?;
    runtime.block_on(async {
        let database = redact(&args.database);
        let store = Store::open(&args.database)
            .await
            .with_context(|| format!("could not open the database {database}"))
            .map_err(Failure::broker)?;
        let addr = std::net::SocketAddr::new(args.bind, args.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("could not listen on {addr} (--bind, --port)"))
            .map_err(Failure::input)?;
        let local = listener
            .local_addr()
            .map_err(|e| Failure::input(anyhow!(e).context("no local address")))?;
        let config = BrokerConfig {
            base_url: args.base_url.clone(),
            auth,
            allow_dangerous_contract_modification: args.allow_dangerous_contract_modification,
            body_limit: args.body_limit,
            public_badges: args.enable_public_badge_access,
            ..BrokerConfig::default()
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        println!("pact broker listening on {scheme}://{local}");
        println!("database: {database} ({})", store.backend());
        if let Some(base) = &config.base_url {
            println!("base URL: {base}");
        }
        let broker = Broker::new(store, config);
        match tls {
            Some(tls) => {
                pact_broker::serve_tls(broker.clone(), listener, tls, shutdown_signal()).await;
            }
            None => pact_broker::serve(broker.clone(), listener, shutdown_signal()).await,
        }
        broker.store().close().await;
        println!("pact broker stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// The certificate and key of `--tls-cert` and `--tls-key` (clap makes them come
/// together), read and checked before anything listens, so a bad file fails at start with
/// its name rather than at the first handshake.
fn tls(args: &BrokerArgs) -> Result<Option<TlsConfig>, Failure> {
    let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) else {
        return Ok(None);
    };
    let read = |path: &std::path::Path, flag: &str| {
        std::fs::read(path)
            .with_context(|| format!("could not read {} ({flag})", path.display()))
            .map_err(Failure::input)
    };
    let (cert_pem, key_pem) = (read(cert, "--tls-cert")?, read(key, "--tls-key")?);
    TlsConfig::from_pem(&cert_pem, &key_pem)
        .map(Some)
        .map_err(|e| {
            let (path, flag) = match e {
                TlsError::Certificate(_) => (cert.display().to_string(), "--tls-cert"),
                TlsError::Key(_) => (key.display().to_string(), "--tls-key"),
                TlsError::Mismatch(_) => (
                    format!("{} and {}", cert.display(), key.display()),
                    "--tls-cert, --tls-key",
                ),
            };
            Failure::input(anyhow!(e).context(format!("could not use {path} ({flag})")))
        })
}

fn auth(args: &BrokerArgs) -> Result<AuthConfig, Failure> {
    let user = |name: &Option<String>, password: &Option<String>, what: &str| match (name, password)
    {
        (Some(u), Some(p)) => Ok(Some(BasicUser {
            username: u.clone(),
            password: p.clone(),
        })),
        (None, None) => Ok(None),
        _ => Err(Failure::input(anyhow!(
            "{what}: set both the username and the password, or neither"
        ))),
    };
    Ok(AuthConfig {
        read_write_user: user(
            &args.basic_auth_username,
            &args.basic_auth_password,
            "PACT_BROKER_BASIC_AUTH_USERNAME/_PASSWORD",
        )?,
        read_only_user: user(
            &args.basic_auth_read_only_username,
            &args.basic_auth_read_only_password,
            "PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME/_PASSWORD",
        )?,
        read_write_tokens: args.tokens.clone(),
        read_only_tokens: args.read_only_tokens.clone(),
        allow_public_read: args.allow_public_read,
        public_heartbeat: args.public_heartbeat,
    })
}

/// Ctrl-C, or SIGTERM (what a container runtime or systemd sends).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
