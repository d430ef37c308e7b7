//! The demo's responsibility matrices (issue #17): the hosted solutions OPSI, E2, EVEM and EKT,
//! each on operating model 2A. The town's offices are the customers; the provider is the
//! information service of the main office (GLPI), standing in for the hosting operator. The
//! matrices are keyed by the solutions' codenames, which the registry of information solutions
//! uses too.
//!
//! - OPSI: customer UN (its head), provider GLPI; as shipped.
//! - E2: customer the job JOB.0276; its holder, accountable for the applications' backup,
//!   approves an override: E2 backs its application up itself (R), which settles the
//!   template's one warning (footnote 6).
//! - EVEM: customer KZUP, provider GLPI, and an added party — the application's supplier
//!   (TOK's job JOB.0401 in the demo) — which the security lead makes responsible for the
//!   operations test of the applications (footnote 4).
//! - EKT: customer TOK, provider GLPI; as shipped.

use super::executor::Executor;
use super::steps::{Steps, text};
use adam_core::raci::{Bound, Cell, Key, Party, SolutionCode, TemplateRef, template};
use adam_core::{Actor, Command, Error, RaciMatrixId, UserId};

fn key(k: &str) -> Result<Key, Error> {
    Key::parse(k).ok_or_else(|| Error::Raci(adam_core::RaciError::BadPartyKey(k.to_owned())))
}

fn party(k: &str, bound: Bound) -> Result<Party, Error> {
    Ok(Party {
        key: key(k)?,
        name: None,
        bound: Some(bound),
    })
}

fn letters(l: &str) -> Result<Cell, Error> {
    Cell::parse(l).map_err(|_| Error::Raci(adam_core::RaciError::BadLetters(l.to_owned())))
}

async fn create<X: Executor>(
    s: &mut Steps<'_, X>,
    solution: &str,
    customer: Bound,
    provider: Bound,
) -> Result<RaciMatrixId, X::Error> {
    let plan = s
        .sys(Command::CreateRaciMatrix {
            solution: SolutionCode::parse(solution)?,
            template: TemplateRef {
                code: key(template::MODEL_2A_CODE)?,
                version: 1,
            },
            parties: vec![party("customer", customer)?, party("provider", provider)?],
        })
        .await?;
    Ok(super::steps::pick(&plan)?)
}

/// Creates the four matrices; `lead` is the information-security lead.
pub(super) async fn matrices<X: Executor>(s: &mut Steps<'_, X>, lead: UserId) -> Result<(), X::Error> {
    let glpi = Bound::Office(s.office("GLPI")?);
    create(s, "OPSI", Bound::Office(s.office("UN")?), glpi).await?;

    let e2 = create(s, "E2", Bound::Job(s.job("JOB.0276")?), glpi).await?;
    let holder = s.user("vopiun03")?;
    s.act(
        Actor::user(holder),
        Command::OverrideRaciCell {
            matrix: e2,
            task: 10,
            layer: key("applications")?,
            party: key("customer")?,
            letters: letters("AR")?,
            reason: Some(text("E2 izvozi in varnostno kopira svojo aplikacijo sam (opomba 6)")?),
        },
    )
    .await?;

    let evem = create(s, "EVEM", Bound::Office(s.office("KZUP")?), glpi).await?;
    s.sys(Command::SetRaciParty {
        matrix: evem,
        party: Party {
            key: key("supplier")?,
            name: Some(text("Dobavitelj aplikacije EVEM")?),
            bound: Some(Bound::Job(s.job("JOB.0401")?)),
        },
    })
    .await?;
    s.act(
        Actor::user(lead),
        Command::OverrideRaciCell {
            matrix: evem,
            task: 25,
            layer: key("applications")?,
            party: key("supplier")?,
            letters: letters("R")?,
            reason: Some(text(
                "Obratovalni preizkus do dobavitelja izvede dobavitelj (opomba 4)",
            )?),
        },
    )
    .await?;

    create(s, "EKT", Bound::Office(s.office("TOK")?), glpi).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use adam_core::raci::{SolutionCode, validate};

    #[test]
    fn the_demo_has_the_four_matrices_and_says_who_restores_the_middleware() {
        let (w, demo) = crate::demo::world(adam_core::Timestamp(1_772_442_000)).unwrap();
        let solutions: Vec<&str> = w.raci_matrices().iter().map(|m| m.solution.as_str()).collect();
        assert_eq!(solutions, ["OPSI", "E2", "EVEM", "EKT"]);
        let opsi = SolutionCode::parse("OPSI").unwrap();
        let who = w.raci_who(&opsi, "Restore", "middleware").unwrap();
        let a = who.accountable.unwrap();
        assert_eq!(a.party.as_str(), "provider");
        assert_eq!(a.job, Some(demo.head_glpi));
        assert_eq!(a.people, vec![demo.user_admin]);
        // E2's override settles the template's one warning; the others keep it.
        let warnings = |code: &str| {
            let m = w.raci_of(&SolutionCode::parse(code).unwrap()).unwrap();
            validate(&m.grid(m.template().unwrap())).warnings.len()
        };
        assert_eq!(
            (warnings("OPSI"), warnings("E2"), warnings("EVEM"), warnings("EKT")),
            (1, 0, 1, 1)
        );
        let evem = w.raci_of(&SolutionCode::parse("EVEM").unwrap()).unwrap();
        assert_eq!(evem.parties.len(), 3);
        assert_eq!(evem.overrides[0].approved_by, Some(demo.inventory.security_lead));
    }
}
