//! The transports: Slack incoming webhooks, signed webhooks (Standard Webhooks), email over
//! SMTP (lettre, rustls) and a directory of JSON files. One call sends one message once;
//! retrying is the delivery pass's business. Every error is scrubbed of the sink's secrets
//! (URLs carry tokens, SMTP URLs passwords) before it leaves this module.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sha2::Sha256;

use super::message::Message;
use crate::config::{SinkConfig, SinkKind, smtp_transport_url};

/// Why a send failed, in words without secrets.
#[derive(Debug, Clone, PartialEq)]
pub enum SendError {
    /// May pass: a 429 or 5xx, a timeout, an unreachable server, an unset variable.
    Transient {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Will not pass by retrying: 400, 403, 404, 410, a malformed secret or address.
    Permanent { reason: String },
    /// No answer at all (a timeout, no connection): the sink is down for now, so neither this
    /// message nor the sink's others are retried until the next pass.
    Unreachable { reason: String },
}

impl SendError {
    fn transient(reason: impl Into<String>) -> SendError {
        SendError::Transient {
            reason: reason.into(),
            retry_after: None,
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            SendError::Transient { reason, .. }
            | SendError::Permanent { reason }
            | SendError::Unreachable { reason } => reason,
        }
    }
}

/// How long one HTTP delivery may take.
const HTTP_TIMEOUT: Duration = Duration::from_secs(20);
/// How much of a refusing server's answer is quoted.
const QUOTED_BODY_CHARS: usize = 160;

/// Sends messages; one per delivery pass.
pub struct Transports {
    http: reqwest::Client,
}

impl Transports {
    pub fn new() -> Transports {
        Transports {
            http: reqwest::Client::builder()
                .timeout(HTTP_TIMEOUT)
                .user_agent(concat!("hashtrack/", env!("CARGO_PKG_VERSION")))
                .build()
                .expect("a TLS backend is compiled in"),
        }
    }

    /// Sends `message` to `sink` once. `now` is the Unix time the webhook signature carries.
    pub async fn send(
        &self,
        sink: &SinkConfig,
        message: &Message<'_>,
        now: i64,
    ) -> Result<(), SendError> {
        let mut secrets = Vec::new();
        let result = self.send_unscrubbed(sink, message, now, &mut secrets).await;
        result.map_err(|e| scrub(e, &secrets))
    }

    async fn send_unscrubbed(
        &self,
        sink: &SinkConfig,
        message: &Message<'_>,
        now: i64,
        secrets: &mut Vec<String>,
    ) -> Result<(), SendError> {
        match &sink.kind {
            SinkKind::Slack { url_env } => {
                let url = secret(url_env, secrets)?;
                let body = serde_json::to_vec(&message.slack()).expect("JSON");
                self.post(&url, body, &[]).await
            }
            SinkKind::Webhook {
                url_env,
                secret_env,
            } => {
                let url = secret(url_env, secrets)?;
                let body = serde_json::to_vec(&message.json()).expect("JSON");
                let mut headers = vec![
                    ("webhook-id", message.id.clone()),
                    ("webhook-timestamp", now.to_string()),
                ];
                if let Some(secret_env) = secret_env {
                    let key = secret(secret_env, secrets)?;
                    let signature = sign(&key, &message.id, now, &body).map_err(|problem| {
                        SendError::Permanent {
                            reason: format!("{secret_env}: {problem}"),
                        }
                    })?;
                    headers.push(("webhook-signature", signature));
                }
                self.post(&url, body, &headers).await
            }
            SinkKind::Email {
                smtp_url_env,
                from,
                to,
            } => {
                let url = smtp_url(smtp_url_env, secrets)?;
                let body = MultiPart::alternative_plain_html(message.text(), message.html());
                send_email(&url, from, to, &message.subject(), body).await
            }
            SinkKind::File { dir } => write_file(dir, message),
        }
    }

    /// Sends `mail` to `to` through an email sink's server and sender, once.
    pub async fn send_mail(
        &self,
        sink: &SinkConfig,
        to: &[String],
        mail: &Mail,
    ) -> Result<(), SendError> {
        let SinkKind::Email {
            smtp_url_env, from, ..
        } = &sink.kind
        else {
            return Err(SendError::Permanent {
                reason: format!("sink '{}' is not an email sink", sink.name),
            });
        };
        let mut secrets = Vec::new();
        let result = match smtp_url(smtp_url_env, &mut secrets) {
            Ok(url) => send_email(&url, from, to, &mail.subject, mail.body()).await,
            Err(e) => Err(e),
        };
        result.map_err(|e| scrub(e, &secrets))
    }

