//! One story told to both backends through the `Store` interface: referrals (300 cases, their
//! events read back whole), a stale change refused with a clear `Conflict`, ciphertext at rest,
//! the audit chain read back and verified, organisations and users as the
//! administrator lists them, relationships listed while active, audit and event rows that cannot be changed, and the
//! statistics kept in Rust, equal to the case rows. SQLite always runs; PostgreSQL runs when
//! `SAFEGUARD_TEST_DATABASE_URL` names a server, and must give the same statistics, cell for
//! cell. (The firewall's refusals and consents are told by the integration suite, which runs
//! whole on both backends.)

use std::sync::Arc;

use sg_app::App;
use sg_audit::{AuditAction, Outcome};
use sg_domain::CompetentAuthority;
use sg_store::{Append, NewOrg, OrgKind, Store, StoreError};

fn keys() -> sg_crypto::KeyRing {
    sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap()
}

/// The story; returns every statistics cell as text, sorted, to compare backends.
async fn story(store: Arc<dyn Store>) -> Vec<String> {
    let app = App::new(store.clone(), keys());
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 300, 7, |_| {}).await.unwrap();

    let cases = store.all_case_events(None, 1_000).await.unwrap();
    assert_eq!(cases.len(), 300);
    assert!(cases.iter().all(|c| !c.events.is_empty() && c.events[0].seq == 1));
    let decided = cases.iter().filter(|c| c.events.len() > 2).count();
    assert!(decided > 50, "the demonstration cases should include decisions ({decided})");

    // A change made against a version someone else moved on from is refused, clearly.
    let case = &cases[0];
    let state = sg_domain::CaseState::replay(case.events.iter().map(|e| &e.event)).unwrap();
    let stale = Append {
        case: case.id,
        expected_version: state.version - 1,
        events: &[],
        state: &state,
        actor: case.events[0].actor,
        now: time::OffsetDateTime::now_utc(),
        vault: &[],
        person_key: None,
        audit: &[],
        new_owner_org: None,
        spend_dtn_code: None,
        next_due: None,
        relationships: &[],
    };
    match store.append_events(&stale).await {
        Err(StoreError::Conflict(m)) => assert!(m.contains("reload it and try again"), "{m}"),
        other => panic!("a stale version must be a Conflict, got {other:?}"),
    }

    // Identifying fields are stored sealed under the person's data key, itself wrapped by the
    // master key.
    let mut sealed = 0;
    for c in &cases {
        if let Some(v) = store.vault_get(c.id, sg_store::VaultField::Identity).await.unwrap() {
            assert!(sg_crypto::envelope_key_id(&v).is_ok(), "an identity stored unsealed");
            let wrapped = store.person_key(c.id).await.unwrap().expect("a sealed identity has a data key");
            assert_eq!(sg_crypto::envelope_key_id(&wrapped).unwrap(), "test-1");
            sealed += 1;
        }
    }
    assert!(sealed > 0, "some demonstration cases carry an identity");

    // Administration: a new organisation and its audit record in one transaction; a duplicate
    // name is a Conflict that writes nothing; users listed with their state; data keys counted
    // under the master key that wraps them.
    let audit_before = store.audit_page(0, 10_000).await.unwrap().len();
    let now = time::OffsetDateTime::now_utc();
    let record = app.audit_record(None, AuditAction::OrganisationCreated, None, Outcome::Allowed, "conformance");
    let north = NewOrg {
        id: sg_domain::OrgId(uuid::Uuid::new_v4()),
        name: "North Decisions".into(),
        kind: OrgKind::CompetentAuthority,
        competent_authority: Some(CompetentAuthority::Ieca),
        created_at: now,
    };
    store.create_org(&north, &record).await.unwrap();
    let again = NewOrg { id: sg_domain::OrgId(uuid::Uuid::new_v4()), ..north.clone() };
    assert!(matches!(store.create_org(&again, &record).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.audit_page(0, 10_000).await.unwrap().len(), audit_before + 1, "a refused write was audited");
    let orgs = store.list_organisations().await.unwrap();
    let listed: Vec<_> = orgs.iter().filter(|o| o.org.name == "North Decisions").collect();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].org.id, listed[0].competent_authority), (north.id, Some(CompetentAuthority::Ieca)));
    assert!(orgs.windows(2).all(|w| w[0].org.name <= w[1].org.name), "organisations by name");
    let dee = app.create_user("North Decisions", None, sg_domain::Role::DecisionMaker, "dee", false).await.unwrap();
    let state = |users: Vec<sg_store::UserSummary>| users.into_iter().find(|u| u.user.id == dee.user.id).unwrap();
    let listed = state(store.list_users().await.unwrap());
    assert!(!listed.has_password && !listed.user.disabled);
    assert_eq!(listed.user.org_competent_authority, Some(CompetentAuthority::Ieca));
    store.set_password_hash(dee.user.id, "$argon2id$placeholder").await.unwrap();
    assert!(state(store.list_users().await.unwrap()).has_password);
    // A reset clears the password, spends the first code and stores the new one's hash.
    let record = app.audit_record(None, AuditAction::CredentialsReset, None, Outcome::Allowed, "conformance");
    let later = now + time::Duration::hours(72);
    store.reset_credentials(dee.user.id, b"new-code-hash", now, later, &record).await.unwrap();
    assert!(!state(store.list_users().await.unwrap()).has_password);
    let first_code = sg_app::auth::hash_secret(&dee.sign_in_code);
    assert!(store.user_for_sign_in_code(&first_code, now).await.unwrap().is_none(), "the old code still works");
    // The new code works until a password is chosen (twice here), and not after.
    for _ in 0..2 {
        let user = store.user_for_sign_in_code(b"new-code-hash", now).await.unwrap();
        assert_eq!(user.map(|u| u.id), Some(dee.user.id));
    }
    let record = app.audit_record(None, AuditAction::PasswordChanged, None, Outcome::Allowed, "conformance");
    store.change_password(dee.user.id, "$argon2id$placeholder", None, &record).await.unwrap();
    assert!(store.user_for_sign_in_code(b"new-code-hash", now).await.unwrap().is_none(), "a spent code works");
    store.set_user_disabled(dee.user.id, Some(now)).await.unwrap();
    let refused = store.reset_credentials(dee.user.id, b"another", now, later, &record).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "a disabled user was reset");
    let listed = state(store.list_users().await.unwrap());
    assert!(listed.has_password && listed.user.disabled, "the refused reset changed something");
    let mut wrapped = 0;
    for c in &cases {
        wrapped += u64::from(store.person_key(c.id).await.unwrap().is_some());
    }
    assert_eq!(store.count_person_keys_with_prefix(&sg_crypto::envelope_header("test-1")).await.unwrap(), wrapped);
    assert_eq!(store.count_person_keys_with_prefix(&sg_crypto::envelope_header("test-2")).await.unwrap(), 0);

    // Relationships: the rows written with a change serve the list of the related organisation
    // while active, and stop when ended; the person's own change is stored without an actor.
    let lee = app.create_user("Law Practice", None, sg_domain::Role::LegalAdviser, "lee", false).await.unwrap();
    let practices = store.orgs_with_role(sg_domain::Role::LegalAdviser).await.unwrap();
    assert_eq!(practices.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["Law Practice"]);
    let org = lee.user.org;
    let open = cases
        .iter()
        .find(|c| {
            let s = sg_domain::CaseState::replay(c.events.iter().map(|e| &e.event)).unwrap();
            s.withdrawn_on.is_none() && s.kind == sg_domain::CaseKind::Referral
        })
        .unwrap();
    let related = sg_store::CaseFilter {
        related: Some((org, sg_domain::Relation::LegalAdviser)),
        limit: 10,
        ..Default::default()
    };
    let mut state = sg_domain::CaseState::replay(open.events.iter().map(|e| &e.event)).unwrap();
    let today = now.date();
    let steps = [
        sg_domain::CaseCommand::InstructLegalAdviser {
            org: Some(org),
            name: "Law Practice".into(),
            recorded_by: None,
            person_agreed: true,
        },
        sg_domain::CaseCommand::EndLegalAdviserInstruction { org: Some(org), name: "Law Practice".into() },
    ];
    for (step, listed) in steps.iter().zip([1, 0]) {
        let expected_version = state.version;
        let events = state.decide(step, today, today).unwrap();
        events.iter().for_each(|e| state.apply(e));
        let rows = sg_app::relationships::rows(store.as_ref(), &state, &mut Default::default()).await.unwrap();
        let change = Append {
            case: open.id,
            expected_version,
            events: &events,
            state: &state,
            actor: None,
            now,
            vault: &[],
            person_key: None,
            audit: &[],
            new_owner_org: None,
            spend_dtn_code: None,
            next_due: None,
            relationships: &rows,
        };
        store.append_events(&change).await.unwrap();
        let page = store.list_cases(&related).await.unwrap();
        assert_eq!(page.total, listed, "after {step:?}");
        assert!(page.cases.iter().all(|c| c.id == open.id));
    }
    let stored = store.case(open.id).await.unwrap().unwrap();
    assert!(stored.events.last().unwrap().actor.is_none(), "the person's change has no actor");
    // API tokens: found only while neither revoked nor expired; revoked one by one, by their
    // owner only; a reset revokes the rest. Account requests: answered once, before expiry.
    let owner =
        app.create_user("Token Trust", None, sg_domain::Role::SupportProvider, "tok", false).await.unwrap().user;
    let day = time::Duration::days(1);
    store.add_api_token(owner.id, b"token-a", "a", now, now + day).await.unwrap();
    store.add_api_token(owner.id, b"token-b", "b", now, now + day * 90).await.unwrap();
    assert_eq!(store.user_by_api_token(b"token-a", now).await.unwrap().map(|u| u.id), Some(owner.id));
    assert!(store.user_by_api_token(b"token-a", now + day * 2).await.unwrap().is_none(), "an expired token works");
    let record = app.audit_record(None, AuditAction::TokenRevoked, None, Outcome::Allowed, "conformance");
    assert!(!store.revoke_api_token(dee.user.id, b"token-b", now, &record).await.unwrap(), "another user revoked it");
    assert!(store.revoke_api_token(owner.id, b"token-b", now, &record).await.unwrap());
    assert!(!store.revoke_api_token(owner.id, b"token-b", now, &record).await.unwrap(), "revoked twice");
    assert!(store.user_by_api_token(b"token-b", now).await.unwrap().is_none(), "a revoked token works");
    let listed = store.api_tokens(owner.id).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed.iter().filter(|t| t.revoked_at.is_some()).count(), 1);
    assert_eq!(listed.iter().find(|t| t.label == "a").unwrap().id, hex::encode(b"token-a"));
    store.reset_credentials(owner.id, b"reset-code", now, later, &record).await.unwrap();
    assert!(store.user_by_api_token(b"token-a", now).await.unwrap().is_none(), "a reset left a token working");

    let request = sg_store::AccountRequest {
        id: uuid::Uuid::new_v4(),
        change: sg_store::AccountChange::CreateUser,
        org: north.id,
        org_name: String::new(),
        role: sg_domain::Role::DecisionMaker,
        name: "asked-for".into(),
        target_user: None,
        requested_by: owner.id,
        requested_by_name: String::new(),
        requested_at: now,
        expires_at: now + day * 7,
        decided_by: None,
        decided_by_name: None,
        decided_at: None,
        outcome: None,
    };
    let record = app.audit_record(None, AuditAction::AccountChangeRequested, None, Outcome::Allowed, "conformance");
    store.add_account_request(&request, &record).await.unwrap();
    let stored = store.account_request(request.id).await.unwrap().unwrap();
    assert_eq!((stored.org_name.as_str(), stored.requested_by_name.as_str()), ("North Decisions", "tok"));
    assert_eq!(store.account_requests(Some(north.id), 10).await.unwrap().len(), 1);
    assert!(store.account_requests(Some(owner.org), 10).await.unwrap().is_empty());
    let approved = sg_store::RequestOutcome::Approved;
    let made = Some(sg_domain::UserId(uuid::Uuid::new_v4()));
    let late = now + day * 8;
    assert!(!store.decide_account_request(request.id, dee.user.id, late, approved, made, &record).await.unwrap());
    assert!(store.decide_account_request(request.id, dee.user.id, now, approved, made, &record).await.unwrap());
    assert!(!store.decide_account_request(request.id, dee.user.id, now, approved, None, &record).await.unwrap());
    let answered = store.account_request(request.id).await.unwrap().unwrap();
    assert_eq!(
        (answered.outcome, answered.target_user, answered.decided_by_name.as_deref()),
        (Some(approved), made, Some("dee"))
    );

    // The audit chain reads back in order and verifies.
    let page = store.audit_page(0, 10_000).await.unwrap();
    assert!(page.windows(2).all(|w| w[1].seq == w[0].seq + 1 && w[1].prev_hash == w[0].hash));
    match app.verify_audit(None).await.unwrap() {
        sg_app::audit::Verification::Intact { entries, .. } => assert_eq!(entries, page.len() as u64),
        sg_app::audit::Verification::Broken(b) => panic!("{b}"),
    }

    let tables = store.case_tables().await.unwrap();
    // The maintained statistics give the report the case rows give, and count every case once.
    let options = sg_stats::ReportOptions {
        title: String::new(),
        period: sg_stats::Period::All,
        rule: sg_stats::Rule::default(),
        confidence: 0.95,
        top_nationalities: 10,
        as_of: time::macros::date!(2026 - 01 - 01),
    };
    let rows = app.all_case_rows().await.unwrap();
    let from_rows = sg_stats::build_report(
        vec![sg_stats::Table::own_cases(rows.iter().map(sg_stats::Cell::from_case).collect())],
        &options,
    );
    let maintained = sg_stats::build_report(tables.clone(), &options);
    let json = |r: &sg_stats::Report| serde_json::to_value(&r.indicators).unwrap();
    assert_eq!(json(&maintained), json(&from_rows), "the statistics differ from the case rows");
    let counted: u64 = tables[0].cells.iter().filter(|c| c.kind.is_some()).map(|c| c.n).sum();
    assert_eq!(counted, rows.len() as u64, "the totals count every case once");
    let mut cells: Vec<String> = tables.iter().flat_map(|t| t.cells.iter().map(|c| format!("{c:?}"))).collect();
    cells.sort();
    cells
}

