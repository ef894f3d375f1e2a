//! (being written)

use super::{ApiError, Reply, Req};
use crate::Broker;

pub(super) async fn route(_b: &Broker, req: &Req, m: &str, _s: &[&str]) -> Result<Reply, ApiError> {
    Err(ApiError::NotFound(format!("No resource at {m} /{}", req.segments.join("/"))))
}
