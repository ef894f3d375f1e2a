//! Errors raised while reading a pact or one of its parts.
//!
//! Mismatches found while matching are not errors: they are values, see
//! [`crate::matching::Mismatch`].

/// Why a pact, or a part of one, could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PactError {
    /// The text is not JSON at all.
    #[error("{source_name}: invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// The file name or other label of the input.
        source_name: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser reported.
        message: String,
    },
    /// The JSON is well formed but a field has the wrong shape or value.
    #[error("{source_name}: {field}: {message}")]
    Field {
        /// The file name or other label of the input.
        source_name: String,
        /// Where in the document, e.g. `interactions[2].request.method`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
}

impl PactError {
    /// Builds a [`PactError::Field`] for a field of the document.
    pub fn field(
        source_name: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        PactError::Field {
            source_name: source_name.into(),
            field: field.into(),
            message: message.into(),
        }
    }

    /// Converts a `serde_json` error into [`PactError::Json`], keeping line and column.
    pub fn json(source_name: impl Into<String>, err: &serde_json::Error) -> Self {
        let full = err.to_string();
        // serde_json appends " at line L column C"; the position is reported separately.
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full,
        };
        PactError::Json {
            source_name: source_name.into(),
            line: err.line(),
            column: err.column(),
            message,
        }
    }
}
