//! Every refusal says something in both languages, and the Slovenian is Slovenian.

use super::*;
use crate::ids::*;
use crate::level::{Level, SecurityClass};
use crate::time::Timestamp;
use std::collections::BTreeSet;

/// One sample of every variant of every area (the test below checks that no problem `type`
/// declared in `error/` is missing here).
fn samples() -> Vec<Error> {
    let t = |s: &str| Timestamp::parse(s).unwrap();
    let z = |n: u8| SecurityClass::new(n).unwrap();
    let value = |p: ValueProblem| {
        Error::Value(ValueError::InvalidValue {
            field: "code",
            problem: p,
        })
    };
    let mut all: Vec<Error> = vec![
        ValueError::InvalidLevel(15).into(),
        ValueError::InvalidSecurityClass(7).into(),
        ValueError::InvalidTimestamp("jutri".into()).into(),
        ValueError::EmptyWindow {
            from: t("2027-02-01"),
            to: t("2027-01-01"),
        }
        .into(),
        ValueError::LookupLevelZero.into(),
        ValueError::PageSize { requested: 0, max: 500 }.into(),
        ValueError::InvalidDate {
            field: "valid_to",
            text: "31.02.2027".into(),
        }
        .into(),
        ValueError::DatesReversed {
            from: "2027-02-01".into(),
            to: "2027-01-01".into(),
        }
        .into(),
        DirectoryError::UnknownOffice(OfficeId(3)).into(),
        DirectoryError::UnknownJob(JobId(3)).into(),
        DirectoryError::UnknownUser(UserId(3)).into(),
        DirectoryError::UnknownGroup(GroupId(3)).into(),
        DirectoryError::UnknownCode {
            kind: "office",
            code: "XX".into(),
        }
        .into(),
        DirectoryError::DuplicateCode {
            kind: "job",
            code: "XX".into(),
        }
        .into(),
        DirectoryError::OfficeCycle {
            office: OfficeId(1),
            parent: OfficeId(2),
        }
        .into(),
        DirectoryError::DefaultViewNotAView {
            class: 1,
            level: Level::Edit21,
        }
        .into(),
        DirectoryError::JobOccupied {
            job: JobId(1),
            users: vec![UserId(2)],
        }
        .into(),
        DirectoryError::OfficeNotEmpty {
            office: OfficeId(1),
            jobs: 2,
            offices: 0,
        }
        .into(),
        DirectoryError::JobInvalid(JobId(1)).into(),
        DirectoryError::OfficeInvalid(OfficeId(1)).into(),
        DirectoryError::AlreadyAssigned {
            user: UserId(1),
            job: JobId(2),
        }
        .into(),
        DirectoryError::NotAssigned {
            user: UserId(1),
            job: JobId(2),
        }
        .into(),
        DirectoryError::DuplicateSigningCode {
            code: "GLPI".into(),
            kind: "office",
            holder: "GLPI".into(),
        }
        .into(),
        DirectoryError::LastUserAdministrator("Ana Novak".into()).into(),
        RoleError::UnknownApplication(AppId(1)).into(),
        RoleError::UnknownRole(RoleId(1)).into(),
        RoleError::UnknownGrant(GrantId(1)).into(),
        RoleError::RoleCycle {
            path: vec!["A".into(), "B".into(), "A".into()],
        }
        .into(),
        RoleError::NotAContainer(RoleId(1)).into(),
        RoleError::SystemRoleNotNestable(RoleId(1)).into(),
        RoleError::ScopeNotApplicable.into(),
        RoleError::CustodianRequestMissing("VOPI-SYS".into()).into(),
        FilingError::UnknownClass(ClassId(1)).into(),
        FilingError::UnknownFolder(FolderId(1)).into(),
        FilingError::UnknownDocument(DocumentId(1)).into(),
        FilingError::ClassCycle {
            class: ClassId(1),
            parent: ClassId(2),
        }
        .into(),
        FilingError::NotResponsible {
            responsible: Some(JobId(1)),
        }
        .into(),
        FilingError::NotResponsible { responsible: None }.into(),
        FilingError::NotRecipient {
            recipient: Some(JobId(1)),
        }
        .into(),
        FilingError::NothingHandedOver.into(),
        FilingError::ObjectClosed.into(),
        FilingError::ObjectNotClosed.into(),
        FilingError::HandOverPending(JobId(1)).into(),
        FilingError::HandOverToSelf(JobId(1)).into(),
        FilingError::NotDistMain.into(),
        FilingError::RecipientNotCleared {
            job: JobId(1),
            required: z(2),
        }
        .into(),
        FilingError::NothingToNotify.into(),
        AclError::UnknownEntry(EntryId(1)).into(),
        AclError::GroupValueNotApplicable {
            entity: "office#1".into(),
        }
        .into(),
        AclError::GroupValueRequired { entity: "job#1".into() }.into(),
        AclError::GroupValueAboveValue {
            value: Level::View12,
            group_value: Level::Edit21,
        }
        .into(),
        AclError::DynamicEntityOnClass {
            entity: "[creator]".into(),
        }
        .into(),
        AuthorityError::ActorInactive.into(),
        AuthorityError::AdminNoDocuments.into(),
        AuthorityError::NotOccupant(JobId(1)).into(),
        AuthorityError::AmbiguousJob.into(),
        AuthorityError::NoJob.into(),
        AuthorityError::ApplicationNotWritable(AppId(1)).into(),
        AuthorityError::MissingWriterRole(RoleId(1)).into(),
        AuthorityError::InsufficientLevel {
            object: "folder#1".into(),
            required: Level::Edit21,
            held: Level::View13,
        }
        .into(),
        AuthorityError::MfaRequired.into(),
        AuthorityError::ClassifyAboveClearance {
            requested: z(3),
            held: z(1),
        }
        .into(),
        AuthorityError::NotAnAdministrator.into(),
        AuthorityError::OutsideScope("office UN".into()).into(),
        AuthorityError::SelfGrant.into(),
        AuthorityError::BeyondOwnPower("user ana".into()).into(),
        AuthorityError::NotAsAnotherPerson("user ana".into()).into(),
        StateError::StalePlan {
            planned: Revision(1),
            current: Revision(2),
        }
        .into(),
        StateError::Corrupt("x".into()).into(),
        ProcessError::UnknownProcess("x".into()).into(),
        ProcessError::UnknownDefinition(DefinitionId(1)).into(),
        ProcessError::UnknownCase(CaseId(1)).into(),
        ProcessError::MalformedDefinition("x".into()).into(),
        ProcessError::InvalidDefinition(crate::error::Problems(vec![
            crate::process::Problem::NoEnd,
            crate::process::Problem::NoPerformer("a".into()),
            crate::process::Problem::Unreachable("b".into()),
            crate::process::Problem::NeverEnds("b".into()),
            crate::process::Problem::Unknown {
                what: "role",
                key: "x".into(),
                place: "korak \"a\"".into(),
            },
            crate::process::Problem::LeadsNowhere {
                step: "a".into(),
                outcome: "b".into(),
                to: "c".into(),
            },
        ]))
        .into(),
        ProcessError::DefinitionExists {
            key: "x".into(),
            version: 1,
        }
        .into(),
        ProcessError::NotStarter("x".into()).into(),
        ProcessError::CaseClosed(CaseId(1)).into(),
        ProcessError::NotAtStep {
            current: "a".into(),
            asked: "b".into(),
        }
        .into(),
        ProcessError::NotPerformer {
            step: "a".into(),
            role: "b".into(),
        }
        .into(),
        ProcessError::UnknownOutcome {
            step: "a".into(),
            outcome: "b".into(),
        }
        .into(),
        ProcessError::UnknownField("a".into()).into(),
        ProcessError::FixedField("a".into()).into(),
        ProcessError::SettledField {
            field: "a".into(),
            step: "b".into(),
            settled_at: vec!["c".into()],
        }
        .into(),
        ProcessError::BadFieldValue {
            field: "a".into(),
            expected: "date",
        }
        .into(),
        ProcessError::EndBeforeStart {
            field: "a".into(),
            start: "b".into(),
        }
        .into(),
        ProcessError::GuardsUnmet {
            step: "a".into(),
            outcome: "b".into(),
            unmet: crate::error::Unmets(vec![
                crate::process::Unmet::Field(crate::text::Code::parse("f", "x").unwrap()),
                crate::process::Unmet::Consent(crate::text::Code::parse("f", "x").unwrap()),
                crate::process::Unmet::Condition,
            ]),
        }
        .into(),
        ProcessError::ConsentNotAsked {
            step: "a".into(),
            role: "b".into(),
        }
        .into(),
        ProcessError::NotRoleHolder("b".into()).into(),
        ProcessError::AlreadyConsented {
            role: "b".into(),
            by: UserId(1),
        }
        .into(),
        ProcessError::SamePersonConsents {
            user: UserId(1),
            given: "b".into(),
        }
        .into(),
        ProcessError::NobodyToPerform {
            step: "a".into(),
            role: "b".into(),
        }
        .into(),
        ProcessError::OnlyAdamReminds.into(),
        ProcessError::NotOverdue(CaseId(1)).into(),
        ProcessError::AlreadyReminded(CaseId(1)).into(),
        ProcessError::ChangeRequired(crate::error::Governed(Some("VPP.write".into()))).into(),
        ProcessError::ChangeRequired(crate::error::Governed(None)).into(),
        ProcessError::ChangeNotApproved(CaseId(1)).into(),
        ProcessError::BaselineNotRefreshed {
            case: CaseId(1),
            system: "VPP-SYS".into(),
        }
        .into(),
        ProcessError::ChangeForOtherSystem {
            case: CaseId(1),
            system: "VPP-SYS".into(),
        }
        .into(),
        ContinuityError::BadDuration("soon".into()).into(),
        ContinuityError::UnknownPlan(ContinuityPlanId(1)).into(),
        ContinuityError::UnknownPlanReview(PlanReviewId(1)).into(),
        ContinuityError::UnknownBia(BiaId(1)).into(),
        ContinuityError::UnknownTest(ContinuityTestId(1)).into(),
        ContinuityError::UnknownAcceptance(AcceptanceId(1)).into(),
        ContinuityError::NoPlan.into(),
        ContinuityError::NotASystem(ItemId(1)).into(),
        ContinuityError::RtoOverMtd {
            rto: "8h".into(),
            mtd: "4h".into(),
        }
        .into(),
        ContinuityError::TargetsMissing("vital").into(),
        ContinuityError::SelfDependency.into(),
        ContinuityError::RestoreInterval(0).into(),
        ContinuityError::ReviewDueTooLate {
            latest: "2027-01-01".into(),
            asked: "2028-01-01".into(),
        }
        .into(),
        ContinuityError::NotAChangeRequest(CaseId(1)).into(),
        ContinuityError::ChangeOnAnnualReview.into(),
        ContinuityError::ReportBeforeReview {
            reported: "2027-01-01".into(),
            date: "2027-02-01".into(),
        }
        .into(),
        ContinuityError::ComponentMissing.into(),
        ContinuityError::AnnouncedAfterHeld {
            announced: "2027-02-01".into(),
            held: "2027-01-01".into(),
        }
        .into(),
        ContinuityError::FindingsMissing.into(),
        ContinuityError::NotContinuityKeeper.into(),
        ContinuityError::NotContinuityWriter {
            system: ItemId(1),
            custodian: UserId(2),
        }
        .into(),
        RaciError::NoMatrix("OPSI".into()).into(),
        RaciError::UnknownMatrix(RaciMatrixId(1)).into(),
        RaciError::UnknownTemplate("x v1".into()).into(),
        RaciError::UnknownTask("x".into()).into(),
        RaciError::UnknownLayer("x".into()).into(),
        RaciError::UnknownParty("x".into()).into(),
        RaciError::BadPartyKey("X Y".into()).into(),
        RaciError::PartyNameMissing("ekc".into()).into(),
        RaciError::MatrixExists("OPSI".into()).into(),
        RaciError::UnknownSolution("NOVA".into()).into(),
        RaciError::BadLetters("AX".into()).into(),
        RaciError::InvalidMatrix(crate::error::Findings(vec![crate::raci::Finding::NoAccountable {
            task: 1,
            layer: crate::raci::Key::parse("middleware").unwrap(),
        }]))
        .into(),
        RaciError::NotRaciKeeper.into(),
        RaciError::OverrideNotAllowed {
            task: 1,
            layer: "middleware".into(),
            accountable: "provider".into(),
        }
        .into(),
        RaciError::ReasonMissing.into(),
        RegisterError::UnknownItem(ItemId(3)).into(),
        RegisterError::UnknownItemCode("X".into()).into(),
        RegisterError::UnknownLink(LinkId(3)).into(),
        RegisterError::UnknownHolder(HolderId(3)).into(),
        RegisterError::UnknownScheme(SchemeId(3)).into(),
        RegisterError::DuplicateItemCode("X".into()).into(),
        RegisterError::CustodianInactive(UserId(3)).into(),
        RegisterError::NotCustodian {
            item: ItemId(1),
            custodian: UserId(2),
        }
        .into(),
        RegisterError::NotItemKeeper {
            item: ItemId(1),
            custodian: UserId(2),
        }
        .into(),
        RegisterError::BelowFloor {
            system: ItemId(1),
            dimension: 'Z',
            class: z(1),
            floor: z(2),
            asset: ItemId(2),
        }
        .into(),
        RegisterError::PublicCloudClass {
            item: ItemId(1),
            class: "Z2 C1 R1".into(),
        }
        .into(),
        RegisterError::PublicCloudApprovalMissing.into(),
        RegisterError::NotASystem(ItemId(1)).into(),
        RegisterError::NotAnAsset(ItemId(1)).into(),
        RegisterError::SystemOnlyField("operators").into(),
        RegisterError::ApplicationInAnotherSystem {
            app: AppId(1),
            system: ItemId(2),
        }
        .into(),
        RegisterError::TransferConsentRequired {
            asset: ItemId(1),
            from: ItemId(2),
        }
        .into(),
        RegisterError::ConsentNotBySourceCustodian {
            by: UserId(1),
            system: ItemId(2),
            custodian: UserId(3),
        }
        .into(),
        RegisterError::TransferBelowAsset {
            asset: ItemId(1),
            system: ItemId(2),
            dimension: 'C',
            asset_class: z(3),
            system_class: z(1),
        }
        .into(),
        RegisterError::AlreadyLinked {
            system: ItemId(1),
            asset: ItemId(2),
        }
        .into(),
        RegisterError::ItemRetired(ItemId(1)).into(),
        RegisterError::ObjectAboveSystem {
            system: ItemId(1),
            object: "Z3 C0 R0".into(),
            held: "Z2 C0 R0".into(),
        }
        .into(),
        RegisterError::UnknownReview(ReviewId(1)).into(),
        RegisterError::UnknownFollowUp(FollowUpId(1)).into(),
        RegisterError::NoApplication(ItemId(1)).into(),
        RegisterError::NotReviewer { reviewer: UserId(1) }.into(),
        RegisterError::NotReviewerToAttach { reviewer: UserId(1) }.into(),
        RegisterError::NotConcerned(GrantId(1)).into(),
        RegisterError::NotUnderReview(GrantId(1)).into(),
        RegisterError::AlreadyDecided(GrantId(1)).into(),
        RegisterError::UnknownRisk(RiskId(1)).into(),
        RegisterError::UnknownSolution(crate::ids::SolutionId(1)).into(),
        RegisterError::BadCodename("x".into()).into(),
        RegisterError::CodenameTaken("OPSI".into()).into(),
        RegisterError::SolutionCloudClass {
            system: "S".into(),
            class: "Z2 C1 R1".into(),
        }
        .into(),
        RegisterError::CloudWithoutSystem.into(),
        RegisterError::EnvironmentsNotSeparate("a".into()).into(),
        RegisterError::StagingNotInPzi.into(),
        RegisterError::BoardWithoutCriteria.into(),
        RegisterError::ConfirmationWithoutDate {
            field: "logical_scheme".into(),
        }
        .into(),
        RegisterError::ConfirmationWithoutConfirmer {
            field: "physical_plan_test".into(),
        }
        .into(),
        RegisterError::ConfirmationInFuture {
            field: "physical_plan_production".into(),
            date: "1. 1. 2099".into(),
        }
        .into(),
        RegisterError::VersionInFlight("1".into()).into(),
        RegisterError::VersionExists("1".into()).into(),
        RegisterError::UnknownSolutionJob {
            role: "coordinator".into(),
            job: crate::ids::JobId(9),
        }
        .into(),
        RegisterError::InvalidSolutionJob {
            role: "coordinator".into(),
            job: "JOB.X".into(),
        }
        .into(),
        RegisterError::SolutionWithoutSystem.into(),
        RegisterError::NoCustodianApproval.into(),
        RegisterError::VersionChangeNotApproved(7).into(),
        RegisterError::InstructionsMissing {
            article: "14(3)",
            what: "operating instructions",
        }
        .into(),
        RegisterError::NoIndependentAssessment.into(),
        RegisterError::AssessorNotIndependent {
            person: "Ana".into(),
            role: "operator",
            system: "OPSI-SYS".into(),
        }
        .into(),
        RegisterError::RiskDueTooLate {
            latest: "2027-03-01".into(),
            asked: "2028-01-01".into(),
        }
        .into(),
        RegisterError::AppointmentReversed {
            since: "2027-01-02".into(),
            until: "2027-01-01".into(),
        }
        .into(),
        RegisterError::UnknownBaseline(BaselineId(1)).into(),
        RegisterError::UnknownComparison(ComparisonId(1)).into(),
        RegisterError::NotIntegrityServer(ItemId(1)).into(),
        RegisterError::NotScanSubmitter {
            server: ItemId(1),
            custodian: UserId(2),
        }
        .into(),
        RegisterError::ChangeReferenceMissing.into(),
        RegisterError::BaselineAlreadyApproved(BaselineId(1)).into(),
        RegisterError::NoApprovedBaseline(ItemId(1)).into(),
        RegisterError::EmptyManifest.into(),
        Error::BatchItem {
            index: 0,
            error: Box::new(FilingError::ObjectClosed.into()),
        },
    ];
    for (en, _) in PHRASES {
        all.push(Error::NoChange(en));
        all.push(RoleError::RoleShape(en).into());
        all.push(AuthorityError::SystemAdministratorOnly(en).into());
        all.push(AuthorityError::SelfAdministration(en).into());
        all.push(RegisterError::NotRegisterKeeper(en).into());
    }
    all.extend(
        [
            ValueProblem::Empty,
            ValueProblem::TooShort(2),
            ValueProblem::TooLong { max: 32, got: 40 },
            ValueProblem::ControlCharacter,
            ValueProblem::DoubleSpace,
            ValueProblem::MustStartAlphanumeric,
            ValueProblem::CodeCharacter {
                bad: ' ',
                allowed: &['_', '-', '.', ' '],
            },
            ValueProblem::UsernameCharacter('Š'),
            ValueProblem::EmailNoAt,
            ValueProblem::EmailLocalLength,
            ValueProblem::EmailLocalDots,
            ValueProblem::EmailLocalCharacter('"'),
            ValueProblem::EmailDomain,
            ValueProblem::PhoneCharacter('x'),
            ValueProblem::PhoneDigits,
            ValueProblem::NotADigest,
            ValueProblem::NotAnAccountKind("root".into()),
            ValueProblem::NotAGender("x".into()),
        ]
        .map(value),
    );
    all
}

