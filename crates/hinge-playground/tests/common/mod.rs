//! The playground server as a user starts it, and plain HTTP to it.

#![allow(dead_code)]

pub mod webdriver;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The `playground` binary running on a free port of 127.0.0.1; killed when dropped.
pub struct Playground {
    child: Child,
    pub address: String,
}

impl Playground {
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_playground"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the playground starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line
            .trim()
            .strip_prefix("Playground: http://")
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        Self { child, address }
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// One request; the status and the body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> (u16, String) {
        let (status, bytes) = self.request_bytes(method, path, content_type, body);
        (status, String::from_utf8_lossy(&bytes).to_string())
    }

    /// One request; the status and the body's bytes.
    pub fn request_bytes(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        http(&self.address, method, path, content_type, body)
    }

    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let (status, text) = self.request(
            "POST",
            path,
            "application/json",
            body.to_string().as_bytes(),
        );
        (status, json(&text))
    }

    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let (status, text) = self.request("GET", path, "text/plain", b"");
        assert_eq!(status, 200, "{path}: {text}");
        json(&text)
    }

    pub fn live_sessions(&self) -> u64 {
        self.get_json("/api/status")["sessions"].as_u64().unwrap()
    }

    /// A new session: its id and its default settings.
    pub fn session(&self) -> (u64, serde_json::Value) {
        let (status, answer) = self.post_json("/api/sessions", &serde_json::json!({}));
        assert_eq!(status, 200, "{answer}");
        (answer["id"].as_u64().unwrap(), answer["defaults"].clone())
    }

    /// Opens session `id`'s event stream; its events, one JSON value per `next`.
    pub fn events(&self, id: u64) -> Events {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let head = format!(
            "GET /api/sessions/{id}/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.address
        );
        stream.write_all(head.as_bytes()).unwrap();
        Events {
            reader: BufReader::new(stream),
        }
    }
}

impl Drop for Playground {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json(text: &str) -> serde_json::Value {
    // Chunked bodies carry their sizes on lines of their own; the JSON is the line with a brace.
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON in {text:?}"));
    serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("{e}: {text:?}"))
}

/// A session's server-sent events.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    pub fn next(&mut self) -> serde_json::Value {
        let mut line = String::new();
        loop {
            line.clear();
            let read = self.reader.read_line(&mut line).unwrap();
            assert!(read > 0, "the event stream ended");
            if let Some(data) = line.trim().strip_prefix("data:") {
                return serde_json::from_str(data.trim()).unwrap();
            }
        }
    }

    /// The next event of `kind`.
    pub fn next_of(&mut self, kind: &str) -> serde_json::Value {
        loop {
            let event = self.next();
            if event["kind"] == kind {
                return event;
            }
        }
    }
}

/// One HTTP/1.1 request to `address`; the status and the body's bytes. The body is read to its
/// Content-Length (chromedriver keeps the connection open after answering), else to the end.
pub fn http(
    address: &str,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // A server may answer before reading all of a large body, and then close.
    let _ = stream.write_all(body);
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {status_line:?}"));
    let mut length = None;
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = Some(value.trim().parse().unwrap());
        }
    }
    let mut response = Vec::new();
    match length {
        Some(length) => {
            response.resize(length, 0);
            reader.read_exact(&mut response).unwrap();
        }
        None => {
            let _ = reader.read_to_end(&mut response);
        }
    }
    (status, response)
}
