//! Survivor codes a frightened person on a borrowed phone can use (issue 20): twelve characters
//! with no look-alikes, typed any way, reusable until the caseworker ends them, throttled per
//! address and overall, and stored only as a hash keyed outside the database.

use crate::common;

use common::{adult_referral, TestApp, Token};
use reqwest::header::{LOCATION, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;
use sha2::{Digest, Sha256};

const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A server that believes loopback's `X-Forwarded-For`, so a test can speak from many addresses.
async fn behind_proxy() -> TestApp {
    TestApp::start_with(sg_web::Limits {
        user_requests_per_second: 0,
        trusted_proxy: Some(std::net::IpAddr::from([127, 0, 0, 1])),
        ..sg_web::Limits::default()
    })
    .await
}

async fn caseworker_and_case(t: &TestApp) -> (Token, String) {
    let caseworker = t.api_user("Hope NGO", Role::FirstResponder, "caseworker").await;
    let (_, created) = t.refer(&caseworker, &adult_referral(), None).await;
    (caseworker, created["case_id"].as_str().unwrap().to_string())
}

async fn issue(t: &TestApp, who: &Token, case: &str) -> Value {
    let r = t
        .client
        .post(t.url(&format!("/api/v1/cases/{case}/survivor-code")))
        .bearer_auth(&who.0)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

/// A phone's browser at `address` (redirects not followed).
fn phone(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(
            [(reqwest::header::HeaderName::from_static("x-forwarded-for"), address.parse().unwrap())]
                .into_iter()
                .collect(),
        )
        .build()
        .unwrap()
}

/// Types `code` at `/survivor` from `address`: the status, where it leads, Retry-After, the page.
async fn type_code(t: &TestApp, address: &str, code: &str) -> (StatusCode, String, Option<i64>, String) {
    let r = common::post_presession(&phone(address), &t.url("/survivor?lang=cy"), &[("code", code)]).await;
    let to = r.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    let wait = r.headers().get(RETRY_AFTER).map(|w| w.to_str().unwrap().parse().unwrap());
    (r.status(), to, wait, r.text().await.unwrap())
}

fn opens(answer: &(StatusCode, String, Option<i64>, String)) -> bool {
    answer.0 == StatusCode::SEE_OTHER && answer.1 == "/survivor/view"
}

#[tokio::test]
async fn a_code_is_twelve_plain_characters_in_groups_and_is_typed_forgivingly() {
    let t = behind_proxy().await;
    let (caseworker, case) = caseworker_and_case(&t).await;
    let answer = issue(&t, &caseworker, &case).await;
    let code = answer["code"].as_str().unwrap().to_string();
    let groups: Vec<&str> = code.split('-').collect();
    assert_eq!(groups.len(), 3, "{code}");
    for g in &groups {
        assert_eq!(g.len(), 4, "{code}");
        assert!(g.chars().all(|c| ALPHABET.contains(c)), "{code} has a character outside the alphabet");
    }
    assert!(answer["address"].as_str().unwrap().ends_with("/survivor"), "{answer}");
    assert_eq!(answer["valid_days"], 90);
    // Lower case, spaces for hyphens, and the letters people confuse with 0 and 1.
    let plain = code.replace('-', "");
    let typed = [
        code.to_lowercase(),
        format!(" {} {} {} ", groups[0], groups[1], groups[2]).to_lowercase(),
        plain.replace('0', "o").replace('1', "l"),
        plain.replace('0', "O").replace('1', "I").to_lowercase(),
    ];
    for (i, typed) in typed.iter().enumerate() {
        let answer = type_code(&t, &format!("192.0.2.{i}"), typed).await;
        assert!(opens(&answer), "{typed:?} did not open the view: {:?}", answer.0);
    }
    // Too short is told as such, naming the field, in the person's language.
    let (status, _, _, page) = type_code(&t, "192.0.2.50", "ABCD").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("href=\"#code\""), "{page}");
    assert!(page.contains("12 nod"), "{page}");
}

#[tokio::test]
async fn the_same_code_opens_the_view_again_until_the_caseworker_ends_it() {
    let t = behind_proxy().await;
    let (caseworker, case) = caseworker_and_case(&t).await;
    let code = issue(&t, &caseworker, &case).await["code"].as_str().unwrap().to_string();
    assert!(opens(&type_code(&t, "192.0.2.1", &code).await), "first use");
    assert!(opens(&type_code(&t, "192.0.2.1", &code).await), "second use");
    // Still working near the end of its lifetime.
    t.advance_days(80);
    assert!(opens(&type_code(&t, "192.0.2.1", &code).await), "80 days later");

    // Signed in with it, then the caseworker ends it: the session ends too.
    let browser = phone("192.0.2.2");
    common::post_presession(&browser, &t.url("/survivor"), &[("code", &code)]).await;
    assert_eq!(browser.get(t.url("/survivor/view")).send().await.unwrap().status(), StatusCode::OK);
    let r = t
        .client
        .delete(t.url(&format!("/api/v1/cases/{case}/survivor-code")))
        .bearer_auth(&caseworker.0)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let answer = type_code(&t, "192.0.2.1", &code).await;
    assert!(!opens(&answer), "an ended code still opens the view");
    assert!(answer.3.contains("href=\"#code\""), "no error message");
    let r = browser.get(t.url("/survivor/view")).send().await.unwrap();
    assert_eq!(r.headers()[LOCATION], "/survivor", "the session outlived its ended code");
}

#[tokio::test]
async fn a_code_expires_after_ninety_days() {
    let t = behind_proxy().await;
    let (caseworker, case) = caseworker_and_case(&t).await;
    let code = issue(&t, &caseworker, &case).await["code"].as_str().unwrap().to_string();
    t.advance_days(91);
    assert!(!opens(&type_code(&t, "192.0.2.1", &code).await));
}

#[tokio::test]
async fn a_new_code_ends_the_old_one() {
    let t = behind_proxy().await;
    let (caseworker, case) = caseworker_and_case(&t).await;
    let old = issue(&t, &caseworker, &case).await["code"].as_str().unwrap().to_string();
    let new = issue(&t, &caseworker, &case).await["code"].as_str().unwrap().to_string();
    assert_ne!(old, new);
    assert!(!opens(&type_code(&t, "192.0.2.1", &old).await), "the old code still works");
    assert!(opens(&type_code(&t, "192.0.2.1", &new).await), "the new code does not work");
}

#[tokio::test]
async fn a_code_stops_when_the_person_is_erased_or_withdraws() {
    let t = behind_proxy().await;
    let (caseworker, case) = caseworker_and_case(&t).await;
    let code = issue(&t, &caseworker, &case).await["code"].as_str().unwrap().to_string();
    t.app.erase_person(sg_domain::CaseId::parse(&case).unwrap(), "the person asked").await.unwrap();
    assert!(!opens(&type_code(&t, "192.0.2.1", &code).await), "an erased person's code still works");

    let (_, created) = t.refer(&caseworker, &adult_referral(), None).await;
    let case = created["case_id"].as_str().unwrap().to_string();
    let code = issue(&t, &caseworker, &case).await["code"].as_str().unwrap().to_string();
    let (status, _) = t.act(&caseworker, &case, &json!({"action": "withdraw", "reason": "the person withdrew"})).await;
    assert!(status.is_success(), "{status}");
    assert!(!opens(&type_code(&t, "192.0.2.2", &code).await), "a withdrawn case's code still works");
}

#[tokio::test]
async fn wrong_codes_lock_their_address_but_not_another() {
    let t = behind_proxy().await;
    let (caseworker, case) = caseworker_and_case(&t).await;
    let code = issue(&t, &caseworker, &case).await["code"].as_str().unwrap().to_string();
    for _ in 0..5 {
        let answer = type_code(&t, "198.51.100.7", "AAAA-BBBB-CCCC").await;
        assert!(!opens(&answer));
    }
    // Locked: even the right code from that address is refused, said in Welsh, with Retry-After.
    let (status, _, wait, page) = type_code(&t, "198.51.100.7", &code).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait = wait.expect("no Retry-After");
    assert!((60..=15 * 60).contains(&wait), "{wait}");
    assert!(page.contains("Gormod o ymdrechion"), "{page}");
    // Another address is not kept out.
    assert!(opens(&type_code(&t, "203.0.113.5", &code).await), "another address was locked out");
    // After the wait the person gets in.
    t.advance_secs(wait);
    assert!(opens(&type_code(&t, "198.51.100.7", &code).await), "still locked after the wait");
}

#[tokio::test]
async fn wrong_codes_from_many_addresses_meet_a_global_cap() {
    let t = behind_proxy().await;
    let (caseworker, case) = caseworker_and_case(&t).await;
    let code = issue(&t, &caseworker, &case).await["code"].as_str().unwrap().to_string();
    let cap = sg_app::survivor_code::GLOBAL_FREE;
    for i in 0..cap {
        type_code(&t, &format!("10.{}.{}.1", i / 250, i % 250), "AAAA-BBBB-CCCC").await;
    }
    let (status, _, wait, _) = type_code(&t, "203.0.113.9", &code).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(wait.unwrap() <= 60);
    t.advance_secs(61);
    assert!(opens(&type_code(&t, "203.0.113.9", &code).await));
}

#[tokio::test]
async fn the_stored_hash_is_keyed_outside_the_database() {
    let t = TestApp::start().await;
    let (caseworker, case) = caseworker_and_case(&t).await;
    let code = issue(&t, &caseworker, &case).await["code"].as_str().unwrap().to_string();
    let sql = "SELECT code_hash FROM survivor_codes";
    let stored: Vec<Vec<u8>> = match &t.database_url {
        Some(url) => sqlx::query_scalar(sql).fetch_all(&sqlx::PgPool::connect(url).await.unwrap()).await.unwrap(),
        None => {
            let url = format!("sqlite://{}", t.dir_path.join("safeguard.db").display());
            sqlx::query_scalar(sql).fetch_all(&sqlx::SqlitePool::connect(&url).await.unwrap()).await.unwrap()
        }
    };
    assert_eq!(stored.len(), 1);
    for plain in [code.clone(), code.replace('-', "")] {
        assert_ne!(stored[0], Sha256::digest(plain.as_bytes()).to_vec(), "an unkeyed SHA-256 is stored");
    }
    // Under another fingerprint key, the same code over the same database opens nothing.
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("other")]).unwrap();
    let other = sg_app::App {
        clock: t.clock.clone(),
        fingerprint_key: std::sync::Arc::new(sg_crypto::FingerprintKey::generate()),
        ..sg_app::App::new(t.store.clone(), keys)
    };
    let here = std::net::IpAddr::from([192, 0, 2, 1]);
    assert!(other.open_survivor_view(&code, here).await.is_err(), "the hash does not depend on the key");
    assert!(t.app.open_survivor_view(&code, here).await.is_ok());
}
