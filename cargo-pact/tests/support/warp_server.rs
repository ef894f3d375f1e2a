//! A warp filter served on loopback from a background thread, for the tests and the bench
//! that need a provider or a broker to talk to.
//!
//! Included by path (`#[path = ...] mod warp_server;`) from `tests/cli.rs` and
//! `benches/verify.rs`.

use std::net::SocketAddr;
use warp::Filter;

/// Serves `filter` on 127.0.0.1 and a free port, on a thread of its own with a one-worker
/// runtime, for the life of the process; returns its base URL, `http://127.0.0.1:port`.
/// The port is bound before this returns, so the URL can be used at once.
pub fn serve<F>(filter: F) -> String
where
    F: Filter<Extract = (warp::reply::Response,), Error = warp::Rejection>
        + Clone
        + Send
        + Sync
        + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            warp::serve(filter).incoming(listener).run().await;
        });
    });
    format!("http://{address}")
}
