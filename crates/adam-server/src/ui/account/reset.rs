//! "I forgot my password": the request by e-mail, and the reset page its link opens.

use super::*;

// ---- forgot password and reset ------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_forgot.html")]
pub(super) struct ForgotPage {
    c: Chrome,
    email: String,
    error: Option<String>,
    /// The request was taken: the same words whether or not the address is known.
    accepted: Option<&'static str>,
}

pub(super) async fn forgot_page(lang: Lang) -> UiResult<Response> {
    page(
        lang,
        &ForgotPage {
            c: anonymous(lang),
            email: String::new(),
            error: None,
            accepted: None,
        },
    )
}

/// The "forgot password" form.
#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    email: String,
}

pub(super) async fn forgot(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    headers: axum::http::HeaderMap,
    axum::Form(f): axum::Form<ForgotForm>,
) -> UiResult<Response> {
    crate::ui::chrome::same_site(&headers, lang.tr)?;
    match authn::request_reset(&s, &client_in(client, lang), &f.email).await {
        Ok(()) => page(
            lang,
            &ForgotPage {
                c: anonymous(lang),
                email: String::new(),
                error: None,
                accepted: Some(match lang.tr {
                    crate::ui::i18n::Tr::Sl => ACCEPTED.message_sl,
                    crate::ui::i18n::Tr::En => ACCEPTED.message_en,
                }),
            },
        ),
        Err(e) if e.status.is_client_error() => page_with(
            lang,
            e.status,
            &ForgotPage {
                c: anonymous(lang),
                email: f.email,
                error: Some(refusal(&e)),
                accepted: None,
            },
        ),
        Err(e) => Err(UiError::new(lang.tr, e)),
    }
}

#[derive(Template)]
#[template(path = "account_reset.html")]
pub(super) struct ResetPage {
    c: Chrome,
    token: String,
    username: String,
    errors: BTreeMap<&'static str, String>,
}

/// The code of a reset link.
#[derive(Debug, Deserialize)]
pub struct ResetQuery {
    token: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
}

pub(super) async fn reset_link(Query(q): Query<ResetQuery>) -> Response {
    let mut to = "/ui/reset".to_owned();
    if let Some(t) = q.token {
        let encoded: String = url_escape(&t);
        to = format!("/ui/reset?token={encoded}");
    }
    Redirect::to(&to).into_response()
}

pub(super) async fn reset_page(lang: Lang, Query(q): Query<ResetQuery>) -> UiResult<Response> {
    page(
        lang,
        &ResetPage {
            c: anonymous(lang),
            token: q.token.unwrap_or_default(),
            username: String::new(),
            errors: BTreeMap::new(),
        },
    )
}

/// The reset form.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    token: String,
    username: String,
    new: String,
    confirm: String,
}

pub(super) async fn reset(
    State(s): State<AppState>,
    lang: Lang,
    client: Client,
    headers: axum::http::HeaderMap,
    axum::Form(f): axum::Form<ResetForm>,
) -> UiResult<Response> {
    crate::ui::chrome::same_site(&headers, lang.tr)?;
    let mut errors = BTreeMap::new();
    if f.new != f.confirm {
        errors.insert("confirm", lang.tr.s("passwords_differ").to_owned());
    } else {
        let request = ResetRequest {
            token: f.token.trim().to_owned(),
            username: f.username.trim().to_owned(),
            new_password: f.new,
        };
        match authn::complete_reset(&s, &client_in(client, lang), request).await {
            Ok(_) => return Ok(see_other("/ui/login?done=password", None)),
            Err(e) if e.code == "weak-password" || e.code == "password-reused" => {
                errors.insert("new", broken_rules(&e));
            }
            Err(e) if e.code == "invalid-reset" => {
                errors.insert("token", lang.tr.s("invalid_reset").to_owned());
            }
            Err(e) if e.status.is_client_error() => {
                errors.insert("token", e.detail);
            }
            Err(e) => return Err(UiError::new(lang.tr, e)),
        }
    }
    page_with(
        lang,
        StatusCode::UNPROCESSABLE_ENTITY,
        &ResetPage {
            c: anonymous(lang),
            token: f.token,
            username: f.username,
            errors,
        },
    )
}
