//! `adam check`, `adam explain` and `adam lookup`: the engine's answers about one user, asked
//! at the console.

use crate::cli::{Cli, Kind, Question};
use crate::support::{open_state, open_store, timestamp};
use adam_core::{DocumentId, FolderId, Level, MAX_PAGE, ObjectKind, ObjectRef, Session, Timestamp, UserId};
use adam_server::AppState;
use anyhow::{Result, bail};

fn question(state: &AppState, q: &Question) -> Result<(UserId, ObjectRef, Timestamp, Session)> {
    let w = state.world();
    let user = w.user_by_username(&q.user)?;
    let object = match (q.folder, q.document) {
        (Some(f), None) => ObjectRef::Folder(FolderId(f)),
        (None, Some(d)) => ObjectRef::Document(DocumentId(d)),
        _ => bail!("name exactly one of --folder or --document"),
    };
    let at = timestamp(&q.at)?.unwrap_or_else(|| state.now());
    Ok((user, object, at, Session { mfa: q.mfa }))
}

/// `adam check`: the level, on standard output; the summary of the decision on standard error.
pub(crate) async fn check(cli: &Cli, q: &Question) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    let (user, object, at, session) = question(&state, q)?;
    let w = state.world();
    let d = w.explain(user, object, at, session)?;
    println!("{}", d.level);
    eprintln!("{}", d.summary());
    Ok(())
}

/// `adam explain`: every entry, role and rule that decided the level, in words or as JSON.
pub(crate) async fn explain(cli: &Cli, q: &Question, json: bool) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    let (user, object, at, session) = question(&state, q)?;
    let w = state.world();
    let d = w.explain(user, object, at, session)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&d)?);
    } else {
        print!("{}", adam_server::explain::render(&w, &d));
    }
    Ok(())
}

/// `adam lookup`: every folder or document the user reaches at `level` or more, one a line,
/// read page by page.
pub(crate) async fn lookup(cli: &Cli, user: &str, kind: Kind, level: u8, at: &Option<String>, mfa: bool) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    let w = state.world();
    let user = w.user_by_username(user)?;
    let level = Level::from_value(level)?;
    let at = timestamp(at)?.unwrap_or_else(|| state.now());
    let kind = match kind {
        Kind::Folder => ObjectKind::Folder,
        Kind::Document => ObjectKind::Document,
    };
    let mut after = None;
    let mut count = 0usize;
    loop {
        let page = w.lookup(user, kind, level, at, Session { mfa }, after, MAX_PAGE)?;
        for item in &page.items {
            println!("{item}");
        }
        count += page.items.len();
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    eprintln!("{count} object(s) at level {level} or more");
    Ok(())
}
