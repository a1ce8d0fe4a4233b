//! `safeguard bench`: the benchmark suite of issue 8. Each figure is measured against its peer
//! in the same run (the disk's fsync ceiling, pandas, DuckDB), because the machines are shared
//! and noisy; `BENCHMARKS.md` records the results. The system under test is this very binary,
//! run as separate processes (`serve`, `demo`, `audit verify`, `report`, `import`) exactly as
//! an operator runs it, driven over HTTP on loopback.

mod cpu_cap;
mod load;
mod peers;
mod process;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use serde_json::{json, Map, Value};

use process::{Server, Target};

/// The benchmarks, in the order they run.
const ALL: [&str; 8] = ["fsync", "intake", "demo", "audit", "footprint", "reads", "report", "import"];

/// Options of `safeguard bench`.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Cases of demonstration data for the reads, audit, footprint and report figures.
    #[arg(long, default_value_t = 1_000_000)]
    pub cases: u64,
    /// Concurrent clients of the intake runs.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    pub intake_clients: Vec<usize>,
    /// Concurrent clients of the read runs.
    #[arg(long, default_value_t = 32)]
    pub read_clients: usize,
    /// Seconds each load run lasts.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Run on this database (e.g. `postgres://…`, an empty database) instead of SQLite files in
    /// the work directory. Intake and demonstration data then share it.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Where the databases go (default: a new directory under the system's temporary directory;
    /// give one on the disk you mean to measure).
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Only these benchmarks (comma-separated): fsync, intake, demo, audit, footprint, reads,
    /// report, import. Reads, audit, footprint and report use the demo's database.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Also write the figures to this JSON file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// The CTDC file for the import figure.
    #[arg(long, default_value = "../shared/data/ctdc/ctdc_global_kanon_2021-07-15.csv")]
    pub ctdc: PathBuf,
    /// The NRM statistics folder for the import figure.
    #[arg(long, default_value = "../shared/data/uk-nrm")]
    pub nrm_dir: PathBuf,
    /// Skip the peers that need Python (pandas, DuckDB).
    #[arg(long)]
    pub no_peers: bool,
    /// `serve` processes the intake runs send to, on one shared database (`--database-url`
    /// needed above 1): client `c` sends to process `c mod N`.
    #[arg(long, default_value_t = 1)]
    pub servers: usize,
    /// Limit each `serve` process of the intake runs to this many CPUs (such as 0.5), each in a
    /// control group of its own (Linux, as root): on a machine whose cores the load generator and
    /// the database share, this shows whether a second process adds capacity.
    #[arg(long)]
    pub server_cpus: Option<f64>,
}

