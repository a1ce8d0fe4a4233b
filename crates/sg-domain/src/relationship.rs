//! Who works on a case through a relationship recorded on it: a legal adviser instructed by the
//! person, a support provider while the person is in its support, a child's guardian service
//! while assigned. Relationships are folded from the case's events (see
//! [`crate::CaseState::relationships`]); access follows the active ones and ends with them.

use serde::Serialize;
use time::Date;

use crate::{coded_enum, OrgId};

coded_enum! {
    /// How an organisation is related to a case.
    pub enum Relation {
        /// A legal adviser's organisation, instructed by the person.
        LegalAdviser = ("legal-adviser", "Legal adviser instructed by the person"),
        /// The support provider supporting the person.
        SupportProvider = ("support-provider", "Support provider"),
        /// The independent child trafficking guardian service assigned to the child.
        Guardian = ("guardian", "Independent child trafficking guardian service"),
        /// The organisation that made a Duty to Notify report which another organisation
        /// later converted into a referral: it keeps sight of the case, not the identity.
        Reporter = ("reporter", "Organisation that made the Duty to Notify report"),
    }
}

/// One relationship between an organisation and a case, active or ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relationship {
    /// How the organisation is related.
    pub relation: Relation,
    /// The organisation, by id. `None` only in events stored before organisations were recorded
    /// by id (support and guardian assignments named by text); those match by `name`.
    pub org: Option<OrgId>,
    /// The organisation's name when the relationship began.
    pub name: String,
    /// The first day.
    pub since: Date,
    /// The last day, once ended.
    pub until: Option<Date>,
    /// For a legal adviser's instruction: the organisation that recorded it with the person's
    /// agreement (a first responder or guardian), or `None` when the person recorded it.
    pub recorded_by: Option<OrgId>,
}

impl Relationship {
    /// Whether it holds now.
    pub fn is_active(&self) -> bool {
        self.until.is_none()
    }

    /// Whether this relationship is the organisation `org` named `name` (old events match by name).
    pub fn is_org(&self, org: OrgId, name: &str) -> bool {
        match self.org {
            Some(id) => id == org,
            None => self.name == name,
        }
    }
}
