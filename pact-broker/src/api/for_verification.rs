//! (being written)

use super::{ApiError, Reply, Req};
use crate::Broker;

pub(super) async fn handle(_b: &Broker, _req: &Req, p: &str) -> Result<Reply, ApiError> {
    Err(ApiError::NotFound(p.to_string()))
}
