//! The Home Office NRM statistics importer: one of its files replaced by the input (its first
//! byte says which), the others small real samples. It may refuse, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const FILES: [(&str, &str); 5] = [
    ("nrm_referrals_longitudinal.csv", include_str!("../fixtures/uk-nrm/nrm_referrals_longitudinal.csv")),
    ("nrm_reasonable_grounds.csv", include_str!("../fixtures/uk-nrm/nrm_reasonable_grounds.csv")),
    ("nrm_conclusive_grounds.csv", include_str!("../fixtures/uk-nrm/nrm_conclusive_grounds.csv")),
    ("nrm_duty_to_notify_longitudinal.csv", include_str!("../fixtures/uk-nrm/nrm_duty_to_notify_longitudinal.csv")),
    ("nrm_duty_to_notify_2023_q4.csv", include_str!("../fixtures/uk-nrm/nrm_duty_to_notify_2023_q4.csv")),
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, text)) = data.split_first() else { return };
    let which = usize::from(which) % FILES.len();
    let dir = tempfile::tempdir().unwrap();
    for (i, (name, sample)) in FILES.iter().enumerate() {
        let content: &[u8] = if i == which { text } else { sample.as_bytes() };
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    if let Ok(imported) = sg_import::nrm::import_dir(dir.path()) {
        let _ = imported.report.text();
    }
});
