//! A survivor's consent to share their data: for one purpose, with one organisation, for some
//! categories of data, until an expiry, revocable at once.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{coded_enum, CaseId, FieldError, OrgId, UserId};

coded_enum! {
    /// What the data may be used for.
    pub enum Purpose {
        Referral = ("referral", "Referral into the NRM"),
        Support = ("support", "Support"),
        ShareWithPolice = ("share-with-police", "Sharing with the police"),
        ShareWithImmigrationEnforcement = ("share-with-immigration-enforcement", "Sharing with immigration enforcement"),
        DecisionLetterToRepresentative = ("decision-letter-to-representative", "Sending decision letters to a named representative"),
        Research = ("research", "Research"),
    }
}

coded_enum! {
    /// Which data a consent releases.
    pub enum DataCategory {
        /// Names, date of birth, contact details.
        Identity = ("identity", "Identity and contact details"),
        /// The person's account and documents.
        Account = ("account", "Their account and documents"),
    }
}

impl Purpose {
    /// Whether a consent for this purpose releases data to police or immigration enforcement,
    /// and so takes effect only when the person confirms it or a colleague countersigns it.
    pub fn needs_confirmation(self) -> bool {
        matches!(self, Self::ShareWithPolice | Self::ShareWithImmigrationEnforcement)
    }
}

coded_enum! {
    /// How a consent that needs confirmation was confirmed.
    pub enum Confirmation {
        /// The person confirmed it in their own view.
        Survivor = ("survivor", "Confirmed by the person"),
        /// A second person of the recording organisation attested how it was explained.
        Countersigned = ("countersigned", "Countersigned by a colleague"),
    }
}

coded_enum! {
    /// Who agreed to a consent. An adult agrees for themselves; for a child, the rule set's
    /// `consent.child_agreed_by` says which of the others may.
    pub enum AgreedBy {
        Person = ("person", "The person"),
        ChildWithParentalResponsibility = ("child-with-parental-responsibility", "The child with a person with parental responsibility"),
        ChildWithLocalAuthority = ("child-with-local-authority", "The child with the local authority looking after them"),
        ChildWithGuardian = ("child-with-guardian", "The child with their independent child trafficking guardian"),
    }
}

// `coded_enum!` writes the enum, so `#[derive(Default)]` with `#[default]` cannot be used.
#[allow(clippy::derivable_impls)]
impl Default for AgreedBy {
    fn default() -> Self {
        Self::Person
    }
}

coded_enum! {
    /// Where a consent stands on a given day.
    pub enum ConsentStatus {
        /// Recorded, waiting for the person's confirmation or a countersignature.
        Pending = ("pending", "Waiting for confirmation"),
        /// In force.
        Active = ("active", "In force"),
        /// Taken back.
        Withdrawn = ("withdrawn", "Withdrawn"),
        /// Past its last day.
        Expired = ("expired", "Expired"),
    }
}

/// A recorded consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// Its id.
    pub id: Uuid,
    /// The case it belongs to.
    pub case_id: CaseId,
    /// What for.
    pub purpose: Purpose,
    /// The organisation it releases data to.
    pub recipient_org: OrgId,
    /// The recipient's name, for display.
    pub recipient_name: String,
    /// Which data.
    pub categories: BTreeSet<DataCategory>,
    /// The day it was given.
    pub given_on: Date,
    /// The last day it is valid, if it expires.
    pub expires_on: Option<Date>,
    /// When it was withdrawn, if it was.
    #[serde(with = "time::serde::rfc3339::option")]
    pub withdrawn_at: Option<OffsetDateTime>,
    /// The language it was explained in.
    pub language: String,
    /// Whether an interpreter was present.
    pub interpreter: bool,
    /// Who agreed (the person, or for a child who with them).
    #[serde(default)]
    pub agreed_by: AgreedBy,
    /// How it was confirmed, if it needed confirmation and was.
    #[serde(default)]
    pub confirmed_by: Option<Confirmation>,
    /// When it was confirmed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub confirmed_at: Option<OffsetDateTime>,
    /// Who recorded it (absent only before it is stored).
    #[serde(default)]
    pub recorded_by: Option<UserId>,
    /// The recorder's organisation: a countersignature must come from it.
    #[serde(default)]
    pub recorded_by_org: Option<OrgId>,
    /// Who countersigned it.
    #[serde(default)]
    pub countersigned_by: Option<UserId>,
}

impl Consent {
    /// Whether the consent is in force on `today` at `now`: given, not expired, not withdrawn,
    /// and confirmed where its purpose needs it.
    pub fn in_force(&self, today: Date, now: OffsetDateTime) -> bool {
        self.status(today, now) == ConsentStatus::Active && self.given_on <= today
    }

    /// Where it stands: withdrawn, expired, pending confirmation, or active.
    pub fn status(&self, today: Date, now: OffsetDateTime) -> ConsentStatus {
        if self.withdrawn_at.is_some_and(|w| w <= now) {
            ConsentStatus::Withdrawn
        } else if self.expires_on.is_some_and(|e| today > e) {
            ConsentStatus::Expired
        } else if self.purpose.needs_confirmation() && self.confirmed_by.is_none() {
            ConsentStatus::Pending
        } else {
            ConsentStatus::Active
        }
    }

    /// Whether it releases `category` to `org` for `purpose` on `today`.
    pub fn releases(
        &self,
        org: OrgId,
        purpose: Purpose,
        category: DataCategory,
        today: Date,
        now: OffsetDateTime,
    ) -> bool {
        self.recipient_org == org
            && self.purpose == purpose
            && self.categories.contains(&category)
            && self.in_force(today, now)
    }

    /// Checks a new consent's dates and categories.
    pub fn validate_new(&self, today: Date) -> Result<(), FieldError> {
        if self.categories.is_empty() {
            return Err(FieldError::coded("categories", "consent.categories.none", vec![]));
        }
        if self.given_on > today {
            return Err(FieldError::coded("given_on", "consent.given_on.future", vec![]));
        }
        if let Some(e) = self.expires_on {
            if e < today {
                return Err(FieldError::coded("expires_on", "consent.expires_on.past", vec![]));
            }
        }
        if self.language.chars().count() > 100 {
            return Err(FieldError::coded("language", "too_long", vec![("max", "100".into())]));
        }
        Ok(())
    }
}
