//! New cases are written together under load (SQLite's group commit; PostgreSQL's batched
//! intake, one transaction and one statement per table for the cases a process receives at
//! the same moment). A case the database refuses must fail alone: the others sent with it are
//! stored, answered and audited once, and nothing of the refused one is kept.

use reqwest::StatusCode;
use sg_domain::Role;

use crate::common::{adult_referral, org_for, TestApp};

/// Makes the database itself refuse any case whose first nationality is `ZW`, as a constraint
/// the application did not foresee would.
async fn refuse_zimbabwe(t: &TestApp) {
    match &t.database_url {
        Some(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::raw_sql(
                "CREATE FUNCTION refuse_zw() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                   IF NEW.nationality_1 = 'ZW' THEN RAISE EXCEPTION 'refused by the test'; END IF; \
                   RETURN NEW; END $$; \
                 CREATE TRIGGER refuse_zw BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION refuse_zw();",
            )
            .execute(&pool)
            .await
            .unwrap();
        }
        None => {
            let url = format!("sqlite://{}", t.dir_path.join("safeguard.db").display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            sqlx::query(
                "CREATE TRIGGER refuse_zw BEFORE INSERT ON cases WHEN NEW.nationality_1 = 'ZW' \
                 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
            )
            .execute(&pool)
            .await
            .unwrap();
        }
    }
}

#[tokio::test]
async fn a_case_the_database_refuses_fails_alone_among_simultaneous_referrals() {
    let t = TestApp::start().await;
    let fr = t.api_user(org_for(Role::FirstResponder), Role::FirstResponder, "fr").await;
    refuse_zimbabwe(&t).await;

    let mut sent = tokio::task::JoinSet::new();
    for i in 0..48 {
        let mut body = adult_referral();
        if i == 17 {
            body["nationalities"] = serde_json::json!(["ZW"]);
        }
        let req = t.client.post(t.url("/api/v1/referrals")).bearer_auth(&fr.0).json(&body);
        sent.spawn(async move { (i, req.send().await.unwrap().status()) });
    }
    let mut created = 0;
    while let Some(answer) = sent.join_next().await {
        let (i, status) = answer.unwrap();
        if i == 17 {
            assert!(status.is_server_error(), "the refused case was answered {status}");
        } else {
            assert_eq!(status, StatusCode::CREATED, "referral {i}");
            created += 1;
        }
    }
    assert_eq!(created, 47);
    assert_eq!(t.case_count().await, 47);
    let log = t.store.audit_page(0, 1_000).await.unwrap();
    let audited = log.iter().filter(|e| e.record.action == sg_audit::AuditAction::CaseCreated).count();
    assert_eq!(audited, 47, "every stored case is audited once, the refused one not at all");
}
