//! `safeguard import`, `safeguard report` and `safeguard export cases --deidentified`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sg_app::monitoring::{ReportRequest, Source};
use sg_stats::{Period, Rule};

use crate::cli::DataArgs;

/// Which importer.
pub(crate) enum Kind {
    /// Home Office NRM tables.
    NrmStats,
    /// CTDC CSV.
    Ctdc,
}

/// Imports a folder or file as the next version of a dataset: all of it or nothing.
pub(crate) async fn import(data: &DataArgs, kind: Kind, path: &Path, name: &str, skip_bad: bool) -> anyhow::Result<()> {
    let imported = match kind {
        Kind::NrmStats => sg_import::nrm::import_dir(path),
        Kind::Ctdc => sg_import::ctdc::import_file(path),
    }
    .with_context(|| format!("cannot import {}", path.display()))?;
    let report = imported.report.clone();
    eprint!("{}", report.text());
    if !report.rejections.is_empty() && !skip_bad {
        bail!(
            "{} rows were rejected (listed above); nothing was imported. Fix the file, or pass --skip-bad-rows to \
             import the other rows",
            report.rejections.len()
        );
    }
    let (app, backend) = crate::database::open_app(data).await?;
    let result = app.import_dataset(name, &path.display().to_string(), imported).await;
    backend.close().await;
    let v = result.context("cannot store the dataset")?;
    println!(
        "imported dataset {} version {}: {} rows read, {} imported, {} rejected",
        v.name, v.version, v.rows_read, v.rows_imported, v.rows_rejected
    );
    Ok(())
}

/// `report`'s options.
pub(crate) struct ReportArgs {
    pub dataset: Option<String>,
    pub period: Option<String>,
    pub format: String,
    pub output: Option<PathBuf>,
    pub threshold: u64,
    pub round: Option<u64>,
}

fn write_out(output: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display())),
        None => std::io::stdout().write_all(bytes).context("cannot write to standard output"),
    }
}

/// Builds, records and writes the report.
pub(crate) async fn report(data: &DataArgs, a: ReportArgs) -> anyhow::Result<()> {
    let format = sg_report::Format::parse(&a.format).map_err(anyhow::Error::msg)?;
    let period = match &a.period {
        Some(p) => Period::parse(p).map_err(|e| anyhow::anyhow!("--period: {e}"))?,
        None => Period::All,
    };
    if a.threshold < 2 {
        bail!("--threshold: give at least 2 (a threshold of 1 hides nothing)");
    }
    let rule = Rule::with_threshold(a.threshold, a.round.filter(|r| *r > 1));
    let (app, backend) = crate::database::open_app(data).await?;
    let result = async {
        let source = Source::parse(a.dataset.as_deref()).map_err(|e| anyhow::anyhow!("--dataset: {e}"))?;
        let built = app.monitoring_report(None, &ReportRequest { source, period, rule: rule.clone() }).await?;
        let bytes = sg_report::render(&built.report, format)?;
        let p = app.publish(None, "report", &built.source, &period.to_string(), format.name(), &rule, &bytes).await?;
        anyhow::Ok((bytes, p))
    }
    .await;
    backend.close().await;
    let (bytes, p) = result?;
    write_out(a.output.as_deref(), &bytes)?;
    eprintln!("publication {} recorded: {} bytes, sha256 {}", p.id, p.bytes, p.sha256);
    Ok(())
}

/// Writes the de-identified case export.
pub(crate) async fn export_cases(
    data: &DataArgs,
    deidentified: bool,
    output: Option<PathBuf>,
    k: u64,
) -> anyhow::Result<()> {
    if !deidentified {
        bail!("--deidentified is required: Safeguard exports no identifying case data");
    }
    if k < 2 {
        bail!("--k: give at least 2");
    }
    let (app, backend) = crate::database::open_app(data).await?;
    let result = async {
        let (rows, dropped) = app.deidentified_cases(k).await?;
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in &rows {
            w.serialize(r)?;
        }
        if rows.is_empty() {
            w.write_record([
                "kind",
                "status",
                "jurisdiction",
                "age",
                "gender",
                "nationality",
                "nationality_group",
                "exploitation",
                "location",
                "first_responder_type",
                "competent_authority",
                "referred",
                "rg_outcome",
                "rg_month",
                "cg_outcome",
                "cg_month",
            ])?;
        }
        let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
        let rule = Rule {
            method: format!(
                "de-identified export: only non-identifying facts; dates as months; every combination of age, gender, \
                 nationality, nation, exploitation, location, first responder type and month shared by at least {k} \
                 rows after coarsening (nationality to its group, then month to year and exploitation withheld); \
                 {dropped} rarer rows left out"
            ),
            ..Rule::with_threshold(k, None)
        };
        let p = app.publish(None, "export", "own-cases", "all", "csv", &rule, &bytes).await?;
        anyhow::Ok((bytes, rows.len(), dropped, p))
    }
    .await;
    backend.close().await;
    let (bytes, n, dropped, p) = result?;
    write_out(output.as_deref(), &bytes)?;
    eprintln!("exported {n} cases ({dropped} left out as too rare to publish); publication {} recorded", p.id);
    Ok(())
}
