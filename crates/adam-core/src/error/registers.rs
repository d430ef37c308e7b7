//! The Decree's registers refuse: the inventory, its classes and links, the Decree's roles,
//! access reviews, risk assessments, the solution registry and integrity baselines. One enum,
//! so one file (the area is one `area_error!`).

use crate::ids::{AppId, FollowUpId, GrantId, HolderId, ItemId, JobId, LinkId, ReviewId, RiskId, SchemeId, UserId};
use crate::level::SecurityClass;

area_error! {
    /// The Decree's registers refuse: the inventory, its classes and links, the Decree's roles.
    pub enum RegisterError {
        /// No such inventory item.
        #[error("there is no inventory item {0}")]
        UnknownItem(ItemId) => ("unknown-item", NotFound),
        /// No inventory item with this code.
        #[error("there is no inventory item with the code {0:?}")]
        UnknownItemCode(String) => ("unknown-item-code", NotFound),
        /// No such link.
        #[error("there is no link {0}")]
        UnknownLink(LinkId) => ("unknown-link", NotFound),
        /// No such appointment.
        #[error("there is no appointment {0}")]
        UnknownHolder(HolderId) => ("unknown-holder", NotFound),
        /// No such scheme.
        #[error("there is no classification scheme {0}")]
        UnknownScheme(SchemeId) => ("unknown-scheme", NotFound),
        /// The code is taken.
        #[error("the inventory code {0:?} is already in use")]
        DuplicateItemCode(String) => ("duplicate-item-code", Conflict),
        /// The custodian is not an active person.
        #[error("the custodian must be an active person (Art. 10(3): every asset and system has a custodian); {0} is not")]
        CustodianInactive(UserId) => ("custodian-inactive", Invalid),
        /// Someone other than the custodian classifies.
        #[error("only the custodian of {item} ({custodian}) classifies it (Art. 7)")]
        NotCustodian {
            /// The item.
            item: ItemId,
            /// Its custodian.
            custodian: UserId,
        } => ("not-custodian", Forbidden),
        /// Someone without the power to keep the inventory changes it.
        #[error("only the information-security lead or the system administrator may {0}")]
        NotRegisterKeeper(&'static str) => ("not-register-keeper", Forbidden),
        /// Neither the keeper nor the item's custodian edits an item.
        #[error("only the custodian of {item} ({custodian}), the information-security lead or the system administrator may change it")]
        NotItemKeeper {
            /// The item.
            item: ItemId,
            /// Its custodian.
            custodian: UserId,
        } => ("not-item-keeper", Forbidden),
        /// A system classified below one of its assets.
        #[error("{system} cannot be classified {dimension}{}: its asset {asset} is {dimension}{}, and a system is classified at least as high as the assets it handles (Art. 11(2))", class.value(), floor.value())]
        BelowFloor {
            /// The system.
            system: ItemId,
            /// The dimension (`Z`).
            dimension: char,
            /// The class asked for there.
            class: SecurityClass,
            /// The floor there.
            floor: SecurityClass,
            /// The asset forcing it.
            asset: ItemId,
        } => ("below-floor", Conflict),
        /// A class above Z1/C1/R1 in a public cloud.
        #[error("Art. 41(1): {item} would be {class}, but only unclassified or Z1, C1 and R1 may be handled in a public cloud")]
        PublicCloudClass {
            /// The item (a system, or an asset held by a public-cloud system).
            item: ItemId,
            /// Its class (`Z2 C1 R1`).
            class: String,
        } => ("public-cloud-class", Conflict),
        /// A public-cloud system without the ministry's approval.
        #[error("Art. 41(2): a system in a public cloud needs the reference of the ministry's written approval")]
        PublicCloudApprovalMissing => ("public-cloud-approval-missing", Invalid),
        /// An item of the wrong kind.
        #[error("{0} is not an information system")]
        NotASystem(ItemId) => ("not-a-system", Invalid),
        /// An item of the wrong kind.
        #[error("{0} is not an information asset")]
        NotAnAsset(ItemId) => ("not-an-asset", Invalid),
        /// A system's field given for an asset.
        #[error("{0} is a field of information systems only")]
        SystemOnlyField(&'static str) => ("system-only-field", Invalid),
        /// An application already linked to another system.
        #[error("{app} already belongs to the information system {system}")]
        ApplicationInAnotherSystem {
            /// The application.
            app: AppId,
            /// Its system.
            system: ItemId,
        } => ("application-in-another-system", Conflict),
        /// Moving an asset into another system without the source custodian's consent.
        #[error("Art. 38(1): {asset} is held by {from}; moving it into another system needs the written consent of the custodian of {from}")]
        TransferConsentRequired {
            /// The asset.
            asset: ItemId,
            /// A system already holding it.
            from: ItemId,
        } => ("transfer-consent-required", Conflict),
        /// A consent by someone who is not the source custodian.
        #[error("Art. 38(1): the consent must come from the custodian of a system holding the asset ({custodian} of {system}), not {by}")]
        ConsentNotBySourceCustodian {
            /// Who was named.
            by: UserId,
            /// A source system.
            system: ItemId,
            /// Its custodian.
            custodian: UserId,
        } => ("consent-not-by-source-custodian", Invalid),
        /// A receiving system that protects less than the asset needs.
        #[error("Art. 38(1): {system} protects {dimension} only to {dimension}{}, below {asset}'s {dimension}{}; raise its class first", system_class.value(), asset_class.value())]
        TransferBelowAsset {
            /// The asset.
            asset: ItemId,
            /// The receiving system.
            system: ItemId,
            /// The dimension (`Z` or `C`).
            dimension: char,
            /// The asset's class there.
            asset_class: SecurityClass,
            /// The system's class there.
            system_class: SecurityClass,
        } => ("transfer-below-asset", Conflict),
        /// The asset is already linked to the system.
        #[error("{system} is already linked to {asset}")]
        AlreadyLinked {
            /// The system.
            system: ItemId,
            /// The asset.
            asset: ItemId,
        } => ("already-linked", Conflict),
        /// A retired item.
        #[error("{0} is retired")]
        ItemRetired(ItemId) => ("item-retired", Conflict),
        /// An object classified above its application's system.
        #[error("Art. 11(2): an object of this application cannot be classified {object}: the application's information system {system} is classified {held}")]
        ObjectAboveSystem {
            /// The system.
            system: ItemId,
            /// The object's class asked for.
            object: String,
            /// The system's class.
            held: String,
        } => ("object-above-system", Conflict),
        /// No such access review.
        #[error("there is no access review {0}")]
        UnknownReview(ReviewId) => ("unknown-review", NotFound),
        /// No such follow-up.
        #[error("there is no rights follow-up {0}")]
        UnknownFollowUp(FollowUpId) => ("unknown-follow-up", NotFound),
        /// A review of a system that serves no application.
        #[error("{0} serves no ADAM application, so there are no rights in ADAM to review")]
        NoApplication(ItemId) => ("no-application", Conflict),
        /// Someone other than the reviewer decides.
        #[error("only the reviewer ({reviewer}) decides in this access review")]
        NotReviewer {
            /// The reviewer.
            reviewer: UserId,
        } => ("not-reviewer", Forbidden),
        /// Someone other than the reviewer or a keeper of the registers adds a file to a review
        /// (the same problem type as deciding: the reviewer is who acts in a review).
        #[error("only the reviewer ({reviewer}), the information-security lead or the system administrator may add files to this access review")]
        NotReviewerToAttach {
            /// The reviewer.
            reviewer: UserId,
        } => ("not-reviewer", Forbidden),
        /// Someone not concerned decides on a follow-up.
        #[error("only a custodian of a system this grant reaches, the information-security lead or an administrator of the grantee decides on {0}")]
        NotConcerned(GrantId) => ("not-concerned", Forbidden),
        /// A grant that is not under review there.
        #[error("{0} is not under review here")]
        NotUnderReview(GrantId) => ("not-under-review", NotFound),
        /// A grant already decided.
        #[error("{0} has already been decided")]
        AlreadyDecided(GrantId) => ("already-decided", Conflict),
        /// No such risk assessment.
        #[error("there is no risk assessment {0}")]
        UnknownRisk(RiskId) => ("unknown-risk", NotFound),
        /// No such solution.
        #[error("there is no solution {0} in the registry")]
        UnknownSolution(crate::ids::SolutionId) => ("unknown-solution", NotFound),
        /// A codename that is not one.
        #[error("{0:?} is not a codename: 2–16 capital letters, digits or hyphens, starting with a letter")]
        BadCodename(String) => ("bad-codename", Invalid),
        /// A codename another solution has.
        #[error("the codename {0} is taken by another solution")]
        CodenameTaken(String) => ("codename-taken", Conflict),
        /// A public-cloud placement of a solution whose system is above Z1/C1/R1 (Art. 41(1)).
        #[error("Art. 41(1): a solution may be placed in a public cloud only when its system is at most Z1, C1 and R1; {system} is {class}")]
        SolutionCloudClass {
            /// The system's code.
            system: String,
            /// Its class.
            class: String,
        } => ("solution-public-cloud-class", Conflict),
        /// A public-cloud placement with no inventory system to judge its classes by.
        #[error("Art. 41(1): a public-cloud placement needs the solution's inventory system, whose classes decide it")]
        CloudWithoutSystem => ("solution-cloud-without-system", Invalid),
        /// Test and production at one address (Art. 47(3)).
        #[error("Art. 47(3): the test and production environments must be separate; both are at {0}")]
        EnvironmentsNotSeparate(String) => ("environments-not-separate", Invalid),
        /// A staging environment the PZI does not foresee (000, 1.1.1.9).
        #[error("a staging environment is set up only when the PZI foresees it (000, 1.1.1.9)")]
        StagingNotInPzi => ("staging-not-in-pzi", Invalid),
        /// A board decision on a system that meets no exceptional criterion.
        #[error("the technical board decides only on an exceptional system; name the criteria it meets (000, 1.1.1.7)")]
        BoardWithoutCriteria => ("board-without-criteria", Invalid),
        /// A placement confirmation naming who confirmed it but not the day.
        #[error("{}: who confirmed it is given but not the date of the confirmation; give both or neither", crate::error::confirmation_name(.field, crate::lang::Lang::En))]
        ConfirmationWithoutDate {
            /// The confirmation's field (`logical_scheme`).
            field: String,
        } => ("confirmation-without-date", Invalid),
        /// A placement confirmation with a day but no one who confirmed it.
        #[error("{}: the date of the confirmation is given but not who confirmed it; give both or neither", crate::error::confirmation_name(.field, crate::lang::Lang::En))]
        ConfirmationWithoutConfirmer {
            /// The confirmation's field (`logical_scheme`).
            field: String,
        } => ("confirmation-without-confirmer", Invalid),
        /// A placement confirmed on a day still to come.
        #[error("{}: the date of the confirmation {date} is in the future", crate::error::confirmation_name(.field, crate::lang::Lang::En))]
        ConfirmationInFuture {
            /// The confirmation's field (`logical_scheme`).
            field: String,
            /// The day as given.
            date: String,
        } => ("confirmation-in-future", Invalid),
        /// A seed role of a solution bound to a job the directory does not have.
        #[error("the role {} is bound to job {job}, which does not exist", crate::error::hosting_role(.role, crate::lang::Lang::En))]
        UnknownSolutionJob {
            /// The role's key (`coordinator`).
            role: String,
            /// The job asked for.
            job: JobId,
        } => ("unknown-solution-job", Invalid),
        /// A seed role of a solution bound to a job that was invalidated (deleted): nobody
        /// would ever hold it.
        #[error("the role {} is bound to job {job}, which is no longer valid; choose a valid job", crate::error::hosting_role(.role, crate::lang::Lang::En))]
        InvalidSolutionJob {
            /// The role's key.
            role: String,
            /// The job's code.
            job: String,
        } => ("invalid-solution-job", Invalid),
        /// A version opened while another is in flight.
        #[error("version {0} is still in flight; a new version enters when it is in production or withdrawn")]
        VersionInFlight(String) => ("version-in-flight", Conflict),
        /// A version label used before.
        #[error("version {0} was opened before; give the new one another label")]
        VersionExists(String) => ("version-exists", Conflict),
        /// A version opened for a solution without its inventory system (Art. 7 needs its custodian).
        #[error("Art. 7: link the solution to its information system in the inventory first; its custodian approves the transfer into production")]
        SolutionWithoutSystem => ("solution-without-system", Invalid),
        /// The transfer into production without the custodian's approval (Art. 7).
        #[error("Art. 7: the system custodian has not approved the transfer into production")]
        NoCustodianApproval => ("no-custodian-approval", Conflict),
        /// The transition of a version whose Art. 22 change request is not approved.
        #[error("Art. 22(3): the version's change request (case {0}) is not approved yet: the system custodian and the information-security lead consent to it first")]
        VersionChangeNotApproved(u32) => ("version-change-not-approved", Conflict),
        /// Operating or backup instructions missing before production (Art. 14(3), 29(5)).
        #[error("Art. {article}: the {what} must exist before the transfer into production")]
        InstructionsMissing {
            /// The article.
            article: &'static str,
            /// Which instructions.
            what: &'static str,
        } => ("instructions-missing", Conflict),
        /// The first transfer into production without an independent security assessment (Art. 23).
        #[error("Art. 23(1): an independent security assessment must be attached before the first transfer into production")]
        NoIndependentAssessment => ("no-independent-assessment", Conflict),
        /// The assessment before the first transfer by a SOC connected with the system's
        /// operation or custody (Art. 23(2)).
        #[error("Art. 23(2): the security assessment must be independent, and SOC's {person} is the {role} of system {system}")]
        AssessorNotIndependent {
            /// The person.
            person: String,
            /// `custodian` or `operator`.
            role: &'static str,
            /// The system's code.
            system: String,
        } => ("assessor-not-independent", Conflict),
        /// A next assessment more than a year away.
        #[error("Art. 9(2): the next risk assessment is due at most a year after this one ({latest}), not {asked}")]
        RiskDueTooLate {
            /// The latest allowed day.
            latest: String,
            /// The day asked for.
            asked: String,
        } => ("risk-due-too-late", Invalid),
        /// An appointment that ends before it starts.
        #[error("the appointment ends ({until}) before it starts ({since})")]
        AppointmentReversed {
            /// Start.
            since: String,
            /// End.
            until: String,
        } => ("appointment-reversed", Invalid),
        /// No such integrity baseline.
        #[error("there is no integrity baseline {0}")]
        UnknownBaseline(crate::ids::BaselineId) => ("unknown-baseline", NotFound),
        /// No such comparison.
        #[error("there is no integrity comparison {0}")]
        UnknownComparison(crate::ids::ComparisonId) => ("unknown-comparison", NotFound),
        /// A baseline for a system that is neither a key nor a high-risk server.
        #[error("Art. 50(4): integrity is checked on servers whose functions are key to the body or that are high-risk; {0} is marked neither in the inventory")]
        NotIntegrityServer(ItemId) => ("not-integrity-server", Conflict),
        /// A scan submitted by someone who neither keeps the register nor runs the server.
        #[error("scans of {server} are submitted by its custodian ({custodian}), its operators, the information-security lead or the system administrator")]
        NotScanSubmitter {
            /// The server.
            server: ItemId,
            /// Its custodian.
            custodian: UserId,
        } => ("not-scan-submitter", Forbidden),
        /// An approval without the reference of the approved change.
        #[error("Art. 50(4): a baseline is approved after an approved change; give the change's reference")]
        ChangeReferenceMissing => ("change-reference-missing", Invalid),
        /// A baseline approved twice.
        #[error("the integrity baseline {0} is already approved")]
        BaselineAlreadyApproved(crate::ids::BaselineId) => ("baseline-already-approved", Conflict),
        /// A comparison for a server without an approved baseline.
        #[error("Art. 50(5): {0} has no approved integrity baseline to compare with; submit one and have it approved first")]
        NoApprovedBaseline(ItemId) => ("no-approved-baseline", Conflict),
        /// A scan that lists no file.
        #[error("the scan lists no file")]
        EmptyManifest => ("empty-manifest", Invalid),
    }
}