    async fn post(
        &self,
        url: &str,
        body: Vec<u8>,
        headers: &[(&str, String)],
    ) -> Result<(), SendError> {
        let mut request = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        // `without_url`: reqwest's errors name the URL, and the URL is the secret.
        let response = request.send().await.map_err(|e| {
            // The causes say why (refused, timed out, TLS); they are scrubbed like the rest.
            let e = e.without_url();
            let mut reason = format!("could not deliver: {e}");
            let mut cause = std::error::Error::source(&e);
            while let Some(inner) = cause {
                reason.push_str(&format!(": {inner}"));
                cause = inner.source();
            }
            SendError::Unreachable { reason }
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let answer = response.text().await.unwrap_or_default();
        let answer: String = answer.split_whitespace().collect::<Vec<_>>().join(" ");
        let answer: String = answer.chars().take(QUOTED_BODY_CHARS).collect();
        let reason = if answer.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status}: {answer}")
        };
        match status.as_u16() {
            429 | 500..=599 | 408 => Err(SendError::Transient {
                reason,
                retry_after,
            }),
            _ => Err(SendError::Permanent { reason }),
        }
    }
}

impl Default for Transports {
    fn default() -> Self {
        Transports::new()
    }
}

/// A secret from the environment, remembered so that errors can be scrubbed of it.
fn secret(env: &str, secrets: &mut Vec<String>) -> Result<String, SendError> {
    match std::env::var(env) {
        Ok(value) if !value.trim().is_empty() => {
            let value = value.trim().to_string();
            secrets.push(value.clone());
            Ok(value)
        }
        _ => Err(SendError::transient(format!(
            "the environment variable {env} is not set"
        ))),
    }
}

/// A webhook signing secret that is not `whsec_` and base64 (the secret itself is not shown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a Standard Webhooks secret (whsec_ followed by base64)")]
pub struct NotAWebhookSecret;

/// Standard Webhooks: `v1,` + base64 of HMAC-SHA256 over `id.timestamp.body`, keyed with the
/// base64-decoded part of the secret after `whsec_`.
pub fn sign(
    secret: &str,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, NotAWebhookSecret> {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = BASE64.decode(encoded).map_err(|_| NotAWebhookSecret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

/// An email that is not an alert: a scheduled client report.
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A file attached: its name, MIME type and bytes.
    pub attachment: Option<(String, String, Vec<u8>)>,
}

impl Mail {
    fn body(&self) -> MultiPart {
        let message = MultiPart::alternative_plain_html(self.text.clone(), self.html.clone());
        let Some((name, mime, bytes)) = &self.attachment else {
            return message;
        };
        let content_type = ContentType::parse(mime).unwrap_or(ContentType::TEXT_PLAIN);
        MultiPart::mixed()
            .multipart(message)
            .singlepart(Attachment::new(name.clone()).body(bytes.clone(), content_type))
    }
}

/// The SMTP URL an email sink's variable holds, checked (as at load: the variable is read
/// again) and remembered as a secret.
fn smtp_url(smtp_url_env: &str, secrets: &mut Vec<String>) -> Result<String, SendError> {
    let url = secret(smtp_url_env, secrets)?;
    smtp_transport_url(&url).map_err(|problem| SendError::Permanent {
        reason: format!("{smtp_url_env}: {problem}"),
    })
}

async fn send_email(
    url: &str,
    from: &str,
    to: &[String],
    subject: &str,
    body: MultiPart,
) -> Result<(), SendError> {
    let permanent = |reason: String| SendError::Permanent { reason };
    let mailbox = |address: &str| {
        address
            .parse::<Mailbox>()
            .map_err(|e| permanent(format!("'{address}': {e}")))
    };
    let mut builder = lettre::Message::builder()
        .from(mailbox(from)?)
        .subject(subject);
    for address in to {
        builder = builder.to(mailbox(address)?);
    }
    let email = builder
        .multipart(body)
        .map_err(|e| permanent(format!("could not build the email: {e}")))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| permanent(format!("the SMTP URL is not usable: {e}")))?
        .timeout(Some(HTTP_TIMEOUT))
        .build();
    match transport.send(email).await {
        Ok(_) => Ok(()),
        Err(e) if e.is_permanent() => Err(permanent(format!("the SMTP server refused: {e}"))),
        Err(e) => Err(SendError::transient(format!("SMTP: {e}"))),
    }
}

/// One JSON file per delivery, written whole (a reader never sees half a file).
fn write_file(dir: &Path, message: &Message<'_>) -> Result<(), SendError> {
    let failed = |e: std::io::Error| SendError::transient(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(failed)?;
    let path = dir.join(format!("{}-{}.json", message.date, message.id));
    let partial = path.with_extension("json.partial");
    let body = serde_json::to_vec_pretty(&message.json()).expect("JSON");
    std::fs::write(&partial, body).map_err(failed)?;
    std::fs::rename(&partial, &path).map_err(failed)
}

/// The error with every secret (and its URL-decoded form) replaced.
fn scrub(error: SendError, secrets: &[String]) -> SendError {
    let clean = |text: String| {
        secrets.iter().fold(text, |text, secret| {
            let mut text = text.replace(secret.as_str(), "[secret]");
            if let Ok(url) = reqwest::Url::parse(secret) {
                if let Some(password) = url.password() {
                    text = text.replace(password, "[secret]");
                }
                if url.path().len() > 1 {
                    text = text.replace(url.path(), "/[secret]");
                }
            }
            text
        })
    };
    match error {
        SendError::Transient {
            reason,
            retry_after,
        } => SendError::Transient {
            reason: clean(reason),
            retry_after,
        },
        SendError::Permanent { reason } => SendError::Permanent {
            reason: clean(reason),
        },
        SendError::Unreachable { reason } => SendError::Unreachable {
            reason: clean(reason),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_standard_webhooks() {
        // The example of the Standard Webhooks specification's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(sign("whsec_not base64!", "id", 1, b"").is_err());
    }

    #[test]
    fn errors_lose_the_secrets_they_carry() {
        let url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET";
        let error = SendError::transient(format!(
            "failed for {url} at /services/T000/B000/XXXXSECRET"
        ));
        let scrubbed = scrub(error, &[url.to_string()]);
        assert!(
            !scrubbed.reason().contains("XXXXSECRET"),
            "{}",
            scrubbed.reason()
        );
        let smtp = "smtp://ops:hunter2pass@127.0.0.1:2525";
        let error = SendError::transient("AUTH hunter2pass refused".to_string());
        assert!(
            !scrub(error, &[smtp.to_string()])
                .reason()
                .contains("hunter2pass")
        );
    }
}
