//! Reasons stored before migration 0020 were written in the clear into `case_events.payload`
//! (issue 16). Opening the database seals them under the case's data key, once, so the file no
//! longer shows them, the case still reads them, and erasing the person shreds them too.

use crate::common;

use serde_json::json;
use sg_domain::Role;

use common::TestApp;

const REASON: &str = "Worked nights at the Pellingford car wash, paid nothing.";

/// The database file and its WAL, as a thief copies them.
fn file_bytes(t: &TestApp) -> Vec<u8> {
    let mut bytes = std::fs::read(t.dir_path.join("safeguard.db")).unwrap();
    bytes.extend(std::fs::read(t.dir_path.join("safeguard.db-wal")).unwrap_or_default());
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The decision's stored payload with its sealed reasons replaced by `REASON` in the clear.
fn in_the_clear(payload: &str) -> String {
    let start = payload.find("sealed:v1:").expect("the reason was stored sealed");
    let end = start + payload[start..].find('"').unwrap();
    format!("{}{REASON}{}", &payload[..start], &payload[end..])
}

/// Rewrites the case's decision as a binary before migration 0020 wrote it (the reason in the
/// clear), marked as migration 0023 marks such events; the append-only trigger is set aside for
/// the write, as only someone rebuilding an old database would.
async fn write_as_before_0020(t: &TestApp, case: &str) {
    let select = "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'reasonable-grounds-decided'";
    let update = "UPDATE case_events SET payload = $1, plain_text = 1 \
                  WHERE case_id = $2 AND kind = 'reasonable-grounds-decided'";
    match &t.database_url {
        Some(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let payload: String = sqlx::query_scalar(select).bind(case).fetch_one(&pool).await.unwrap();
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("ALTER TABLE case_events DISABLE TRIGGER case_events_are_append_only")
                .execute(&mut *tx)
                .await
                .unwrap();
            sqlx::query(update).bind(in_the_clear(&payload)).bind(case).execute(&mut *tx).await.unwrap();
            sqlx::query("ALTER TABLE case_events ENABLE TRIGGER case_events_are_append_only")
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            pool.close().await;
        }
        None => {
            let url = format!("sqlite://{}", t.dir_path.join("safeguard.db").display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            let payload: String = sqlx::query_scalar(select).bind(case).fetch_one(&pool).await.unwrap();
            let name = "case_events_are_append_only_update";
            let trigger: String = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = $1")
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap();
            let mut tx = pool.begin().await.unwrap();
            sqlx::query(&format!("DROP TRIGGER {name}")).execute(&mut *tx).await.unwrap();
            sqlx::query(update).bind(in_the_clear(&payload)).bind(case).execute(&mut *tx).await.unwrap();
            sqlx::query(&trigger).execute(&mut *tx).await.unwrap();
            tx.commit().await.unwrap();
            pool.close().await;
        }
    }
}

#[tokio::test]
async fn reasons_stored_in_the_clear_before_0020_are_sealed_when_the_database_is_opened() {
    let t = TestApp::start().await;
    let fr = t.api_user("Helping Hands", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let (_, created) = t.refer(&fr, &common::adult_referral(), None).await;
    let case = created["case_id"].as_str().unwrap().to_string();
    let decision = json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": "Sealed today."});
    let (status, view) = t.act(&dm, &case, &decision).await;
    assert_eq!(status, 200, "{view}");
    write_as_before_0020(&t, &case).await;
    let sqlite = t.database_url.is_none();
    if sqlite {
        assert!(contains(&file_bytes(&t), REASON.as_bytes()), "the old database holds the reason in the clear");
    }

    // What the binary does when it opens the database (`database::open_app`): once.
    assert_eq!(t.app.seal_old_case_texts().await.unwrap(), 1);
    assert_eq!(t.app.seal_old_case_texts().await.unwrap(), 0, "nothing is left to seal");
    if sqlite {
        assert!(!contains(&file_bytes(&t), REASON.as_bytes()), "the reason is still in the file or its WAL");
    }
    let (_, view) = t.get(&dm, &format!("/api/v1/cases/{case}")).await;
    assert!(view.to_string().contains(REASON), "the decision maker still reads the reason: {view}");
    // Sealed, the event is append-only again: no further change gets through the trigger.
    let change =
        "UPDATE case_events SET payload = 'rewritten' WHERE case_id = $1 AND kind = 'reasonable-grounds-decided'";
    let refused = match &t.database_url {
        Some(url) => sqlx::query(change).bind(&case).execute(&sqlx::PgPool::connect(url).await.unwrap()).await.is_err(),
        None => {
            let url = format!("sqlite://{}", t.dir_path.join("safeguard.db").display());
            sqlx::query(change).bind(&case).execute(&sqlx::SqlitePool::connect(&url).await.unwrap()).await.is_err()
        }
    };
    assert!(refused, "a sealed event was changed");

    // Sealed under the case's data key, it goes with the person's erasure.
    t.app.erase_person(sg_domain::CaseId::parse(&case).unwrap(), "the person asked").await.unwrap();
    let (_, after) = t.get(&dm, &format!("/api/v1/cases/{case}")).await;
    assert!(!after.to_string().contains(REASON), "{after}");
    assert!(after.to_string().contains(sg_app::case_text::ERASED), "{after}");
}
