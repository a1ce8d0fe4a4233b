//! A survivor's consent to share their data: for one purpose, with one organisation, for some
//! categories of data, until an expiry, revocable at once.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{coded_enum, CaseId, FieldError, OrgId};

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
}

impl Consent {
    /// Whether the consent is in force on `today` at `now`: given, not expired, not withdrawn.
    pub fn in_force(&self, today: Date, now: OffsetDateTime) -> bool {
        self.given_on <= today
            && self.expires_on.is_none_or(|e| today <= e)
            && self.withdrawn_at.is_none_or(|w| w > now)
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
