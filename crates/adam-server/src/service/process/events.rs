//! What goes out of ADAM about cases: the ministry's notification of a security event
//! (Art. 19(4)–(5)) and the overdue reminders with their background task. The security events
//! ADAM raises itself for what it detected (Art. 18(2)) are `security_event.rs`, below
//! `authn/`, which detects most of them.

use super::*;

/// The notification of a security event to the ministry (Art. 19(4)–(5)) in its documented
/// JSON format (`docs/processes.md`): the data of Art. 19(5), by the Decree's numbering.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MinistryNotification {
    /// `adam.security-event-notification/1`.
    pub format: &'static str,
    /// The body's name.
    pub body: String,
    /// Art. 19(5) point 1: The event's identification mark.
    pub identification: String,
    /// Art. 19(5) point 2: The person reporting.
    pub reporter: Option<PersonRef>,
    /// Art. 19(5) point 3: The description, each part by its field key: what, how, why, which asset,
    /// negative business effects, vulnerabilities.
    pub description: std::collections::BTreeMap<String, String>,
    /// Art. 19(5) point 4: The details: when it occurred, was discovered and reported, whether closed, how long.
    pub details: std::collections::BTreeMap<String, String>,
    /// When and to whom it was sent, once recorded.
    pub sent: Option<String>,
}

/// The ministry notification of a security-event case.
pub fn ministry_notification(w: &World, case: &Case) -> ApiResult<MinistryNotification> {
    if case.process.as_str() != process::SECURITY_EVENT {
        return Err(WebError::new(
            axum::http::StatusCode::CONFLICT,
            "not-a-security-event",
            "only a security event is notified to the ministry",
        )
        .sl("ministrstvu se priglasi le varnostni dogodek"));
    }
    let def = &w.process_definition(case.definition)?.definition;
    let text = |k: &str| {
        def.field(k)
            .and_then(|f| case.fields.get(&f.key).map(|v| shown(w, &f.kind, v, Lang::Sl)))
            .unwrap_or_default()
    };
    let pick = |keys: &[&str]| keys.iter().map(|k| ((*k).to_owned(), text(k))).collect();
    let sent = case
        .fields
        .keys()
        .any(|k| k.as_str() == "ministry_notified_at")
        .then(|| format!("{} – {}", text("ministry_notified_at"), text("ministry_notified_to")));
    let mut details: std::collections::BTreeMap<String, String> = pick(&["occurred_at", "discovered_at", "duration"]);
    details.insert("reported_at".to_owned(), LocalTime::of(case.started_at).to_string());
    details.insert(
        "closed".to_owned(),
        if case.state == CaseState::Closed { "da" } else { "ne" }.to_owned(),
    );
    Ok(MinistryNotification {
        format: NOTIFICATION_FORMAT,
        body: w.settings().organisation.to_string(),
        identification: case.reference(),
        reporter: case.started_by.map(|u| person(w, u)),
        description: pick(&[
            "situation",
            "what",
            "how",
            "why",
            "affected_system",
            "affected_asset",
            "business_effects",
            "vulnerabilities",
        ]),
        details,
        sent,
    })
}

/// Sends the overdue reminders due now: for every open case past its step's due time whose
/// reminder has not gone out for this visit, ADAM records the reminder (one change each, in the
/// audit trail) and the performers are e-mailed after the commit. Returns the cases reminded.
/// A read-only server (a standby) sends none: its primary does.
pub async fn remind_overdue(s: &crate::state::AppState) -> Vec<CaseId> {
    if s.read_only().is_some() {
        return Vec::new();
    }
    let now = s.now();
    let due: Vec<CaseId> = s
        .world()
        .overdue_steps(now)
        .into_iter()
        .filter(|(c, _)| c.reminded != Some(c.visit))
        .map(|(c, _)| c.id)
        .collect();
    let mut sent = Vec::new();
    for case in due {
        let context = s.context(Actor::System, None);
        match s
            .execute_as(Actor::System, context, Command::RemindOverdue { case })
            .await
        {
            Ok(_) => sent.push(case),
            // Another server reminded first, or the case moved meanwhile: nothing to send.
            Err(e) => tracing::debug!(code = e.code, case = %case, "no overdue reminder"),
        }
    }
    sent
}

