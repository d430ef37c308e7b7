//! Commands: the changes someone can ask for, and what a command created.
//!
//! A command is planned by `plan/` ([`World::plan`](crate::World::plan)) into a
//! [`Plan`](crate::Plan) of events; this module is only the vocabulary, shared by the API, the
//! CLI and the change log's audit records (its `action` names).
//!
//! One file of about 800 lines on purpose: `Command` is a single serde-tagged enum (its
//! variants cannot be spread over files) that is most of it, and `action()` and [`Created`]
//! are its two short companions, best read beside the variants they name.

use crate::acl::{AclKind, Entity};
use crate::calendar::LocalDate;
use crate::directory::{AccountKind, Gender};
use crate::ids::*;
use crate::level::{Classification, Level};
use crate::records::{Carrier, ObjectRef};
use crate::register::decree_roles::DecreeRole;
use crate::register::inventory::{ItemFields, ItemKind, Relation, TransferConsent};
use crate::register::review::{Outcome, Under};
use crate::register::risk::RiskFields;
use crate::register::scheme::SchemeEntry;
use crate::roles::{Grantee, RoleKind};
use crate::settings::Settings;
use crate::text::{Code, Email, JobCode, Phone, RoleCode, SigningCode, Text, Username};
use crate::time::Window;
use serde::{Deserialize, Serialize};

