//! How the server answers: JSON, and a refused request as a 4xx or 5xx with a one-line
//! message, the same words the CLI would print.

use axum::extract::rejection::StringRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub use hinge_cli::one_line;

/// The most bytes of a settings or control request.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;

/// `value` as a JSON answer.
pub fn answer(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

pub fn ok(value: serde_json::Value) -> Response {
    answer(StatusCode::OK, value)
}

/// A 4xx or 5xx with its one-line message, answered as JSON.
pub struct Refusal(pub StatusCode, pub String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        answer(self.0, json!({ "error": self.1 }))
    }
}

pub fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    Refusal(status, message.into()).into_response()
}

/// A request's JSON body as `T`: a body too large, not JSON, or not a `T` is a 4xx naming why.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    body: Result<String, StringRejection>,
) -> Result<T, Refusal> {
    let text = match body {
        Ok(text) => text,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(Refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the request is too large: at most {} KiB",
                    MAX_REQUEST_BYTES / 1024
                ),
            ));
        }
        Err(rejection) => {
            return Err(Refusal(
                rejection.status(),
                one_line(&rejection.body_text()),
            ));
        }
    };
    serde_json::from_str(&text).map_err(|err| {
        let status = if err.is_data() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::BAD_REQUEST
        };
        Refusal(
            status,
            format!("the request is not what the playground reads: {err}"),
        )
    })
}
