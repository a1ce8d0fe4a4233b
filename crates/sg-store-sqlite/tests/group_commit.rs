//! Referrals sent at the same moment are committed together (one `fsync` for the group), yet
//! each one succeeds or fails alone, replays keep their meaning and the audit chain stays whole;
//! the audit entries of concurrent reads share the same queue.

use std::sync::Arc;

use sg_app::audit::Verification;
use sg_app::{App, AppError};
use sg_domain::Role;
use sg_store::prelude::*;
use sg_store_sqlite::SqliteStore;

fn referral(name: &str) -> sg_app::referrals::ReferralInput {
    serde_json::from_value(serde_json::json!({
        "jurisdiction": "england-wales",
        "age_at_exploitation": "adult",
        "consent_to_referral": true,
        "gender": "female",
        "nationalities": ["AL"],
        "exploitation_types": ["labour"],
        "exploitation_location": "uk",
        "identity": {"full_name": name, "date_of_birth": "1999-04-01"},
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_referrals_commit_together_and_a_bad_one_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(Arc::new(store.clone()), keys);
    let user = app.create_user("NGO", None, Role::FirstResponder, "fr", true).await.unwrap().user;
    let user = app.store.user(user.id).await.unwrap().unwrap();
    let first = app.submit_referral(&user, referral("Person 0"), Some("key-0")).await.unwrap();

    // 60 new referrals at once, plus, in the same rush, the same key with a different body
    // (refused) and the same key with the same body (a replay of the first).
    let mut tasks = Vec::new();
    for i in 1..=60 {
        let (a, u) = (app.clone(), user.clone());
        tasks.push(tokio::spawn(async move {
            a.submit_referral(&u, referral(&format!("Person {i}")), Some(&format!("key-{i}"))).await
        }));
        if i % 20 == 0 {
            let (a, u) = (app.clone(), user.clone());
            tasks.push(tokio::spawn(
                async move { a.submit_referral(&u, referral("Someone else"), Some("key-0")).await },
            ));
            let (a, u) = (app.clone(), user.clone());
            tasks.push(tokio::spawn(async move { a.submit_referral(&u, referral("Person 0"), Some("key-0")).await }));
        }
    }
    let (mut created, mut replayed, mut refused) = (0, 0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(s) if s.created.replayed => {
                assert_eq!(s.created.case_id, first.created.case_id);
                replayed += 1;
            }
            Ok(_) => created += 1,
            Err(AppError::Conflict(_)) => refused += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!((created, replayed, refused), (60, 3, 3));
    let total = store.list_cases(&sg_store::CaseFilter { limit: 1, ..Default::default() }).await.unwrap().total;
    assert_eq!(total, 61, "every acknowledged referral is stored, and nothing else");
    let before = match app.verify_audit(None).await.unwrap() {
        Verification::Intact { entries, .. } => entries,
        Verification::Broken(b) => panic!("audit chain broken: {b}"),
    };
    assert!(before >= 61, "{before} entries");

    // Reads are audited too, through the same queue: 40 at once leave 40 entries, one chain.
    let reads: Vec<_> = (0..40)
        .map(|_| {
            let (a, u, id) = (app.clone(), user.clone(), first.created.case_id);
            tokio::spawn(async move { a.case_view(&u, id).await.map(|_| ()) })
        })
        .collect();
    for r in reads {
        r.await.unwrap().unwrap();
    }
    match app.verify_audit(None).await.unwrap() {
        Verification::Intact { entries, .. } => assert_eq!(entries, before + 40),
        Verification::Broken(b) => panic!("audit chain broken: {b}"),
    }
    store.close().await;

    // Durable: a fresh open sees all of them.
    let store = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    let total = store.list_cases(&sg_store::CaseFilter { limit: 1, ..Default::default() }).await.unwrap().total;
    assert_eq!(total, 61);
}

/// A lone referral is a batch of one, written without a savepoint: when it is refused, the
/// whole transaction rolls back, and the next lone referral still extends a signed chain.
#[tokio::test]
async fn a_lone_refused_referral_leaves_nothing_and_the_log_stays_signed() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    let signer = Arc::new(sg_audit::AuditSigner::from_bytes(&[7; 32]));
    store.set_audit_signer(signer.clone());
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(Arc::new(store.clone()), keys);
    let user = app.create_user("NGO", None, Role::FirstResponder, "fr", true).await.unwrap().user;
    let user = app.store.user(user.id).await.unwrap().unwrap();
    app.submit_referral(&user, referral("Person 0"), Some("key-0")).await.unwrap();
    let entries = |v: Verification| match v {
        Verification::Intact { entries, .. } => entries,
        Verification::Broken(b) => panic!("audit log not verified: {b}"),
    };
    let before = entries(app.verify_audit_signed(None, Some(&signer.public_key())).await.unwrap());

    let refused = app.submit_referral(&user, referral("Someone else"), Some("key-0")).await;
    assert!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");
    assert_eq!(entries(app.verify_audit(None).await.unwrap()), before, "the refused referral left an entry");
    app.submit_referral(&user, referral("Person 1"), Some("key-1")).await.unwrap();

    let total = store.list_cases(&sg_store::CaseFilter { limit: 1, ..Default::default() }).await.unwrap().total;
    assert_eq!(total, 2);
    // Verified against the signed checkpoints: the last entry is covered by one.
    let after = entries(app.verify_audit_signed(None, Some(&signer.public_key())).await.unwrap());
    assert!(after > before, "{after} entries after {before}");
}
