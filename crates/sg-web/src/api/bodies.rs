//! The API's own answers: small objects the handlers build around what the use cases return.
//! Their OpenAPI schemas are derived from these types (`ToSchema`), so the document and the
//! response cannot drift apart; a use case's own type (a case, a consent) is still named by
//! its schema in `schemas.json` (see ARCHITECTURE.md).

use serde::{Deserialize, Serialize};
use sg_app::consents::ConsentView;
use sg_domain::{
    CaseId, CaseKind, CaseReference, CaseStatus, Coded, EmergencyDecision, EmergencyRequest, EmergencyStatus,
};
use utoipa::ToSchema;
use uuid::Uuid;

use super::openapi::schema;

/// A string enumeration of a coded type's values, inline.
fn coded<T: Coded>() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(T::ALL.iter().map(|v| v.code())))
        .build()
}

fn emergency_status() -> utoipa::openapi::Object {
    coded::<EmergencyStatus>()
}

fn emergency_decision() -> utoipa::openapi::Object {
    coded::<EmergencyDecision>()
}

/// `201` to a referral or report.
#[derive(Serialize, ToSchema)]
pub(crate) struct Created {
    #[schema(value_type = Uuid)]
    pub case_id: CaseId,
    #[schema(value_type = String)]
    pub reference: CaseReference,
    #[schema(value_type = schema::Kind)]
    pub kind: CaseKind,
    #[schema(value_type = schema::Status)]
    pub status: CaseStatus,
    /// For a Duty to Notify report: the one-time code that later converts it into a referral
    pub conversion_code: Option<String>,
}

/// A consent recorded.
#[derive(Serialize, ToSchema)]
pub(crate) struct Recorded {
    pub consent_id: Uuid,
    #[schema(value_type = schema::Consent)]
    pub consent: ConsentView,
}

/// A consent countersigned: in force.
#[derive(Serialize, ToSchema)]
pub(crate) struct Countersigned {
    pub consent_id: Uuid,
    #[schema(value_type = schema::Consent)]
    pub consent: ConsentView,
}

/// A consent withdrawn.
#[derive(Serialize, ToSchema)]
pub(crate) struct Withdrawn {
    pub consent_id: Uuid,
    pub withdrawn: bool,
}

/// A code for the person's own view, reusable until ended or replaced.
#[derive(Serialize, ToSchema)]
pub(crate) struct SurvivorCode {
    /// Twelve characters in groups of four (`K7QM-3WXD-9HPA`), typed in any case.
    pub code: String,
    /// How many days it works unless ended or replaced first.
    pub valid_days: u32,
    /// Its last day (ISO 8601).
    pub until: String,
    /// The path of the person's page.
    #[serde(rename = "where")]
    #[schema(rename = "where")]
    pub at: &'static str,
    /// The full address of the person's page, as this request reached the server.
    pub address: String,
}

/// An emergency request and where it stands.
#[derive(Serialize, ToSchema)]
pub(crate) struct EmergencyAnswer {
    pub request_id: Uuid,
    #[schema(schema_with = emergency_status)]
    pub status: EmergencyStatus,
    #[schema(value_type = schema::EmergencyRequest)]
    pub request: EmergencyRequest,
}

/// One emergency request in a case's list.
#[derive(Serialize, ToSchema)]
pub(crate) struct EmergencyRequestItem {
    #[schema(schema_with = emergency_status)]
    pub status: EmergencyStatus,
    #[schema(value_type = schema::EmergencyRequest)]
    pub request: EmergencyRequest,
}

/// The body of a decision on an emergency request.
#[derive(Deserialize, ToSchema)]
#[schema(as = EmergencyDecision)]
pub(crate) struct DecisionInput {
    #[schema(schema_with = emergency_decision)]
    pub decision: EmergencyDecision,
}
