//! The receiver's HTTP routes on the shared plumbing ([`crate::http`]): `POST /alerts` (and
//! `/create`, the path the seed workflow's Alertmanager posts to), behind bearer auth when a
//! token is set. `/healthz`, `/readyz` and `/metrics` come from the plumbing.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{middleware, Router};

use super::engine::{Engine, Failure};
use super::payload;
use crate::http::{self, reject, Secret};

/// The receiver's own routes.
pub fn routes(engine: Arc<Engine>, token: Option<Secret>) -> Router {
    let receive = post(receive).with_state(engine);
    let receive = match token {
        Some(t) => receive.route_layer(middleware::from_fn_with_state(t, http::require_bearer)),
        None => receive,
    };
    Router::new()
        .route("/alerts", receive.clone())
        .route("/create", receive)
}

async fn receive(State(engine): State<Arc<Engine>>, body: Bytes) -> Response {
    let n = match payload::parse(&body) {
        Ok(n) => n,
        Err(why) => return reject(StatusCode::BAD_REQUEST, why),
    };
    let key = n.group_key.clone();
    let status = n.status;
    match tokio::task::spawn_blocking(move || engine.handle(&n)).await {
        Ok(Ok(outcome)) => {
            let line = outcome.line();
            if !matches!(outcome, super::engine::Outcome::Unchanged) {
                http::log("incidents", &format!("{} {key}: {line}", status.as_str()));
            }
            (StatusCode::OK, format!("{line}\n")).into_response()
        }
        Ok(Err(e)) => {
            http::log(
                "incidents",
                &format!("{} {key}: not done: {e}", status.as_str()),
            );
            let code = match e {
                Failure::Sinks(_) => StatusCode::BAD_GATEWAY,
                Failure::State(_) => StatusCode::INTERNAL_SERVER_ERROR,
            };
            reject(code, format!("not done, retry: {e}"))
        }
        Err(_) => reject(
            StatusCode::INTERNAL_SERVER_ERROR,
            "not done, retry: the handler stopped unexpectedly",
        ),
    }
}
