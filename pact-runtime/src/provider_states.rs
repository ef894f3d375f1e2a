//! Provider states: the data a provider sets up before an interaction is replayed, and
//! removes after.
//!
//! A provider implements [`ProviderStates`] (usually through the trait that
//! [`codegen`](crate::codegen) generates from the pacts, so that a state nobody handles is a
//! compile error). The verifier calls it in process, or over HTTP through
//! [`state_change_filter`], which serves `POST /api/_pact/state` for a provider that runs
//! as its own process.
//!
//! ```
//! use pact_runtime::provider_states::{ProviderStates, StateChange, StateError, StateValues};
//!
//! struct Builds;
//!
//! impl ProviderStates for Builds {
//!     async fn setup(&self, change: &StateChange) -> Result<StateValues, StateError> {
//!         match change.state.as_str() {
//!             "build 3455 exists" => Ok(StateValues::new()),
//!             // An interaction without provider states: nothing to set up.
//!             "" => Ok(StateValues::new()),
//!             other => Err(StateError::unknown_state(other)),
//!         }
//!     }
//! }
//! ```

use serde_json::{json, Map, Value};
use std::future::Future;

/// Values a state setup returns, for the interaction's `ProviderState` generators.
pub type StateValues = Map<String, Value>;

/// Whether a state is being set up or torn down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateAction {
    /// Before the request is replayed.
    Setup,
    /// After the response was checked.
    Teardown,
}

impl StateAction {
    /// `setup` or `teardown`.
    pub fn as_str(self) -> &'static str {
        match self {
            StateAction::Setup => "setup",
            StateAction::Teardown => "teardown",
        }
    }
}

/// One state change: what the verifier sends to the provider.
#[derive(Debug, Clone, PartialEq)]
pub struct StateChange {
    /// The consumer whose pact is being verified.
    pub consumer: String,
    /// The state; empty for an interaction without provider states, which the verifier
    /// still sets up and tears down so that the provider can reset.
    pub state: String,
    /// Every state of the interaction, in pact order.
    pub states: Vec<String>,
    /// The state's parameters.
    pub params: Map<String, Value>,
    /// Setup or teardown.
    pub action: StateAction,
}

/// A state change that failed, or a body that is not a state change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StateError {
    message: String,
}

impl StateError {
    /// A failure with this message.
    pub fn new(message: impl Into<String>) -> StateError {
        StateError {
            message: message.into(),
        }
    }

    /// The provider has no handler for `state`.
    pub fn unknown_state(state: &str) -> StateError {
        StateError::new(format!("no handler for provider state \"{state}\""))
    }

    /// A parameter is missing or has the wrong type.
    pub fn param(state: &str, name: &str, expected: &str) -> StateError {
        StateError::new(format!(
            "provider state \"{state}\": parameter '{name}' must be {expected}"
        ))
    }
}

impl StateChange {
    /// The JSON body the verifier posts: `{"consumer","state","states","params","action"}`.
    pub fn to_json(&self) -> Value {
        json!({
            "consumer": self.consumer,
            "state": self.state,
            "states": self.states,
            "params": self.params,
            "action": self.action.as_str(),
        })
    }