/// Statements that must each be refused: the audit log and case events are append-only.
const TAMPERING: [&str; 4] = [
    "UPDATE audit_log SET detail = 'rewritten'",
    "DELETE FROM audit_log",
    "UPDATE case_events SET payload = '{}'",
    "DELETE FROM case_events",
];

#[tokio::test]
async fn both_backends_tell_the_same_story() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let sqlite = sg_store_sqlite::SqliteStore::open(&path).await.unwrap();
    let sqlite_cells = story(Arc::new(sqlite.clone())).await;
    sqlite.close().await;
    let url = format!("sqlite://{}", path.display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    for sql in TAMPERING {
        assert!(sqlx::query(sql).execute(&mut conn).await.is_err(), "SQLite allowed {sql}");
    }

    let Some(url) = sg_store_postgres::testing::fresh_database().await else {
        eprintln!("SAFEGUARD_TEST_DATABASE_URL is not set: the PostgreSQL half of this test was skipped");
        return;
    };
    let pg = sg_store_postgres::PgStore::open(&url).await.unwrap();
    let pg_cells = story(Arc::new(pg.clone())).await;
    assert_eq!(pg_cells, sqlite_cells, "PostgreSQL's statistics differ from SQLite's");
    for sql in TAMPERING.iter().chain(&["TRUNCATE audit_log", "TRUNCATE case_events"]) {
        assert!(sqlx::query(sql).execute(pg.pool()).await.is_err(), "PostgreSQL allowed {sql}");
    }
    pg.close().await;
}