/// Runs the chosen benchmarks, printing each figure as it is measured.
pub(crate) async fn run(args: BenchArgs) -> anyhow::Result<()> {
    for name in &args.only {
        anyhow::ensure!(ALL.contains(&name.as_str()), "--only: unknown benchmark {name:?}; choose from {ALL:?}");
    }
    anyhow::ensure!(args.servers >= 1, "--servers: give at least 1");
    anyhow::ensure!(
        args.servers == 1 || args.database_url.is_some(),
        "--servers: several serve processes share one database only on PostgreSQL; give --database-url"
    );
    let wanted = |name: &str| args.only.is_empty() || args.only.iter().any(|o| o == name);
    let work = match &args.work_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("safeguard-bench-{}", std::process::id())),
    };
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build()?;
    let mut out = Map::new();
    let machine = machine();
    println!("machine: {machine}");
    out.insert("machine".into(), json!(machine));
    out.insert("binary_mib".into(), json!(process::size_mib(&process::exe()?)));

    let big = Target { data_dir: work.join("big"), database_url: args.database_url.clone() };
    if wanted("fsync") || wanted("intake") {
        let (append, overwrite) = load::fsyncs_per_sec(&work, Duration::from_secs(2)).context("fsync ceiling")?;
        let ceiling = append.max(overwrite);
        println!(
            "fsync ceiling: {ceiling:.0} durable commits/s (4 KiB append + fsync: {append:.0}/s; \
             4 KiB overwrite + fdatasync: {overwrite:.0}/s; 2 s each)"
        );
        out.insert("fsync_per_sec".into(), json!(ceiling));
        out.insert("fsync_append_per_sec".into(), json!(append));
        out.insert("fdatasync_overwrite_per_sec".into(), json!(overwrite));
    }
    if wanted("intake") {
        let target = Target { data_dir: work.join("intake"), database_url: args.database_url.clone() };
        out.insert("intake".into(), intake(&args, &target, &client).await?);
    }
    if wanted("demo") {
        let n = args.cases.to_string();
        let (_, secs) = process::run(&["demo", "--cases", &n, "--seed", "1"], &big)?;
        println!("demo: {} cases in {secs:.2} s ({:.0} cases/s)", args.cases, args.cases as f64 / secs);
        out.insert("demo".into(), json!({"cases": args.cases, "secs": secs}));
    }
    if wanted("audit") {
        let (text, secs) = process::run(&["audit", "verify"], &big)?;
        let entries: f64 = text.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0.0);
        println!("audit verify: {entries} entries in {secs:.3} s ({:.0} entries/s, whole process)", entries / secs);
        out.insert("audit".into(), json!({"entries": entries, "secs": secs}));
    }
    if wanted("footprint") || wanted("reads") {
        let reader = process::api_user(&big, sg_app::demo::DEMO_ORG, "first-responder", "bench-reader", &[])
            .or_else(|_| existing_token(&work))?;
        std::fs::write(work.join("reader-token"), &reader)?;
        let idle = footprint_idle(&work, &client).await?;
        let server = Server::start(&big, &reader, &client).await?;
        let mut f = json!({
            "idle": idle,
            "with_cases": {"cases": args.cases, "first_answer_secs": server.first_answer_secs,
                           "rss_mib_started": server.rss_mib()},
        });
        println!(
            "footprint with {} cases: first answer after {:.3} s, {:.1} MiB resident",
            args.cases,
            server.first_answer_secs,
            server.rss_mib().unwrap_or(0.0)
        );
        if wanted("reads") {
            out.insert("reads".into(), reads(&args, &server, &reader, &client).await?);
            f["with_cases"]["rss_mib_after_reads"] = json!(server.rss_mib());
            println!("footprint after the reads: {:.1} MiB resident", server.rss_mib().unwrap_or(0.0));
        }
        out.insert("footprint".into(), f);
    }
    if wanted("report") {
        out.insert("report".into(), report(&args, &big)?);
    }
    if wanted("import") {
        out.insert("import".into(), import(&args, &work)?);
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&Value::Object(out))?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// A token left by an earlier run over the same work directory (the user already exists).
fn existing_token(work: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(work.join("reader-token")).context("cannot add the reading user")
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let date = sg_app::Clock::today(&sg_app::SystemClock);
    format!("{cores} cores, {cpu}, {date}")
}

/// HTTP referral submissions at each client count, against the fsync ceiling.
async fn intake(args: &BenchArgs, target: &Target, client: &reqwest::Client) -> anyhow::Result<Value> {
    let token = process::api_user(target, "Bench NGO", "first-responder", "bench-intake", &[])?;
    let mut servers = Vec::with_capacity(args.servers);
    for _ in 0..args.servers {
        servers.push(Server::start_capped(target, &token, client, args.server_cpus).await?);
    }
    let urls: Vec<String> = servers.iter().map(|s| format!("{}/api/v1/referrals", s.base)).collect();
    let mut on = if args.servers > 1 { format!(" over {} serve processes", args.servers) } else { String::new() };
    if let Some(cpus) = args.server_cpus {
        on.push_str(&format!(", each limited to {cpus} CPU"));
    }
    let mut runs = Vec::new();
    for &clients in &args.intake_clients {
        let urls = urls.clone();
        let cpu = || servers.iter().filter_map(Server::cpu_secs).sum::<f64>();
        let (cpu_before, started) = (cpu(), std::time::Instant::now());
        let r = load::run(client, &token, clients, secs(args.seconds), 201, move |c, i| load::Request {
            post: Some(referral(c, i)),
            url: urls[c % urls.len()].clone(),
        })
        .await;
        // The CPUs the serve processes kept busy, all of them together, over the run.
        let server_cpus = (cpu() - cpu_before) / started.elapsed().as_secs_f64();
        println!(
            "intake, {clients} clients{on}: {:.0} referrals/s, p50 {:.1} ms, p99 {:.1} ms ({} errors); \
             serve used {server_cpus:.2} CPU",
            r.per_sec(),
            r.quantile_ms(0.5),
            r.quantile_ms(0.99),
            r.errors
        );
        let mut run = r.to_json();
        run["server_cpus"] = json!(server_cpus);
        runs.push(run);
    }
    let backend = target.database_url.as_deref().map(|u| u.split(':').next().unwrap_or("")).unwrap_or("sqlite");
    Ok(json!({"backend": backend, "servers": args.servers, "server_cpus_cap": args.server_cpus, "runs": runs}))
}