// The reminder task is started here, by the layer that sends the reminders, rather than by
// `state`, which must not import the service layer that builds on it.
impl crate::state::AppState {
    /// Reminds the performers of overdue steps every `Config::remind_every` until the
    /// process ends (each reminder once per visit of a step, recorded on the case).
    pub fn spawn_reminders(&self, mut stop: crate::state::Stop) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(me.config.remind_every);
            while crate::state::next_tick(&mut tick, &mut stop).await {
                let sent = remind_overdue(&me).await;
                if !sent.is_empty() {
                    tracing::info!(cases = sent.len(), "overdue reminders sent");
                }
            }
        })
    }
}

/// The format of a notification file, in and out.
pub const NOTIFICATION_FORMAT: &str = "adam.security-event-notification/1";

/// A body's notification as an installation run by the ministry receives it: the file
/// `GET /api/v1/cases/{id}/notification` of the body's installation gives (Art. 19(4)–(5)).
/// A member the format does not have is refused: a file of a later format says so in `format`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncomingNotification {
    /// `adam.security-event-notification/1`.
    pub format: String,
    /// The notifying body's name.
    pub body: String,
    /// Art. 19(5) point 1: the event's identification mark (unique within the body).
    pub identification: String,
    /// Art. 19(5) point 2: the person reporting.
    #[serde(default)]
    pub reporter: Option<IncomingPerson>,
    /// Art. 19(5) point 3: the description by its field key (`what`, `how`, `why`,
    /// `affected_asset`, `affected_system`, `business_effects`, `vulnerabilities`, `situation`).
    #[serde(default)]
    pub description: std::collections::BTreeMap<String, String>,
    /// Art. 19(5) point 4: when it occurred, was discovered and reported, whether closed, how long.
    #[serde(default)]
    pub details: std::collections::BTreeMap<String, String>,
    /// When and to whom the body sent it.
    #[serde(default)]
    pub sent: Option<String>,
}

/// The person reporting, as the body's file names them (the body's id of them is not kept).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct IncomingPerson {
    /// Their username at the body.
    #[serde(default)]
    pub username: String,
    /// Their name.
    #[serde(default)]
    pub name: String,
}

fn bad_notification(code: &'static str, pointer: &str, en: String, sl: String) -> WebError {
    WebError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, code, en)
        .sl(sl)
        .with("pointer", pointer)
}

