//! The page's files, compiled into the binary: no file is read and nothing is fetched to serve
//! them, and no build step makes them. One idea a file, as TensorFlow Playground's page is
//! split: the state and the URL (`state.js`), each knob's control made from the server's
//! table of knobs (`controls.js`), the decision surfaces (`surface.js`), the loss
//! chart (`chart.js`), the network view (`network.js`), the margins and principal components
//! of data of many features (`margins.js`), and the wiring (`playground.js`).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::reply::refuse;

/// Each file the page loads: its name, its content type, its text.
const FILES: [(&str, &str, &str); 10] = [
    (
        "index.html",
        "text/html; charset=utf-8",
        include_str!("page/index.html"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("page/style.css"),
    ),
    (
        "state.js",
        "text/javascript; charset=utf-8",
        include_str!("page/state.js"),
    ),
    (
        "controls.js",
        "text/javascript; charset=utf-8",
        include_str!("page/controls.js"),
    ),
    (
        "surface.js",
        "text/javascript; charset=utf-8",
        include_str!("page/surface.js"),
    ),
    (
        "chart.js",
        "text/javascript; charset=utf-8",
        include_str!("page/chart.js"),
    ),
    (
        "network.js",
        "text/javascript; charset=utf-8",
        include_str!("page/network.js"),
    ),
    (
        "margins.js",
        "text/javascript; charset=utf-8",
        include_str!("page/margins.js"),
    ),
    (
        "playground.js",
        "text/javascript; charset=utf-8",
        include_str!("page/playground.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("page/favicon.svg"),
    ),
];

fn serve(name: &str) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, kind, text)) => (
            [
                (header::CONTENT_TYPE, *kind),
                (header::CACHE_CONTROL, "no-store"),
            ],
            *text,
        )
            .into_response(),
        None => refuse(
            StatusCode::NOT_FOUND,
            "no such page: the playground is at / and its API under /api/",
        ),
    }
}

pub async fn index() -> Response {
    serve("index.html")
}

/// One of the page's files by name; a browser's `/favicon.ico` gets the icon.
pub async fn file(Path(name): Path<String>) -> Response {
    serve(if name == "favicon.ico" {
        "favicon.svg"
    } else {
        &name
    })
}
