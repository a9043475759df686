//! Alerts reaching people, end to end: days collected from the simulator into a real store,
//! then `hashtrack alerts send`, `hashtrack rescore` and `hashtrack alerts` run as a user would
//! (secrets only in the child's environment), against real receivers on 127.0.0.1: an HTTP
//! endpoint that answers as scripted, and an SMTP server (aiosmtpd, installed on first use).

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::util::{
    Campaign, ConfigFile, Plugin, SmtpReceiver, TEST_KEY, campaign, fixture, hashtrack, roomy_sim,
    setup, sim_day, start_sim, walk,
};

/// One request an endpoint received.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

/// An HTTP endpoint on 127.0.0.1 that answers each POST with the next scripted status (and
/// `Retry-After`), then 200; it records everything it receives.
struct Endpoint {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Endpoint {
    async fn start(script: &[(u16, Option<&str>)]) -> Endpoint {
        let answers: VecDeque<(u16, Option<String>)> = script
            .iter()
            .map(|(s, r)| (*s, r.map(str::to_string)))
            .collect();
        let script = Arc::new(Mutex::new(answers));
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let handler = move |headers: HeaderMap, body: Bytes| {
            let script = script.clone();
            let log = log.clone();
            async move {
                log.lock().unwrap().push(Received {
                    headers: headers
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                        .collect(),
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                let (status, retry_after) =
                    script.lock().unwrap().pop_front().unwrap_or((200, None));
                let mut response =
                    (StatusCode::from_u16(status).unwrap(), "scripted answer").into_response();
                if let Some(seconds) = retry_after {
                    response
                        .headers_mut()
                        .insert("retry-after", seconds.parse().unwrap());
                }
                response
            }
        };
        // The path stands for the token a real Slack or webhook URL carries.
        let app =
            axum::Router::new().route("/hooks/T0KEN-s3cret-path", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/hooks/T0KEN-s3cret-path",
            listener.local_addr().unwrap()
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Endpoint { url, received }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// A test's rig: a simulator, a campaigns.toml with sinks, days collected into its store.
struct Delivery {
    dir: tempfile::TempDir,
    config_path: PathBuf,
    sim: hashtrack_sim::SimServer,
    /// The secrets, passed only to the child processes' environment.
    env: Vec<(String, String)>,
}

/// Alert rules that raise `low-activity` (a warning) on every day after the first: no
/// hashtag gets a billion new views a day.
fn stalled(id: &str, tag: &str) -> Campaign {
    campaign(id, &[tag]).alert_setting("min-daily-views", 1_000_000_000)
}

impl Delivery {
    async fn start(
        campaigns: Vec<Campaign>,
        sinks: toml::Table,
        env: Vec<(String, String)>,
    ) -> Delivery {
        Delivery::start_on(roomy_sim(), campaigns, sinks, env).await
    }

    /// As [`Delivery::start`], against a simulator configured as `sim` says.
    async fn start_on(
        sim: hashtrack_sim::SimConfig,
        campaigns: Vec<Campaign>,
        sinks: toml::Table,
        env: Vec<(String, String)>,
    ) -> Delivery {
        let sim = start_sim(sim).await;
        let dir = tempfile::tempdir().unwrap();
        let client_sinks = sinks.keys().cloned().collect();
        let config_path = ConfigFile {
            base_url: sim.base_url(),
            requests_per_minute: 60_000,
            client_budget: None,
            campaigns,
            sinks,
            client_sinks,
        }
        .write(dir.path());
        let delivery = Delivery {
            dir,
            config_path,
            sim,
            env,
        };
        delivery.collect(&[1, 2]).await;
        delivery
    }

    /// A stalled campaign `brand` on `tag` whose alerts go to one webhook sink `hook`, its
    /// URL (`endpoint`'s) in `var`.
    async fn one_hook(var: &str, tag: &str, endpoint: &Endpoint) -> Delivery {
        let hook = sink(&[("kind", "webhook".into()), ("url_env", var.into())]);
        Delivery::start(
            vec![stalled("brand", tag)],
            sinks(vec![("hook", hook)]),
            vec![(var.to_string(), endpoint.url.clone())],
        )
        .await
    }

    /// Collects these days in process; the store is closed again afterwards.
    async fn collect(&self, days: &[u64]) {
        let rig = setup(&self.config_path, TEST_KEY);
        for n in days {
            self.sim.set_date(sim_day(*n));
            rig.pipeline
                .run_day(sim_day(*n), &[], &|_| {})
                .await
                .unwrap();
        }
    }

    /// `hashtrack ARGS --config campaigns.toml` with the secrets in its environment: exit
    /// code, stdout + stderr.
    fn cli(&self, args: &[&str]) -> (i32, String) {
        let out = hashtrack()
            .args(args)
            .arg("--config")
            .arg(&self.config_path)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code().unwrap_or(-1), text)
    }

    /// `alerts send` in a blocking thread, so the endpoints keep answering.
    async fn send(&self) -> (i32, String) {
        let config = self.config_path.clone();
        let env = self.env.clone();
        tokio::task::spawn_blocking(move || {
            let out = hashtrack()
                .args(["alerts", "send", "--config"])
                .arg(&config)
                .envs(env)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            (out.status.code().unwrap_or(-1), text)
        })
        .await
        .unwrap()
    }
}

/// The JSON bodies received, and those of one rule.
fn bodies(received: &[Received]) -> Vec<serde_json::Value> {
    received
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}

fn of_rule<'a>(bodies: &'a [serde_json::Value], rule: &str) -> Vec<&'a serde_json::Value> {
    bodies.iter().filter(|b| b["rule"] == rule).collect()
}

impl Delivery {
    /// How many alerts the outbox holds.
    fn alerts_stored(&self) -> usize {
        let (code, out) = self.cli(&["alerts", "--json"]);
        assert_eq!(code, 0, "{out}");
        let json_end = out.rfind(']').unwrap() + 1;
        serde_json::from_str::<Vec<serde_json::Value>>(&out[..json_end])
            .unwrap()
            .len()
    }
}

fn sink(pairs: &[(&str, toml::Value)]) -> toml::Value {
    let mut table = toml::Table::new();
    for (key, value) in pairs {
        table.insert((*key).into(), value.clone());
    }
    table.into()
}

fn sinks(named: Vec<(&str, toml::Value)>) -> toml::Table {
    named
        .into_iter()
        .map(|(name, table)| (name.to_string(), table))
        .collect()
}

/// `[settings] report_url` set in the rig's campaigns.toml (edited as TOML, not as text).
fn set_report_url(config_path: &Path, template: &str) {
    let text = std::fs::read_to_string(config_path).unwrap();
    let mut config: toml::Table = text.parse().unwrap();
    config["settings"]
        .as_table_mut()
        .unwrap()
        .insert("report_url".into(), template.into());
    std::fs::write(config_path, toml::to_string(&config).unwrap()).unwrap();
}

/// Standard Webhooks verification, written from the specification (not with the sender's
/// code): HMAC-SHA256 over `id.timestamp.body`, keyed with the base64 after `whsec_`.
fn verify_signature(secret: &str, request: &Received) -> bool {
    let key = BASE64
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    let signed = format!(
        "{}.{}.{}",
        request.headers["webhook-id"], request.headers["webhook-timestamp"], request.body
    );
    mac.update(signed.as_bytes());
    let expected = format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()));
    request.headers["webhook-signature"]
        .split(' ')
        .any(|signature| signature == expected)
}

const HOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_webhook_survives_a_503_and_a_rerun_sends_nothing_again() {
    let endpoint = Endpoint::start(&[(503, None)]).await;
    let env = vec![
        ("T1_HOOK_URL".to_string(), endpoint.url.clone()),
        ("T1_HOOK_SECRET".to_string(), HOOK_SECRET.to_string()),
    ];
    let hook = sink(&[
        ("kind", "webhook".into()),
        ("url_env", "T1_HOOK_URL".into()),
        ("secret_env", "T1_HOOK_SECRET".into()),
    ]);
    let rig = Delivery::start(
        vec![stalled("brand", "hookbrand")],
        sinks(vec![("hook", hook)]),
        env,
    )
    .await;

    let (code, out) = rig.send().await;
    assert_eq!(code, 0, "{out}");
    let received = endpoint.received();
    let alerts = rig.alerts_stored();
    assert!(alerts >= 1);
    assert_eq!(received.len(), alerts + 1, "one 503, retried: {out}");
    let ids: std::collections::BTreeSet<&str> = received
        .iter()
        .map(|r| r.headers["webhook-id"].as_str())
        .collect();
    assert_eq!(ids.len(), alerts, "a retry keeps its webhook-id");
    for request in &received {
        assert!(verify_signature(HOOK_SECRET, request), "{request:?}");
    }
    let all = bodies(&received);
    let low = of_rule(&all, "low-activity");
    let body = low.last().expect("low-activity was delivered");
    assert_eq!(body["client"], "acme");
    assert_eq!(body["campaign"], "brand");
    assert_eq!(body["date"], sim_day(2).to_string());
    assert_eq!(body["severity"], "warning");
    assert!(
        body["message"].as_str().unwrap().contains("Low activity"),
        "{body}"
    );
    assert!(
        body["figures"]["new_views_per_day"].as_f64().is_some(),
        "{body}"
    );

    // The same day again, and a send: the alert is already in the outbox, so nothing new.
    rig.collect(&[2]).await;
    let (code, out) = rig.send().await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(endpoint.received().len(), alerts + 1, "{out}");
    let (_, listing) = rig.cli(&["alerts"]);
    assert!(listing.contains("hook: sent"), "{listing}");
}

#[tokio::test(flavor = "multi_thread")]
async fn slack_429_is_retried_after_retry_after_and_a_410_is_final() {
    let slack = Endpoint::start(&[(429, Some("1"))]).await;
    let gone = Endpoint::start(&[(410, None), (410, None), (410, None), (410, None)]).await;
    let env = vec![
        ("T2_SLACK_URL".to_string(), slack.url.clone()),
        ("T2_GONE_URL".to_string(), gone.url.clone()),
    ];
    let named = sinks(vec![
        (
            "slack",
            sink(&[("kind", "slack".into()), ("url_env", "T2_SLACK_URL".into())]),
        ),
        (
            "gone",
            sink(&[
                ("kind", "webhook".into()),
                ("url_env", "T2_GONE_URL".into()),
            ]),
        ),
    ]);
    let rig = Delivery::start(vec![stalled("brand", "slackbrand")], named, env).await;

    let started = std::time::Instant::now();
    let (code, out) = rig.send().await;
    assert_eq!(code, 3, "the 410 leaves something undelivered: {out}");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "Retry-After honoured"
    );
    let alerts = rig.alerts_stored();
    let received = slack.received();
    assert_eq!(received.len(), alerts + 1, "one 429, retried: {out}");
    let payloads = bodies(&received);
    let payload = payloads.last().unwrap();
    assert!(
        payload["text"].as_str().unwrap().contains("Acme"),
        "{payload}"
    );
    assert_eq!(payload["blocks"][0]["type"], "header");

