//! Runs the product service on 127.0.0.1 and `PORT` (3001 by default).
//!
//! With `PACT_PROVIDER_STATES=1` it also serves the provider-state endpoint
//! (`POST /api/_pact/state`) that `cargo pact verify` sets up each interaction's state with;
//! in its normal mode nobody can reset its data through it.

use product_service_provider::{api, routes, Store};

fn main() {
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p.parse().unwrap_or_else(|_| {
            eprintln!("error: PORT={p:?} is not a port number");
            std::process::exit(2);
        }),
        Err(_) => 3001,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: could not listen on 127.0.0.1:{port}: {e}");
                std::process::exit(1);
            }
        };
        let states = std::env::var("PACT_PROVIDER_STATES").is_ok_and(|v| v == "1");
        println!(
            "product service listening on http://127.0.0.1:{port}{}",
            if states {
                " (with the provider-state endpoint)"
            } else {
                ""
            }
        );
        let store = Store::default();
        if states {
            warp::serve(routes(store)).incoming(listener).run().await;
        } else {
            warp::serve(api(store)).incoming(listener).run().await;
        }
    });
}