/// English words that are no Slovenian word: a Slovenian text containing one of them is
/// (partly) English.
const ENGLISH: &[&str] = &[
    " the ",
    " is ",
    " not ",
    " may ",
    " must ",
    " you ",
    " there ",
    " only ",
    " already ",
    " cannot ",
    " holds ",
    " job ",
    " office ",
    " user ",
    " role ",
    " grant ",
    " needs ",
    " and ",
    " of ",
];

#[test]
fn every_refusal_has_a_slovenian_and_an_english_text() {
    for e in samples() {
        let (sl, en) = (e.message(Lang::Sl), e.message(Lang::En));
        assert!(!sl.trim().is_empty() && !en.trim().is_empty(), "{e:?}");
        assert_eq!(en, e.to_string(), "English is the Display: {e:?}");
        assert_ne!(sl, en, "{e:?} has no Slovenian text");
        let padded = format!(" {} ", sl.to_lowercase());
        for word in ENGLISH {
            assert!(
                !padded.contains(word),
                "{e:?}: the Slovenian {sl:?} holds the English {word:?}"
            );
        }
    }
}

#[test]
fn every_problem_type_of_error_rs_has_a_sample() {
    // The areas are declared in the files of `error/`; every one is read.
    let source = [
        include_str!("../error/mod.rs"),
        include_str!("../error/values.rs"),
        include_str!("../error/access.rs"),
        include_str!("../error/registers.rs"),
        include_str!("../error/process.rs"),
    ]
    .concat();
    let declared: BTreeSet<&str> = source
        .split("=> (\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let sampled: BTreeSet<&str> = samples().iter().map(Error::code).collect();
    let missing: Vec<_> = declared.difference(&sampled).collect();
    assert!(missing.is_empty(), "no sample of {missing:?}: add one above");
    assert!(sampled.contains("no-change"));
}

/// The string literals inside the parentheses after each `marker` in `source`.
fn phrases_after<'a>(source: &'a str, marker: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    for (at, _) in source.match_indices(marker) {
        let rest = &source[at + marker.len()..];
        let (mut depth, mut in_string, mut start) = (1, false, 0);
        for (i, c) in rest.char_indices() {
            match (c, in_string) {
                ('"', false) => (in_string, start) = (true, i + 1),
                ('"', true) => {
                    in_string = false;
                    found.push(&rest[start..i]);
                }
                ('(', false) => depth += 1,
                (')', false) => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
        }
    }
    found
}

#[test]
fn every_fixed_phrase_of_the_engine_is_translated() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![root];
    let (mut untranslated, mut seen) = (Vec::new(), 0);
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("error_words/tests.rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for marker in [
                "Error::NoChange(",
                "unchanged_refused(",
                "RoleShape(",
                "SystemAdministratorOnly(",
                "SelfAdministration(",
                "NotRegisterKeeper(",
                "require_keeper(",
            ] {
                for p in phrases_after(&source, marker) {
                    seen += 1;
                    if !p.contains('{') && !PHRASES.iter().any(|(en, _)| *en == p) {
                        untranslated.push(format!("{}: {p}", path.display()));
                    }
                }
            }
        }
    }
    assert!(seen > 25, "the scan found only {seen} phrases");
    assert!(untranslated.is_empty(), "add to PHRASES: {untranslated:#?}");
}
