//! `safeguard serve`.

use std::net::SocketAddr;

use anyhow::Context;
use sg_app::App;
use sg_domain::Role;
use sg_store::CaseFilter;

use crate::cli::{DataArgs, LimitArgs};

/// How many cases `serve --demo` adds to an empty database.
const DEMO_CASES: u64 = 2_000;

pub(crate) async fn run(
    data: &DataArgs,
    bind: SocketAddr,
    demo: bool,
    secure_cookies: bool,
    limit_args: &LimitArgs,
    idle_timeout_seconds: u32,
    check_at_start: bool,
) -> anyhow::Result<()> {
    crate::database::check_before_serving(data, check_at_start).await?;
    let (app, backend) = crate::database::open_app(data).await?;
    crate::database::mark_serving(data)?;
    let app = App { session_idle: time::Duration::seconds(idle_timeout_seconds.into()), ..app };
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
    let local = listener.local_addr().context("cannot read the bound address")?;

    let admin = match app.bootstrap_admin().await {
        // Another server process on the same database created it a moment ago.
        Err(sg_app::AppError::Conflict(_)) => None,
        other => other.context("cannot create the first administrator")?,
    };
    if let Some(admin) = admin {
        println!(
            "First run: created the administrator {:?}.\nSign in once at http://{local}/sign-in/code with this one-time code (valid 72 hours), then choose a password:\n\n    {}\n",
            admin.user.name, admin.sign_in_code
        );
    }
    if demo {
        load_demo(&app).await?;
    }

    let metrics = sg_web::Metrics::new();
    if let Some(at) = limit_args.metrics_bind {
        let metrics_listener =
            tokio::net::TcpListener::bind(at).await.with_context(|| format!("cannot listen for metrics on {at}"))?;
        let metrics_router = sg_web::metrics_router(app.clone(), metrics.clone());
        println!("Metrics are at http://{}/metrics", metrics_listener.local_addr().unwrap_or(at));
        tokio::spawn(async move {
            if let Err(e) = axum::serve(metrics_listener, metrics_router).await {
                tracing::error!(error = %e, "the metrics listener failed");
            }
        });
    }
    // Counts of repeated refusals are written when their window ends, even if no one is
    // refused again (`sg_app::refusals`); kept forms are erased once expired, every minute
    // (`sg_app::kept_forms`).
    let flusher = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(10));
            for tick in 0u64.. {
                every.tick().await;
                if let Err(e) = app.flush_refusals(false).await {
                    tracing::warn!(error = %e, "cannot write the refusal counts yet");
                }
                if tick % 6 == 0 {
                    if let Err(e) = app.expire_kept_forms().await {
                        tracing::warn!(error = %e, "cannot erase expired kept forms yet");
                    }
                }
            }
        })
    };
    let router = sg_web::router(sg_web::AppState { app: app.clone(), secure_cookies });
    println!("Safeguard is listening on http://{local}");
    tracing::info!(%local, "listening");
    sg_web::serve(listener, router, limit_args.limits(), metrics, shutdown_signal()).await.context("server failed")?;
    flusher.abort();
    if let Err(e) = app.flush_refusals(true).await {
        tracing::warn!(error = %e, "cannot write the last refusal counts");
    }
    tracing::info!("stopped; closing the database");
    backend.close().await;
    crate::database::served_cleanly(data);
    Ok(())
}

async fn load_demo(app: &App) -> anyhow::Result<()> {
    let any = app.store.list_cases(&CaseFilter { limit: 1, ..Default::default() }).await?;
    if any.total > 0 {
        println!("--demo: the database already has cases; adding none");
        return Ok(());
    }
    let (dist, source) = super::demo::distributions(None)?;
    eprintln!("--demo: adding {DEMO_CASES} demonstration cases drawn from {source}");
    super::demo::add_cases(app, &dist, DEMO_CASES, 1).await?;
    for (name, role) in [("demo-decision-maker", Role::DecisionMaker), ("demo-first-responder", Role::FirstResponder)] {
        let org = if role == Role::DecisionMaker { "Single Competent Authority (demo)" } else { "Demo NGO" };
        match app.create_user(org, None, role, name, false).await {
            Ok(c) => println!("--demo: sign in as {name} with the one-time code {}", c.sign_in_code),
            Err(sg_app::AppError::Conflict(_)) => {}
            Err(e) => return Err(anyhow::anyhow!("cannot create the demo user {name}: {e}")),
        }
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish and the database closes cleanly.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
