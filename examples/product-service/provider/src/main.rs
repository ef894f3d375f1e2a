//! Runs the product service on 127.0.0.1 and `PORT` (3001 by default).

use product_service_provider::{routes, Store};

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
        println!("product service listening on http://127.0.0.1:{port}");
        warp::serve(routes(Store::default()))
            .incoming(listener)
            .run()
            .await;
    });
}
