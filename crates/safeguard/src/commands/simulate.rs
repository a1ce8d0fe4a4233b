//! `safeguard simulate`: replays every case in the database under two rule sets and writes the
//! report as HTML or JSON. The counting is in `sg_rules::simulate`; this module pages through
//! the store (`sg_app::simulate::replay`) and renders.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context};
use sg_app::simulate::SimulationFilter;
use sg_domain::Jurisdiction;
use sg_rules::simulate::{Count, Report};

use crate::cli::DataArgs;

/// Which cases to replay.
pub(crate) struct Filter {
    /// Only this jurisdiction.
    pub jurisdiction: Option<String>,
    /// Referred on or after.
    pub from: Option<time::Date>,
    /// Referred on or before.
    pub to: Option<time::Date>,
}

pub(crate) async fn run(
    data: &DataArgs,
    rules: &str,
    vs: &str,
    filter: Filter,
    format: &str,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    if !matches!(format, "html" | "json") {
        bail!("--format: expected html or json, got {format:?}");
    }
    let a = sg_rules::load(rules).context("--rules")?;
    let b = sg_rules::load(vs).context("--vs")?;
    let asked: Option<Jurisdiction> = match &filter.jurisdiction {
        Some(j) => Some(j.parse().map_err(|e: String| anyhow::anyhow!("--jurisdiction: {e}"))?),
        None => None,
    };
    let jurisdiction = sg_app::simulate::scope(&a, &b, asked).map_err(|e| anyhow::anyhow!("--{e}"))?;
    let (store, backend) = crate::database::open(data).await?;
    let today = sg_app::Clock::today(&sg_app::SystemClock);
    let sim_filter = SimulationFilter { jurisdiction, from: filter.from, to: filter.to };
    let report = sg_app::simulate::replay(store.as_ref(), &a, &b, sim_filter, today).await;
    backend.close().await;
    let report = report.context("cannot read the cases")?;
    let text = match format {
        "json" => serde_json::to_string_pretty(&report)? + "\n",
        _ => html(&report, jurisdiction, &filter),
    };
    match output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Replayed {} cases; report written to {}", report.cases, path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn examples(c: &Count) -> String {
    if c.examples.is_empty() {
        return String::new();
    }
    format!("<br><small>e.g. {}</small>", esc(&c.examples.join(", ")))
}

/// The report as one self-contained HTML page (no scripts, no outside resources).
fn html(r: &Report, jurisdiction: Option<Jurisdiction>, f: &Filter) -> String {
    let mut o = String::new();
    let (a, b) = (&r.rules_a, &r.rules_b);
    let scope = jurisdiction.map_or("all jurisdictions".to_string(), |j| sg_domain::Coded::label(j).to_string());
    let range = match (f.from, f.to) {
        (None, None) => "all referral dates".to_string(),
        (from, to) => format!(
            "referred {} to {}",
            from.map_or("the start".into(), |d| d.to_string()),
            to.map_or("today".into(), |d| d.to_string())
        ),
    };
    let _ = write!(
        o,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Policy simulation: {} vs {}</title>\
         <style>body{{font-family:sans-serif;max-width:70em;margin:2em auto;line-height:1.4}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border-bottom:1px solid #b1b4b6;padding:.4em;text-align:left;vertical-align:top}}.n{{text-align:right}}\
         .proposal{{background:#fff7bf;padding:.5em;border-left:5px solid #ffdd00}}</style></head><body>\n",
        esc(&a.name),
        esc(&b.name)
    );
    let _ = writeln!(o, "<h1>Policy simulation</h1>");
    let _ = writeln!(
        o,
        "<p><strong>A:</strong> {} ({})<br><strong>B:</strong> {} ({})</p>",
        esc(&a.title),
        esc(&a.name),
        esc(&b.title),
        esc(&b.name)
    );
    if a.proposal || b.proposal {
        let _ = writeln!(
            o,
            "<p class=\"proposal\">One rule set is a <strong>proposal</strong>, not law or policy in force.</p>"
        );
    }
    let _ = writeln!(
        o,
        "<p>{} cases replayed ({scope}, {range}); {} left out (Duty to Notify reports, or a jurisdiction a rule set \
         does not cover). Open deadlines judged on {}.</p>",
        r.cases, r.skipped, r.today
    );
    let rp = &r.recovery_period;
    let _ = writeln!(o, "<h2>Recovery period</h2>");
    let _ = writeln!(
        o,
        "<p>{} cases had a recovery period: {} days in all under A, {} under B. Longer under B: {} cases (+{} days){}. \
         Shorter under B: {} cases (&minus;{} days){}.</p>",
        rp.cases,
        rp.days_a,
        rp.days_b,
        rp.longer_under_b.cases,
        rp.days_gained,
        examples(&rp.longer_under_b),
        rp.shorter_under_b.cases,
        rp.days_lost,
        examples(&rp.shorter_under_b)
    );
    let _ = writeln!(
        o,
        "<h2>Who gains and who loses</h2>\n<table><thead><tr><th>Question</th><th class=\"n\">Yes under A</th>\
         <th class=\"n\">Yes under B</th><th>Only under A</th><th>Only under B</th></tr></thead><tbody>"
    );
    for m in &r.measures {
        let _ = writeln!(
            o,
            "<tr><td><strong>{}</strong><br><small>{}</small></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td>{}{}</td><td>{}{}</td></tr>",
            esc(m.title),
            esc(m.method),
            m.under_a,
            m.under_b,
            m.only_a.cases,
            examples(&m.only_a),
            m.only_b.cases,
            examples(&m.only_b)
        );
    }
    let _ = writeln!(o, "</tbody></table>\n<p><small>Made by <code>safeguard simulate</code>; the rules and their sources are in <code>rules/*.toml</code>.</small></p>\n</body></html>");
    o
}
