//! Where the demo's commands run: "execute this command as this actor" on a plain world, or
//! through the server's single write path (audited under the application `adam-demo`).

use crate::error::WebError;
use crate::state::AppState;
use adam_core::{Actor, Command, Error, Plan, Timestamp, World};
use std::future::Future;

/// The application name the demo's audit records carry.
pub const APPLICATION: &str = "adam-demo";

/// "Execute this command as this actor", on a world or through the server.
pub(super) trait Executor {
    type Error: From<Error>;
    fn run(&mut self, actor: Actor, command: Command) -> impl Future<Output = Result<Plan, Self::Error>>;
    fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R;
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
}