    /// Reads a state change body. Accepts this crate's shape, the reference verifier's
    /// (`{"state","params","action"}`) and the seed's (`{"consumer","state"}`, meaning setup).
    ///
    /// ```
    /// use pact_runtime::provider_states::{StateAction, StateChange};
    /// let c = StateChange::from_json(&serde_json::json!({"state": "s", "params": {"id": 1}})).unwrap();
    /// assert_eq!((c.state.as_str(), c.action), ("s", StateAction::Setup));
    /// assert!(StateChange::from_json(&serde_json::json!({"action": "jump"})).is_err());
    /// ```
    pub fn from_json(body: &Value) -> Result<StateChange, StateError> {
        let obj = body
            .as_object()
            .ok_or_else(|| StateError::new("a state change must be a JSON object"))?;
        let text = |name: &str| -> Result<Option<String>, StateError> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(StateError::new(format!("'{name}' must be a string"))),
            }
        };
        let states: Vec<String> = match obj.get("states") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list
                .iter()
                .map(|s| {
                    s.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| StateError::new("'states' must be an array of strings"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(StateError::new("'states' must be an array of strings")),
        };
        let state = text("state")?
            .or_else(|| states.first().cloned())
            .unwrap_or_default();
        let params = match obj.get("params") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(StateError::new("'params' must be an object")),
        };
        let action = match text("action")?.as_deref() {
            None | Some("setup") => StateAction::Setup,
            Some("teardown") => StateAction::Teardown,
            Some(other) => {
                return Err(StateError::new(format!(
                    "'action' must be \"setup\" or \"teardown\", not \"{other}\""
                )))
            }
        };
        Ok(StateChange {
            consumer: text("consumer")?.unwrap_or_default(),
            states: if states.is_empty() && !state.is_empty() {
                vec![state.clone()]
            } else {
                states
            },
            state,
            params,
            action,
        })
    }

    /// Reads a state change sent as query parameters (`state=..&action=..`; every other
    /// parameter is a param, as a string). A param named `state`, `action` or `consumer`
    /// follows the field of that name: the first value is the field, the second the param.
    ///
    /// ```
    /// use pact_runtime::provider_states::StateChange;
    /// let c = StateChange::from_query("state=build+exists&action=teardown&id=3455").unwrap();
    /// assert_eq!(c.params["id"], "3455");
    /// let c = StateChange::from_query("state=an+order&action=setup&state=shipped").unwrap();
    /// assert_eq!((c.state.as_str(), &c.params["state"]), ("an order", &"shipped".into()));
    /// ```
    pub fn from_query(query: &str) -> Result<StateChange, StateError> {
        let mut body = Map::new();
        let mut params = Map::new();
        for (name, values) in pact_core::model::parse_query_string(query, false).iter() {
            let value = values.first().cloned().unwrap_or_default();
            match name {
                "state" | "action" | "consumer" => {
                    body.insert(name.to_string(), Value::String(value));
                    if let Some(param) = values.get(1) {
                        params.insert(name.to_string(), Value::String(param.clone()));
                    }
                }
                // A query carries text only: the typed handlers parse numbers and booleans.
                _ => {
                    params.insert(name.to_string(), Value::String(value));
                }
            }
        }
        body.insert("params".into(), Value::Object(params));
        StateChange::from_json(&Value::Object(body))
    }

    /// The query parameters [`StateChange::from_query`] reads: the fields first, so that
    /// a param with a field's name comes second and is read as the param.
    pub fn to_query(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("state".to_string(), self.state.clone()),
            ("action".to_string(), self.action.as_str().to_string()),
        ];
        if !self.consumer.is_empty() || self.params.contains_key("consumer") {
            out.push(("consumer".to_string(), self.consumer.clone()));
        }
        for (k, v) in &self.params {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push((k.clone(), text));
        }
        out
    }
}

/// What a provider does for each provider state.
///
/// Implement `setup` (and `teardown` when a state leaves something behind) with `async fn`.
/// An interaction without provider states is set up and torn down with the empty state
/// `""`: accept it (a chance to reset the provider).
/// Values returned by `setup` fill the interaction's `ProviderState` generators (an `id`
/// the provider chose, say).
pub trait ProviderStates: Send + Sync + 'static {
    /// Sets up `change.state` with `change.params`.
    fn setup(
        &self,
        change: &StateChange,
    ) -> impl Future<Output = Result<StateValues, StateError>> + Send;

    /// Removes what `setup` made. Does nothing unless implemented.
    fn teardown(
        &self,
        change: &StateChange,
    ) -> impl Future<Output = Result<(), StateError>> + Send {
        let _ = change;
        async { Ok(()) }
    }
}

/// Runs a state change against a handler: setup returns its values, teardown none.
pub async fn apply<S: ProviderStates + ?Sized>(
    states: &S,
    change: &StateChange,
) -> Result<StateValues, StateError> {
    match change.action {
        StateAction::Setup => states.setup(change).await,
        StateAction::Teardown => states.teardown(change).await.map(|()| StateValues::new()),
    }
}

#[cfg(feature = "provider")]
mod filter {
    use super::*;
    use std::sync::Arc;
    use warp::http::StatusCode;
    use warp::Filter;

    /// Serves `POST /api/_pact/state` for `states`: the body (or, when it is empty, the
    /// query) is a [`StateChange`]. Answers 200 with the setup's values as a JSON object,
    /// 400 naming what is wrong with a body that is not a state change, and 500 with
    /// `{"error": ...}` when the handler fails.
    ///
    /// ```no_run
    /// # use pact_runtime::provider_states::*;
    /// # struct Builds;
    /// # impl ProviderStates for Builds {
    /// #     async fn setup(&self, _: &StateChange) -> Result<StateValues, StateError> { Ok(StateValues::new()) }
    /// # }
    /// use std::sync::Arc;
    /// use warp::Filter;
    /// # async fn run() {
    /// let routes = state_change_filter(Arc::new(Builds)).or(warp::path("builds").map(|| "..."));
    /// warp::serve(routes).run(([127, 0, 0, 1], 3001)).await;
    /// # }
    /// ```
    pub fn state_change_filter<S: ProviderStates>(
        states: Arc<S>,
    ) -> impl Filter<Extract = (warp::reply::Response,), Error = warp::Rejection>
           + Clone
           + Send
           + Sync
           + 'static {
        let query = warp::query::raw().or(warp::any().map(String::new)).unify();
        warp::post()
            .and(warp::path!("api" / "_pact" / "state"))
            .and(query)
            .and(warp::body::bytes())
            .then(move |query: String, body: bytes::Bytes| {
                let states = states.clone();
                async move { respond(&*states, &query, &body).await }
            })
    }

    async fn respond<S: ProviderStates>(
        states: &S,
        query: &str,
        body: &[u8],
    ) -> warp::reply::Response {
        let change = if body.iter().all(u8::is_ascii_whitespace) {
            StateChange::from_query(query)
        } else {
            serde_json::from_slice::<Value>(body)
                .map_err(|e| StateError::new(format!("the body is not JSON: {e}")))
                .and_then(|v| StateChange::from_json(&v))
        };
        let change = match change {
            Ok(c) => c,
            Err(e) => return reply(StatusCode::BAD_REQUEST, json!({ "error": e.to_string() })),
        };
        match apply(states, &change).await {
            Ok(values) => reply(StatusCode::OK, Value::Object(values)),
            Err(e) => reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "error": e.to_string() }),
            ),
        }
    }

    fn reply(status: StatusCode, body: Value) -> warp::reply::Response {
        let mut r = warp::reply::Response::new(body.to_string().into());
        *r.status_mut() = status;
        r.headers_mut().insert(
            "content-type",
            warp::http::HeaderValue::from_static("application/json"),
        );
        r
    }
}

