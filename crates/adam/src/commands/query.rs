//! `adam check`, `adam explain` and `adam lookup`: the engine's answers about one user, asked
//! at the console. With `--at`, the answer comes from the world as it stood then (the change
//! log replayed, `AppState::world_as_of`), and says which revision answered.

use crate::cli::{Cli, Kind, Question};
use crate::support::{open_state, open_store, timestamp};
use adam_core::{
    Decision, DocumentId, FolderId, Level, LocalTime, MAX_PAGE, ObjectKind, ObjectRef, Session, Source, Timestamp,
    UserId, World,
};
use adam_server::AppState;
use anyhow::{Result, anyhow, bail};
use std::sync::Arc;

/// The question, and the world that answers it: the live one, or the one as of `--at`.
async fn question(
    state: &AppState,
    q: &Question,
) -> Result<(UserId, ObjectRef, Timestamp, Session, Option<Arc<World>>)> {
    let asked = timestamp(&q.at)?;
    let past = state.world_as_of(asked).await.map_err(|e| anyhow!(e.detail))?;
    let user = state.world().user_by_username(&q.user)?;
    let object = match (q.folder, q.document) {
        (Some(f), None) => ObjectRef::Folder(FolderId(f)),
        (None, Some(d)) => ObjectRef::Document(DocumentId(d)),
        _ => bail!("name exactly one of --folder or --document"),
    };
    let at = asked.unwrap_or_else(|| state.now());
    Ok((user, object, at, Session { mfa: q.mfa }, past))
}

/// The decision; a refusal of a question about the past says which world answered it.
fn explained(
    w: &World,
    past: &Option<Arc<World>>,
    user: UserId,
    object: ObjectRef,
    at: Timestamp,
    session: Session,
) -> Result<Decision> {
    w.explain(user, object, at, session).map_err(|e| match past {
        Some(_) => anyhow!("as of {} (revision {}): {e}", LocalTime::of(at), w.revision().0),
        None => anyhow!(e),
    })
}

/// What decided the level, in one line: the strongest grant and, when one lowered it, the
/// ceiling (the whole story is `adam explain`'s).
fn why(w: &World, d: &Decision) -> String {
    let mut out = d.summary();
    let strongest = d.grants.iter().filter(|c| c.level == d.allowed).max_by_key(|c| c.level);
    if d.rule.is_none()
        && let Some(c) = strongest
    {
        let by = match c.source {
            Source::Entry {
                carrier, kind, entity, ..
            } => format!(
                "{kind} {} on {}",
                adam_server::explain::entity_name(w, entity),
                adam_server::explain::carrier_name(w, carrier)
            ),
            Source::ApplicationRole { role, .. } => format!(
                "role {}",
                w.role(role).map_or_else(|_| role.to_string(), |r| r.code.to_string())
            ),
        };
        out.push_str(&format!(
            " — by {by} ({})",
            adam_server::explain::membership_words(w, c.how)
        ));
    }
    if let Some(tier) = d
        .ceilings
        .iter()
        .filter(|t| t.ceiling < d.allowed)
        .min_by_key(|t| t.ceiling)
    {
        out.push_str(&format!(
            "; capped at {} on {}",
            tier.ceiling,
            adam_server::explain::carrier_name(w, tier.carrier)
        ));
    }
    out
}

/// `adam check`: one line on standard output, the level first and then why (what granted it,
/// what capped it, or the rule that denied it), as of when and against which revision.
pub(crate) async fn check(cli: &Cli, q: &Question) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    let (user, object, at, session, past) = question(&state, q).await?;
    let live;
    let w: &World = match &past {
        Some(w) => w,
        None => {
            live = state.world();
            &live
        }
    };
    let d = explained(w, &past, user, object, at, session)?;
    println!(
        "{}  {} [as of {}, revision {}]",
        d.level,
        why(w, &d),
        LocalTime::of(at),
        d.revision.0
    );
    Ok(())
}

/// `adam explain`: every entry, role and rule that decided the level, in words or as JSON.
pub(crate) async fn explain(cli: &Cli, q: &Question, json: bool) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    let (user, object, at, session, past) = question(&state, q).await?;
    let live;
    let w: &World = match &past {
        Some(w) => w,
        None => {
            live = state.world();
            &live
        }
    };
    let d = explained(w, &past, user, object, at, session)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&d)?);
    } else {
        print!("{}", adam_server::explain::render(w, &d));
    }
    Ok(())
}

/// `adam lookup`: every folder or document the user reaches at `level` or more, one a line,
/// read page by page.
pub(crate) async fn lookup(cli: &Cli, user: &str, kind: Kind, level: u8, at: &Option<String>, mfa: bool) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    let asked = timestamp(at)?;
    let past = state.world_as_of(asked).await.map_err(|e| anyhow!(e.detail))?;
    let live;
    let w: &World = match &past {
        Some(w) => w,
        None => {
            live = state.world();
            &live
        }
    };
    let user = w.user_by_username(user)?;
    let level = Level::from_value(level)?;
    let at = asked.unwrap_or_else(|| state.now());
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