/// A valid referral, varied a little per client and request.
fn referral(c: usize, i: u64) -> Value {
    let ages = ["adult", "child"];
    json!({
        "jurisdiction": "england-wales",
        "age_at_exploitation": ages[(i as usize + c) % 2],
        "consent_to_referral": true,
        "gender": "female",
        "nationalities": ["AL"],
        "exploitation_types": ["labour", "criminal"],
        "exploitation_location": "uk",
        "identity": {"full_name": format!("Bench Person {c}-{i}"), "date_of_birth": "1999-04-01"},
        "account": "Synthetic referral sent by safeguard bench."
    })
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s.max(0.05))
}

/// Idle memory: a server over an empty database, after its first answer.
async fn footprint_idle(work: &Path, client: &reqwest::Client) -> anyhow::Result<Value> {
    let empty = Target { data_dir: work.join("empty"), database_url: None };
    let token = match std::fs::read_to_string(work.join("empty-token")) {
        Ok(t) => t,
        Err(_) => {
            let t = process::api_user(&empty, "Bench NGO", "first-responder", "bench-idle", &[])?;
            std::fs::write(work.join("empty-token"), &t)?;
            t
        }
    };
    let server = Server::start(&empty, &token, client).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss = server.rss_mib();
    println!(
        "footprint idle: first answer after {:.3} s, {:.1} MiB resident; binary {:.1} MiB",
        server.first_answer_secs,
        rss.unwrap_or(0.0),
        process::size_mib(&process::exe()?)
    );
    Ok(json!({"first_answer_secs": server.first_answer_secs, "rss_mib": rss}))
}

/// The case page and the case-list search, at `--read-clients`.
async fn reads(args: &BenchArgs, server: &Server, token: &str, client: &reqwest::Client) -> anyhow::Result<Value> {
    // Case ids and references spread over the whole table, read once before the clock starts.
    let mut cases: Vec<(String, String)> = Vec::new();
    for k in 0..5u64 {
        let offset = args.cases.saturating_sub(200) * k / 5;
        let page: Value = client
            .get(format!("{}/api/v1/cases?limit=200&offset={offset}", server.base))
            .bearer_auth(token)
            .send()
            .await?
            .json()
            .await?;
        for c in page["cases"].as_array().into_iter().flatten() {
            cases.push((c["id"].as_str().unwrap_or("").into(), c["reference"].as_str().unwrap_or("").into()));
        }
    }
    anyhow::ensure!(!cases.is_empty(), "reads: the database has no cases the reader may see");
    let cases = std::sync::Arc::new(cases);
    let (base, list) = (server.base.clone(), cases.clone());
    let page = load::run(client, token, args.read_clients, secs(args.seconds), 200, move |c, i| {
        let (id, _) = &list[(c * 7919 + i as usize * 104_729) % list.len()];
        load::Request { post: None, url: format!("{base}/api/v1/cases/{id}") }
    })
    .await;
    let base = server.base.clone();
    let searches = [
        "status=awaiting-cg&limit=50",
        "jurisdiction=scotland&age=child&limit=50",
        "competent_authority=ieca&referred_from=2023-01-01&referred_to=2023-03-31&limit=50",
        "kind=referral&limit=50&offset=100",
    ];
    let search = load::run(client, token, args.read_clients, secs(args.seconds), 200, move |c, i| {
        let n = c + i as usize;
        let query = match n % 5 {
            4 => format!("reference={}", cases[n % cases.len()].1),
            k => searches[k].to_string(),
        };
        load::Request { post: None, url: format!("{base}/api/v1/cases?{query}") }
    })
    .await;
    for (name, r) in [("case page", &page), ("case-list search", &search)] {
        println!(
            "reads, {name}, {} clients: {:.0} requests/s, p50 {:.1} ms, p99 {:.1} ms ({} errors)",
            r.clients,
            r.per_sec(),
            r.quantile_ms(0.5),
            r.quantile_ms(0.99),
            r.errors
        );
    }
    Ok(json!({"case_page": page.to_json(), "case_list_search": search.to_json()}))
}

