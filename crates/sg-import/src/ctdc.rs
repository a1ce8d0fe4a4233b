//! The CTDC global k-anonymised dataset (placeholder until the CTDC importer lands).
