//! (being written)

use super::{ApiError, Reply, Req};
use crate::Broker;

pub(super) async fn matrix(_b: &Broker, _req: &Req) -> Result<Reply, ApiError> {
    Err(ApiError::NotFound("matrix".into()))
}

pub(super) async fn can_i_deploy(_b: &Broker, _req: &Req) -> Result<Reply, ApiError> {
    Err(ApiError::NotFound("can-i-deploy".into()))
}
