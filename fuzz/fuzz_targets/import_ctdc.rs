//! The CTDC dataset importer over any file. It may refuse, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctdc.csv");
    std::fs::write(&path, data).unwrap();
    if let Ok(imported) = sg_import::ctdc::import_file(&path) {
        let _ = imported.report.text();
    }
});
