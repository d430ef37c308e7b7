//! Signing in on a page: the password form, the second-factor step, and signing out.

use super::*;

// ---- sign in ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_login.html")]
pub(super) struct LoginPage {
    c: Chrome,
    next: String,
    username: String,
    /// The login challenge: set on the second-factor step.
    challenge: Option<String>,
    error: Option<String>,
    notice: Option<&'static str>,
}

/// `?next=` and an optional notice to show.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    done: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
}

pub(super) async fn login_page(lang: Lang, Query(q): Query<LoginQuery>) -> UiResult<Response> {
    let notice = match q.done.as_deref() {
        Some("password") => Some("notice_password_changed"),
        Some("logout") => Some("notice_signed_out"),
        _ => None,
    };
    page(
        lang,
        &LoginPage {
            c: anonymous(lang),
            next: safe_next(q.next.as_deref()),
            username: String::new(),
            challenge: None,
            error: None,
            notice,
        },
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Where a finished sign-in step leads: the second-factor form, or a page with the cookie set.
pub(super) fn after_sign_in(lang: Lang, opened: Opened, username: String, next: &str) -> UiResult<Response> {
    let a = &opened.answer;
    if a.mfa_required {
        return page(
            lang,
            &LoginPage {
                c: anonymous(lang),
                next: next.to_owned(),
                username,
                challenge: a.challenge.clone(),
                error: None,
                notice: None,
            },
        );
    }
    let to = if a.password_change_required {
        "/ui/password".to_owned()
    } else if a.mfa_enrolment_required {
        "/ui/mfa".to_owned()
    } else {
        next.to_owned()
    };
    Ok(see_other(&to, opened.cookie))
}

pub(super) async fn login(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    headers: axum::http::HeaderMap,
    axum::Form(f): axum::Form<LoginForm>,
) -> UiResult<Response> {
    crate::ui::chrome::same_site(&headers, lang.tr)?;
    let next = safe_next(Some(&f.next));
    let client = client_in(client, lang);
    let request = LoginRequest {
        username: f.username.trim().to_owned(),
        password: f.password,
    };
    match authn::password_step(&s, &client, request).await {
        Ok(opened) => after_sign_in(lang, opened, f.username.trim().to_owned(), &next),
        Err(e) if e.status == StatusCode::UNAUTHORIZED || e.status == StatusCode::TOO_MANY_REQUESTS => {
            let error = if e.status == StatusCode::UNAUTHORIZED {
                lang.tr.s("bad_credentials").to_owned()
            } else {
                refusal(&e)
            };
            page_with(
                lang,
                e.status,
                &LoginPage {
                    c: anonymous(lang),
                    next,
                    username: f.username,
                    challenge: None,
                    error: Some(error),
                    notice: None,
                },
            )
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

/// The second-factor form.
#[derive(Debug, Deserialize)]
pub struct MfaForm {
    challenge: String,
    code: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    next: String,
}

pub(super) async fn login_mfa(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    headers: axum::http::HeaderMap,
    axum::Form(f): axum::Form<MfaForm>,
) -> UiResult<Response> {
    crate::ui::chrome::same_site(&headers, lang.tr)?;
    let next = safe_next(Some(&f.next));
    let client = client_in(client, lang);
    let step = SecondFactor {
        challenge: f.challenge.clone(),
        code: f.code.trim().to_owned(),
    };
    match authn::second_factor_step(&s, &client, step).await {
        Ok(opened) => after_sign_in(lang, opened, f.username, &next),
        Err(e) if e.status == StatusCode::UNAUTHORIZED || e.status == StatusCode::TOO_MANY_REQUESTS => {
            // A wrong code may be tried again with the same challenge; an expired challenge
            // means starting over.
            let expired = e.detail.contains("challenge");
            page_with(
                lang,
                e.status,
                &LoginPage {
                    c: anonymous(lang),
                    next,
                    username: f.username,
                    challenge: (!expired).then_some(f.challenge),
                    error: Some(if e.status == StatusCode::UNAUTHORIZED && !expired {
                        lang.tr.s("bad_code").to_owned()
                    } else {
                        refusal(&e)
                    }),
                    notice: None,
                },
            )
        }
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

pub(super) async fn logout(State(s): State<AppState>, f: UiForm<Nothing, true>) -> UiResult<Response> {
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    if person.session.is_some() {
        authn::end_session(&s, &person)
            .await
            .map_err(|e| UiError::new(f.lang.tr, e))?;
    }
    Ok(see_other(
        "/ui/login?done=logout",
        Some(set_cookie(&s.config.auth, "", 0)),
    ))
}