    assert_eq!(gone.received().len(), alerts);
    let (_, listing) = rig.cli(&["alerts"]);
    assert!(listing.contains("slack: sent"), "{listing}");
    assert!(
        listing.contains("gone: FAILED for good after 1 attempt(s)") && listing.contains("410"),
        "{listing}"
    );
    // Final: another send does not try it again.
    rig.send().await;
    assert_eq!(gone.received().len(), alerts);
    assert_eq!(slack.received().len(), alerts + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rescore_that_adds_an_alert_sends_only_that_one_and_a_digest_groups_campaigns() {
    let endpoint = Endpoint::start(&[]).await;
    let env = vec![("T3_HOOK_URL".to_string(), endpoint.url.clone())];
    let digest = sink(&[
        ("kind", "webhook".into()),
        ("url_env", "T3_HOOK_URL".into()),
        ("mode", "digest".into()),
    ]);
    let campaigns = vec![stalled("alpha", "digesta"), stalled("beta", "digestb")];
    let rig = Delivery::start(
        campaigns.clone(),
        sinks(vec![("digest", digest.clone())]),
        env,
    )
    .await;

    let (code, out) = rig.send().await;
    assert_eq!(code, 0, "{out}");
    let received = endpoint.received();
    assert_eq!(
        received.len(),
        1,
        "one digest for the client's day: {received:?}"
    );
    let body: serde_json::Value = serde_json::from_str(&received[0].body).unwrap();
    assert_eq!(body["type"], "digest");
    let campaigns_in: Vec<&str> = body["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["campaign"].as_str().unwrap())
        .collect();
    assert!(
        campaigns_in.contains(&"alpha") && campaigns_in.contains(&"beta"),
        "{body}"
    );
    let before = campaigns_in.len();

    // Lower alpha's viral threshold and rescore day 2: one more alert, and only it is sent.
    let mut changed = campaigns;
    changed[0] = changed[0].clone().alert_setting("viral-day-views", 1);
    ConfigFile {
        base_url: "http://127.0.0.1:9".into(),
        requests_per_minute: 60_000,
        client_budget: None,
        campaigns: changed,
        sinks: sinks(vec![("digest", digest)]),
        client_sinks: vec!["digest".into()],
    }
    .write(rig.dir.path());
    let day = sim_day(2).to_string();
    // Without --deliver a rescore messages no one, and says what waits.
    let (code, out) =
        tokio::task::block_in_place(|| rig.cli(&["rescore", "--from", &day, "--to", &day]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(endpoint.received().len(), 1, "{out}");
    assert!(out.contains("1 message(s) wait to be delivered"), "{out}");
    let (code, out) = tokio::task::block_in_place(|| rig.cli(&["alerts", "send", "--dry-run"]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("would send to digest: digest of 1 alert(s)"),
        "{out}"
    );
    assert_eq!(endpoint.received().len(), 1, "a dry run sent: {out}");

    let (code, out) = tokio::task::block_in_place(|| {
        rig.cli(&["rescore", "--from", &day, "--to", &day, "--deliver"])
    });
    assert_eq!(code, 0, "{out}");
    let received = endpoint.received();
    assert_eq!(received.len(), 2, "{out}");
    let addendum: serde_json::Value = serde_json::from_str(&received[1].body).unwrap();
    let rules: Vec<&str> = addendum["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["viral-day"], "{addendum}");
    assert!(before >= 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_built_in_rules_and_a_component_run_side_by_side_each_alert_naming_its_plugin() {
    let endpoint = Endpoint::start(&[]).await;
    let env = vec![("T6_HOOK_URL".to_string(), endpoint.url.clone())];
    let hook = sink(&[
        ("kind", "webhook".into()),
        ("url_env", "T6_HOOK_URL".into()),
    ]);
    // Both stall at a billion views a day. The built-in rules would also call every day viral
    // (over 1 view), but that rule is switched off. `alerts_v0_1.wasm` is another component:
    // the built-in rules as released for WIT 0.1.0, so its rule ids are the same.
    let other = fixture("alerts_v0_1.wasm").to_string_lossy().into_owned();
    let brand = campaign("brand", &["sidebyside"])
        .alerts(Plugin::default().with("disable", vec!["viral-day"]))
        .alert_plugins(vec![
            Plugin::default()
                .setting("min-daily-views", 1_000_000_000)
                .setting("viral-day-views", 1),
            Plugin::file(other).setting("min-daily-views", 1_000_000_000),
        ]);
    let rig = Delivery::start(vec![brand], sinks(vec![("hook", hook)]), env).await;

    let setup = setup(&rig.config_path, TEST_KEY);
    let day = setup.store.day("brand", sim_day(2)).unwrap().unwrap();
    drop(setup);
    let mut stored: Vec<(String, String)> = match &day.alerts {
        hashtrack::domain::AlertsOutcome::Evaluated { alerts } => alerts
            .iter()
            .map(|a| (a.plugin.clone(), a.rule.clone()))
            .collect(),
        other => panic!("{other:?}"),
    };
    stored.sort();
    let tagged = |plugin: &str| (plugin.to_string(), "low-activity".to_string());
    assert_eq!(stored, [tagged("alerts_v0_1"), tagged("builtin")]);

    let (code, out) = rig.send().await;
    assert_eq!(code, 0, "{out}");
    let bodies = bodies(&endpoint.received());
    let mut delivered: Vec<(&str, &str)> = bodies
        .iter()
        .filter(|b| b["date"] == sim_day(2).to_string())
        .map(|b| (b["plugin"].as_str().unwrap(), b["rule"].as_str().unwrap()))
        .collect();
    delivered.sort();
    assert_eq!(
        delivered,
        [("alerts_v0_1", "low-activity"), ("builtin", "low-activity")],
        "{bodies:?}"
    );
    let (code, out) = tokio::task::block_in_place(|| rig.cli(&["alerts"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("low-activity [alerts_v0_1]"), "{out}");
    assert!(out.contains("low-activity [builtin]"), "{out}");
    assert!(!out.contains("viral-day"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rule_firing_day_after_day_is_one_message_then_still_ongoing() {
    let endpoint = Endpoint::start(&[]).await;
    let rig = Delivery::one_hook("T4_HOOK_URL", "ongoingbrand", &endpoint).await;
    rig.collect(&[3, 4]).await;
    let (code, out) = rig.send().await;
    assert_eq!(code, 0, "{out}");
    let all = bodies(&endpoint.received());
    let low = of_rule(&all, "low-activity");
    assert_eq!(
        low.len(),
        1,
        "days 2, 3 and 4 raise it; only day 2 is news: {out}"
    );
    assert_eq!(low[0]["date"], sim_day(2).to_string());
    let (_, listing) = rig.cli(&["alerts"]);
    assert!(listing.matches("still ongoing").count() >= 2, "{listing}");
}

#[tokio::test(flavor = "multi_thread")]
async fn email_reaches_a_real_smtp_server_and_no_secret_is_shown_or_stored() {
    let password = "smtp-pa55word-XYZ";
    let receiver = SmtpReceiver::start("alerts", password).await;
    let port = receiver.port;
    let gone = Endpoint::start(&[(410, None); 8]).await;
    let smtp_url = format!("smtp://alerts:{password}@127.0.0.1:{port}");
    let env = vec![
        ("T5_SMTP_URL".to_string(), smtp_url.clone()),
        ("T5_HOOK_URL".to_string(), gone.url.clone()),
        ("T5_HOOK_SECRET".to_string(), HOOK_SECRET.to_string()),
    ];
    let named = sinks(vec![
        (
            "mail",
            sink(&[
                ("kind", "email".into()),
                ("smtp_url_env", "T5_SMTP_URL".into()),
                ("from", "alerts@agency.example".into()),
                ("to", vec!["ops@agency.example".to_string()].into()),
            ]),
        ),
        (
            "gone",
            sink(&[
                ("kind", "webhook".into()),
                ("url_env", "T5_HOOK_URL".into()),
                ("secret_env", "T5_HOOK_SECRET".into()),
            ]),
        ),
    ]);
    let rig = Delivery::start(vec![stalled("brand", "mailbrand")], named, env).await;
    let (_, sent) = tokio::task::block_in_place(|| rig.cli(&["-vv", "alerts", "send"]));
    let mails = receiver.mails();
    assert_eq!(mails.len(), rig.alerts_stored(), "{sent}");
    let mail = mails
        .iter()
        .map(|m| std::fs::read_to_string(m).unwrap())
        .find(|m| m.contains("low-activity"))
        .expect("the low-activity alert was mailed");
    assert!(mail.contains("To: ops@agency.example"), "{mail}");
    assert!(
        mail.contains("Subject: [WARNING] Acme / brand: low-activity"),
        "{mail}"
    );
    assert!(
        mail.contains("text/plain") && mail.contains("text/html"),
        "{mail}"
    );

    // Nothing secret in what was printed (the 410 error included), listed or stored.
    let (_, listing) = rig.cli(&["alerts", "--json"]);
    let (_, test_out) = rig.cli(&["sinks", "test", "gone"]);
    let mut stored = Vec::new();
    for entry in walk(rig.dir.path()) {
        stored.extend(std::fs::read(entry).unwrap());
    }
    let stored = String::from_utf8_lossy(&stored);
    for secret in [
        password,
        "T0KEN-s3cret-path",
        HOOK_SECRET,
        smtp_url.as_str(),
    ] {
        for (name, text) in [
            ("send", &sent),
            ("alerts", &listing),
            ("sinks test", &test_out),
        ] {
            assert!(!text.contains(secret), "{name} shows {secret}: {text}");
        }
        assert!(
            !stored.contains(secret),
            "the data directory holds {secret}"
        );
    }
    assert!(sent.contains("410"), "{sent}");
}

/// A webhook endpoint that takes connections and never answers; counts them.
async fn hanging_endpoint() -> (String, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/hooks/T0KEN-s3cret-path",
        listener.local_addr().unwrap()
    );
    let connections = Arc::new(Mutex::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            *counted.lock().unwrap() += 1;
            held.push(socket);
        }
    });
    (url, connections)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_webhook_holds_up_neither_the_pass_nor_the_other_sinks() {
    let (hung_url, connections) = hanging_endpoint().await;
    let working = Endpoint::start(&[]).await;
    let env = vec![
        ("HUNG_HOOK_URL".to_string(), hung_url),
        ("GOOD_HOOK_URL".to_string(), working.url.clone()),
    ];
    let hook = |var: &str| sink(&[("kind", "webhook".into()), ("url_env", var.into())]);
    let campaigns: Vec<Campaign> = (1..=40)
        .map(|n| stalled(&format!("brand{n}"), &format!("hangbrand{n}")))
        .collect();
    let rig = Delivery::start(
        campaigns,
        sinks(vec![
            ("hung", hook("HUNG_HOOK_URL")),
            ("good", hook("GOOD_HOOK_URL")),
        ]),
        env,
    )
    .await;
    // A pass may take 5 s here (2 minutes unless configured).
    let text = std::fs::read_to_string(&rig.config_path).unwrap();
    let mut config: toml::Table = text.parse().unwrap();
    config["settings"]
        .as_table_mut()
        .unwrap()
        .insert("delivery_deadline_secs".into(), 5.into());
    std::fs::write(&rig.config_path, toml::to_string(&config).unwrap()).unwrap();
    let alerts = rig.alerts_stored();
    assert!(alerts >= 40, "{alerts} alerts");

    let started = std::time::Instant::now();
    let (code, out) = rig.send().await;
    let took = started.elapsed();
    assert_eq!(code, 3, "some alerts wait to be retried: {out}");
    assert!(
        took < std::time::Duration::from_secs(15),
        "took {took:?}: {out}"
    );
    assert_eq!(working.received().len(), alerts, "{out}");
    assert_eq!(
        *connections.lock().unwrap(),
        1,
        "one try, the rest deferred: {out}"
    );
    assert!(
        out.contains("deferred: hung failed earlier in this pass"),
        "{out}"
    );

    // The next pass, with the endpoint back, sends the rest to it, and nothing again to the
    // other sink.
    let back = Endpoint::start(&[]).await;
    let mut rig = rig;
    rig.env[0].1 = back.url.clone();
    let (code, out) = rig.send().await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(back.received().len(), alerts, "{out}");
    assert_eq!(working.received().len(), alerts, "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forgotten_day_leaves_the_reports_and_its_alerts_are_never_sent() {
    let endpoint = Endpoint::start(&[]).await;
    let rig = Delivery::one_hook("FORGET_HOOK_URL", "forgetbrand", &endpoint).await;
    assert!(rig.alerts_stored() >= 1);
    let day = sim_day(2).to_string();

    let (code, out) = rig.cli(&["store", "forget", "--campaign", "brand", "--date", &day]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = rig.cli(&["store", "forget", "--campaign", "brand", "--date", &day]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nothing to forget"), "{out}");

    let (code, out) = rig.send().await;
    assert_eq!(code, 0, "{out}");
    assert!(endpoint.received().is_empty(), "{out}");
    let (_, listing) = rig.cli(&["alerts"]);
    assert!(listing.contains("withdrawn"), "{listing}");
    let (code, report) = rig.cli(&["report", "--format", "json"]);
    assert_eq!(code, 0, "{report}");
    assert!(!report.contains(&day), "{report}");
    assert!(report.contains(&sim_day(1).to_string()), "{report}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sink_without_its_variable_or_a_misspelt_setting_is_found_before_spending() {
    let sim = start_sim(roomy_sim()).await;
    let dir = tempfile::tempdir().unwrap();
    let hook = sink(&[
        ("kind", "webhook".into()),
        ("url_env", "NEVER_SET_HOOK_URL".into()),
    ]);
    let write = |campaign: Campaign| {
        ConfigFile {
            base_url: sim.base_url(),
            requests_per_minute: 60_000,
            client_budget: None,
            campaigns: vec![campaign],
            sinks: sinks(vec![("hook", hook.clone())]),
            client_sinks: vec!["hook".into()],
        }
        .write(dir.path())
    };
    let cli = |config: &Path, args: &[&str]| {
        let out = hashtrack()
            .args(args)
            .arg("--config")
            .arg(config)
            .env("SCAVIO_API_KEY", TEST_KEY)
            .env_remove("NEVER_SET_HOOK_URL")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code().unwrap_or(-1), text)
    };

    let config = write(stalled("brand", "preflight"));
    let (code, out) = tokio::task::block_in_place(|| cli(&config, &["run", "--plan"]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning: sink 'hook' (webhook): $NEVER_SET_HOOK_URL is not set"),
        "{out}"
    );
    let (code, out) = tokio::task::block_in_place(|| cli(&config, &["sinks", "list"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("hook (webhook): info and above"), "{out}");
    assert!(out.contains("campaigns: brand"), "{out}");
    assert!(out.contains("$NEVER_SET_HOOK_URL: NOT SET"), "{out}");
    let (code, out) = tokio::task::block_in_place(|| cli(&config, &["run"]));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("nothing was spent") && out.contains("NEVER_SET_HOOK_URL"),
        "{out}"
    );
    assert_eq!(sim.stats().credits_charged, 0);

    let misspelt = write(stalled("brand", "preflight").alert_setting("viral-day-viewz", 5));
    let (code, out) = tokio::task::block_in_place(|| cli(&misspelt, &["run", "--plan"]));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("PROBLEM") && out.contains("viral-day-viewz"),
        "{out}"
    );

    // Allowed: the run pays, stores the alerts and says they wait (exit 3 once one is raised).
    let config = write(stalled("brand", "preflight"));
    let (code, out) = tokio::task::block_in_place(|| cli(&config, &["run", "--allow-undelivered"]));
    assert!(code == 0 || code == 3, "{out}");
    assert!(sim.stats().credits_charged > 0);
}

/// A viral day that is also a backlash: thresholds low enough that the simulator's day 2
/// raises `viral-day` (any growth) and `negative-sentiment` (a forced backlash, judged against
/// a 60% minimum on 10 new comments or more; day 1's kinder comments raise nothing).
fn viral_backlash(id: &str, tag: &str) -> (hashtrack_sim::SimConfig, Campaign) {
    let mut sim = roomy_sim();
    let mut quirks = hashtrack_sim::default_quirks(tag, sim.seed, sim.start_date);
    quirks.backlash_on = Some(sim_day(2));
    quirks.stall_on = None;
    sim.quirks.insert(tag.into(), quirks);
    // Tracking 10 of the hashtag's videos, not all: the growth is an estimate with bounds.
    let campaign = campaign(id, &[tag])
        .videos(10)
        .sentiment_videos(3)
        .alert_setting("viral-day-views", 1)
        .alert_setting("min-positive-ratio", 0.6)
        .alert_setting("min-new-comments", 10);
    (sim, campaign)
}

const REPORT_URL: &str = "https://reports.agency.example/{client}/{campaign}?date={date}";

/// The done-when: a viral day and a negative-sentiment day, sent to a webhook and to
/// Slack; the bodies name the driving videos with links, state the bounds in words, and quote
/// new negative comments. Then a rescore with another threshold rewords the stored alert and
/// sends nothing again.
#[tokio::test(flavor = "multi_thread")]
async fn alerts_name_their_videos_state_their_bounds_and_quote_new_negative_comments() {
    let hook = Endpoint::start(&[]).await;
    let slack = Endpoint::start(&[]).await;
    let env = vec![
        ("T7_HOOK_URL".to_string(), hook.url.clone()),
        ("T7_SLACK_URL".to_string(), slack.url.clone()),
    ];
    let named = sinks(vec![
        (
            "hook",
            sink(&[
                ("kind", "webhook".into()),
                ("url_env", "T7_HOOK_URL".into()),
            ]),
        ),
        (
            "slack",
            sink(&[("kind", "slack".into()), ("url_env", "T7_SLACK_URL".into())]),
        ),
    ]);
    let (sim, brand) = viral_backlash("brand", "bigbrand");
    let rig = Delivery::start_on(sim, vec![brand.clone()], named.clone(), env).await;
    set_report_url(&rig.config_path, REPORT_URL);
    let (code, out) = rig.send().await;
    assert_eq!(code, 0, "{out}");

    let day = sim_day(2).to_string();
    let report = format!("https://reports.agency.example/acme/brand?date={day}");
    let all = bodies(&hook.received());
    let of_day = |rule: &str| {
        let found = of_rule(&all, rule);
        (*found
            .iter()
            .find(|b| b["date"] == day)
            .unwrap_or_else(|| panic!("no {rule} on {day}: {all:?}")))
        .clone()
    };

    // The viral day: its videos with links, its bounds in words.
    let viral = of_day("viral-day");
    let message = viral["message"].as_str().unwrap();
    assert!(
        message.contains("new views a day (")
            && (message.contains("at least") || message.contains("between")),
        "{message}"
    );
    let drivers = viral["drivers"].as_array().unwrap();
    assert!((1..=3).contains(&drivers.len()), "{viral}");
    let mut gains = Vec::new();
    for driver in drivers {
        let (id, creator) = (
            driver["video_id"].as_str().unwrap(),
            driver["creator"].as_str().unwrap(),
        );
        assert_eq!(
            driver["url"],
            format!("https://www.tiktok.com/@{creator}/video/{id}"),
            "{driver}"
        );
        gains.push(driver["plays_gained_per_day"].as_u64().unwrap());
    }
    assert!(
        gains.windows(2).all(|w| w[0] >= w[1]),
        "most first: {gains:?}"
    );
    assert_eq!(viral["report_url"], report);

    // The backlash: new negative comments quoted, most liked first, as the store read them.
    let backlash = of_day("negative-sentiment");
    let quotes = backlash["quotes"].as_array().unwrap();
    assert!((2..=3).contains(&quotes.len()), "{backlash}");
    let setup = setup(&rig.config_path, TEST_KEY);
    let read = setup
        .store
        .comments_first_read_on("brand", sim_day(2))
        .unwrap();
    drop(setup);
    let likes: Vec<u64> = quotes
        .iter()
        .map(|q| q["likes"].as_u64().unwrap())
        .collect();
    assert!(likes.windows(2).all(|w| w[0] >= w[1]), "{likes:?}");
    for quote in quotes {
        let text = quote["text"].as_str().unwrap();
        let comment = read
            .iter()
            .find(|c| c.text.starts_with(text.trim_end_matches("...")))
            .unwrap_or_else(|| panic!("{text:?} was not read on {day}"));
        assert!(comment.score.unwrap() <= -0.05, "{comment:?}");
        assert_eq!(quote["video_id"], comment.video_id.as_str());
        assert!(
            quote["url"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/video/{}", comment.video_id))
        );
    }

    // Slack: the same, as Block Kit links and quotes.
    let payloads = bodies(&slack.received());
    let blocks_of = |rule: &str| {
        payloads
            .iter()
            .map(|p| p["blocks"].to_string())
            .find(|b| b.contains(&format!("`{rule} [builtin]`")) && b.contains(&day))
            .unwrap_or_else(|| panic!("no {rule} in {payloads:?}"))
    };
    let viral_blocks = blocks_of("viral-day");
    let first = &drivers[0];
    assert!(
        viral_blocks.contains(&format!(
            "<{}|@{}>",
            first["url"].as_str().unwrap(),
            first["creator"].as_str().unwrap()
        )),
        "{viral_blocks}"
    );
    assert!(viral_blocks.contains(message), "{viral_blocks}");
    assert!(
        viral_blocks.contains(&format!("<{report}|Report: brand, {day}>")),
        "{viral_blocks}"
    );
    let backlash_blocks = blocks_of("negative-sentiment");
    let quoted = quotes[0]["text"]
        .as_str()
        .unwrap()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(
        backlash_blocks.contains(&format!("“{quoted}”")),
        "{backlash_blocks}"
    );

    // A rescore with another threshold words the viral day anew: `alerts` shows it, nobody
    // is messaged again.
    let sent = (hook.received().len(), slack.received().len());
    ConfigFile {
        base_url: "http://127.0.0.1:9".into(),
        requests_per_minute: 60_000,
        client_budget: None,
        campaigns: vec![brand.alert_setting("viral-day-views", 2)],
        sinks: named,
        client_sinks: vec!["hook".into(), "slack".into()],
    }
    .write(rig.dir.path());
    set_report_url(&rig.config_path, REPORT_URL);
    let (code, out) =
        tokio::task::block_in_place(|| rig.cli(&["rescore", "--from", &day, "--to", &day]));
    assert_eq!(code, 0, "{out}");
    let (code, listing) = rig.cli(&["alerts"]);
    assert_eq!(code, 0, "{listing}");
    assert!(listing.contains("above the 2 threshold"), "{listing}");
    assert!(!listing.contains("above the 1 threshold"), "{listing}");
    let (code, out) = rig.send().await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        (hook.received().len(), slack.received().len()),
        sent,
        "{out}"
    );
}

/// The simulator's hostile mode (overlong handles, Slack mentions and links, formulas, control
/// characters in handles and comments) behind the videos an alert names and the comments it
/// quotes: Slack gets only our own links, to URLs of URL characters, and no control character.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_handles_and_comments_reach_slack_as_text_never_as_markup() {
    let slack = Endpoint::start(&[]).await;
    let env = vec![("T8_SLACK_URL".to_string(), slack.url.clone())];
    let named = sinks(vec![(
        "slack",
        sink(&[("kind", "slack".into()), ("url_env", "T8_SLACK_URL".into())]),
    )]);
    let sim = hashtrack_sim::SimConfig {
        hostile: true,
        ..roomy_sim()
    };
    let brand = campaign("brand", &["hostilealerts"])
        .comments_per_video(50)
        .alert_setting("viral-day-views", 1)
        .alert_setting("min-positive-ratio", 0.99)
        .alert_setting("min-new-comments", 5);
    let rig = Delivery::start_on(sim, vec![brand], named, env).await;
    rig.collect(&[3]).await;
    let (code, out) = rig.send().await;
    assert_eq!(code, 0, "{out}");

    let payloads = bodies(&slack.received());
    let sections: Vec<String> = payloads
        .iter()
        .flat_map(|p| p["blocks"].as_array().unwrap().clone())
        .filter_map(|b| b["text"]["text"].as_str().map(str::to_string))
        .collect();
    assert!(
        sections.iter().any(|s| s.contains("|@")),
        "no video named: {sections:?}"
    );
    assert!(
        sections.iter().any(|s| s.contains('“')),
        "no comment quoted: {sections:?}"
    );
    for text in sections.iter().chain(
        payloads
            .iter()
            .filter_map(|p| p["text"].as_str().map(str::to_string))
            .collect::<Vec<_>>()
            .iter(),
    ) {
        assert!(
            !text
                .chars()
                .any(|c| c != '\n' && hashtrack::text_safety::is_unsafe_control(c)),
            "{text:?}"
        );
        // Every `<` opens one of our links: `<https://…|label>`, its URL of URL characters.
        for link in text.split('<').skip(1) {
            let url = link
                .split_once('|')
                .map(|(url, _)| url)
                .unwrap_or_else(|| panic!("{text:?}"));
            assert!(url.starts_with("https://www.tiktok.com/@"), "{text:?}");
            assert!(
                url.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "%-._~/:@".contains(c)),
                "{url:?}"
            );
            let label = &link[url.len() + 1..];
            assert!(label.contains('>'), "{text:?}");
        }
    }
}
