//! # pact-runtime
//!
//! What a Pact test links. Today: the pact writer, which any number of test threads and
//! processes can call at once without losing or duplicating an interaction. The consumer
//! API, the mock server and the verifier build on it (see `../shared/DESIGN.md`).
//!
//! ```
//! use pact_runtime::pact_core::model::{HttpInteraction, Interaction, InteractionInfo, Pact};
//! let dir = std::env::temp_dir().join(format!("pact-doc-{}", std::process::id()));
//! let pact = Pact {
//!     consumer: "Consumer".into(),
//!     provider: "Provider".into(),
//!     interactions: vec![Interaction::Http(HttpInteraction {
//!         info: InteractionInfo::new("a request for build 3455"),
//!         ..HttpInteraction::default()
//!     })],
//!     ..Pact::default()
//! };
//! let path = pact_runtime::pact_writer::write_pact(&dir, &pact).unwrap();
//! assert!(path.ends_with("Consumer-Provider.json"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

pub mod pact_writer;

pub use pact_core;
