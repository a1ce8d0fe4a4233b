//! Two ages, and the age as the case goes on (issue 17): consent follows the age now, checked
//! against a date of birth; the statistics keep the age during the exploitation; a disputed age
//! is a child's until assessed; the 18th birthday makes the case an adult's.

use crate::common;

use common::{adult_referral, days_ago, TestApp, Token};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::{CompetentAuthority, Role};

/// A date of birth that makes the person `years` old today.
fn born_years_ago(years: i32) -> String {
    let today = time::OffsetDateTime::now_utc().date();
    let born = today.replace_year(today.year() - years).unwrap_or(today);
    born.to_string()
}

fn referral(at_exploitation: &str, consent: Option<bool>, born: &str) -> Value {
    let mut body = adult_referral();
    body["age_at_exploitation"] = json!(at_exploitation);
    body["identity"]["date_of_birth"] = json!(born);
    match consent {
        Some(c) => body["consent_to_referral"] = json!(c),
        None => {
            body.as_object_mut().unwrap().remove("consent_to_referral");
        }
    }
    body
}

/// The field an invalid input names, and its message.
fn field_and_message(err: &Value) -> (&str, &str) {
    (err["error"]["field"].as_str().unwrap_or(""), err["error"]["message"].as_str().unwrap_or(""))
}

