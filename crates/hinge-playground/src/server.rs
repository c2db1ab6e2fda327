//! The web side: the routes of the page and of an API of one session per tab. A tab creates its session, opens
//! its event stream (server-sent events: a start, then a frame per epoch) and sends settings,
//! uploads and play / pause / step. Every answer to a bad request is a 4xx with a one-line
//! message; nothing a request holds becomes a path, and nothing is written to disk.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::rejection::StringRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use burn::tensor::Device;
use hinge_data::LabeledPoints;
use serde::Deserialize;
use serde_json::json;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;

use crate::page;
use crate::reply::{MAX_REQUEST_BYTES, Refusal, ok, one_line, parse_json, refuse};
use crate::session::{self, Command};
use crate::settings::Settings;
use crate::upload::{MAX_UPLOAD_BYTES, parse_points};
use crate::view::Event;

/// How long a new session waits for its tab to open the event stream.
const CONNECT_WITHIN: Duration = Duration::from_secs(10);

/// What the server shares between requests.
pub struct Server {
    sessions: Mutex<HashMap<u64, Handle>>,
    next_id: AtomicU64,
    pub max_sessions: usize,
    pub idle: Duration,
    pub device: Device,
}

/// A live session, as the requests reach it.
struct Handle {
    commands: std::sync::mpsc::Sender<Command>,
    /// Taken by the tab's event stream; a session's events have one reader.
    events: Option<tokio::sync::mpsc::Receiver<Event>>,
    alive: Arc<AtomicBool>,
    uploaded: Option<Arc<LabeledPoints>>,
}

impl Server {
    pub fn new(device: Device, max_sessions: usize, idle: Duration) -> Arc<Self> {
        Arc::new(Self {
            sessions: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            max_sessions,
            idle,
            device,
        })
    }

    fn live(&self) -> usize {
        self.sessions
            .lock()
            .expect("no request panics holding the lock")
            .len()
    }
}

/// The routes of the page and its API.
pub fn router(server: Arc<Server>) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/{file}", get(page::file))
        .route("/api/knobs", get(knobs))
        .route("/api/status", get(status))
        .route("/api/sessions", post(create))
        .route("/api/sessions/{id}/events", get(events))
        .route("/api/sessions/{id}/settings", post(settings))
        .route("/api/sessions/{id}/control", post(control))
        .route("/api/sessions/{id}/members/{member}/run.tar", get(download))
        .route(
            "/api/sessions/{id}/data",
            post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .fallback(not_found)
        .with_state(server)
}

async fn not_found() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "no such page: the playground is at / and its API under /api/",
    )
}

/// The page's knobs: names, labels, sections and the values each allows.
async fn knobs() -> Response {
    ok(json!(crate::knobs::knobs()))
}

async fn status(State(server): State<Arc<Server>>) -> Response {
    ok(json!({ "sessions": server.live(), "max_sessions": server.max_sessions }))
}

async fn create(State(server): State<Arc<Server>>) -> Response {
    let mut sessions = server
        .sessions
        .lock()
        .expect("no request panics holding the lock");
    if sessions.len() >= server.max_sessions {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "busy: {} sessions are training, the most this server runs at once (--max-sessions); \
                 try again when one ends",
                sessions.len()
            ),
        );
    }
    let id = server.next_id.fetch_add(1, Ordering::Relaxed);
    let (commands, receiver) = std::sync::mpsc::channel();
    let (sender, events) = tokio::sync::mpsc::channel(4);
    let alive = Arc::new(AtomicBool::new(true));
    sessions.insert(
        id,
        Handle {
            commands,
            events: Some(events),
            alive: alive.clone(),
            uploaded: None,
        },
    );
    drop(sessions);
    let (device, idle, registry) = (server.device.clone(), server.idle, server.clone());
    let thread_alive = alive.clone();
    std::thread::spawn(move || {
        session::run(receiver, sender, thread_alive, device, idle);
        registry
            .sessions
            .lock()
            .expect("no request panics holding the lock")
            .remove(&id);
    });
    // A tab that never opens its stream does not hold a session.
    let waiting = server.clone();
    tokio::spawn(async move {
        tokio::time::sleep(CONNECT_WITHIN).await;
        let mut sessions = waiting
            .sessions
            .lock()
            .expect("no request panics holding the lock");
        if let Some(handle) = sessions.get_mut(&id)
            && let Some(unread) = handle.events.take()
        {
            // Dropping the unread stream also frees a session blocked on sending to it.
            handle.alive.store(false, Ordering::Relaxed);
            drop(unread);
        }
    });
    ok(json!({ "id": id, "defaults": Settings::default(), "knobs": crate::knobs::knobs() }))
}

fn unknown(id: u64) -> Refusal {
    Refusal(
        StatusCode::NOT_FOUND,
        format!("no session {id}: it ended (its tab closed, or it was idle); reload the page"),
    )
}

