//! The product service's client: what the consumer side of the cargo-pact example tests.
//!
//! ```no_run
//! # async fn run() -> Result<(), product_service_consumer::ClientError> {
//! let build = product_service_consumer::get_build("http://localhost:3001", 3455).await?;
//! println!("{} completed: {}", build.name, build.completed);
//! # Ok(())
//! # }
//! ```

use serde::Deserialize;

/// A build, as the product service describes it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Build {
    /// The build's display name, such as `#3455`.
    pub name: String,
    /// Whether the build has finished.
    pub completed: bool,
    /// Details of the build.
    pub info: BuildInfo,
}

/// Details of a build.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BuildInfo {
    /// How long the build took, in seconds.
    pub build_time: u64,
    /// Who started it.
    pub started_by: String,
}

/// Why a build could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The request failed or the body was not a build.
    #[error("request to the product service failed")]
    Http(#[from] reqwest::Error),
    /// The service answered with a status other than 200.
    #[error("the product service answered {0}")]
    Status(u16),
}

/// Fetches build `id` from the product service at `base_url` (`GET /builds/{id}`).
pub async fn get_build(base_url: &str, id: u64) -> Result<Build, ClientError> {
    let response = reqwest::Client::new()
        .get(format!("{}/builds/{id}", base_url.trim_end_matches('/')))
        .header("Accept", "application/json")
        .send()
        .await?;
    if response.status() != reqwest::StatusCode::OK {
        return Err(ClientError::Status(response.status().as_u16()));
    }
    Ok(response.json().await?)
}
