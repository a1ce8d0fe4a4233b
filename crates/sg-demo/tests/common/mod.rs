//! Helpers shared by the integration tests: the data folder, read once per test binary.

use std::path::PathBuf;
use std::sync::OnceLock;

use sg_demo::Distributions;

/// The `uk-nrm` folder beside the repository (`shared/data/uk-nrm`), if this machine has it.
pub fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/uk-nrm");
    if dir.join("PROVENANCE.md").exists() {
        Some(dir)
    } else {
        eprintln!("skipping: the data folder {} is missing", dir.display());
        None
    }
}

/// The tables read from the data folder, once per test binary (reading takes a second or two).
pub fn from_data() -> Option<&'static Distributions> {
    static DIST: OnceLock<Option<Distributions>> = OnceLock::new();
    DIST.get_or_init(|| data_dir().map(|dir| Distributions::from_nrm_dir(&dir).expect("the data folder reads")))
        .as_ref()
}