/// The two backends' migrations have the same numbers and names, so a schema version means the
/// same thing on both.
#[test]
fn migrations_are_in_step() {
    let list = |m: &sqlx::migrate::Migrator| -> Vec<(i64, String)> {
        m.iter().map(|m| (m.version, m.description.to_string())).collect()
    };
    assert_eq!(
        list(&sg_store_postgres::MIGRATOR),
        list(&sg_store_sqlite::MIGRATOR),
        "crates/sg-store-postgres/migrations and crates/sg-store-sqlite/migrations have diverged"
    );
}

/// A backup holds every table of the schema (but the statistics, which a restore recomputes, the
/// data version, which triggers keep, and the sign-in throttle, minutes of state a restore starts
/// afresh): a table added by a migration and forgotten in `TABLES`
/// would be lost on restore.
#[tokio::test]
async fn backups_list_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let store = sg_store_sqlite::SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT IN ('_sqlx_migrations', 'case_marginals', 'case_marginal_deltas', 'case_marginals_state', \
         'data_version', 'sign_in_throttle') ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut listed: Vec<String> = sg_store_postgres::TABLES.iter().map(|t| t.to_string()).collect();
    listed.sort();
    assert_eq!(listed, tables, "sg_store_postgres::TABLES must name every table a backup holds");
    pool.close().await;
    store.close().await;
}
