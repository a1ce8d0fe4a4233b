//! The referral drafts' `Store` methods told the same story on both backends: a draft is its
//! author's (another user's write with the same id is refused), `created_at` survives updates,
//! lists are newest first and cut at a time, deletes are the author's and audited only when
//! something was deleted, and the retention cut deletes what is older. SQLite always runs;
//! PostgreSQL when `SAFEGUARD_TEST_DATABASE_URL` names a server.

use std::sync::Arc;

use sg_app::App;
use sg_audit::{AuditAction, AuditRecord, Outcome};
use sg_domain::{Role, UserId};
use sg_store::{ReferralDraft, Store, StoreError};
use time::{Duration, OffsetDateTime};

fn audit(action: AuditAction) -> AuditRecord {
    AuditRecord {
        at: 0,
        actor: None,
        role: String::new(),
        action,
        case_id: None,
        outcome: Outcome::Allowed,
        detail: "D-TEST".into(),
    }
}

fn draft(id: uuid::Uuid, user: UserId, at: OffsetDateTime, step: &str) -> ReferralDraft {
    ReferralDraft { id, user, created_at: at, updated_at: at, step: step.into(), sealed: format!("v1.sealed-{step}") }
}

async fn audit_count(store: &Arc<dyn Store>) -> usize {
    store.audit_page(0, 10_000).await.unwrap().len()
}

/// The story; returns what it saw, as text, to compare backends.
async fn story(store: Arc<dyn Store>) -> Vec<String> {
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(store.clone(), keys);
    for name in ["author", "colleague"] {
        app.create_user("Hope NGO", None, Role::FirstResponder, name, false).await.unwrap();
    }
    let author = store.user_by_name("author").await.unwrap().unwrap().0.id;
    let colleague = store.user_by_name("colleague").await.unwrap().unwrap().0.id;
    let t0 = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
    let (a, b) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
    let mut seen = vec![];

    store.save_referral_draft(&draft(a, author, t0, "about"), &audit(AuditAction::DraftSaved)).await.unwrap();
    let later = draft(a, author, t0 + Duration::hours(1), "person");
    store.save_referral_draft(&later, &audit(AuditAction::DraftSaved)).await.unwrap();
    let got = store.referral_draft(a).await.unwrap().unwrap();
    assert_eq!((got.created_at, got.updated_at, got.step.as_str()), (t0, t0 + Duration::hours(1), "person"));
    assert_eq!(got.sealed, "v1.sealed-person");

    // Another user's write to the same id is refused and changes nothing, audit included.
    let before = audit_count(&store).await;
    let theft = draft(a, colleague, t0 + Duration::hours(2), "check");
    assert!(matches!(
        store.save_referral_draft(&theft, &audit(AuditAction::DraftSaved)).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.referral_draft(a).await.unwrap().unwrap(), got);
    assert_eq!(audit_count(&store).await, before);

    store
        .save_referral_draft(&draft(b, author, t0 + Duration::days(3), "identity"), &audit(AuditAction::DraftSaved))
        .await
        .unwrap();
    let listed = store.referral_drafts(author, t0).await.unwrap();
    seen.push(format!("{:?}", listed.iter().map(|d| (d.id, d.step.clone())).collect::<Vec<_>>()));
    assert_eq!(listed.iter().map(|d| d.id).collect::<Vec<_>>(), vec![b, a], "newest first");
    assert_eq!(store.referral_drafts(author, t0 + Duration::days(1)).await.unwrap().len(), 1, "cut at since");
    assert!(store.referral_drafts(colleague, t0).await.unwrap().is_empty());

    // Deleting: only the author's, audited only when a row went.
    let before = audit_count(&store).await;
    assert!(!store.delete_referral_draft(a, colleague, &audit(AuditAction::DraftDeleted)).await.unwrap());
    assert_eq!(audit_count(&store).await, before);
    assert!(store.delete_referral_draft(a, author, &audit(AuditAction::DraftDeleted)).await.unwrap());
    assert_eq!(audit_count(&store).await, before + 1);
    assert!(store.referral_draft(a).await.unwrap().is_none());

    // Retention: what was last changed before the cut goes.
    assert_eq!(store.delete_referral_drafts_before(t0 + Duration::days(3)).await.unwrap(), 0);
    assert_eq!(store.delete_referral_drafts_before(t0 + Duration::days(4)).await.unwrap(), 1);
    assert!(store.referral_drafts(author, OffsetDateTime::UNIX_EPOCH).await.unwrap().is_empty());
    seen.push(format!("audit {}", audit_count(&store).await));
    seen
}

#[tokio::test]
async fn both_backends_keep_drafts_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sg_store_sqlite::SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    let sqlite_saw = story(Arc::new(sqlite.clone())).await;
    sqlite.close().await;

    let Some(url) = sg_store_postgres::testing::fresh_database().await else {
        eprintln!("SAFEGUARD_TEST_DATABASE_URL is not set: the PostgreSQL half of this test was skipped");
        return;
    };
    let pg = sg_store_postgres::PgStore::open(&url).await.unwrap();
    assert_eq!(story(Arc::new(pg.clone())).await, sqlite_saw);
    pg.close().await;
}
