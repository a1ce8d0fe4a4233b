//! Rule files: any text is read and checked, or refused with an error naming the problem.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match sg_rules::RuleSet::from_toml("fuzz.toml", text) {
        Ok(rules) => {
            // A rule set that loads can be asked about any date.
            let _ = format!("{rules:?}");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