/// A change someone asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Creates the built-in system roles (`adam.user_admin`, `adam.security_lead`).
    Initialise,
    /// Replaces the organisation's settings.
    SetSettings {
        /// The new settings.
        settings: Settings,
        /// The approved change request this change implements (required while ADAM governs
        /// its own changes).
        #[serde(default)]
        change: Option<CaseId>,
    },
    /// Creates an office with its head job `LEADER.<code>` and secretariat `TAJNISTVO.<code>`.
    CreateOffice {
        /// Code.
        code: Code,
        /// Name.
        name: Text,
        /// Parent office (`None`: directly under `Company.main`).
        parent: Option<OfficeId>,
        /// Signing code.
        signing_code: Option<SigningCode>,
    },
    /// Changes an office's name, parent or signing code.
    UpdateOffice {
        /// Office.
        office: OfficeId,
        /// Name.
        name: Text,
        /// Parent.
        parent: Option<OfficeId>,
        /// Signing code.
        signing_code: Option<SigningCode>,
    },
    /// Invalidates or revalidates an office.
    SetOfficeValid {
        /// Office.
        office: OfficeId,
        /// Valid or not.
        valid: bool,
    },
    /// Creates a job in an office.
    CreateJob {
        /// Job id (`JOB.0276`).
        code: JobCode,
        /// Signing code.
        signing_code: Option<SigningCode>,
        /// Name.
        name: Text,
        /// Office.
        office: OfficeId,
    },
    /// Changes a job's signing code, name or office.
    UpdateJob {
        /// Job.
        job: JobId,
        /// Signing code.
        signing_code: Option<SigningCode>,
        /// Name.
        name: Text,
        /// Office.
        office: OfficeId,
    },
    /// Invalidates (the second step of deletion) or revalidates a job.
    SetJobValid {
        /// Job.
        job: JobId,
        /// Valid or not.
        valid: bool,
    },
    /// Creates an account.
    CreateUser {
        /// Username.
        username: Username,
        /// Account kind.
        kind: AccountKind,
        /// Title.
        title: Option<Text>,
        /// First name.
        first_name: Text,
        /// Last name.
        last_name: Text,
        /// Gender.
        gender: Gender,
        /// E-mail address (mandatory).
        email: Email,
        /// Phone.
        phone: Option<Phone>,
        /// Jobs to hold from the start.
        jobs: Vec<JobId>,
    },
    /// Changes a user's personal data.
    UpdateUser {
        /// User.
        user: UserId,
        /// Title.
        title: Option<Text>,
        /// First name.
        first_name: Text,
        /// Last name.
        last_name: Text,
        /// Gender.
        gender: Gender,
        /// E-mail address.
        email: Email,
        /// Phone.
        phone: Option<Phone>,
    },
    /// Deactivates (the first step of deletion) or reactivates an account.
    SetUserActive {
        /// User.
        user: UserId,
        /// Active or not.
        active: bool,
    },
    /// Gives a user a job.
    AssignJob {
        /// User.
        user: UserId,
        /// Job.
        job: JobId,
    },
    /// Takes a job from a user.
    UnassignJob {
        /// User.
        user: UserId,
        /// Job.
        job: JobId,
    },
    /// Creates a user group.
    CreateGroup {
        /// Code.
        code: Code,
        /// Name.
        name: Text,
        /// Users.
        users: Vec<UserId>,
        /// Jobs.
        jobs: Vec<JobId>,
    },
    /// Replaces a group's name and members.
    UpdateGroup {
        /// Group.
        group: GroupId,
        /// Name.
        name: Text,
        /// Users.
        users: Vec<UserId>,
        /// Jobs.
        jobs: Vec<JobId>,
    },
    /// Registers an application.
    CreateApplication {
        /// Code.
        code: Code,
        /// Name.
        name: Text,
    },
    /// Changes an application's name and writing role.
    UpdateApplication {
        /// Application.
        app: AppId,
        /// Name.
        name: Text,
        /// Writing role.
        writer_role: Option<RoleId>,
    },
    /// Creates an application or user role.
    CreateRole {
        /// Code.
        code: RoleCode,
        /// Application or user role (system roles are built in).
        kind: RoleKind,
        /// Application.
        app: Option<AppId>,
        /// Description.
        description: Text,
        /// Application-wide level (application roles only).
        object_level: Option<Level>,
        /// Contained roles (user roles only).
        members: Vec<RoleId>,
    },
    /// Changes a role's description, application-wide level or contents.
    UpdateRole {
        /// Role.
        role: RoleId,
        /// Description.
        description: Text,
        /// Application-wide level.
        object_level: Option<Level>,
        /// Contained roles.
        members: Vec<RoleId>,
        /// The approved change request this change implements (required while ADAM governs
        /// its own changes and the role's application lives in a Z3 or C3 system).
        #[serde(default)]
        change: Option<CaseId>,
    },
    /// Grants a role.
    Grant {
        /// Role.
        role: RoleId,
        /// To whom.
        grantee: Grantee,
        /// Validity window.
        window: Window,
        /// Office subtree (user-administrator grants only).
        scope: Option<OfficeId>,
        /// Request reference.
        reference: Option<Text>,
    },
    /// Changes a grant's window or reference.
    UpdateGrant {
        /// Grant.
        grant: GrantId,
        /// Validity window.
        window: Window,
        /// Request reference.
        reference: Option<Text>,
    },
    /// Revokes a grant.
    Revoke {
        /// Grant.
        grant: GrantId,
    },
    /// Adds a class to the filing plan.
    CreateClass {
        /// Code.
        code: Code,
        /// Name.
        name: Text,
        /// Parent class.
        parent: Option<ClassId>,
    },
    /// Renames or moves a filing class.
    UpdateClass {
        /// Class.
        class: ClassId,
        /// Name.
        name: Text,
        /// Parent class.
        parent: Option<ClassId>,
    },
    /// Opens a new folder (Diagram 1 "Nova mapa").
    NewFolder {
        /// Application.
        app: AppId,
        /// Filing class.
        class: ClassId,
        /// Title.
        title: Text,
        /// Classification.
        classification: Classification,
    },
    /// Adds a document to a folder (Diagram 1 "Nov dokument").
    NewDocument {
        /// Folder.
        folder: FolderId,
        /// Title.
        title: Text,
        /// Classification.
        classification: Classification,
    },
    /// Notifies jobs or users of an arriving document: they get 14 on the folder.
    Notify {
        /// The folder or document.
        object: ObjectRef,
        /// Jobs to notify.
        jobs: Vec<JobId>,
        /// Users to notify.
        users: Vec<UserId>,
    },
    /// Hands the object over to another job (Diagram 1 "Predaja").
    HandOver {
        /// The folder or document.
        object: ObjectRef,
        /// The recipient job.
        to: JobId,
    },
    /// The recipient accepts (Diagram 1 "Sprejem").
    Accept {
        /// The folder or document.
        object: ObjectRef,
    },
    /// The recipient rejects.
    Reject {
        /// The folder or document.
        object: ObjectRef,
    },
    /// The responsible closes the object (Diagram 1 "Zaključitev").
    Close {
        /// The folder or document.
        object: ObjectRef,
    },
    /// The main office reopens a closed object.
    Reopen {
        /// The folder or document.
        object: ObjectRef,
    },
    /// Changes an object's classification, with a reason.
    Reclassify {
        /// The folder or document.
        object: ObjectRef,
        /// New classification.
        classification: Classification,
        /// Why.
        reason: Text,
    },
    /// Adds an ACL entry.
    AddEntry {
        /// Where.
        carrier: Carrier,
        /// `allowed` or `maxAllowed`.
        kind: AclKind,
        /// About whom.
        entity: Entity,
        /// Value.
        value: Level,
        /// Group value: for `Company.main` and offices it is the value; for an `allowed` entry it
        /// defaults to 0; a `maxAllowed` entry on another entity must give it.
        group_value: Option<Level>,
        /// Validity window.
        window: Window,
    },
    /// Removes an ACL entry.
    RemoveEntry {
        /// The entry.
        entry: EntryId,
    },
    /// Several commands as one change: one plan, one transaction, one revision — all of them
    /// or none (an import). Each is planned against the state the ones before it leave, and
    /// authorised for the same actor.
    Batch {
        /// The commands, in order.
        commands: Vec<Command>,
    },
    /// Adds an asset or a system to the inventory (Art. 10).
    CreateItem {
        /// Asset or system.
        kind: ItemKind,
        /// Its fields.
        fields: ItemFields,
    },
    /// Changes an inventory item's fields (not its class).
    UpdateItem {
        /// The item.
        item: ItemId,
        /// Its new fields.
        fields: ItemFields,
    },
    /// The custodian classifies an item (Art. 7, 11).
    ClassifyItem {
        /// The item.
        item: ItemId,
        /// The class on each dimension.
        class: Classification,
        /// The protection level set with it.
        #[serde(default)]
        protection_level: Option<Text>,
    },
    /// Retires an item: kept for the record, no longer in use.
    RetireItem {
        /// The item.
        item: ItemId,
    },
    /// Links a system to an asset it stores, processes, handles or protects (Art. 11(2));
    /// moving an asset in from another system needs its custodian's consent (Art. 38).
    LinkAsset {
        /// The system.
        system: ItemId,
        /// The asset.
        asset: ItemId,
        /// How.
        relation: Relation,
        /// The source custodian's written consent, for a transfer.
        #[serde(default)]
        consent: Option<TransferConsent>,
    },
    /// Removes a link.
    UnlinkAsset {
        /// The link.
        link: LinkId,
    },
    /// Appoints a person to a Decree role (Art. 5).
    AppointDecreeRole {
        /// The role.
        role: DecreeRole,
        /// The person.
        user: UserId,
        /// Contact details for the ministry.
        #[serde(default)]
        contact: Option<Text>,
        /// The reference of the appointment.
        #[serde(default)]
        appointment: Option<Text>,
        /// Since when.
        since: LocalDate,
    },
    /// Ends an appointment.
    EndDecreeRole {
        /// The appointment.
        holder: HolderId,
        /// Its last day.
        until: LocalDate,
    },
    /// Starts an access review of a system's rights (Art. 51(4)); its custodian reviews them.
    StartAccessReview {
        /// The system.
        system: ItemId,
        /// The last day to decide.
        due: LocalDate,
    },
    /// Confirms or revokes a grant in an access review or a follow-up; a revocation removes the
    /// grant in the same change.
    DecideGrant {
        /// The campaign or follow-up.
        under: Under,
        /// The grant.
        grant: GrantId,
        /// Confirmed or revoked.
        outcome: Outcome,
        /// Why.
        #[serde(default)]
        comment: Option<Text>,
    },
    /// Records a risk assessment (Art. 9).
    RecordRiskAssessment {
        /// What it records.
        fields: RiskFields,
    },
    /// Corrects a risk assessment.
    UpdateRiskAssessment {
        /// The assessment.
        risk: RiskId,
        /// What it records.
        fields: RiskFields,
    },
    /// A new version of the classification scheme's names, criteria and labelling texts.
    SetClassScheme {
        /// The regulation it implements.
        regulation: Text,
        /// The entries that change (codes not named keep their text).
        entries: Vec<SchemeEntry>,
    },
    /// Adds a stored file to a register record that carries files (a risk assessment's signed
    /// report, an access review's minutes, the approval behind a baseline). Whoever may keep
    /// the record may add to it; a file is never removed (its history keeps it).
    AttachFile {
        /// The record.
        to: crate::attachment::Attachable,
        /// The file (uploaded first; the store checks it in this change's transaction).
        file: crate::attachment::AttachmentRef,
    },
    /// Submits a scan of a key or high-risk server as a new integrity baseline (Art. 50(4)).
    SubmitBaseline {
        /// The server (an information system of the inventory).
        server: ItemId,
        /// The files scanned.
        manifest: crate::register::integrity::Manifest,
        /// When the scan was taken (default: now).
        #[serde(default)]
        taken_at: Option<crate::time::Timestamp>,
    },
    /// Approves a baseline after the approved change that justifies it (Art. 50(4)).
    ApproveBaseline {
        /// The baseline.
        baseline: crate::ids::BaselineId,
        /// The reference of the approved change.
        #[serde(default)]
        change: Option<Text>,
    },
    /// Compares a scan with the server's approved baseline (Art. 50(5)); a mismatch is
    /// recorded as the security event `security.integrity_mismatch`.
    CompareScan {
        /// The server.
        server: ItemId,
        /// The files scanned.
        manifest: crate::register::integrity::Manifest,
        /// When the scan was taken (default: now).
        #[serde(default)]
        taken_at: Option<crate::time::Timestamp>,
    },
    /// Records the body's continuity plan (Art. 15(1)).
    RecordContinuityPlan {
        /// What it holds.
        fields: crate::register::continuity::PlanFields,
    },
    /// Changes a continuity plan.
    UpdateContinuityPlan {
        /// The plan.
        plan: crate::ids::ContinuityPlanId,
        /// What it holds now.
        fields: crate::register::continuity::PlanFields,
    },
    /// Records a review of the plan in force (Art. 15(2), 15(4)).
    ReviewContinuityPlan {
        /// What it records.
        fields: crate::register::continuity::PlanReviewFields,
    },
    /// Sets a system's business impact analysis and backup plan (Art. 29(2)).
    SetBia {
        /// The system.
        system: ItemId,
        /// What it records.
        fields: crate::register::continuity::BiaFields,
    },
    /// Records a restore test, outage simulation or drill (Art. 15(3), 29(3)).
    RecordContinuityTest {
        /// What it records.
        fields: crate::register::continuity::TestFields,
    },
    /// Changes a continuity test (its follow-up tasks done, its findings).
    UpdateContinuityTest {
        /// The test.
        test: crate::ids::ContinuityTestId,
        /// What it records now.
        fields: crate::register::continuity::TestFields,
    },
    /// Records that a continuity target is knowingly not met.
    AcceptContinuityRisk {
        /// What it records.
        fields: crate::register::continuity::AcceptanceFields,
    },
    /// Keeps a new version of a process definition (an administrator imports it).
    ImportProcess {
        /// The definition.
        definition: crate::process::Definition,
    },
    /// Starts a case of a process (any person reports a security event; ADAM raises one).
    StartCase {
        /// The process's key (`security-event`).
        process: Code,
        /// The case's title.
        title: Text,
        /// Fields filled at the start, by key (values as the field's kind reads them).
        #[serde(default)]
        fields: std::collections::BTreeMap<String, serde_json::Value>,
        /// Files attached at the start.
        #[serde(default)]
        attachments: Vec<crate::attachment::AttachmentRef>,
    },
    /// Fills fields of an open case or attaches files to it (`null` empties a field).
    UpdateCase {
        /// The case.
        case: CaseId,
        /// Fields, by key.
        #[serde(default)]
        fields: std::collections::BTreeMap<String, serde_json::Value>,
        /// Files to attach.
        #[serde(default)]
        attachments: Vec<crate::attachment::AttachmentRef>,
    },
    /// Decides the case's current step with one of its outcomes.
    DecideStep {
        /// The case.
        case: CaseId,
        /// The step decided (must be the current one: a stale page cannot decide another).
        step: Code,
        /// The outcome.
        outcome: Code,
        /// What the performer says.
        #[serde(default)]
        comment: Option<Text>,
        /// Fields filled with the decision.
        #[serde(default)]
        fields: std::collections::BTreeMap<String, serde_json::Value>,
        /// Files attached with the decision.
        #[serde(default)]
        attachments: Vec<crate::attachment::AttachmentRef>,
    },
    /// Gives the written consent of a role at the case's current step (Art. 22(3)).
    ConsentCase {
        /// The case.
        case: CaseId,
        /// The role consenting.
        role: Code,
        /// What the person says.
        #[serde(default)]
        comment: Option<Text>,
    },
    /// Records that the overdue reminder of the case's current step has gone out to its
    /// performers (ADAM itself, from its scheduler; once per visit of a step).
    RemindOverdue {
        /// The case.
        case: CaseId,
    },
    /// Creates a solution's responsibility matrix from a shipped template.
    CreateRaciMatrix {
        /// The solution's codename.
        solution: crate::raci::SolutionCode,
        /// The template and its version.
        template: crate::raci::TemplateRef,
        /// The parties, bound to the directory (the template's not named are added unbound;
        /// others are added after them and need a name).
        #[serde(default)]
        parties: Vec<crate::raci::Party>,
    },
    /// Binds a party of a matrix to an office or a job, or adds a party.
    SetRaciParty {
        /// The matrix.
        matrix: RaciMatrixId,
        /// The party.
        party: crate::raci::Party,
    },
    /// Changes one cell of a matrix from the template's letters, with a reason; the person
    /// recording it approves it.
    OverrideRaciCell {
        /// The matrix.
        matrix: RaciMatrixId,
        /// The task's number.
        task: u16,
        /// The layer.
        layer: crate::raci::Key,
        /// The party.
        party: crate::raci::Key,
        /// The letters.
        letters: crate::raci::Cell,
        /// Why.
        #[serde(default)]
        reason: Option<Text>,
    },
    /// Registers a solution in the registry of information solutions (seed 000, 1.1.1.11).
    RegisterSolution {
        /// What the registry keeps.
        fields: crate::register::solution::SolutionFields,
    },
    /// Changes a solution's entry (the coordination keeps it current, 1.1.1.11).
    UpdateSolution {
        /// The solution.
        solution: crate::ids::SolutionId,
        /// What the registry keeps now.
        fields: crate::register::solution::SolutionFields,
    },
    /// Opens a version of a solution: a `dro-hosting` case, the first at the order, every
    /// later one at the development order (1.1.1.18).
    OpenSolutionVersion {
        /// The solution.
        solution: crate::ids::SolutionId,
        /// The version's label.
        version: Text,
    },
}