#[cfg(feature = "provider")]
pub use filter::state_change_filter;

/// A provider-state parameter's Rust type: what generated handlers take.
pub trait StateParam: Sized {
    /// What the parameter must be, for the error message.
    const EXPECTED: &'static str;
    /// The value, or None when it is missing or of another type.
    fn from_param(value: Option<&Value>) -> Option<Self>;
}

/// Numbers and booleans may come as text: state changes sent as query parameters carry
/// only strings.
fn parsed<T: std::str::FromStr>(
    value: Option<&Value>,
    direct: impl Fn(&Value) -> Option<T>,
) -> Option<T> {
    let value = value?;
    direct(value).or_else(|| value.as_str()?.trim().parse().ok())
}

impl StateParam for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_param(value: Option<&Value>) -> Option<Self> {
        parsed(value, Value::as_i64)
    }
}

impl StateParam for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_param(value: Option<&Value>) -> Option<Self> {
        parsed(value, Value::as_f64)
    }
}

impl StateParam for bool {
    const EXPECTED: &'static str = "a boolean";
    fn from_param(value: Option<&Value>) -> Option<Self> {
        parsed(value, Value::as_bool)
    }
}

impl StateParam for String {
    const EXPECTED: &'static str = "a string";
    fn from_param(value: Option<&Value>) -> Option<Self> {
        value?.as_str().map(str::to_string)
    }
}

impl StateParam for Value {
    const EXPECTED: &'static str = "present";
    fn from_param(value: Option<&Value>) -> Option<Self> {
        value.cloned()
    }
}

impl<T: StateParam> StateParam for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_param(value: Option<&Value>) -> Option<Self> {
        match value {
            None | Some(Value::Null) => Some(None),
            Some(v) => T::from_param(Some(v)).map(Some),
        }
    }
}

/// Reads parameter `name` of a state change as `T`, or says what is wrong with it.
///
/// ```
/// use pact_runtime::provider_states::{state_param, StateChange};
/// let c = StateChange::from_json(&serde_json::json!({"state": "s", "params": {"id": 7}})).unwrap();
/// assert_eq!(state_param::<i64>(&c, "id").unwrap(), 7);
/// let q = StateChange::from_query("state=s&id=7").unwrap();
/// assert_eq!(state_param::<i64>(&q, "id").unwrap(), 7);
/// assert_eq!(state_param::<Option<String>>(&c, "name").unwrap(), None);
/// assert!(state_param::<String>(&c, "id").unwrap_err().to_string().contains("'id' must be a string"));
/// ```
pub fn state_param<T: StateParam>(change: &StateChange, name: &str) -> Result<T, StateError> {
    T::from_param(change.params.get(name))
        .ok_or_else(|| StateError::param(&change.state, name, T::EXPECTED))
}

#[cfg(test)]
mod tests {
    use super::{StateAction, StateChange};
    use serde_json::{json, Map, Value};

    #[test]
    fn params_named_like_the_fields_survive_the_query_form() {
        let params: Map<String, Value> =
            json!({"state": "shipped", "action": "refund", "consumer": "ops", "id": 7})
                .as_object()
                .cloned()
                .unwrap();
        for consumer in ["Web", ""] {
            let change = StateChange {
                consumer: consumer.into(),
                state: "an order".into(),
                states: vec!["an order".into()],
                params: params.clone(),
                action: StateAction::Teardown,
            };
            let query = change
                .to_query()
                .iter()
                .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
                .collect::<Vec<_>>()
                .join("&");
            let back = StateChange::from_query(&query).unwrap();
            assert_eq!(back.state, "an order", "{query}");
            assert_eq!(back.consumer, consumer, "{query}");
            assert_eq!(back.action, StateAction::Teardown, "{query}");
            assert_eq!(back.params["state"], "shipped", "{query}");
            assert_eq!(back.params["action"], "refund", "{query}");
            assert_eq!(back.params["consumer"], "ops", "{query}");
            assert_eq!(back.params["id"], "7", "{query}");
        }
    }
}
