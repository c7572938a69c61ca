//! A tiny HTTP/1.1 server on 127.0.0.1 for protocol failures a real Prometheus will not
//! produce on demand (HTTP 5xx from a proxy, a hung server) and for capturing requests
//! (headers sent to Prometheus, the Slack webhook payload).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Captured {
    pub request_line: String,
    /// Header lines, as sent (`Name: value`).
    pub headers: Vec<String>,
    pub body: String,
}

impl Captured {
    /// The value of a header, case-insensitively.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.iter().find_map(|h| {
            let (n, v) = h.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

/// A server answering every request with `status` and `body`; it stops with the test process.
pub struct Stub {
    pub url: String,
    requests: mpsc::Receiver<Captured>,
}

impl Stub {
    pub fn start(status: u16, content_type: &'static str, body: &'static str) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind stub");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(req) = read_request(&mut stream) else {
                    continue;
                };
                let _ = tx.send(req);
                let reply = format!(
                    "HTTP/1.1 {status} Stub\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        Stub { url, requests: rx }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Captured> {
        self.requests.try_iter().collect()
    }
}

pub fn read_request(stream: &mut std::net::TcpStream) -> Option<Captured> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end().to_string();
        if line.is_empty() {
            break;
        }
        headers.push(line);
    }
    let mut req = Captured {
        request_line: request_line.trim_end().to_string(),
        headers,
        body: String::new(),
    };
    let len: usize = req
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    req.body = String::from_utf8_lossy(&body).into_owned();
    Some(req)
}

/// A listener that accepts connections and never answers (a hung Prometheus). The accepted
/// sockets are kept open until the test process ends.
pub fn silent_listener() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    url
}
