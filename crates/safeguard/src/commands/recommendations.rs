//! `safeguard recommendations import FILE` and `safeguard recommendations list`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::{bail, Context};
use sg_app::recommendations::{ImportRow, RecommendationInput, Tracker};

use crate::cli::DataArgs;

/// The import file's header, in this order.
const HEADER: [&str; 9] =
    ["source", "date", "text", "addressee", "article", "indicators", "status", "status_date", "evidence"];

/// Reads the CSV into rows with their line numbers; a wrong header or a row with the wrong
/// number of fields refuses the whole file.
fn read_rows(file: &Path) -> anyhow::Result<Vec<ImportRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let header: Vec<String> = reader.headers()?.iter().map(|h| h.trim().to_string()).collect();
    if header != HEADER {
        bail!("{}: line 1: the header must be {}", file.display(), HEADER.join(","));
    }
    let mut rows = vec![];
    for record in reader.records() {
        let record = record.with_context(|| format!("cannot read {}", file.display()))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() != HEADER.len() {
            bail!(
                "{}: line {line}: {} fields where the header has {}; nothing was imported",
                file.display(),
                record.len(),
                HEADER.len()
            );
        }
        let f = |i: usize| record.get(i).unwrap_or("").to_string();
        rows.push(ImportRow {
            line,
            recommendation: RecommendationInput {
                source: f(0),
                date: f(1),
                text: f(2),
                addressee: f(3),
                article: f(4),
                indicators: f(5),
            },
            status: f(6),
            status_date: f(7),
            evidence: f(8),
        });
    }
    Ok(rows)
}

/// Imports the file: every row, or none with each bad row's line and reason.
pub(crate) async fn import(data: &DataArgs, file: &Path) -> anyhow::Result<()> {
    let rows = read_rows(file)?;
    let (app, backend) = crate::database::open_app(data).await?;
    let result = app.import_recommendations(None, &rows).await;
    backend.close().await;
    let outcome = result.context("cannot store the recommendations")?;
    if !outcome.rejected.is_empty() {
        for r in &outcome.rejected {
            eprintln!("{}: line {}: {}: {}", file.display(), r.line, r.error.field, r.error.message);
        }
        bail!("{} rows were rejected (listed above); nothing was imported", outcome.rejected.len());
    }
    println!("imported {} recommendations", outcome.imported);
    Ok(())
}

/// The tracker as text: the summary line first, then one block per recommendation.
fn text(t: &Tracker) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", t.summary);
    let _ = writeln!(out, "Indicator values: {}; {}", t.indicator_basis, t.rule.legend());
    for (n, r) in t.recommendations.iter().enumerate() {
        let rec = &r.recommendation;
        let since = r.current.as_ref().map(|s| format!(" as of {}", s.as_of)).unwrap_or_default();
        let _ = writeln!(out, "\n{}. [{}{since}] {}", n + 1, r.status.label(), rec.text);
        let _ = writeln!(
            out,
            "   {} ({}); to {}; {}; id {}",
            rec.source, rec.report_date, rec.addressee, rec.article, rec.id
        );
        if let Some(s) = &r.current {
            let url = s.evidence_url.as_ref().map(|u| format!(" <{u}>")).unwrap_or_default();
            let _ = writeln!(out, "   Evidence: {}{url}", s.evidence);
        }
        if r.history.len() > 1 {
            let steps: Vec<String> = r.history.iter().map(|s| format!("{} {}", s.as_of, s.status.code())).collect();
            let _ = writeln!(out, "   History: {}", steps.join("; "));
        }
        for i in &r.indicators {
            let interval = i.interval.as_ref().map(|v| format!(" ({v})")).unwrap_or_default();
            let _ = writeln!(out, "   {} [{}]: {}{interval}", i.title, i.id, i.value);
        }
    }
    out
}

/// Prints the summary line and every recommendation; the output carries indicator values, so
/// it is recorded as a publication like every other statistical output.
pub(crate) async fn list(data: &DataArgs, format: &str) -> anyhow::Result<()> {
    let (app, backend) = crate::database::open_app(data).await?;
    let result = async {
        let tracker = app.recommendation_tracker(None).await?;
        let bytes = match format {
            "json" => {
                let mut b = serde_json::to_vec_pretty(&tracker)?;
                b.push(b'\n');
                b
            }
            _ => text(&tracker).into_bytes(),
        };
        app.publish(None, "recommendations", "own-cases", "all", format, &tracker.rule, &bytes).await?;
        anyhow::Ok(bytes)
    }
    .await;
    backend.close().await;
    let bytes = result?;
    std::io::stdout().write_all(&bytes).context("cannot write to standard output")
}
