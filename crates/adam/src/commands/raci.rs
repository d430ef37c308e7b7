//! `adam raci list` and `adam raci who`: the responsibility matrices (issue #17) at the
//! console. `who` answers "who is accountable for task T at layer L of solution X" with the
//! party, the job it answers through and the people holding that job now (or, with `--at`, as
//! the world stood then); the task is its number or its name (`Restore`, `Obnova`), the layer
//! its key or name (`middleware`). The console reads every matrix.

use crate::cli::Cli;
use crate::cli::raci::RaciCommand;
use crate::support::{open_state, open_store, timestamp};
use adam_core::World;
use adam_core::lang::Lang;
use adam_server::service::raci::{self as svc, PartyWho};
use anyhow::{Result, anyhow};

fn party_line(p: &PartyWho, lang: Lang) -> String {
    let job = p.job.as_ref().map_or_else(
        || "(not bound to the directory)".to_owned(),
        |j| format!("job {}", j.code),
    );
    let people = if p.people.is_empty() {
        "nobody holds it now".to_owned()
    } else {
        p.people
            .iter()
            .map(|u| format!("{} ({})", u.name, u.username))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let notes: String = p
        .footnotes
        .iter()
        .map(|f| format!(" [{}) {}]", f.n, f.text.get(lang)))
        .collect();
    format!(
        "{:<3} {} — {job}: {people}{notes}",
        p.letters.to_string(),
        p.name.get(lang)
    )
}

pub(crate) async fn raci(cli: &Cli, command: &RaciCommand) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    match command {
        RaciCommand::List => {
            let w = state.world();
            for m in w.raci_matrices() {
                let warnings = m
                    .template()
                    .map_or(0, |t| adam_core::raci::validate(&m.grid(t)).warnings.len());
                println!(
                    "{:<8} {}  overrides: {}  warnings: {}",
                    m.solution,
                    m.template,
                    m.overrides.len(),
                    warnings
                );
            }
            Ok(())
        }
        RaciCommand::Who {
            solution,
            task,
            layer,
            at,
            lang,
            json,
        } => {
            let lang = match lang.as_str() {
                "sl" => Lang::Sl,
                "en" => Lang::En,
                other => return Err(anyhow!("--lang: {other:?} is neither sl nor en")),
            };
            let code = svc::solution(solution).map_err(|e| anyhow!("--solution: {}", e.detail))?;
            let past = state.world_as_of(timestamp(at)?).await.map_err(|e| anyhow!(e.detail))?;
            let live;
            let w: &World = match &past {
                Some(w) => w,
                None => {
                    live = state.world();
                    &live
                }
            };
            let m = w.raci_of(&code).map_err(|e| anyhow!(e.message(lang)))?;
            let answer = svc::who(w, m, task, layer).map_err(|e| anyhow!(e.detail))?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&answer)?);
                return Ok(());
            }
            println!(
                "{} — {}. {} — {} [revision {}]",
                answer.solution,
                answer.task,
                answer.task_name.get(lang),
                answer.layer_name.get(lang),
                answer.revision.0
            );
            match &answer.accountable {
                Some(a) => println!("accountable: {}", party_line(a, lang)),
                None => println!("accountable: nobody"),
            }
            for p in answer
                .parties
                .iter()
                .filter(|p| !p.letters.has(adam_core::raci::Letter::A))
            {
                println!("             {}", party_line(p, lang));
            }
            for f in &answer.task_footnotes {
                println!("note {}) {}", f.n, f.text.get(lang));
            }
            Ok(())
        }
    }
}
