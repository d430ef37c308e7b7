//! Every refusal is a specific error, and a refused command changes nothing.
//!
//! The refusals of the directory and its administration are in `refusals_directory.rs`.

use crate::common::*;
use crate::properties::fingerprint;
use adam_core::*;

pub(crate) fn folder_of(town: &mut Town, who: UserId, z: SecurityClass) -> FolderId {
    match town
        .w
        .execute(
            &Actor::user(who),
            Command::NewFolder {
                app: town.vpp,
                class: town.class,
                title: text("Zadeva"),
                classification: Classification::confidential(z),
            },
            t(NOW),
        )
        .unwrap()
        .created
    {
        Some(Created::Folder(f)) => f,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_role_cannot_contain_itself_even_through_others() {
    let mut town = town();
    let a = role(&mut town.w, "A", RoleKind::User, None, None, vec![town.role_glpi]);
    let b = role(&mut town.w, "B", RoleKind::User, None, None, vec![a]);
    let err = refused(
        &town.w,
        Actor::System,
        Command::UpdateRole {
            role: town.role_glpi,
            description: text("GLPI"),
            object_level: None,
            members: vec![b],
            change: None,
        },
    );
    assert_eq!(
        err,
        Error::Roles(RoleError::RoleCycle {
            path: vec!["GLPI".into(), "B".into(), "A".into(), "GLPI".into()]
        })
    );
    assert_eq!(
        err.to_string(),
        "adding this role would make a cycle: GLPI → B → A → GLPI"
    );
    let err = refused(
        &town.w,
        Actor::System,
        Command::UpdateRole {
            role: a,
            description: text("A"),
            object_level: None,
            members: vec![a],
            change: None,
        },
    );
    assert!(matches!(err, Error::Roles(RoleError::RoleCycle { .. })));
}

#[test]
fn role_shapes_are_enforced() {
    let town = town();
    let err = refused(
        &town.w,
        Actor::System,
        Command::CreateRole {
            code: RoleCode::parse("c", "X").unwrap(),
            kind: RoleKind::Application,
            app: Some(town.vpp),
            description: text("x"),
            object_level: None,
            members: vec![town.view_all],
        },
    );
    assert!(matches!(err, Error::Roles(RoleError::NotAContainer(_))));
    let sys_role = town.w.role_by_code("adam.user_admin").unwrap();
    let err = refused(
        &town.w,
        Actor::System,
        Command::CreateRole {
            code: RoleCode::parse("c", "X").unwrap(),
            kind: RoleKind::User,
            app: None,
            description: text("x"),
            object_level: None,
            members: vec![sys_role],
        },
    );
    assert_eq!(err, Error::Roles(RoleError::SystemRoleNotNestable(sys_role)));
    let err = refused(
        &town.w,
        Actor::System,
        Command::CreateRole {
            code: RoleCode::parse("c", "GLPI").unwrap(),
            kind: RoleKind::User,
            app: None,
            description: text("x"),
            object_level: None,
            members: vec![],
        },
    );
    assert_eq!(err.code(), "duplicate-code");
}

#[test]
fn unknown_references_are_named() {
    let mut town = town();
    let who = town.ana;
    let f = folder_of(&mut town, who, SecurityClass::NONE);
    let ana = Actor::user(town.ana);
    let add = |entity| Command::AddEntry {
        carrier: Carrier::Folder(f),
        kind: AclKind::Allowed,
        entity,
        value: Level::View14,
        group_value: None,
        window: Window::ALWAYS,
    };
    assert_eq!(
        refused(&town.w, ana, add(Entity::Job(JobId(999)))),
        Error::Directory(DirectoryError::UnknownJob(JobId(999)))
    );
    assert_eq!(
        refused(&town.w, ana, add(Entity::User(UserId(999)))),
        Error::Directory(DirectoryError::UnknownUser(UserId(999)))
    );
    assert_eq!(
        refused(&town.w, ana, add(Entity::Role(RoleId(999)))),
        Error::Roles(RoleError::UnknownRole(RoleId(999)))
    );
    assert_eq!(
        refused(&town.w, ana, add(Entity::Group(GroupId(9)))),
        Error::Directory(DirectoryError::UnknownGroup(GroupId(9)))
    );
    assert_eq!(
        refused(
            &town.w,
            ana,
            Command::Accept {
                object: ObjectRef::Document(DocumentId(42))
            }
        ),
        Error::Filing(FilingError::UnknownDocument(DocumentId(42)))
    );
    assert_eq!(town.w.office_by_code("NOPE").unwrap_err().code(), "unknown-code");
}

#[test]
fn levels_outside_the_set_and_empty_windows_do_not_parse() {
    assert_eq!(Level::from_value(15), Err(Error::Value(ValueError::InvalidLevel(15))));
    assert_eq!(Level::from_value(1), Err(Error::Value(ValueError::InvalidLevel(1))));
    let json = r#"{"command":"add_entry","carrier":{"type":"folder","id":0},"kind":"allowed","entity":{"type":"company"},"value":15,"group_value":null,"window":{}}"#;
    let err = serde_json::from_str::<Command>(json).unwrap_err().to_string();
    assert!(err.contains("15 is not an access level"), "{err}");
    assert_eq!(
        Window::new(Some(t("2026-03-10")), Some(t("2026-03-01"))),
        Err(Error::Value(ValueError::EmptyWindow {
            from: t("2026-03-10"),
            to: t("2026-03-01")
        }))
    );
    let json = r#"{"command":"grant","role":1,"grantee":{"type":"everyone"},"window":{"from":"2026-03-10","to":"2026-03-01"},"scope":null,"reference":null}"#;
    let err = serde_json::from_str::<Command>(json).unwrap_err().to_string();
    assert!(
        err.contains("valid-to (2026-03-01T00:00:00Z) must be after valid-from"),
        "{err}"
    );
}

#[test]
fn group_values_follow_the_entity() {
    let mut town = town();
    let who = town.ana;
    let f = folder_of(&mut town, who, SecurityClass::NONE);
    let add = |entity, kind, value, group_value| Command::AddEntry {
        carrier: Carrier::Folder(f),
        kind,
        entity,
        value,
        group_value,
        window: Window::ALWAYS,
    };
    let ana = Actor::user(town.ana);
    let err = refused(
        &town.w,
        ana,
        add(Entity::Company, AclKind::Allowed, Level::View13, Some(Level::View11)),
    );
    assert!(matches!(err, Error::Acl(AclError::GroupValueNotApplicable { .. })));
    let err = refused(
        &town.w,
        ana,
        add(
            Entity::Responsible,
            AclKind::Allowed,
            Level::View13,
            Some(Level::View14),
        ),
    );
    assert_eq!(
        err,
        Error::Acl(AclError::GroupValueAboveValue {
            value: Level::View13,
            group_value: Level::View14
        })
    );
    let err = refused(
        &town.w,
        ana,
        add(Entity::Responsible, AclKind::MaxAllowed, Level::View13, None),
    );
    assert!(matches!(err, Error::Acl(AclError::GroupValueRequired { .. })));
    let err = refused(
        &town.w,
        Actor::System,
        Command::AddEntry {
            carrier: Carrier::Class(town.class),
            kind: AclKind::Allowed,
            entity: Entity::Creator,
            value: Level::View14,
            group_value: None,
            window: Window::ALWAYS,
        },
    );
    assert_eq!(err.code(), "dynamic-entity-on-class");
}

#[test]
fn workflow_refusals_name_who_may_act() {
    let mut town = town();
    let who = town.ana;
    let f = folder_of(&mut town, who, SecurityClass::NONE);
    let folder = ObjectRef::Folder(f);
    let err = refused(
        &town.w,
        Actor::user(town.bojan),
        Command::HandOver {
            object: folder,
            to: town.cene_job,
        },
    );
    assert_eq!(
        err,
        Error::Filing(FilingError::NotResponsible {
            responsible: Some(town.ana_job)
        })
    );
    assert_eq!(
        refused(&town.w, Actor::user(town.cene), Command::Accept { object: folder }),
        Error::Filing(FilingError::NothingHandedOver)
    );
    assert_eq!(
        refused(
            &town.w,
            Actor::user(town.ana),
            Command::HandOver {
                object: folder,
                to: town.ana_job
            }
        ),
        Error::Filing(FilingError::HandOverToSelf(town.ana_job))
    );
    town.w
        .execute(
            &Actor::user(town.ana),
            Command::HandOver {
                object: folder,
                to: town.cene_job,
            },
            t(NOW),
        )
        .unwrap();
    let err = refused(&town.w, Actor::user(town.dora), Command::Accept { object: folder });
    assert_eq!(
        err,
        Error::Filing(FilingError::NotRecipient {
            recipient: Some(town.cene_job)
        })
    );
    assert_eq!(
        refused(&town.w, Actor::user(town.dora), Command::Reject { object: folder }).code(),
        "not-recipient"
    );
    assert_eq!(
        refused(&town.w, Actor::user(town.ana), Command::Close { object: folder }),
        Error::Filing(FilingError::HandOverPending(town.cene_job))
    );
    assert_eq!(
        refused(&town.w, Actor::user(town.gregor), Command::Reopen { object: folder }),
        Error::Filing(FilingError::ObjectNotClosed)
    );
    assert_eq!(
        refused(&town.w, Actor::user(town.admin), Command::Close { object: folder }),
        Error::Authority(AuthorityError::AdminNoDocuments)
    );
    assert_eq!(
        refused(&town.w, Actor::System, Command::Close { object: folder }),
        Error::Authority(AuthorityError::AdminNoDocuments)
    );
    let err = refused(
        &town.w,
        Actor::in_job(town.ana, town.cene_job),
        Command::Close { object: folder },
    );
    assert_eq!(err, Error::Authority(AuthorityError::NotOccupant(town.cene_job)));
    // Bojan has 14 on the folder: not enough to add entries (22).
    let err = refused(
        &town.w,
        Actor::user(town.bojan),
        Command::AddEntry {
            carrier: Carrier::Folder(f),
            kind: AclKind::Allowed,
            entity: Entity::User(town.bojan),
            value: Level::Edit22,
            group_value: None,
            window: Window::ALWAYS,
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::InsufficientLevel {
            object: folder.to_string(),
            required: Level::Edit22,
            held: Level::View14
        })
    );
    // Bojan may not add documents either (21 needed on the folder).
    let err = refused(
        &town.w,
        Actor::user(town.bojan),
        Command::NewDocument {
            folder: f,
            title: text("D"),
            classification: Classification::PUBLIC,
        },
    );
    assert_eq!(err.code(), "insufficient-level");
}

#[test]
fn nobody_classifies_above_their_own_clearance() {
    let mut town = town();
    // Everyone holds DAPA_LEVEL_B (Z1); nobody holds DAPA_LEVEL_A (Z2).
    let err = refused(
        &town.w,
        Actor::user(town.ana),
        Command::NewFolder {
            app: town.vpp,
            class: town.class,
            title: text("Tajno"),
            classification: Classification::confidential(SecurityClass::TWO),
        },
    );
    assert_eq!(
        err,
        Error::Authority(AuthorityError::ClassifyAboveClearance {
            requested: SecurityClass::TWO,
            held: SecurityClass::ONE
        })
    );
    assert_eq!(
        err.to_string(),
        "you may not classify above your own clearance (Z1): asked for Z2"
    );
    let who = town.ana;
    let f = folder_of(&mut town, who, SecurityClass::ONE);
    let err = refused(
        &town.w,
        Actor::user(town.ana),
        Command::Reclassify {
            object: ObjectRef::Folder(f),
            classification: Classification::confidential(SecurityClass::THREE),
            reason: text("contains personal data"),
        },
    );
    assert_eq!(err.code(), "classify-above-clearance");
}

#[test]
fn z3_and_c3_need_a_second_factor() {
    let mut town = town();
    // Clear Ana for Z3 and let her open a Z3 case file with a second factor.
    let z3 = role(&mut town.w, "CLEAR_Z3", RoleKind::User, None, None, vec![]);
    let mut settings = town.w.settings().clone();
    settings.clearance_roles[2] = Some(z3);
    sys(&mut town.w, Command::SetSettings { settings, change: None });
    grant(&mut town.w, z3, Grantee::User(town.ana));
    let password_only = Actor::User {
        user: town.ana,
        job: None,
        session: Session::PASSWORD,
    };
    let new = Command::NewFolder {
        app: town.vpp,
        class: town.class,
        title: text("Strogo"),
        classification: Classification::confidential(SecurityClass::THREE),
    };
    assert_eq!(
        refused(&town.w, password_only, new.clone()),
        Error::Authority(AuthorityError::MfaRequired)
    );
    let f = match town.w.execute(&Actor::user(town.ana), new, t(NOW)).unwrap().created {
        Some(Created::Folder(f)) => f,
        other => panic!("{other:?}"),
    };
    let object = ObjectRef::Folder(f);
    assert_eq!(
        town.w.check(town.ana, object, t(NOW), Session::MFA).unwrap(),
        Level::Edit22
    );
    let d = town.w.explain(town.ana, object, t(NOW), Session::PASSWORD).unwrap();
    assert_eq!(
        (d.level, d.rule),
        (
            Level::None,
            Some(Rule::MfaRequired {
                level_with_mfa: Level::Edit22,
                system: None,
            })
        )
    );
    assert_eq!(
        refused(&town.w, password_only, Command::Close { object }),
        Error::Authority(AuthorityError::MfaRequired)
    );
    // Bojan is not cleared for Z3: the clearance rule answers before MFA is asked for.
    let d = town.w.explain(town.bojan, object, t(NOW), Session::MFA).unwrap();
    assert_eq!(
        d.rule,
        Some(Rule::Clearance {
            required: SecurityClass::THREE,
            held: SecurityClass::ONE
        })
    );
}

#[test]
fn a_stale_plan_is_refused_at_commit() {
    let mut town = town();
    let plan = town
        .w
        .plan(
            &Actor::System,
            Command::CreateClass {
                code: Code::parse("c", "X").unwrap(),
                name: text("X"),
                parent: None,
            },
            t(NOW),
        )
        .unwrap();
    sys(
        &mut town.w,
        Command::CreateClass {
            code: Code::parse("c", "Y").unwrap(),
            name: text("Y"),
            parent: None,
        },
    );
    let before = fingerprint(&town.w);
    let err = town.w.commit(plan).unwrap_err();
    assert!(matches!(err, Error::State(StateError::StalePlan { .. })));
    assert_eq!(fingerprint(&town.w), before);
}

#[test]
fn a_world_restores_over_revoked_grants_and_removed_entries() {
    let mut town = town();
    let g = grant(&mut town.w, town.view_all, Grantee::User(town.uros));
    sys(&mut town.w, Command::Revoke { grant: g });
    let last = grant(&mut town.w, town.view_all, Grantee::User(town.bojan));
    // Rebuild from the records alone, as a store does at start: the revoked id is a gap.
    let mut events: Vec<Event> = Vec::new();
    events.push(Event::Settings(Settings::new(text("Mestna občina Koper"))));
    events.extend(town.w.offices().iter().cloned().map(Event::Office));
    events.extend(town.w.jobs().iter().cloned().map(Event::Job));
    events.extend(town.w.users().iter().cloned().map(Event::User));
    events.extend(
        town.w
            .applications()
            .iter()
            .cloned()
            .map(|a| Event::Application(Application { writer_role: None, ..a })),
    );
    events.extend(town.w.roles().iter().cloned().map(Event::Role));
    events.extend(town.w.applications().iter().cloned().map(Event::Application));
    events.extend(town.w.grants().cloned().map(Event::Grant));
    events.push(Event::Settings(town.w.settings().clone()));
    let restored = World::restore(text("Mestna občina Koper"), town.w.revision(), events).unwrap();
    assert!(restored.grant(g).is_err());
    assert_eq!(restored.grant(last).unwrap().grantee, Grantee::User(town.bojan));
    assert_eq!(
        restored.check_role(town.bojan, town.view_all, t(NOW)).unwrap(),
        Some(last)
    );
    assert_eq!(restored.check_role(town.uros, town.view_all, t(NOW)).unwrap(), None);
}

#[test]
fn a_batch_is_all_or_nothing_and_one_revision() {
    let mut town = town();
    let before = town.w.revision();
    let office_id = OfficeId(town.w.offices().len() as u32);
    let ok = Command::Batch {
        commands: vec![
            Command::CreateOffice {
                code: Code::parse("c", "NEW").unwrap(),
                name: text("Nov urad"),
                parent: None,
                signing_code: None,
            },
            // The second command sees the office the first one creates.
            Command::CreateJob {
                code: JobCode::parse("c", "JOB.NEW.01").unwrap(),
                signing_code: None,
                name: text("Referent"),
                office: office_id,
            },
        ],
    };
    let plan = town.w.execute(&Actor::System, ok, t(NOW)).unwrap();
    assert_eq!(town.w.revision(), before.next());
    assert_eq!(plan.changes.len(), 4, "office, its two automatic jobs and the new job");
    let job = town.w.job_by_code("JOB.NEW.01").unwrap();
    assert_eq!(town.w.job(job).unwrap().rev, before.next());
    let bad = Command::Batch {
        commands: vec![
            Command::CreateClass {
                code: Code::parse("c", "Z").unwrap(),
                name: text("Z"),
                parent: None,
            },
            Command::CreateClass {
                code: Code::parse("c", "350-05").unwrap(),
                name: text("taken"),
                parent: None,
            },
        ],
    };
    let err = refused(&town.w, Actor::System, bad);
    assert!(matches!(err, Error::BatchItem { index: 1, .. }), "{err:?}");
    assert_eq!(err.code(), "duplicate-code");
    assert!(town.w.class_by_code("Z").is_err());
}

#[test]
fn classified_objects_go_only_to_jobs_someone_cleared_holds() {
    let mut town = town();
    grant(&mut town.w, town.clearance_a, Grantee::Job(town.ana_job));
    let ana = town.ana;
    let f = match town
        .w
        .execute(
            &Actor::user(ana),
            Command::NewFolder {
                app: town.vpp,
                class: town.class,
                title: text("Cenilno poročilo"),
                classification: Classification::confidential(SecurityClass::TWO),
            },
            t(NOW),
        )
        .unwrap()
        .created
    {
        Some(Created::Folder(f)) => f,
        other => panic!("{other:?}"),
    };
    let err = refused(
        &town.w,
        Actor::user(ana),
        Command::HandOver {
            object: ObjectRef::Folder(f),
            to: town.cene_job,
        },
    );
    assert_eq!(
        err,
        Error::Filing(FilingError::RecipientNotCleared {
            job: town.cene_job,
            required: SecurityClass::TWO
        })
    );
    assert_eq!(
        town.w.name_ids(&err.to_string()),
        "nobody active in job JOB.KZUP.01 is cleared for Z2, so it cannot take over this object"
    );
    // A message naming the folder names it by its id, never by its title (issue #12: a
    // refusal says what was refused, not what the object is).
    let needs = Error::Authority(AuthorityError::InsufficientLevel {
        object: ObjectRef::Folder(f).to_string(),
        required: Level::Edit21,
        held: Level::None,
    });
    let named = town.w.name_ids(&needs.to_string());
    assert_eq!(named, format!("this needs level 21 on folder {}; you have 0", f.0));
    assert!(!named.contains("Cenilno"));
    grant(&mut town.w, town.clearance_a, Grantee::User(town.cene));
    town.w
        .execute(
            &Actor::user(ana),
            Command::HandOver {
                object: ObjectRef::Folder(f),
                to: town.cene_job,
            },
            t(NOW),
        )
        .unwrap();
}

#[test]
fn a_batch_describes_each_step_against_the_steps_before_it() {
    let mut town = town();
    let user = UserId(town.w.users().len() as u32);
    let batch = Command::Batch {
        commands: vec![
            Command::CreateUser {
                username: Username::parse("u", "nova").unwrap(),
                kind: AccountKind::User,
                title: None,
                first_name: text("Nova"),
                last_name: text("Oseba"),
                gender: Gender::Female,
                email: Email::parse("e", "nova@koper.si").unwrap(),
                phone: None,
                jobs: vec![],
            },
            Command::AssignJob {
                user,
                job: town.ana_job,
            },
        ],
    };
    let plan = town.w.execute(&Actor::System, batch, t(NOW)).unwrap();
    assert_eq!(plan.changes.len(), 2);
    assert!(plan.changes[0].before.is_none());
    assert_eq!(plan.changes[1].before.as_ref().unwrap()["jobs"], serde_json::json!([]));
    assert_eq!(
        plan.changes[1].after.as_ref().unwrap()["jobs"],
        serde_json::json!([town.ana_job])
    );
}

#[test]
fn messages_name_records_by_their_codes() {
    let town = town();
    let message = Error::Directory(DirectoryError::JobOccupied {
        job: town.ana_job,
        users: vec![town.ana],
    })
    .to_string();
    assert_eq!(
        town.w.name_ids(&message),
        "job JOB.UN.01 is still held by 1 active user(s); deactivate or reassign them first (deletion is in two steps)"
    );
    assert_eq!(
        town.w.name_ids("no such thing as job#999 or #5"),
        "no such thing as job#999 or #5"
    );
    assert_eq!(
        town.w.name_ids(&format!("{} and {}", town.un, town.ana)),
        "office UN and user ana"
    );
    assert_eq!(
        town.w
            .name_ids(&Error::Directory(DirectoryError::UnknownJob(town.ana_job)).to_string()),
        "there is no job JOB.UN.01"
    );
}
