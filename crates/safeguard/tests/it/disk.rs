//! A stolen copy of the data directory and write access to the database, tried as an attacker
//! would (issue 16): a name × date-of-birth guess loop over the file's bytes, free text and
//! erased keys looked for in the file and its WAL, file modes, and an audit chain rewritten and
//! recomputed. The byte-level attacks read SQLite's files, so they run in the SQLite lane.

use crate::common;

use serde_json::{json, Value};
use sg_domain::Role;
use sha2::{Digest, Sha256};

use common::TestApp;

/// The database file and its WAL, as a thief copies them.
fn file_bytes(t: &TestApp) -> Vec<u8> {
    let db = t.dir_path.join("safeguard.db");
    let mut bytes = std::fs::read(&db).unwrap();
    bytes.extend(std::fs::read(t.dir_path.join("safeguard.db-wal")).unwrap_or_default());
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// What the attacker computes for one guess: the unkeyed fingerprints the server used to store
/// (of the referral as parsed, and of the raw request body).
fn guesses(body: &Value) -> Vec<Vec<u8>> {
    let input: sg_app::referrals::ReferralInput = serde_json::from_value(body.clone()).unwrap();
    let parsed = Sha256::digest(serde_json::to_vec(&input).unwrap()).to_vec();
    let raw = Sha256::digest(serde_json::to_vec(body).unwrap()).to_vec();
    vec![parsed, raw]
}

#[tokio::test]
async fn a_name_and_birth_date_guess_loop_over_the_files_finds_nothing() {
    let t = TestApp::start().await;
    if t.database_url.is_some() {
        return; // the attack reads SQLite's file
    }
    let fr = t.api_user("Helping Hands", Role::FirstResponder, "fr").await;
    let (status, created) = t.refer(&fr, &common::adult_referral(), Some("draft-7")).await;
    assert_eq!(status, 201, "{created}");
    let case = created["case_id"].as_str().unwrap().to_string();
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let body = json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": "Ana Example's account is consistent."});
    let resp = t
        .client
        .post(t.url(&format!("/api/v1/cases/{case}/actions")))
        .bearer_auth(&dm.0)
        .header("Idempotency-Key", "decision-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let names = ["Ana Example", "Anna Example", "Ana Exemple", "Maria Example"];
    let check = |bytes: &[u8]| {
        let mut found = vec![];
        // Two months around the real date, as a guess loop narrowed by the facts would try.
        let mut date = time::macros::date!(1999 - 03 - 01);
        while date < time::macros::date!(1999 - 05 - 01) {
            for name in names {
                let mut guess = common::adult_referral();
                guess["identity"]["full_name"] = json!(name);
                guess["identity"]["date_of_birth"] = json!(date.to_string());
                if guesses(&guess).iter().any(|g| contains(bytes, g)) {
                    found.push(format!("{name} {date}"));
                }
            }
            date = date.next_day().unwrap();
        }
        found
    };
    let bytes = file_bytes(&t);
    assert!(check(&bytes).is_empty(), "identity recovered from the files: {:?}", check(&bytes));
    // The kept answer of the decision holds its reasons: sealed, not readable in the file.
    assert!(!contains(&bytes, b"account is consistent"), "a reason or kept answer is readable in the file");

    // A retry still replays, and a different request under the key is still refused.
    let again = t.refer(&fr, &common::adult_referral(), Some("draft-7")).await;
    assert_eq!(again.1["case_id"], created["case_id"]);
    let mut other = common::adult_referral();
    other["identity"]["full_name"] = json!("Someone Else");
    assert_eq!(t.refer(&fr, &other, Some("draft-7")).await.0, 409);
    let replay = t
        .client
        .post(t.url(&format!("/api/v1/cases/{case}/actions")))
        .bearer_auth(&dm.0)
        .header("Idempotency-Key", "decision-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let replayed: Value = replay.json().await.unwrap();
    assert!(replayed.to_string().contains("account is consistent"), "{replayed}");

    t.app.erase_person(sg_domain::CaseId::parse(&case).unwrap(), "test").await.unwrap();
    assert!(check(&file_bytes(&t)).is_empty());
}

#[tokio::test]
async fn erased_reasons_and_data_keys_leave_no_trace_in_the_file_or_its_wal() {
    let t = TestApp::start().await;
    let fr = t.api_user("Helping Hands", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let (_, created) = t.refer(&fr, &common::adult_referral(), None).await;
    let case = created["case_id"].as_str().unwrap().to_string();
    let id = sg_domain::CaseId::parse(&case).unwrap();
    let reason = "She named the farm at Quillington and the man called Zebedee.";
    let (status, view) = t
        .act(&dm, &case, &json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": reason}))
        .await;
    assert_eq!(status, 200, "{view}");
    assert!(view.to_string().contains(reason), "the decision maker reads the reason: {view}");
    let wrapped = t.store.person_key(id).await.unwrap().unwrap();
    let identity = t.store.vault_get(id, sg_store::VaultField::Identity).await.unwrap().unwrap();
    if t.database_url.is_none() {
        assert!(!contains(&file_bytes(&t), b"Quillington"), "the reason is stored in the clear");
    }

    t.app.erase_person(id, "the person asked").await.unwrap();
    let (_, after) = t.get(&dm, &format!("/api/v1/cases/{case}")).await;
    assert!(!after.to_string().contains("Quillington"), "{after}");
    assert!(after.to_string().contains(sg_app::case_text::ERASED), "{after}");
    if t.database_url.is_none() {
        let bytes = file_bytes(&t);
        assert!(!contains(&bytes, b"Quillington"));
        assert!(!contains(&bytes, &wrapped), "the erased data key is still in the file or its WAL");
        assert!(!contains(&bytes, &identity), "the erased identity is still in the file or its WAL");
    }
}

#[tokio::test]
async fn reasons_and_organisation_names_are_bounded_with_the_field_named() {
    let t = TestApp::start().await;
    let fr = t.api_user("Helping Hands", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let (_, created) = t.refer(&fr, &common::adult_referral(), None).await;
    let case = created["case_id"].as_str().unwrap().to_string();
    let (_, before) = t.get(&dm, &format!("/api/v1/cases/{case}")).await;

    let long = "x".repeat(5_001);
    let (status, body) = t
        .act(&dm, &case, &json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": long}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "reasons", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("5000"), "{body}");
    let (status, body) = t.act(&fr, &case, &json!({"action": "withdraw", "reason": "y".repeat(1_000_000)})).await;
    assert_eq!((status.as_u16(), body["error"]["field"].as_str()), (422, Some("reason")), "{body}");
    let (status, body) = t.act(&dm, &case, &json!({"action": "enter-support", "provider": "p".repeat(201)})).await;
    assert_eq!((status.as_u16(), body["error"]["field"].as_str()), (422, Some("provider")), "{body}");
    let (_, after) = t.get(&dm, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(after["version"], before["version"], "a refused change changed the case");

    let exactly = "z".repeat(5_000);
    let (status, body) = t
        .act(&dm, &case, &json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": exactly}))
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn the_pages_refuse_a_long_reason_naming_the_field_and_show_erased_reasons() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let (_, created) = t.refer(&fr, &common::adult_referral(), None).await;
    let case = created["case_id"].as_str().unwrap().to_string();
    let mut dm = common::browser::Browser::sign_up(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    let path = format!("/cases/{case}/decide/reasonable-grounds");
    let long = "x".repeat(5_001);
    let (_, landed, html) = dm.post(&path, &[("outcome", "positive"), ("reasons", &long), ("confirm", "yes")]).await;
    assert_eq!(landed, path, "a long reason was recorded");
    assert!(html.contains("use 5000 characters or fewer"), "the field's error is not shown");
    let (_, view) = t.get(&fr, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(view["status"], "awaiting-rg");

    let reasons = "Told us about the farm at Quillington.";
    let (_, landed, _) = dm.post(&path, &[("outcome", "positive"), ("reasons", reasons), ("confirm", "yes")]).await;
    assert_eq!(landed, format!("/cases/{case}"));
    let (_, _, html) = dm.get(&format!("/cases/{case}")).await;
    assert!(html.contains(reasons), "the decision maker reads the reason on the case page");
    t.app.erase_person(sg_domain::CaseId::parse(&case).unwrap(), "asked").await.unwrap();
    let (_, _, html) = dm.get(&format!("/cases/{case}")).await;
    assert!(!html.contains("Quillington") && html.contains(sg_app::case_text::ERASED), "{html}");
}
