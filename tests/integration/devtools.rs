//! A small client of the Chrome DevTools protocol, for checking a rendered page itself (what
//! the browser laid out, not the HTML we wrote): headless Chromium started with
//! `--remote-debugging-port=0`, its port read from `DevToolsActivePort`, one page attached over
//! a WebSocket (flat sessions), and `Runtime.evaluate` to ask the page questions.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// How long Chromium may take to start or to load a page.
const PATIENCE: Duration = Duration::from_secs(30);

pub struct Page {
    socket: WebSocket<TcpStream>,
    session: String,
    next_id: u64,
    /// Events the browser sent while a command waited for its reply, oldest first.
    events: Vec<Value>,
    browser: Child,
    _profile: tempfile::TempDir,
}

impl Page {
    /// `file` opened in a `width` × `height` window of `browser`, loaded.
    pub fn open(browser: &Path, file: &Path, size: (u32, u32)) -> Page {
        Page::open_url(browser, &format!("file://{}", file.display()), size)
    }

    /// `url` opened in a `width` × `height` window of `browser`, loaded; every request the
    /// page makes from then on is recorded ([`Page::requested`]).
    pub fn open_url(browser: &Path, url: &str, (width, height): (u32, u32)) -> Page {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let active = profile.path().join("DevToolsActivePort");
        let started = Instant::now();
        let endpoint = loop {
            // The file is written whole once the browser listens: port, then the browser's path.
            if let Ok(text) = std::fs::read_to_string(&active)
                && let [port, path] = text.lines().collect::<Vec<_>>()[..]
            {
                break format!("127.0.0.1:{port}{path}");
            }
            assert!(started.elapsed() < PATIENCE, "Chromium did not start");
            std::thread::sleep(Duration::from_millis(50));
        };
        let (host, path) = endpoint.split_at(endpoint.find('/').unwrap());
        let stream = TcpStream::connect(host).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let (socket, _) = tungstenite::client(format!("ws://{host}{path}"), stream).unwrap();
        let mut page = Page {
            socket,
            session: String::new(),
            next_id: 0,
            events: Vec::new(),
            browser: child,
            _profile: profile,
        };
        let target = page.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = page.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        page.session = attached["sessionId"].as_str().unwrap().to_string();
        page.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
        page.call("Network.enable", json!({}));
        page.navigate(url);
        page
    }

    /// Loads `url` and waits until it is complete.
    pub fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
        self.wait_until_loaded();
    }

    /// Waits until the page's document is complete (after a navigation or a click).
    pub fn wait_until_loaded(&mut self) {
        let loading = Instant::now();
        // A navigation started by a click replaces the document a moment later.
        std::thread::sleep(Duration::from_millis(100));
        while self.eval("document.readyState") != "complete" {
            assert!(loading.elapsed() < PATIENCE, "the page did not load");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every URL the page requested so far (documents, styles, images, downloads...).
    pub fn requested(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_string))
            .collect()
    }

    /// One protocol command on the page's session (the browser's before attaching); its
    /// result, or a panic with the protocol's error.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut command = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            command["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::text(command.to_string()))
            .unwrap();
        loop {
            let Message::Text(text) = self.socket.read().unwrap() else {
                continue;
            };
            let reply: Value = serde_json::from_str(&text).unwrap();
            // Events are kept for who asks; other sessions' replies are not ours.
            if reply.get("method").is_some() {
                self.events.push(reply);
                continue;
            }
            if reply["id"] != id {
                continue;
            }
            assert!(reply.get("error").is_none(), "{method}: {}", reply["error"]);
            return reply["result"].clone();
        }
    }

    /// The value of a JavaScript expression in the page.
    pub fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {}",
            result["exceptionDetails"]
        );
        result["result"]["value"].clone()
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        let _ = self.browser.kill();
        let _ = self.browser.wait();
    }
}