/// Ends the session when the tab's stream is dropped: the tab closed or its connection fell.
struct EndsSession(Arc<AtomicBool>);

impl Drop for EndsSession {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

async fn events(
    State(server): State<Arc<Server>>,
    Path(id): Path<u64>,
) -> Result<Response, Refusal> {
    let (receiver, alive) = {
        let mut sessions = server
            .sessions
            .lock()
            .expect("no request panics holding the lock");
        let handle = sessions.get_mut(&id).ok_or_else(|| unknown(id))?;
        let receiver = handle.events.take().ok_or_else(|| {
            Refusal(
                StatusCode::CONFLICT,
                format!("session {id} already has its stream open in another tab"),
            )
        })?;
        (receiver, handle.alive.clone())
    };
    let guard = EndsSession(alive);
    let stream = ReceiverStream::new(receiver).map(move |event| {
        let _held = &guard;
        Ok::<_, Infallible>(
            SseEvent::default()
                .data(serde_json::to_string(&event).expect("events are numbers and names")),
        )
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_millis(300)))
        .into_response())
}

/// Sends `command` to session `id`.
fn send(server: &Server, id: u64, command: Command) -> Result<(), Refusal> {
    let sessions = server
        .sessions
        .lock()
        .expect("no request panics holding the lock");
    let handle = sessions.get(&id).ok_or_else(|| unknown(id))?;
    handle.commands.send(command).map_err(|_| unknown(id))
}

async fn settings(
    State(server): State<Arc<Server>>,
    Path(id): Path<u64>,
    body: Result<String, StringRejection>,
) -> Result<Response, Refusal> {
    let settings: Settings = parse_json(body)?;
    let uploaded = {
        let sessions = server
            .sessions
            .lock()
            .expect("no request panics holding the lock");
        sessions
            .get(&id)
            .ok_or_else(|| unknown(id))?
            .uploaded
            .clone()
    };
    let uploaded = uploaded.filter(|_| settings.uploaded);
    let members = settings
        .members(uploaded.as_ref().map(|data| (data.len(), data.width)))
        .map_err(|message| Refusal(StatusCode::BAD_REQUEST, message))?;
    let command = settings.command();
    send(
        &server,
        id,
        Command::Start(Box::new(settings), members, uploaded),
    )?;
    Ok(ok(json!({ "command": command })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Control {
    action: Action,
    /// For `inspect`: the member the network view shows.
    member: Option<usize>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    Play,
    Pause,
    Step,
    Inspect,
}

async fn control(
    State(server): State<Arc<Server>>,
    Path(id): Path<u64>,
    body: Result<String, StringRejection>,
) -> Result<Response, Refusal> {
    let control: Control = parse_json(body)?;
    let bad = |message: &str| Refusal(StatusCode::BAD_REQUEST, message.to_string());
    let command = match (control.action, control.member) {
        (Action::Play, None) => Command::Play,
        (Action::Pause, None) => Command::Pause,
        (Action::Step, None) => Command::Step,
        (Action::Inspect, Some(member)) => Command::Inspect(member),
        (Action::Inspect, None) => return Err(bad("inspect needs the member to show")),
        (_, Some(_)) => return Err(bad("only inspect takes a member")),
    };
    send(&server, id, command)?;
    Ok(ok(json!({})))
}

async fn upload(
    State(server): State<Arc<Server>>,
    Path(id): Path<u64>,
    body: Result<String, StringRejection>,
) -> Result<Response, Refusal> {
    let text = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the upload is too large: at most {} KiB",
                    MAX_UPLOAD_BYTES / 1024
                ),
            )
        } else {
            Refusal(rejection.status(), one_line(&rejection.body_text()))
        }
    })?;
    let points =
        parse_points(&text).map_err(|message| Refusal(StatusCode::BAD_REQUEST, message))?;
    let count = points.len();
    let mut sessions = server
        .sessions
        .lock()
        .expect("no request panics holding the lock");
    sessions.get_mut(&id).ok_or_else(|| unknown(id))?.uploaded = Some(Arc::new(points));
    Ok(ok(json!({ "points": count })))
}

/// A member's run folder (`config.json`, `model.bpk`) as a tar archive, for `predict` and
/// `lab margins`.
async fn download(
    State(server): State<Arc<Server>>,
    Path((id, member)): Path<(u64, usize)>,
) -> Result<Response, Refusal> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    send(&server, id, Command::Export(member, reply))?;
    Ok(match answer.await {
        Ok(Ok(archive)) => (
            [
                (header::CONTENT_TYPE, "application/x-tar".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"run-{member}.tar\""),
                ),
            ],
            archive,
        )
            .into_response(),
        Ok(Err(message)) => refuse(StatusCode::BAD_REQUEST, message),
        Err(_) => unknown(id).into_response(),
    })
}