/// The whole report process over the demo database (best of three after a warm-up), and DuckDB.
fn report(args: &BenchArgs, big: &Target) -> anyhow::Result<Value> {
    let file = big.data_dir.join("report.json");
    let file_arg = file.display().to_string();
    let run = || process::run(&["report", "--format", "json", "--output", &file_arg], big).map(|(_, s)| s);
    run()?;
    let best = (0..3).map(|_| run()).collect::<anyhow::Result<Vec<f64>>>()?.into_iter().fold(f64::MAX, f64::min);
    println!("report over {} cases: {best:.3} s (whole process, best of 3)", args.cases);
    let duck = if args.no_peers || big.database_url.is_some() {
        Err("skipped".to_string())
    } else {
        let script = Path::new("scripts/bench_report_duckdb.py");
        peers::duckdb_report(script, &big.data_dir.join("safeguard.db"))
    };
    match &duck {
        Ok(line) => println!("  peer: {line}"),
        Err(e) => println!("  peer: {e}"),
    }
    Ok(json!({"secs": best, "duckdb": duck.unwrap_or_else(|e| e)}))
}

/// The CTDC file and the NRM tables, each imported into a fresh database, against pandas.
fn import(args: &BenchArgs, work: &Path) -> anyhow::Result<Value> {
    let fresh = |name: &str| Target { data_dir: work.join(name), database_url: None };
    let ctdc = args.ctdc.display().to_string();
    let nrm = args.nrm_dir.display().to_string();
    let (_, ctdc_secs) = process::run(&["import", "ctdc", &ctdc], &fresh("import-ctdc"))?;
    let (_, nrm_secs) = process::run(&["import", "nrm-stats", &nrm], &fresh("import-nrm"))?;
    let mut nrm_files: Vec<PathBuf> = std::fs::read_dir(&args.nrm_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    nrm_files.sort();
    let peer = |files: Vec<&Path>| if args.no_peers { Err("skipped".to_string()) } else { peers::pandas_group(&files) };
    let pandas_ctdc = peer(vec![args.ctdc.as_path()]);
    let pandas_nrm = peer(nrm_files.iter().map(PathBuf::as_path).collect());
    let show = |r: &Result<f64, String>| match r {
        Ok(s) => format!("{s:.3} s"),
        Err(e) => e.clone(),
    };
    println!("import ctdc: {ctdc_secs:.3} s (whole process); pandas read + group: {}", show(&pandas_ctdc));
    println!("import nrm-stats: {nrm_secs:.3} s (whole process); pandas read + group: {}", show(&pandas_nrm));
    let val = |r: Result<f64, String>| r.map(|s| json!(s)).unwrap_or_else(|e| json!(e));
    Ok(json!({
        "ctdc_secs": ctdc_secs, "nrm_secs": nrm_secs,
        "pandas_ctdc_secs": val(pandas_ctdc), "pandas_nrm_secs": val(pandas_nrm),
    }))
}
