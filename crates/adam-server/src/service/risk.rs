//! Risk assessments' changes (Decree Art. 9): recording one and correcting it, written once for
//! the API (`api/risk.rs`) and the risk pages (`ui/inventory/risk.rs`).
//!
//! The engine decides who may (the inventory's keepers: the information-security lead and the
//! system administrator); these functions check no scope, as the route tables do. A page's
//! check that nobody corrected the assessment since it was shown stays the page's (its words
//! go to the form, before any change is planned). Reading is the inventory's reader rule
//! (`service::inventory::require_reader`).

use crate::authn::Caller;
use crate::error::ApiResult;
use crate::state::AppState;
use adam_core::register::risk::RiskFields;
use adam_core::*;

/// Records a risk assessment; its id.
pub async fn record_risk(s: &AppState, caller: &Caller, fields: RiskFields) -> ApiResult<RiskId> {
    let plan = s
        .execute(caller, None, Command::RecordRiskAssessment { fields })
        .await?;
    crate::service::created(&plan)
}

/// Corrects a risk assessment: every field as it is to be.
pub async fn correct_risk(s: &AppState, caller: &Caller, risk: RiskId, fields: RiskFields) -> ApiResult<Plan> {
    s.execute(caller, None, Command::UpdateRiskAssessment { risk, fields })
        .await
}