impl Command {
    /// The action name recorded in the audit trail (`office.create`, `workflow.accept`).
    pub fn action(&self) -> &'static str {
        match self {
            Command::Initialise => "system.initialise",
            Command::CreateItem { .. } => "inventory.create",
            Command::UpdateItem { .. } => "inventory.update",
            Command::ClassifyItem { .. } => "inventory.classify",
            Command::RetireItem { .. } => "inventory.retire",
            Command::LinkAsset { .. } => "inventory.link",
            Command::UnlinkAsset { .. } => "inventory.unlink",
            Command::AppointDecreeRole { .. } => "decree_role.appoint",
            Command::EndDecreeRole { .. } => "decree_role.end",
            Command::SetClassScheme { .. } => "class_scheme.update",
            Command::StartAccessReview { .. } => "access_review.start",
            Command::RecordRiskAssessment { .. } => "risk_assessment.record",
            Command::AttachFile { .. } => "attachment.attach",
            Command::UpdateRiskAssessment { .. } => "risk_assessment.update",
            Command::RegisterSolution { .. } => "solution.register",
            Command::UpdateSolution { .. } => "solution.update",
            Command::OpenSolutionVersion { .. } => "solution.open_version",
            Command::DecideGrant {
                outcome: Outcome::Confirmed,
                ..
            } => "access_review.confirm",
            Command::DecideGrant {
                outcome: Outcome::Revoked,
                ..
            } => "access_review.revoke",
            Command::SetSettings { .. } => "settings.update",
            Command::CreateOffice { .. } => "office.create",
            Command::UpdateOffice { .. } => "office.update",
            Command::SetOfficeValid { valid: true, .. } => "office.validate",
            Command::SetOfficeValid { valid: false, .. } => "office.invalidate",
            Command::CreateJob { .. } => "job.create",
            Command::UpdateJob { .. } => "job.update",
            Command::SetJobValid { valid: true, .. } => "job.validate",
            Command::SetJobValid { valid: false, .. } => "job.invalidate",
            Command::CreateUser { .. } => "user.create",
            Command::UpdateUser { .. } => "user.update",
            Command::SetUserActive { active: true, .. } => "user.activate",
            Command::SetUserActive { active: false, .. } => "user.deactivate",
            Command::AssignJob { .. } => "user.assign_job",
            Command::UnassignJob { .. } => "user.unassign_job",
            Command::CreateGroup { .. } => "group.create",
            Command::UpdateGroup { .. } => "group.update",
            Command::CreateApplication { .. } => "application.create",
            Command::UpdateApplication { .. } => "application.update",
            Command::CreateRole { .. } => "role.create",
            Command::UpdateRole { .. } => "role.update",
            Command::Grant { .. } => "grant.create",
            Command::UpdateGrant { .. } => "grant.update",
            Command::Revoke { .. } => "grant.revoke",
            Command::CreateClass { .. } => "class.create",
            Command::UpdateClass { .. } => "class.update",
            Command::NewFolder { .. } => "workflow.new_folder",
            Command::NewDocument { .. } => "workflow.new_document",
            Command::Notify { .. } => "workflow.notify",
            Command::HandOver { .. } => "workflow.hand_over",
            Command::Accept { .. } => "workflow.accept",
            Command::Reject { .. } => "workflow.reject",
            Command::Close { .. } => "workflow.close",
            Command::Reopen { .. } => "workflow.reopen",
            Command::Reclassify { .. } => "workflow.reclassify",
            Command::AddEntry { .. } => "acl.add",
            Command::RemoveEntry { .. } => "acl.remove",
            Command::Batch { .. } => "batch",
            Command::SubmitBaseline { .. } => "integrity.submit_baseline",
            Command::RecordContinuityPlan { .. } => "continuity.record_plan",
            Command::UpdateContinuityPlan { .. } => "continuity.update_plan",
            Command::ReviewContinuityPlan { .. } => "continuity.review_plan",
            Command::SetBia { .. } => "continuity.set_bia",
            Command::RecordContinuityTest { .. } => "continuity.record_test",
            Command::UpdateContinuityTest { .. } => "continuity.update_test",
            Command::AcceptContinuityRisk { .. } => "continuity.accept_risk",
            Command::ImportProcess { .. } => "process.import",
            Command::StartCase { .. } => "case.start",
            Command::UpdateCase { .. } => "case.update",
            Command::DecideStep { .. } => "case.decide",
            Command::ConsentCase { .. } => "case.consent",
            Command::RemindOverdue { .. } => "case.remind",
            Command::CreateRaciMatrix { .. } => "raci.create",
            Command::SetRaciParty { .. } => "raci.set_party",
            Command::OverrideRaciCell { .. } => "raci.override",
            Command::ApproveBaseline { .. } => "integrity.approve_baseline",
            // A mismatch is recorded as `security.integrity_mismatch` (the planner says so).
            Command::CompareScan { .. } => "integrity.compare",
        }
    }
}

