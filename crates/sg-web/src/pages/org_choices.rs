//! Organisations chosen from a list on a step's form (issue 20): the support provider, the
//! guardian service and the legal practice are picked from the organisations that the server
//! would accept for that relationship, never typed as they were registered.

use std::collections::HashMap;

use sg_app::case_actions::ActionKind;
use sg_domain::Relation;

use crate::extract::PageUser;
use crate::AppState;

/// The relationship a step's organisation field names, if it names one.
pub(crate) fn relation_of(kind: ActionKind, field: &str) -> Option<Relation> {
    match (kind, field) {
        (ActionKind::EnterSupport, "provider") => Some(Relation::SupportProvider),
        (ActionKind::AssignGuardian, "guardian") => Some(Relation::Guardian),
        (ActionKind::InstructLegalAdviser | ActionKind::EndLegalAdviserInstruction, "organisation") => {
            Some(Relation::LegalAdviser)
        }
        _ => None,
    }
}

/// The names to choose from for each organisation field of the step `kind` with `fields`.
pub(crate) async fn for_step(
    state: &AppState,
    who: &PageUser,
    kind: ActionKind,
    fields: impl Iterator<Item = &'static str>,
) -> Result<HashMap<&'static str, Vec<String>>, sg_app::AppError> {
    let mut out = HashMap::new();
    for name in fields {
        if let Some(relation) = relation_of(kind, name) {
            let orgs = state.app.orgs_for(&who.user, relation).await?;
            out.insert(name, orgs.into_iter().map(|o| o.name).collect());
        }
    }
    Ok(out)
}
