//! `Idempotency-Key` on every state-changing API call, and `409` for conflicting concurrent
//! changes, against a real server.

use crate::common;

use common::{adult_referral, days_ago, TestApp, Token};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sg_domain::Role;

async fn send(
    t: &TestApp,
    who: &Token,
    method: Method,
    path: &str,
    key: &str,
    body: &Value,
) -> (StatusCode, bool, Value) {
    let resp = t
        .client
        .request(method, t.url(path))
        .bearer_auth(&who.0)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let replayed = resp.headers().get("idempotent-replayed").is_some();
    (resp.status(), replayed, resp.json().await.unwrap_or(Value::Null))
}

fn rg_decision() -> Value {
    json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": "Indicators present.",
           "date": days_ago(0)})
}

async fn referred(t: &TestApp) -> (Token, Token, String) {
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let (status, created) = t.refer(&fr, &adult_referral(), None).await;
    assert_eq!(status, StatusCode::CREATED);
    (fr, dm, created["case_id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_retried_decision_gets_the_first_answer_and_is_recorded_once() {
    let t = TestApp::start().await;
    let (_, dm, id) = referred(&t).await;
    let path = format!("/api/v1/cases/{id}/actions");
    let (status, replayed, first) = send(&t, &dm, Method::POST, &path, "rg-1", &rg_decision()).await;
    assert_eq!((status, replayed), (StatusCode::OK, false), "{first}");
    let (status, replayed, again) = send(&t, &dm, Method::POST, &path, "rg-1", &rg_decision()).await;
    assert_eq!((status, replayed), (StatusCode::OK, true), "{again}");
    assert_eq!(first, again);

    let (_, case) = t.get(&dm, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(case["version"], first["version"], "the retry changed the case");
    let decisions = case["timeline"].as_array().unwrap().iter().filter(|e| e["type"] == "reasonable-grounds-decided");
    assert_eq!(decisions.count(), 1);

    // The same key with another request is refused, naming the header, and changes nothing.
    let mut other = rg_decision();
    other["reasons"] = json!("Different reasons.");
    let (status, _, err) = send(&t, &dm, Method::POST, &path, "rg-1", &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["code"], "idempotency_key_reused");
    assert_eq!(err["error"]["field"], "Idempotency-Key");

    // A refused request keeps no answer: the key can be used again once the request is right.
    let (status, _, _) = send(&t, &dm, Method::POST, &path, "cg-1", &json!({"action": "nonsense"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let cg = json!({"action": "decide-conclusive-grounds", "outcome": "positive", "reasons": "Confirmed.",
                    "date": days_ago(0)});
    let (status, replayed, _) = send(&t, &dm, Method::POST, &path, "cg-1", &cg).await;
    assert!(status == StatusCode::OK || status == StatusCode::CONFLICT, "{status}");
    assert!(!replayed);
}

#[tokio::test]
async fn consents_added_and_withdrawn_twice_with_one_key_happen_once() {
    let t = TestApp::start().await;
    let (fr, _, id) = referred(&t).await;
    let path = format!("/api/v1/cases/{id}/consents");
    let body = json!({"purpose": "share-with-police", "recipient_org": "City Police", "categories": ["identity"],
                      "expires_on": days_ago(-30), "language": "Albanian", "interpreter": true});
    t.app.store.ensure_org("City Police", sg_store::OrgKind::Police, t.app.clock.now()).await.unwrap();
    let (status, _, first) = send(&t, &fr, Method::POST, &path, "consent-1", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, replayed, again) = send(&t, &fr, Method::POST, &path, "consent-1", &body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(first["consent_id"], again["consent_id"]);
    let (_, consents) = t.get(&fr, &path).await;
    assert_eq!(consents.as_array().unwrap().len(), 1, "{consents}");

    let consent = first["consent_id"].as_str().unwrap();
    let withdraw = format!("{path}/{consent}");
    let (status, _, gone) = send(&t, &fr, Method::DELETE, &withdraw, "withdraw-1", &Value::Null).await;
    assert!(status.is_success(), "{status} {gone}");
    let (again_status, replayed, again) = send(&t, &fr, Method::DELETE, &withdraw, "withdraw-1", &Value::Null).await;
    assert_eq!((again_status, replayed), (status, true));
    assert_eq!(gone, again);
}

#[tokio::test]
async fn concurrent_conflicting_decisions_give_one_success_and_409s() {
    let t = TestApp::start().await;
    let (_, dm, id) = referred(&t).await;
    let path = format!("/api/v1/cases/{id}/actions");
    // Eight decision makers' requests in flight at once, each with its own key.
    let mut tasks = Vec::new();
    for i in 0u32..8 {
        let mut body = rg_decision();
        body["outcome"] = json!(if i.is_multiple_of(2) { "positive" } else { "negative" });
        let (client, url, token) = (t.client.clone(), t.url(&path), dm.0.clone());
        tasks.push(tokio::spawn(async move {
            let resp = client
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", format!("race-{i}"))
                .json(&body)
                .send()
                .await
                .unwrap();
            (resp.status(), false, resp.json::<Value>().await.unwrap())
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    let ok = results.iter().filter(|(s, _, _)| *s == StatusCode::OK).count();
    assert_eq!(ok, 1, "exactly one decision wins: {results:?}");
    for (status, _, body) in results.iter().filter(|(s, _, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    let (_, case) = t.get(&dm, &format!("/api/v1/cases/{id}")).await;
    // A negative winner is held for its review (issue 17): a proposal instead of a decision.
    let decided = |e: &&Value| e["type"] == "reasonable-grounds-decided" || e["type"] == "negative-decision-proposed";
    assert_eq!(case["timeline"].as_array().unwrap().iter().filter(decided).count(), 1, "{case}");
}

/// Runs one statement on the test's database, as someone with the file (or the server) would.
async fn raw_sql(t: &TestApp, sql: &str) {
    match &t.database_url {
        Some(url) => {
            sqlx::query(sql).execute(&sqlx::PgPool::connect(url).await.unwrap()).await.unwrap();
        }
        None => {
            let url = format!("sqlite://{}", t.dir_path.join("safeguard.db").display());
            sqlx::query(sql).execute(&sqlx::SqlitePool::connect(&url).await.unwrap()).await.unwrap();
        }
    }
}

/// What a server killed after a consent was committed but before its answer was kept leaves
/// behind: the key reserved by a process that is gone, with no answer, its lease run out.
const CRASHED: &str = "UPDATE api_idempotency SET status = NULL, response = NULL, owner = 'a-killed-server', \
                       created_at = 0, lease_until = 0";

#[tokio::test]
async fn a_consent_retried_after_a_crash_before_its_answer_was_kept_is_recorded_once() {
    let t = TestApp::start().await;
    let (fr, _, id) = referred(&t).await;
    let path = format!("/api/v1/cases/{id}/consents");
    let body = json!({"purpose": "share-with-police", "recipient_org": "City Police", "categories": ["identity"],
                      "expires_on": days_ago(-30), "language": "Albanian", "interpreter": true});
    t.app.store.ensure_org("City Police", sg_store::OrgKind::Police, t.app.clock.now()).await.unwrap();
    let (status, _, first) = send(&t, &fr, Method::POST, &path, "consent-crash", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    raw_sql(&t, CRASHED).await;

    let (status, replayed, again) = send(&t, &fr, Method::POST, &path, "consent-crash", &body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{again}");
    assert_eq!(first["consent_id"], again["consent_id"], "the retry answers with the consent first recorded");
    let (_, consents) = t.get(&fr, &path).await;
    assert_eq!(consents.as_array().unwrap().len(), 1, "recorded twice: {consents}");
    // Its answer is now kept: a further retry is a replay.
    let (status, replayed, third) = send(&t, &fr, Method::POST, &path, "consent-crash", &body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(third["consent_id"], first["consent_id"]);
}

/// Two servers on one database (the store is what they share): a key one of them is answering
/// is "in progress" to the other, however its reservation was made, until its lease runs out.
#[tokio::test]
async fn a_key_being_answered_by_a_live_server_is_not_taken_over_by_another() {
    use sg_store::{IdempotentRequest, IdempotentStart};
    let t = TestApp::start().await;
    let user = t.app.create_user("Hope NGO", None, Role::FirstResponder, "fr", false).await.unwrap().user;
    let t0 = t.app.clock.now();
    let at = |owner, secs| IdempotentRequest {
        user: user.id,
        key: "lease-1",
        fingerprint: b"the same request",
        owner,
        now: t0 + time::Duration::seconds(secs),
    };
    assert_eq!(t.store.idempotency_start(&at("server-a", 0)).await.unwrap(), IdempotentStart::Started);
    // Server B gets the retry while A is still answering: it waits, it does not run it too.
    assert_eq!(t.store.idempotency_start(&at("server-b", 1)).await.unwrap(), IdempotentStart::InProgress);
    assert_eq!(t.store.idempotency_start(&at("server-a", 2)).await.unwrap(), IdempotentStart::InProgress);

    // A renews its lease while it answers: B still waits after the first lease would have ended.
    let lease = sg_store::IDEMPOTENCY_LEASE_SECONDS;
    assert!(t.store.idempotency_renew(user.id, "lease-1", "server-a", at("server-a", 20).now).await.unwrap());
    assert_eq!(t.store.idempotency_start(&at("server-b", lease + 5)).await.unwrap(), IdempotentStart::InProgress);
    // A is killed and renews no more: once its lease ran out, B takes the key over.
    assert_eq!(t.store.idempotency_start(&at("server-b", 21 + lease)).await.unwrap(), IdempotentStart::Started);
    // A, if it was only cut off, can neither renew nor release what B now holds.
    assert!(!t.store.idempotency_renew(user.id, "lease-1", "server-a", at("server-a", 22 + lease).now).await.unwrap());
    t.store.idempotency_abandon(user.id, "lease-1", "server-a").await.unwrap();
    assert_eq!(t.store.idempotency_start(&at("server-c", 23 + lease)).await.unwrap(), IdempotentStart::InProgress);
    // B's answer is kept and replayed to anyone who retries.
    t.store.idempotency_finish(user.id, "lease-1", 201, b"sealed answer").await.unwrap();
    let replay = IdempotentStart::Replay { status: 201, body: b"sealed answer".to_vec() };
    assert_eq!(t.store.idempotency_start(&at("server-a", 24 + lease)).await.unwrap(), replay);
}