/// Registers a body's notification in the ministry's register of incidents (Art. 20): a new
/// `incident-register` case at "deciding whether it is an incident" (Art. 19(6)), its fields
/// taken from the file, performed by the register's keepers. The same notification (body and
/// identification mark) is registered once; who may start the case is the engine's rule (the
/// definition's starters: the installation's security lead or coordinator).
pub async fn register_notification(
    s: &crate::state::AppState,
    caller: &Caller,
    n: IncomingNotification,
) -> ApiResult<CaseId> {
    if n.format != NOTIFICATION_FORMAT {
        return Err(bad_notification(
            "unknown-notification-format",
            "/format",
            format!(
                "the file is not a notification in the format {NOTIFICATION_FORMAT} (it says {:?})",
                n.format
            ),
            format!(
                "datoteka ni priglasitev v obliki {NOTIFICATION_FORMAT} (navaja {:?})",
                n.format
            ),
        ));
    }
    let (body, identification) = (n.body.trim(), n.identification.trim());
    if body.is_empty() {
        return Err(bad_notification(
            "notification-body-missing",
            "/body",
            "the notification names no body".to_owned(),
            "priglasitev ne navaja organa".to_owned(),
        ));
    }
    if identification.is_empty() {
        return Err(bad_notification(
            "notification-identification-missing",
            "/identification",
            "the notification has no identification mark (Art. 19(5) point 1)".to_owned(),
            "priglasitev nima identifikacijske oznake (19. člen (5), 1. točka)".to_owned(),
        ));
    }
    // Each value is held to the field it lands in, and a refusal names the file's member.
    for (pointer, value) in [("/body", body), ("/identification", identification)] {
        if let Err(e) = Text::parse("value", value) {
            return Err(bad_notification(
                "notification-value-invalid",
                pointer,
                format!("{pointer}: {}", e.message(Lang::En)),
                format!("{pointer}: {}", e.message(Lang::Sl)),
            ));
        }
    }
    let members = n
        .description
        .iter()
        .map(|(k, v)| (format!("/description/{k}"), v))
        .chain(n.details.iter().map(|(k, v)| (format!("/details/{k}"), v)));
    for (pointer, value) in members {
        if value.chars().count() > process::LONG_TEXT_MAX / 2 {
            let max = process::LONG_TEXT_MAX / 2;
            return Err(bad_notification(
                "notification-value-too-long",
                &pointer,
                format!("{pointer} is longer than {max} characters"),
                format!("{pointer} je daljši od {max} znakov"),
            ));
        }
    }
    let same = |c: &Case, key: &str, value: &str| {
        c.fields
            .iter()
            .any(|(k, v)| k.as_str() == key && matches!(v, FieldValue::Text(t) if t.as_str() == value))
    };
    let known = s
        .world()
        .cases()
        .iter()
        .find(|c| {
            c.process.as_str() == process::INCIDENT_REGISTER
                && same(c, "reporting_body", body)
                && same(c, "notification_id", identification)
        })
        .map(|c| c.reference());
    if let Some(reference) = known {
        return Err(WebError::new(
            axum::http::StatusCode::CONFLICT,
            "notification-already-registered",
            format!("{body}'s notification {identification} is already in the register ({reference})"),
        )
        .sl(format!(
            "priglasitev {identification} organa {body} je že v registru ({reference})"
        )));
    }
    let mut fields = std::collections::BTreeMap::new();
    let mut put = |key: &str, value: String| {
        let value = value.trim().to_owned();
        if !value.is_empty() {
            fields.insert(key.to_owned(), serde_json::Value::String(value));
        }
    };
    put("reporting_body", body.to_owned());
    put("notification_id", identification.to_owned());
    if let Some(p) = &n.reporter {
        put(
            "reporter",
            if p.username.is_empty() {
                p.name.clone()
            } else {
                format!("{} ({})", p.name, p.username)
            },
        );
    }
    let d = |k: &str| n.description.get(k).cloned().unwrap_or_default();
    for k in ["what", "how", "why", "business_effects", "vulnerabilities"] {
        put(k, d(k));
    }
    put(
        "affected_asset",
        [d("affected_asset"), d("affected_system")]
            .into_iter()
            .filter(|v| !v.trim().is_empty())
            .collect::<Vec<_>>()
            .join("; "),
    );
    let mut details: Vec<String> = n.details.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    if !d("situation").is_empty() {
        details.push(format!("situation: {}", d("situation")));
    }
    if let Some(sent) = &n.sent {
        details.push(format!("sent: {sent}"));
    }
    let details = details.join("\n");
    if details.chars().count() > process::LONG_TEXT_MAX {
        let max = process::LONG_TEXT_MAX;
        return Err(bad_notification(
            "notification-value-too-long",
            "/details",
            format!("/details together are longer than {max} characters"),
            format!("/details so skupaj daljši od {max} znakov"),
        ));
    }
    put("details", details);
    put("received_at", s.now().to_string());
    let title: String = format!("{body}: {identification}").chars().take(200).collect();
    let title = Text::parse("title", &title)?;
    let plan = s
        .execute(
            caller,
            None,
            Command::StartCase {
                process: Code::parse("process", process::INCIDENT_REGISTER)?,
                title,
                fields,
                attachments: Vec::new(),
            },
        )
        .await?;
    crate::service::created(&plan)
}