/// [`Created`] and [`CreatedId`] from one list: each variant, the id it carries and what the
/// record is called in a message.
macro_rules! created {
    ($( $(#[$doc:meta])* $var:ident($id:ident) = $what:literal, )*) => {
        /// The record a command created first, so the caller can answer with its id.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(tag = "type", content = "id", rename_all = "snake_case")]
        pub enum Created {
            $( $(#[$doc])* $var($id), )*
        }

        $(
            impl CreatedId for $id {
                const WHAT: &'static str = $what;
                fn of(created: Created) -> Option<$id> {
                    match created {
                        Created::$var(id) => Some(id),
                        _ => None,
                    }
                }
            }
        )*
    };
}

/// An id a command can create: the [`Created`] variant that carries it. The service layer
/// answers "the id of what this plan created" once for every kind through it.
pub trait CreatedId: Sized {
    /// What the record is called in a message (`office`).
    const WHAT: &'static str;
    /// The id, if `created` is of this kind.
    fn of(created: Created) -> Option<Self>;
}

created! {
    /// An office.
    Office(OfficeId) = "office",
    /// A job.
    Job(JobId) = "job",
    /// A user.
    User(UserId) = "user",
    /// A group.
    Group(GroupId) = "group",
    /// An application.
    Application(AppId) = "application",
    /// A role.
    Role(RoleId) = "role",
    /// A grant.
    Grant(GrantId) = "grant",
    /// A filing class.
    Class(ClassId) = "filing class",
    /// A folder.
    Folder(FolderId) = "folder",
    /// A document.
    Document(DocumentId) = "document",
    /// An ACL entry.
    Entry(EntryId) = "ACL entry",
    /// An inventory item.
    Item(ItemId) = "inventory item",
    /// A link between a system and an asset.
    Link(LinkId) = "link",
    /// An appointment to a Decree role.
    Holder(HolderId) = "appointment",
    /// An access-review campaign.
    Review(ReviewId) = "access review",
    /// A risk assessment.
    Risk(RiskId) = "risk assessment",
    /// A solution of the hosting registry.
    Solution(SolutionId) = "solution",
    /// A process definition version.
    Definition(DefinitionId) = "process definition",
    /// A case.
    Case(CaseId) = "case",
    /// An integrity baseline.
    Baseline(BaselineId) = "integrity baseline",
    /// An integrity comparison.
    Comparison(ComparisonId) = "integrity comparison",
    /// A responsibility matrix.
    RaciMatrix(RaciMatrixId) = "responsibility matrix",
    /// A continuity plan.
    ContinuityPlan(ContinuityPlanId) = "continuity plan",
    /// A plan review.
    PlanReview(PlanReviewId) = "plan review",
    /// A BIA.
    Bia(BiaId) = "BIA",
    /// A continuity test.
    ContinuityTest(ContinuityTestId) = "continuity test",
    /// A risk acceptance.
    Acceptance(AcceptanceId) = "risk acceptance",
}
