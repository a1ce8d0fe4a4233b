//! The roles a user can hold (`shared/CONTRACT.md`).

use crate::coded_enum;

coded_enum! {
    /// What a user does in Safeguard; it decides what they may see and change.
    pub enum Role {
        Admin = ("admin", "Administrator"),
        FirstResponder = ("first-responder", "First responder"),
        DecisionMaker = ("decision-maker", "Decision maker"),
        SupportProvider = ("support-provider", "Support provider"),
        Guardian = ("guardian", "Guardian"),
        LegalAdviser = ("legal-adviser", "Legal adviser"),
        Police = ("police", "Police"),
        ImmigrationEnforcement = ("immigration-enforcement", "Immigration enforcement"),
        Monitor = ("monitor", "Monitor"),
    }
}

impl Role {
    /// May submit referrals and Duty to Notify reports.
    pub fn can_refer(self) -> bool {
        // Police and Home Office agencies are first responders by statute; the administrator runs
        // the system and is not one.
        matches!(self, Self::FirstResponder | Self::Police | Self::ImmigrationEnforcement)
    }
    /// May record reasonable- and conclusive-grounds decisions.
    pub fn can_decide(self) -> bool {
        matches!(self, Self::DecisionMaker)
    }
    /// May read case records at all (a monitor sees statistics only; police and immigration
    /// enforcement see no case record except through a survivor's consent).
    pub fn can_read_cases(self) -> bool {
        !matches!(self, Self::Monitor | Self::Police | Self::ImmigrationEnforcement)
    }
}
