//! Audit entries packed into one string, so that a database can hand back a whole page of the
//! log as a single value. Reading a million entries as a million rows costs most of the time of
//! `audit verify` in the database driver (one row object and its values per entry); a page of
//! ten thousand entries packed in one value is one row.
//!
//! Each entry, back to back with no separator between entries:
//!
//! `SEQ,AT,PREV_HEX HASH_HEX ACTOR ROLE ACTION CASE_ID OUTCOME DETAIL` (without the spaces),
//! where `SEQ` and `AT` are decimal integers, the two hashes are 64 hexadecimal digits each, and
//! every text field is `LEN:BYTES` (`LEN` its length in bytes, in decimal) or `-` for a missing
//! (NULL) actor or case.

use sg_domain::Coded;

use crate::{AuditEntry, AuditRecord};

/// Parses entries in the packed format above.
pub fn parse_packed(text: &str) -> Result<Vec<AuditEntry>, String> {
    let mut p = Parser { s: text, at: 0 };
    let mut out = Vec::new();
    while p.at < p.s.len() {
        out.push(p.entry()?);
    }
    Ok(out)
}

struct Parser<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn entry(&mut self) -> Result<AuditEntry, String> {
        let seq = self.int(b',')?;
        let at = self.int(b',')?;
        let prev_hash = self.hash()?;
        let hash = self.hash()?;
        let actor = self.text()?.map(str::to_string);
        let role = self.required("role")?.to_string();
        let action = code("action", self.required("action")?)?;
        let case_id = self.text()?.map(str::to_string);
        let outcome = code("outcome", self.required("outcome")?)?;
        let detail = self.required("detail")?.to_string();
        let seq = u64::try_from(seq).map_err(|_| format!("audit entry with a negative position {seq}"))?;
        Ok(AuditEntry {
            seq,
            record: AuditRecord { at, actor, role, action, case_id, outcome, detail },
            prev_hash,
            hash,
        })
    }

    /// A decimal integer ended by `end`.
    fn int(&mut self, end: u8) -> Result<i64, String> {
        let rest = &self.s[self.at..];
        let len = rest.bytes().position(|b| b == end).ok_or("packed audit entry: a number is not terminated")?;
        let n = rest[..len].parse().map_err(|_| format!("packed audit entry: {:?} is not a number", &rest[..len]))?;
        self.at += len + 1;
        Ok(n)
    }

    fn hash(&mut self) -> Result<[u8; 32], String> {
        let hex = self.s.get(self.at..self.at + 64).ok_or("packed audit entry: a hash is cut short")?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex, &mut out).map_err(|_| "packed audit entry: a hash is not hexadecimal")?;
        self.at += 64;
        Ok(out)
    }

    /// A `LEN:BYTES` field, or `None` for `-`.
    fn text(&mut self) -> Result<Option<&'a str>, String> {
        if self.s.as_bytes().get(self.at) == Some(&b'-') {
            self.at += 1;
            return Ok(None);
        }
        let len = usize::try_from(self.int(b':')?).map_err(|_| "packed audit entry: a negative length")?;
        let s = self.s;
        let text = s.get(self.at..self.at + len).ok_or("packed audit entry: a field is cut short")?;
        self.at += len;
        Ok(Some(text))
    }

    fn required(&mut self, name: &str) -> Result<&'a str, String> {
        self.text()?.ok_or_else(|| format!("packed audit entry: {name} is missing"))
    }
}

fn code<T: Coded>(name: &str, value: &str) -> Result<T, String> {
    T::from_code(value).ok_or_else(|| format!("audit_log.{name}: unknown value {value:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{chain, AuditAction, Outcome};

    fn pack(e: &AuditEntry) -> String {
        let f = |s: Option<&str>| s.map(|s| format!("{}:{s}", s.len())).unwrap_or_else(|| "-".into());
        let r = &e.record;
        format!(
            "{},{},{}{}{}{}{}{}{}{}",
            e.seq,
            r.at,
            hex::encode(e.prev_hash),
            hex::encode(e.hash),
            f(r.actor.as_deref()),
            f(Some(&r.role)),
            f(Some(r.action.code())),
            f(r.case_id.as_deref()),
            f(Some(r.outcome.code())),
            f(Some(&r.detail)),
        )
    }

    #[test]
    fn round_trips_entries_with_missing_and_awkward_fields() {
        let a = chain(
            None,
            AuditRecord {
                at: -5,
                actor: None,
                role: String::new(),
                action: AuditAction::SignIn,
                case_id: None,
                outcome: Outcome::Refused,
                detail: "1:2,-: ünïcode".into(),
            },
        );
        let b = chain(
            Some((a.seq, a.hash)),
            AuditRecord {
                at: 1_700_000_000,
                actor: Some("user".into()),
                role: "decision-maker".into(),
                action: AuditAction::CaseRead,
                case_id: Some("case-1".into()),
                outcome: Outcome::Allowed,
                detail: String::new(),
            },
        );
        let text = format!("{}{}", pack(&a), pack(&b));
        assert_eq!(parse_packed(&text).unwrap(), vec![a, b]);
        assert_eq!(parse_packed("").unwrap(), vec![]);
    }

    #[test]
    fn refuses_damaged_text() {
        let e = chain(
            None,
            AuditRecord {
                at: 1,
                actor: None,
                role: "r".into(),
                action: AuditAction::SignIn,
                case_id: None,
                outcome: Outcome::Allowed,
                detail: "d".into(),
            },
        );
        let text = pack(&e);
        assert!(parse_packed(&text[..text.len() - 1]).is_err());
        assert!(parse_packed(&text.replace("sign-in", "sign-up")).is_err());
        assert!(parse_packed(&format!("x{text}")).is_err());
    }
}
