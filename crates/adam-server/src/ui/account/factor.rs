//! The second factor on a page: enrolment with a QR code and backup codes, reporting it lost,
//! and step-up (a code that opens a Z3 or C3 record to a password-only session).

use super::*;

// ---- second factor ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_mfa.html")]
pub(super) struct MfaPage {
    c: Chrome,
    /// A second factor is required and none is enrolled yet.
    required: bool,
    /// A confirmed factor exists.
    enrolled: bool,
    /// Enrolment started and not confirmed.
    pending: bool,
    /// Just started: what the person must see once.
    fresh: Option<Fresh>,
    error: Option<String>,
    /// A wrong first code: shown at the code field, with the QR code and backup codes still on
    /// the page.
    code_error: Option<String>,
    done: Option<&'static str>,
}

/// A just-started enrolment, shown once.
pub struct Fresh {
    /// The QR code of the otpauth URI, as inline SVG.
    qr_svg: String,
    secret: String,
    backup_codes: Vec<String>,
}

pub(super) async fn mfa_state(s: &AppState, user: adam_core::UserId) -> Result<(bool, bool), WebError> {
    let store = s.store.clone();
    let totp = blocking(move || store.totp(user)).await??;
    Ok((
        totp.as_ref().is_some_and(|t| t.confirmed),
        totp.as_ref().is_some_and(|t| !t.confirmed),
    ))
}

pub(super) async fn mfa_view(
    s: &AppState,
    person: &Person,
    lang: Lang,
    fresh: Option<Fresh>,
    error: Option<String>,
    done: Option<&'static str>,
) -> UiResult<MfaPage> {
    let (enrolled, pending) = mfa_state(s, person.caller.user)
        .await
        .map_err(|e| UiError::new(lang.tr, e))?;
    Ok(MfaPage {
        c: person_chrome(s, person, lang),
        required: person
            .session
            .as_ref()
            .is_some_and(|x| x.state == SessionState::MfaEnrolment),
        enrolled,
        pending,
        fresh,
        error,
        code_error: None,
        done,
    })
}

/// `?done=1` after a confirmed enrolment.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
}

pub(super) async fn mfa_page(
    State(s): State<AppState>,
    lang: Lang,
    Query(q): Query<DoneQuery>,
    person: UiPerson,
) -> UiResult<Response> {
    let done = q.done.is_some().then_some("factor_enrolled");
    let p = mfa_view(&s, &person.0, lang, None, None, done).await?;
    page(lang, &p)
}

/// The QR code of an otpauth URI as an SVG element.
pub(super) fn qr_svg(uri: &str) -> Result<String, WebError> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| WebError::internal(&e))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

