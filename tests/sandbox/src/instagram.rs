//! placeholder
use crate::state::Shared;
use axum::Router;
pub(crate) fn router() -> Router<Shared> {
    Router::new()
}
