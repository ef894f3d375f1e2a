//! A tiny blocking HTTP/1.1 client over a plain `TcpStream`, for the tests and benches that
//! talk to the mock and stub servers on loopback: one exchange over a fresh connection
//! ([`exchange`]), or one response read from a keep-alive connection ([`read_response`]).
//!
//! Included by path (`#[path = ...] mod http;`) from several test and bench targets.

// Each target that includes this file uses only part of it (the tests `exchange`, the benches
// `read_response`), and what one leaves unused would otherwise warn there.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};

/// A response read to the end of its connection.
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The headers in order, names as the server sent them.
    pub headers: Vec<(String, String)>,
    /// The body, everything after the blank line.
    pub body: String,
}

impl Reply {
    /// The first value of the header `name`, whatever its case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON; panics, showing the body, when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One HTTP/1.1 exchange over a fresh connection (`Connection: close`): the request line,
/// `Host`, `headers`, and `Content-Length` when there is a `body`; the reply is read until
/// the server closes the connection.
pub fn exchange(
    address: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let (head, body) = reply
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of the head in {reply:?}"));
    let mut lines = head.lines();
    let status = status_code(lines.next().unwrap());
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_string(),
    }
}

/// Reads one response with a `Content-Length` body (or none) from a keep-alive connection,
/// leaving the connection at the start of the next; returns the status and the body.
pub fn read_response(reader: &mut BufReader<TcpStream>) -> (u16, Vec<u8>) {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = status_code(&line);
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status, body)
}

/// The code of a status line, `HTTP/1.1 200 OK`.
fn status_code(line: &str) -> u16 {
    line.get(9..12)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not a status line: {line:?}"))
}
