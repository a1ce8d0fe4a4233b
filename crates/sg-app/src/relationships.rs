//! The organisations related to a case (issue 15): who a lifecycle command names is resolved to
//! a real organisation of the right kind, and the relationships folded from a case's state are
//! turned into the `case_relationships` rows the store writes with every change.

use std::collections::{BTreeMap, HashMap};

use sg_domain::{CaseCommand, CaseState, OrgId, Relation, Role};
use sg_store::{CaseRecord, CaseRelationship, OrgKind, Organisation, Store, User};

use crate::{App, AppError};

/// The rows of `case_relationships` for a case in `state`: one per organisation and relation,
/// active if any of its relationships of that kind is. Relationships from events stored before
/// organisations were recorded by id are found by name (`names` caches the look-ups); a name
/// no organisation has gives no row, and so no access.
pub async fn rows(
    store: &dyn Store,
    state: &CaseState,
    names: &mut HashMap<String, Option<OrgId>>,
) -> Result<Vec<CaseRelationship>, AppError> {
    let mut out: BTreeMap<(OrgId, Relation), bool> = BTreeMap::new();
    for r in &state.relationships {
        let org = match r.org {
            Some(org) => Some(org),
            None => match names.get(&r.name) {
                Some(found) => *found,
                None => {
                    let found = store.org_by_name(&r.name).await?.map(|o| o.id);
                    names.insert(r.name.clone(), found);
                    found
                }
            },
        };
        if let Some(org) = org {
            *out.entry((org, r.relation)).or_default() |= r.is_active();
        }
    }
    Ok(out.into_iter().map(|((org, relation), active)| CaseRelationship { org, relation, active }).collect())
}

/// The kinds of organisation each relation accepts.
fn kinds_for(relation: Relation) -> &'static [OrgKind] {
    match relation {
        Relation::SupportProvider => &[OrgKind::SupportProvider, OrgKind::Ngo],
        Relation::Guardian => &[OrgKind::GuardianService],
        // A legal practice is known by its legal advisers (see `legal_practices`).
        Relation::LegalAdviser => &[],
        // Recorded by a conversion, never chosen on a form.
        Relation::Reporter => &[],
    }
}

impl App {
    /// The organisation `text` names (its id, or its exact name), or a field error.
    async fn find_org(&self, field: &str, text: &str) -> Result<Organisation, AppError> {
        let text = text.trim();
        let found = match uuid::Uuid::parse_str(text) {
            Ok(id) => self.store.org(OrgId(id)).await?,
            Err(_) => self.store.org_by_name(text).await?,
        };
        found.ok_or_else(|| crate::messages::invalid(field, "organisation.unknown", vec![]))
    }

    /// The organisation `text` names, which must be able to hold `relation` with a case.
    pub async fn org_for(&self, field: &str, text: &str, relation: Relation) -> Result<Organisation, AppError> {
        let org = self.find_org(field, text).await?;
        let fits = match relation {
            Relation::LegalAdviser => self.legal_practices().await?.iter().any(|o| o.id == org.id),
            other => kinds_for(other).contains(&org.kind),
        };
        if !fits {
            return Err(match relation {
                Relation::SupportProvider => {
                    crate::messages::invalid(field, "organisation.not_support_provider", vec![])
                }
                Relation::Guardian => crate::messages::invalid(field, "organisation.not_guardian_service", vec![]),
                Relation::LegalAdviser => crate::messages::invalid(field, "organisation.not_legal_practice", vec![]),
                Relation::Reporter => crate::messages::invalid(field, "organisation.unknown", vec![]),
            });
        }
        Ok(org)
    }

    /// The organisations `user` may choose for `relation` on a step's form, by name: those
    /// [`App::org_for`] would accept (a support provider only its own), so that nobody has to
    /// type an organisation's name as it was registered.
    pub async fn orgs_for(&self, user: &User, relation: Relation) -> Result<Vec<Organisation>, AppError> {
        let mut orgs: Vec<Organisation> = match relation {
            Relation::LegalAdviser => self.legal_practices().await?,
            other => {
                let kinds = kinds_for(other);
                let all = self.store.list_organisations().await?;
                all.into_iter().map(|s| s.org).filter(|o| kinds.contains(&o.kind)).collect()
            }
        };
        if relation == Relation::SupportProvider && crate::access::names_only_own_org(user) {
            orgs.retain(|o| o.id == user.org);
        }
        orgs.sort_by_key(|o| o.name.to_lowercase());
        Ok(orgs)
    }

    /// The organisations a person can instruct: those with legal advisers.
    pub async fn legal_practices(&self) -> Result<Vec<Organisation>, AppError> {
        Ok(self.store.orgs_with_role(Role::LegalAdviser).await?)
    }

    /// Replaces the organisation a command names (as typed or chosen) by the real organisation
    /// of the right kind, recorded by id, and records who recorded an instruction.
    pub(crate) async fn resolve_orgs(
        &self,
        user: &User,
        case: &CaseRecord,
        command: CaseCommand,
    ) -> Result<CaseCommand, AppError> {
        use CaseCommand as C;
        Ok(match command {
            C::EnterSupport { provider, .. } => {
                let org = self.org_for("provider", &provider, Relation::SupportProvider).await?;
                // A provider records support by its own organisation only, so that it sees only
                // the people it supports.
                if crate::access::names_only_own_org(user) && org.id != user.org {
                    return Err(crate::messages::invalid("provider", "organisation.own_only", vec![]));
                }
                C::EnterSupport { provider: org.name, provider_org: Some(org.id) }
            }
            C::AssignGuardian { guardian, .. } => {
                let org = self.org_for("guardian", &guardian, Relation::Guardian).await?;
                C::AssignGuardian { guardian: org.name, guardian_org: Some(org.id) }
            }
            C::InstructLegalAdviser { name, person_agreed, .. } => {
                if !person_agreed {
                    return Err(crate::messages::invalid("person_agreed", "instruction.agreement_required", vec![]));
                }
                let org = self.org_for("organisation", &name, Relation::LegalAdviser).await?;
                C::InstructLegalAdviser {
                    org: Some(org.id),
                    name: org.name,
                    recorded_by: Some(user.org),
                    person_agreed,
                }
            }
            C::EndLegalAdviserInstruction { org: None, name } => {
                let org = self.find_org("organisation", &name).await?;
                let command = C::EndLegalAdviserInstruction { org: Some(org.id), name: org.name };
                // Now that the organisation is known: only the recorder or the practice itself.
                crate::access::check_command(user, case, &command)?;
                command
            }
            other => other,
        })
    }
}