#[tokio::test]
async fn consent_follows_the_age_now_and_a_date_of_birth_is_believed_over_a_wrong_answer() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;

    // A 46-year-old sent as "child" (exploited as one, perhaps) is an adult now: their consent
    // is asked, not assumed. Before, they were referred without it and could not withdraw.
    let (status, err) = t.refer(&fr, &referral("child", None, &born_years_ago(46)), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(field_and_message(&err), ("consent_to_referral", "is required for an adult (true or false)"));
    let (status, created) = t.refer(&fr, &referral("child", Some(true), &born_years_ago(46)), None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["case_id"].as_str().unwrap();
    let (_, case) = t.get(&fr, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(case["facts"]["age_at_exploitation"], "child", "the statistics keep the age then: {case}");
    assert_eq!(case["facts"]["age_now"], "adult");
    assert_eq!(case["timeline"][0]["basis"], "adult-consent", "{case}");
    let (status, case) = t.act(&fr, id, &json!({"action": "withdraw", "reason": "Chose to leave."})).await;
    assert_eq!(status, StatusCode::OK, "an adult may withdraw: {case}");

    // An 11-year-old sent as "adult" without consent was a Duty to Notify report: an anonymous
    // report about a child. Now refused, naming the answer the date of birth contradicts.
    let before = t.case_count().await;
    let (status, err) = t.refer(&fr, &referral("adult", Some(false), &born_years_ago(11)), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(field_and_message(&err).0, "age_at_exploitation");
    assert!(field_and_message(&err).1.contains("under 18 now"), "{err}");
    let mut said_adult = referral("adult", Some(false), &born_years_ago(11));
    said_adult["age_now"] = json!("adult");
    let (status, err) = t.refer(&fr, &said_adult, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(field_and_message(&err).0, "age_now");
    assert!(field_and_message(&err).1.starts_with("is adult, but the date of birth makes the person 11"), "{err}");
    // And the reverse: "child now" against a date of birth 30 years ago.
    let mut said_child = referral("child", None, &born_years_ago(30));
    said_child["age_now"] = json!("child");
    let (_, err) = t.refer(&fr, &said_child, None).await;
    assert_eq!(field_and_message(&err).0, "age_now");
    assert!(field_and_message(&err).1.starts_with("is child, but the date of birth makes the person 30"), "{err}");
    // A child now was a child then.
    let mut contradiction = referral("adult", None, "");
    contradiction["identity"].as_object_mut().unwrap().remove("date_of_birth");
    contradiction["age_now"] = json!("child");
    let (_, err) = t.refer(&fr, &contradiction, None).await;
    assert_eq!(field_and_message(&err).0, "age_at_exploitation", "{err}");
    assert_eq!(t.case_count().await, before, "nothing refused was stored");

    // "Not sure" stands against a date of birth that may itself be wrong: a child's referral.
    let mut not_sure = referral("unknown", None, &born_years_ago(25));
    not_sure["age_now"] = json!("unknown");
    let (status, created) = t.refer(&fr, &not_sure, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["kind"], "referral");
}

/// An IECA decision maker for `t`.
async fn ieca_decision_maker(t: &TestApp) -> Token {
    let ieca = Some(CompetentAuthority::Ieca);
    let dm = t.app.create_user_for("IECA", None, Role::DecisionMaker, "ieca-dm", true, ieca).await.unwrap();
    Token(dm.api_token.unwrap())
}

#[tokio::test]
async fn a_disputed_age_is_a_childs_until_assessed_and_the_18th_birthday_makes_it_an_adults() {
    let t = TestApp::start().await;
    let ie = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let ieca = ieca_decision_maker(&t).await;
    let sca = t.api_user("Single Competent Authority", Role::DecisionMaker, "sca-dm").await;
    // A guardian service's organisation exists once one of its people has an account.
    t.api_user("Guardian Service", Role::Guardian, "gd").await;
    let mut body = adult_referral();
    body["ieca_criteria"] = json!(true);
    let (_, created) = t.refer(&ie, &body, None).await;
    let id = created["case_id"].as_str().unwrap();

    // Nothing to assess while no one doubts the age.
    let assess = |by: &str, age: &str, date: String| json!({"action": "record-age-assessment", "assessed_by": by, "outcome": age, "date": date});
    let (status, err) = t.act(&ieca, id, &assess("local-authority", "child", days_ago(0))).await;
    assert_eq!((status, common::error_code(&err)), (StatusCode::CONFLICT, "not_yet.age_not_in_doubt"), "{err}");

    // Disputed: treated as a child, so out of the IECA's remit and no longer withdrawable.
    let dispute = json!({"action": "dispute-age", "reason": "Says she is 16; no documents."});
    let (status, case) = t.act(&ieca, id, &dispute).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["competent_authority"], "sca", "{case}");
    assert!(case["age_disputed_since"].is_string(), "{case}");
    assert_eq!(t.get(&ieca, &format!("/api/v1/cases/{id}")).await.0, StatusCode::NOT_FOUND, "the IECA lets go");
    let (status, err) = t.act(&sca, id, &dispute).await;
    assert_eq!((status, common::error_code(&err)), (StatusCode::CONFLICT, "not_yet.age_already_disputed"));
    let (status, err) =
        t.act(&sca, id, &json!({"action": "route", "competent_authority": "ieca", "reason": "x"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "no child is routed to the IECA: {err}");
    let (status, err) = t.act(&ie, id, &json!({"action": "withdraw", "reason": "x"})).await;
    assert_eq!((status, common::error_code(&err)), (StatusCode::CONFLICT, "not_yet.child_cannot_withdraw"), "{err}");
    let guardian = json!({"action": "assign-guardian", "guardian": "Guardian Service"});
    let (status, case) = t.act(&sca, id, &guardian).await;
    assert_eq!(status, StatusCode::OK, "a disputed age's child may have a guardian: {case}");

    // Assessed a child by the local authority; then her 18th birthday ends the guardian's
    // assignment and makes the case an adult's.
    let (status, case) = t.act(&sca, id, &assess("local-authority", "child", days_ago(0))).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert!(case["age_disputed_since"].is_null());
    assert_eq!(case["age_now"], "child");
    assert_eq!(case["facts"]["age_at_exploitation"], "adult", "the referral's facts are kept as given");
    let (status, case) = t.act(&sca, id, &json!({"action": "record-eighteenth-birthday"})).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["age_now"], "adult");
    let kinds: Vec<&str> = case["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(kinds.ends_with(&["turned-eighteen", "guardian-assignment-ended"]), "{kinds:?}");
    let (status, err) = t.act(&sca, id, &json!({"action": "record-eighteenth-birthday"})).await;
    assert_eq!((status, common::error_code(&err)), (StatusCode::CONFLICT, "not_yet.not_a_child"));

    // The case page words each step.
    let mut page = common::browser::Browser::with_code(&t, "Hope NGO", Role::FirstResponder, "fr-page").await;
    let (_, _, html) = page.get(&format!("/cases/{id}")).await;
    for words in [
        "Age disputed: treated as a child until assessed",
        "Age assessment (A local authority): a child",
        "Turned 18: an adult’s case from this day",
        "Age now</dt>",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
}

#[tokio::test]
async fn the_national_age_assessment_board_assesses_only_from_31_march_2023() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let sca = t.api_user("Single Competent Authority", Role::DecisionMaker, "sca-dm").await;
    let mut body = adult_referral();
    body["age_at_exploitation"] = json!("unknown");
    body["referred_on"] = json!("2022-06-01");
    body["identity"].as_object_mut().unwrap().remove("date_of_birth");
    let (status, created) = t.refer(&fr, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["case_id"].as_str().unwrap();
    let naab = |date: &str| json!({"action": "record-age-assessment", "assessed_by": "naab", "outcome": "adult", "date": date});
    let (status, err) = t.act(&sca, id, &naab("2022-09-01")).await;
    assert_eq!((status, common::error_code(&err)), (StatusCode::CONFLICT, "refused_by_rule"), "{err}");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("age_assessment.national_board = false"), "the rule is named: {message}");
    let (status, case) = t.act(&sca, id, &naab("2023-04-03")).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["age_now"], "adult");
    let (_, case) = t.get(&fr, &format!("/api/v1/cases/{id}")).await;
    let last = case["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["type"].as_str(), last["assessed_by"].as_str()), (Some("age-assessed"), Some("naab")));
}

#[tokio::test]
async fn the_referral_pages_ask_both_ages_and_the_case_page_shows_both() {
    let t = TestApp::start().await;
    let mut fr = common::browser::Browser::with_code(&t, "Hope NGO", Role::FirstResponder, "fr").await;
    fr.get("/referrals/new").await;
    let about = [("jurisdiction", "england-wales"), ("age", "adult")];
    let (_, path, html) = fr.post("/referrals/new/about", &about).await;
    assert_eq!(path, "/referrals/new/about", "an adult is asked about the age then");
    assert!(html.contains("Select whether they were under 18 at any time during the exploitation"), "{html}");
    let about = [("jurisdiction", "england-wales"), ("age", "adult"), ("age_then", "child")];
    let (_, path, _) = fr.post("/referrals/new/about", &about).await;
    assert_eq!(path, "/referrals/new/consent");
    fr.post("/referrals/new/consent", &[("consent", "yes")]).await;
    fr.post("/referrals/new/person", &[("gender", "female"), ("nationality", "AL")]).await;
    fr.post("/referrals/new/exploitation", &[("forms", "forced-to-work"), ("location", "uk")]).await;
    let identity = [("full_name", "Lin Example"), ("dob-day", "1"), ("dob-month", "2"), ("dob-year", "1995")];
    fr.post("/referrals/new/identity", &identity).await;
    let (_, path, check) = fr.post("/referrals/new/context", &[]).await;
    assert_eq!(path, "/referrals/new/check", "{check}");
    assert!(check.contains("Yes, they were under 18 at some time during it"), "{check}");
    let (_, path, _) = fr.post("/referrals/new/check", &[]).await;
    let id = path.rsplit('/').next().unwrap().to_string();
    assert!(path.starts_with("/referrals/sent/"), "{path}");
    let (_, _, page) = fr.get(&format!("/cases/{id}")).await;
    assert!(page.contains("Age at exploitation</dt>") && page.contains("Child (17 or under)"), "{page}");
    assert!(page.contains("Age now</dt>") && page.contains("Adult (18 or over)"), "{page}");
}
