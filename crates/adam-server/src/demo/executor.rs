//! Where the demo's commands run: "execute this command as this actor" on a plain world, or
//! through the server's single write path (audited under the application `adam-demo`).

use crate::error::WebError;
use crate::state::AppState;
use adam_core::attachment::{AttachmentRef, Digest};
use adam_core::{Actor, Code, Command, Error, Plan, Text, Timestamp, UserId, World};
use std::future::Future;

/// The application name the demo's audit records carry.
pub const APPLICATION: &str = "adam-demo";

/// "Execute this command as this actor", on a world or through the server.
pub(super) trait Executor {
    type Error: From<Error>;
    fn run(&mut self, actor: Actor, command: Command) -> impl Future<Output = Result<Plan, Self::Error>>;
    fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R;
    /// Keeps a small file uploaded by `by` and answers its reference (the hosting demo's
    /// documents): through the attachment store on a server, by its digest alone on a world.
    fn attach(
        &mut self,
        by: UserId,
        doc_type: &str,
        body: String,
    ) -> impl Future<Output = Result<AttachmentRef, Self::Error>>;
}

fn reference(doc_type: &str, body: &str) -> Result<AttachmentRef, Error> {
    use sha2::Digest as _;
    let digest = hex::encode(sha2::Sha256::digest(body.as_bytes()));
    Ok(AttachmentRef {
        sha256: Digest::parse("sha256", &digest)?,
        name: Text::parse("name", &format!("{doc_type}.txt"))?,
        size: body.len() as u64,
        media_type: Some(Text::parse("media_type", "text/plain")?),
        doc_type: Some(Code::parse("doc_type", doc_type)?),
    })
}

pub(super) struct OnWorld<'w> {
    pub(super) world: &'w mut World,
    pub(super) at: Timestamp,
}

impl Executor for OnWorld<'_> {
    type Error = Error;
    fn run(&mut self, actor: Actor, command: Command) -> impl Future<Output = Result<Plan, Error>> {
        std::future::ready(self.world.execute(&actor, command, self.at))
    }
    fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        f(self.world)
    }
    fn attach(
        &mut self,
        _by: UserId,
        doc_type: &str,
        body: String,
    ) -> impl Future<Output = Result<AttachmentRef, Error>> {
        std::future::ready(reference(doc_type, &body))
    }
}

pub(super) struct OnState<'s> {
    pub(super) state: &'s AppState,
}

impl Executor for OnState<'_> {
    type Error = WebError;
    fn run(&mut self, actor: Actor, command: Command) -> impl Future<Output = Result<Plan, WebError>> {
        let mut context = self.state.context(actor, None);
        context.application = Some(APPLICATION.to_owned());
        self.state.execute_as(actor, context, command)
    }
    fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        f(&self.state.world())
    }
    fn attach(
        &mut self,
        by: UserId,
        doc_type: &str,
        body: String,
    ) -> impl Future<Output = Result<AttachmentRef, WebError>> {
        let state = self.state.clone();
        let doc_type = doc_type.to_owned();
        async move {
            use crate::service::attachments::{Upload, UploadMeta};
            let caller = crate::authn::Caller {
                user: by,
                kind: adam_core::AccountKind::User,
                scopes: vec![crate::authn::Scope::Read, crate::authn::Scope::Write],
                source_ip: None,
                min_revision: None,
                mfa: true,
                session: None,
                csrf: None,
            };
            let meta = UploadMeta::parse(&format!("{doc_type}.txt"), Some(&doc_type), Some("text/plain"))?;
            let mut upload = Upload::begin(&state, &caller, meta, Some(body.len() as u64)).await?;
            upload.push(body.as_bytes()).await?;
            upload.finish().await
        }
    }
}