pub(super) async fn mfa_enrol(State(s): State<AppState>, f: UiForm<Nothing, true>) -> UiResult<Response> {
    let lang = f.lang;
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    match authn::start_enrolment(&s, &person).await {
        Ok(enrolled) => {
            let fresh = Fresh {
                qr_svg: qr_svg(&enrolled.otpauth_uri).map_err(|e| UiError::new(lang.tr, e))?,
                secret: enrolled.secret,
                backup_codes: enrolled.backup_codes,
            };
            let p = mfa_view(&s, &person, lang, Some(fresh), None, None).await?;
            page(lang, &p)
        }
        Err(e) if e.status == StatusCode::CONFLICT => {
            let p = mfa_view(&s, &person, lang, None, Some(e.detail), None).await?;
            page_with(lang, StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

/// A code from the authenticator app.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    code: String,
    /// The backup codes the enrolment page showed, sent back with the code (space-separated),
    /// so that a wrong first code can show them again: only their hashes are stored.
    #[serde(default)]
    backup_codes: String,
}

/// The backup codes sent back by the enrolment form: only words that look like codes, at most
/// twenty (they are the person's own, shown to them a moment ago).
fn sent_back_codes(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|c| c.len() <= 32 && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-'))
        .take(20)
        .map(str::to_owned)
        .collect()
}

pub(super) async fn mfa_confirm(
    State(s): State<AppState>,
    client: Client,
    f: UiForm<CodeForm, true>,
) -> UiResult<Response> {
    let lang = f.lang;
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    let view_person = Person {
        caller: person.caller.clone(),
        session: person.session.clone(),
    };
    match authn::confirm_enrolment(&s, person, &client_in(client, lang), f.form.code.trim()).await {
        // The session that showed the factor is replaced by one that counts it.
        Ok(opened) => Ok(see_other("/ui/mfa?done=1", opened.cookie)),
        Err(e) if e.code == "bad-code" => {
            // The first code was wrong: the enrolment stays as it was, so the page shows its QR
            // code, secret and backup codes again, with the message at the code field.
            let pending = authn::pending_enrolment(&s, view_person.caller.user)
                .await
                .map_err(|e| UiError::new(lang.tr, e))?;
            let fresh = match pending {
                Some((secret, uri)) => Some(Fresh {
                    qr_svg: qr_svg(&uri).map_err(|e| UiError::new(lang.tr, e))?,
                    secret,
                    backup_codes: sent_back_codes(&f.form.backup_codes),
                }),
                None => None,
            };
            let mut p = mfa_view(&s, &view_person, lang, fresh, None, None).await?;
            p.code_error = Some(lang.tr.s("bad_code").to_owned());
            page_with(lang, StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY || e.status == StatusCode::CONFLICT => {
            let p = mfa_view(&s, &view_person, lang, None, Some(e.detail), None).await?;
            page_with(lang, StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

pub(super) async fn mfa_lost(State(s): State<AppState>, client: Client, f: UiForm<Nothing>) -> UiResult<Response> {
    let lang = f.lang;
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    match authn::report_lost_factor(&s, &person, &client_in(client, lang)).await {
        Ok(()) => {
            let p = mfa_view(&s, &person, lang, None, None, Some("factor_disabled")).await?;
            page(lang, &p)
        }
        Err(e) if e.code == "factor-not-shown" => {
            let message = lang.tr.s("factor_not_shown").to_owned();
            let p = mfa_view(&s, &person, lang, None, Some(message), None).await?;
            page_with(lang, StatusCode::FORBIDDEN, &p)
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

// ---- step-up ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_stepup.html")]
pub(super) struct StepUpPage {
    c: Chrome,
    /// The page to return to.
    next: String,
    /// Signed in by cookie (an API token cannot step up).
    session: bool,
    error: Option<String>,
}

/// The page shown instead of a Z3 or C3 record to a session that has not shown a second
/// factor (Art. 53): a code steps the session up and the record opens.
pub(in crate::ui) fn step_up_page(
    s: &AppState,
    caller: &crate::authn::Caller,
    lang: Lang,
    next: &str,
    error: Option<String>,
    status: StatusCode,
) -> UiResult<Response> {
    page_with(
        lang,
        status,
        &StepUpPage {
            c: chrome(s, caller, lang.tr),
            next: safe_next(Some(next)),
            session: caller.session.is_some(),
            error,
        },
    )
}

/// The step-up form.
#[derive(Debug, Deserialize)]
pub struct StepUpForm {
    code: String,
    #[serde(default)]
    next: String,
}

pub(super) async fn step_up(State(s): State<AppState>, client: Client, f: UiForm<StepUpForm>) -> UiResult<Response> {
    let lang = f.lang;
    let caller = f.caller.clone();
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    let next = safe_next(Some(&f.form.next));
    match authn::step_up_session(&s, person, &client_in(client, lang), f.form.code.trim()).await {
        Ok(opened) => Ok(see_other(&next, opened.cookie)),
        Err(e) if e.code == "bad-code" => step_up_page(
            &s,
            &caller,
            lang,
            &next,
            Some(lang.tr.s("bad_code").to_owned()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::UNAUTHORIZED => {
            step_up_page(&s, &caller, lang, &next, Some(e.detail), e.status)
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}
