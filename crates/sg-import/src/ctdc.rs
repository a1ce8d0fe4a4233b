//! The CTDC global k-anonymised dataset (see `shared/data/ctdc/PROVENANCE.md`).

use std::path::Path;

use crate::{ImportError, Imported};

/// Imports the CTDC CSV.
pub fn import_file(path: &Path) -> Result<Imported, ImportError> {
    Err(ImportError::Layout {
        path: path.display().to_string(),
        message: "the CTDC importer is not written yet".into(),
    })
}
