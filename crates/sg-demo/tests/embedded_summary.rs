//! The summary compiled into the binary must stay the summary of the real tables.

mod common;

use sg_demo::{Distributions, EMBEDDED_SUMMARY};

#[test]
fn embedded_summary_matches_the_data_folder() {
    let Some(dist) = common::from_data() else { return };
    let fresh = dist.summary_table();
    if std::env::var_os("SG_DEMO_WRITE_SUMMARY").is_some() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/nrm_summary.tsv");
        std::fs::write(&path, &fresh).unwrap();
        eprintln!("wrote {}", path.display());
        return;
    }
    assert!(
        fresh == EMBEDDED_SUMMARY,
        "src/nrm_summary.tsv is out of date with the data folder; regenerate it with\n  \
         SG_DEMO_WRITE_SUMMARY=1 cargo test -p sg-demo --test embedded_summary"
    );
}

#[test]
fn summarising_the_embedded_summary_gives_it_back() {
    assert_eq!(Distributions::embedded().summary_table(), EMBEDDED_SUMMARY);
}

#[test]
fn the_embedded_summary_is_compact_and_keeps_every_person() {
    let rows = EMBEDDED_SUMMARY.lines().filter(|l| !l.starts_with('#')).count();
    assert!(rows <= 500, "{rows} rows");
    let embedded = Distributions::embedded();
    if let Some(full) = common::from_data() {
        // The tail drops only rows under a few people, so nearly everyone is still counted.
        let kept = embedded.cube_people() as f64 / full.cube_people() as f64;
        assert!(kept > 0.999, "{kept}");
        assert_eq!(embedded.child_share_of_referrals(), full.child_share_of_referrals());
    }
}

#[test]
fn a_broken_summary_names_the_line() {
    let err = Distributions::from_summary("# header\nquarter\t2014\tQ1\t1,2\n").unwrap_err().to_string();
    assert!(err.contains("line 2"), "{err}");
}
