//! Setting a new password: after a temporary one, or when the person chooses to.

use super::*;

// ---- password -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_password.html")]
pub(super) struct PasswordPage {
    c: Chrome,
    /// Signed in with a temporary password: nothing else is allowed until it is changed.
    temporary: bool,
    errors: BTreeMap<&'static str, String>,
    done: bool,
}

pub(super) async fn password_page(State(s): State<AppState>, lang: Lang, person: UiPerson) -> UiResult<Response> {
    let temporary = person.restricted_to(SessionState::PasswordChange);
    page(
        lang,
        &PasswordPage {
            c: person_chrome(&s, &person.0, lang),
            temporary,
            errors: BTreeMap::new(),
            done: false,
        },
    )
}

/// The password-change form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub(super) async fn change_password(
    State(s): State<AppState>,
    client: Client,
    f: UiForm<PasswordForm, true>,
) -> UiResult<Response> {
    let lang = f.lang;
    let person = Person {
        caller: f.caller,
        session: f.session,
    };
    let temporary = person
        .session
        .as_ref()
        .is_some_and(|x| x.state == SessionState::PasswordChange);
    let mut errors = BTreeMap::new();
    if f.form.new != f.form.confirm {
        errors.insert("confirm", lang.tr.s("passwords_differ").to_owned());
    } else {
        let request = PasswordChangeRequest {
            current: f.form.current,
            new: f.form.new,
        };
        match authn::change_own_password(&s, &person, &client_in(client, lang), request).await {
            Ok(changed) if changed.sign_in_again => {
                return Ok(see_other(
                    "/ui/login?done=password",
                    Some(set_cookie(&s.config.auth, "", 0)),
                ));
            }
            Ok(_) => {
                return page(
                    lang,
                    &PasswordPage {
                        c: person_chrome(&s, &person, lang),
                        temporary: false,
                        errors,
                        done: true,
                    },
                );
            }
            Err(e) if e.code == "wrong-password" => {
                errors.insert("current", lang.tr.s("wrong_password").to_owned());
            }
            Err(e) if e.code == "weak-password" || e.code == "password-reused" => {
                errors.insert("new", broken_rules(&e));
            }
            Err(e) if e.status == StatusCode::TOO_MANY_REQUESTS => {
                errors.insert("current", e.detail);
            }
            Err(e) => return Err(UiError::new(lang.tr, e)),
        }
    }
    page_with(
        lang,
        StatusCode::UNPROCESSABLE_ENTITY,
        &PasswordPage {
            c: person_chrome(&s, &person, lang),
            temporary,
            errors,
            done: false,
        },
    )
}
