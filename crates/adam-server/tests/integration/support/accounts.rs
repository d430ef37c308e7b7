//! Accounts of a test: passwords that pass the policy, a password or a second factor given
//! directly, a new person, a security lead.

use super::{TestServer, Who};
use adam_core::*;

impl TestServer {
    /// Gives an account a password directly (as the CLI does).
    pub async fn set_password(&self, user: UserId, password: &str) {
        adam_server::api::authn::set_password_as(&self.state, Actor::System, user, password, false)
            .await
            .unwrap_or_else(|e| panic!("set password: {}", e.detail));
    }

    /// Creates a `user` account in these jobs as the system administrator; returns its id.
    pub async fn create_user(&self, username: &str, jobs: &[JobId]) -> u64 {
        let body = serde_json::json!({"username": username, "kind": "user", "first_name": username,
            "last_name": "Test", "email": format!("{username}@test.si"), "jobs": jobs});
        let created = self.post(Who::SysAdmin, "/api/v1/users", &body).await.expect(201);
        created.json["id"].as_u64().unwrap()
    }

    /// Gives `user` a confirmed second factor, as an enrolment would; returns its secret.
    pub async fn enrol_totp(&self, user: UserId) -> adam_auth::totp::TotpSecret {
        let secret = adam_auth::totp::TotpSecret::generate().unwrap();
        let enrolment = adam_store::TotpEnrolment {
            user,
            secret: secret.to_base32(),
            confirmed: true,
            created: self.state.now(),
            last_step: None,
        };
        let store = self.state.store.clone();
        tokio::task::spawn_blocking(move || store.save_totp(&enrolment, None, &[]))
            .await
            .unwrap()
            .unwrap();
        secret
    }

    /// Makes `user` a security lead (a grant by the console, through the write path).
    pub async fn make_security_lead(&self, user: UserId) {
        let lead = self
            .state
            .world()
            .role_by_code(SystemPower::SecurityLead.code())
            .unwrap();
        let ctx = self.state.context(Actor::System, None);
        self.state
            .execute_as(
                Actor::System,
                ctx,
                Command::Grant {
                    role: lead,
                    grantee: Grantee::User(user),
                    window: Window::ALWAYS,
                    scope: None,
                    reference: None,
                },
            )
            .await
            .unwrap();
    }
}

/// Passwords that pass the policy.
pub const STRONG: &str = "Kq7#Vz2!Lm9@Xr4$Tw";
pub const STRONG_2: &str = "Pj3&Hd8%Ns6^Bc1*Gy";
pub const STRONG_3: &str = "Wf5!Qz8#Rk2&Jv7@Hm";
