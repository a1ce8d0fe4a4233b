//! The audit log reader and verifier. Each input line is one stored entry in the columns of
//! `audit_log` (`seq|at|actor|role|action|case|outcome|detail|prev hex|hash hex`), decoded as
//! the store decodes rows; the verifier must name a broken entry or accept, never panic. The
//! records that decode are then chained afresh, and that chain must verify.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sg_audit::{AuditAction, AuditEntry, AuditRecord, Outcome, Verifier};
use sg_domain::Coded;

fn hash(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in hex.as_bytes().chunks(2).take(32).enumerate() {
        out[i] = std::str::from_utf8(b).ok().and_then(|s| u8::from_str_radix(s, 16).ok()).unwrap_or(0);
    }
    out
}

fn entry(line: &str) -> Option<AuditEntry> {
    let f: Vec<&str> = line.split('|').collect();
    if f.len() != 10 {
        return None;
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Some(AuditEntry {
        seq: f[0].parse().ok()?,
        record: AuditRecord {
            at: f[1].parse().ok()?,
            actor: opt(f[2]),
            role: f[3].to_string(),
            action: AuditAction::from_code(f[4])?,
            case_id: opt(f[5]),
            outcome: Outcome::from_code(f[6])?,
            detail: f[7].to_string(),
        },
        prev_hash: hash(f[8]),
        hash: hash(f[9]),
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let entries: Vec<AuditEntry> = text.lines().filter_map(entry).collect();
    let mut verifier = Verifier::new();
    for e in &entries {
        if let Err(broken) = verifier.push(e) {
            assert!(broken.seq >= 1);
            break;
        }
    }
    let mut fresh = Verifier::new();
    let mut previous = None;
    for e in entries {
        let chained = sg_audit::chain(previous, e.record);
        fresh.push(&chained).expect("a chain built by `chain` verifies");
        previous = Some((chained.seq, chained.hash));
    }
});
