//! The product service: `GET /builds/{id}` and the provider-state endpoint
//! `POST /api/_pact/state`, whose handlers are generated from the pacts by `build.rs`.
//!
//! ```
//! use product_service_provider::{routes, Store};
//! let store = Store::default();
//! let api = routes(store.clone());
//! # let _ = api;
//! ```

use pact_runtime::provider_states::{StateError, StateValues};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use warp::http::StatusCode;
use warp::Filter;

/// The provider-state trait and glue generated from the pacts (`build.rs`).
pub mod states {
    include!(concat!(env!("OUT_DIR"), "/pact_states.rs"));
}

/// A build the service knows.
#[derive(Debug, Clone, PartialEq)]
pub struct Build {
    /// Display name, `#3455`.
    pub name: String,
    /// Finished or not.
    pub completed: bool,
    /// Seconds the build took.
    pub build_time: u64,
    /// Who started it.
    pub started_by: String,
}

impl Build {
    /// The build as the API returns it.
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "completed": self.completed,
            "info": {"build_time": self.build_time, "started_by": self.started_by},
        })
    }
}

/// The service's data: builds by id, shared by the API and the state handlers.
#[derive(Debug, Clone, Default)]
pub struct Store(Arc<Mutex<HashMap<u64, Build>>>);

impl Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Build>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds or replaces a build.
    pub fn insert(&self, id: u64, build: Build) {
        self.lock().insert(id, build);
    }

    /// Removes every build.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// A build by id.
    pub fn get(&self, id: u64) -> Option<Build> {
        self.lock().get(&id).cloned()
    }
}

/// The provider states the pacts need, set up in the store.
#[derive(Debug, Clone)]
pub struct ProductStates(pub Store);

impl states::ProviderStateHandlers for ProductStates {
    async fn build_3455_exists(&self, id: i64) -> Result<StateValues, StateError> {
        let id =
            u64::try_from(id).map_err(|_| StateError::new(format!("build id {id} is negative")))?;
        self.0.insert(
            id,
            Build {
                name: format!("#{id}"),
                completed: true,
                build_time: 123,
                started_by: "ci".into(),
            },
        );
        Ok(StateValues::new())
    }

    async fn teardown(
        &self,
        _state: &str,
        _params: &serde_json::Map<String, Value>,
    ) -> Result<(), StateError> {
        self.0.clear();
        Ok(())
    }
}

/// `GET /builds/{id}`: 200 with the build, 404 when there is none.
pub fn api(
    store: Store,
) -> impl Filter<Extract = (warp::reply::Response,), Error = warp::Rejection> + Clone {
    warp::get()
        .and(warp::path!("builds" / u64))
        .map(move |id| match store.get(id) {
            Some(build) => warp::reply::json(&build.to_json()).into_response(),
            None => warp::reply::with_status(
                warp::reply::json(&json!({"error": format!("no build {id}")})),
                StatusCode::NOT_FOUND,
            )
            .into_response(),
        })
}

/// The whole service: the API and the provider-state endpoint.
pub fn routes(
    store: Store,
) -> impl Filter<Extract = (warp::reply::Response,), Error = warp::Rejection> + Clone {
    states::state_filter(ProductStates(store.clone()))
        .or(api(store))
        .unify()
}

use warp::Reply;
