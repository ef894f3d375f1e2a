//! The broker's domain rules, as plain functions over plain data.
//!
//! Nothing here performs I/O: the storage backends (SQLite and PostgreSQL) load the facts a
//! rule needs, call the rule, and store or render its result. Keeping the rules here means both
//! backends decide the same things the same way (which pacts a provider must verify, whether a
//! pact is pending, whether a version can be deployed), and the rules can be tested without a
//! database.
//!
//! * [`query`]: Rack-style nested query strings and the `/matrix` and `/can-i-deploy` queries.
//! * [`selectors`]: consumer version selectors, pacts-for-verification selection, pending, WIP and
//!   the verification notices.
//! * [`matrix`]: de-duplication, ignore and success filters, and the can-i-deploy verdict.
//! * [`content`]: content hashes, interaction ids, `onConflict: merge`, and publish validation.
//! * [`environments`]: environment bodies, application instances, and ending a deployment or
//!   a release.
//! * [`webhooks`]: webhook bodies, their events, and masking credentials.
//! * [`webhook_events`]: which events publications and verifications raise, which webhooks
//!   they fire, rendering `${pactbroker.…}` templates, and retrying failed executions.

pub mod content;
pub mod environments;
pub mod matrix;
pub mod query;
pub mod selectors;
pub mod status;
pub mod webhook_events;
pub mod webhooks;

use std::collections::BTreeMap;
use std::fmt;

/// Validation errors keyed by request field, the shape the Ruby broker returns in
/// `{"errors": {field: [message, ...]}}` and which every official client can print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    /// Records one message against `field`, keeping earlier messages for the same field.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }

    /// True when no field has an error, so the request may proceed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `400` body: `{"errors": {field: [message, ...]}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let errors: serde_json::Map<String, serde_json::Value> = self
            .0
            .iter()
            .map(|(field, messages)| {
                let list = messages
                    .iter()
                    .map(|m| serde_json::Value::String(m.clone()))
                    .collect();
                (field.clone(), serde_json::Value::Array(list))
            })
            .collect();
        serde_json::json!({ "errors": errors })
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (field, messages) in &self.0 {
            for message in messages {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                write!(f, "{field} {message}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_render_as_broker_error_body() {
        let mut errors = FieldErrors::default();
        errors.add("pacticipantVersionNumber", "is missing");
        errors.add("contracts", "a (at index 0)");
        errors.add("contracts", "b (at index 1)");
        assert_eq!(
            errors.to_json(),
            serde_json::json!({"errors": {
                "pacticipantVersionNumber": ["is missing"],
                "contracts": ["a (at index 0)", "b (at index 1)"]
            }})
        );
        assert_eq!(
            errors.to_string(),
            "contracts a (at index 0); contracts b (at index 1); pacticipantVersionNumber is missing"
        );
        assert!(!errors.is_empty());
        assert!(FieldErrors::default().is_empty());
    }
}
