//! Typed identifiers, so that a case id can never be passed where a user id is meant.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Wraps a UUID the caller generated (the domain has no randomness of its own).
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            /// Parses the hyphenated form.
            pub fn parse(s: &str) -> Option<Self> {
                Uuid::try_parse(s).ok().map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A case: one referral or Duty to Notify report and everything that follows it.
    CaseId
);
uuid_id!(
    /// A user account.
    UserId
);
uuid_id!(
    /// An organisation (first responder, competent authority, support provider, ...).
    OrgId
);

/// The case reference people quote on the phone and in letters: `SG-` then ten characters of
/// Crockford base32 taken from the case id, e.g. `SG-7K3FQ-9Q2MX`. Fifty bits, so a clash is
/// unlikely even among millions of cases, and the store's unique index refuses one anyway.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseReference(String);

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl CaseReference {
    /// The reference derived from a case id.
    pub fn for_case(id: CaseId) -> Self {
        // The last 8 bytes of a v4 or v7 UUID are random in both versions.
        let bytes = id.0.as_bytes();
        let mut n = u64::from_be_bytes(bytes[8..16].try_into().expect("eight bytes"));
        let mut chars = [0u8; 10];
        for c in chars.iter_mut().rev() {
            *c = CROCKFORD[(n & 31) as usize];
            n >>= 5;
        }
        let s = std::str::from_utf8(&chars).expect("ascii");
        Self(format!("SG-{}-{}", &s[..5], &s[5..]))
    }

    /// Wraps a reference read back from storage.
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    /// The text of the reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_has_the_documented_shape() {
        let r = CaseReference::for_case(CaseId(Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef)));
        assert_eq!(r.as_str().len(), 14);
        assert!(r.as_str().starts_with("SG-"));
        assert_eq!(&r.as_str()[8..9], "-");
    }
}
