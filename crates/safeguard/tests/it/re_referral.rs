//! Re-referral (issue 17): a person referred again (re-trafficking) is linked to their earlier
//! case by its reference, instead of becoming an unrelated case; an anonymous report is never
//! linked, which would say who it is about.

use crate::common;

use common::{adult_referral, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

#[tokio::test]
async fn a_second_referral_names_the_earlier_case_and_an_anonymous_report_cannot() {
    let t = TestApp::start().await;
    let first_ngo = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let other_ngo = t.api_user("City Outreach", Role::FirstResponder, "fr2").await;
    let (_, earlier) = t.refer(&first_ngo, &adult_referral(), None).await;
    let earlier_id = earlier["case_id"].as_str().unwrap();
    let reference = earlier["reference"].as_str().unwrap().to_string();

    // Another organisation meets the person again, two years on; they have the receipt.
    let mut again = adult_referral();
    again["previous_reference"] = json!(format!(" {} ", reference.to_lowercase()));
    // Only with the person's agreement: the link joins two histories of theirs.
    let (status, err) = t.refer(&other_ngo, &again, None).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("link_agreed")));
    again["link_agreed"] = json!(true);
    let (status, created) = t.refer(&other_ngo, &again, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["case_id"].as_str().unwrap();
    let (_, case) = t.get(&other_ngo, &format!("/api/v1/cases/{id}")).await;
    let link = case["timeline"].as_array().unwrap().iter().find(|e| e["type"] == "linked-to-earlier-case").cloned();
    let link = link.unwrap_or_else(|| panic!("no link: {case}"));
    assert_eq!((link["earlier"].as_str(), link["reference"].as_str()), (Some(earlier_id), Some(reference.as_str())));
    // The link opens nothing: the earlier case stays its own organisation's.
    assert_eq!(t.get(&other_ngo, &format!("/api/v1/cases/{earlier_id}")).await.0, StatusCode::NOT_FOUND);

    // An unknown reference is refused, naming the field; nothing is stored.
    let before = t.case_count().await;
    let mut unknown = adult_referral();
    unknown["previous_reference"] = json!("SG-00000-00000");
    unknown["link_agreed"] = json!(true);
    let (status, err) = t.refer(&other_ngo, &unknown, None).await;
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("previous_reference"))
    );
    // A Duty to Notify report must not identify the adult: no link.
    let mut report = adult_referral();
    report["consent_to_referral"] = json!(false);
    report["previous_reference"] = json!(reference);
    report["link_agreed"] = json!(true);
    let (status, err) = t.refer(&other_ngo, &report, None).await;
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("previous_reference"))
    );
    assert_eq!(t.case_count().await, before, "nothing refused was stored");

    // The case page shows the link.
    let mut page = common::browser::Browser::with_code(&t, "City Outreach", Role::FirstResponder, "fr3").await;
    let (_, _, html) = page.get(&format!("/cases/{id}")).await;
    assert!(html.contains(&format!("Referred again: the same person’s earlier case is {reference}")), "{html}");
}

#[tokio::test]
async fn the_referral_pages_take_the_earlier_reference_and_name_a_wrong_one() {
    let t = TestApp::start().await;
    let fr_api = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let (_, earlier) = t.refer(&fr_api, &adult_referral(), None).await;
    let reference = earlier["reference"].as_str().unwrap().to_string();
    let mut fr = common::browser::Browser::with_code(&t, "Hope NGO", Role::FirstResponder, "fr").await;
    fr.get("/referrals/new").await;
    fr.post("/referrals/new/about", &[("jurisdiction", "england-wales"), ("age", "adult"), ("age_then", "adult")])
        .await;
    fr.post("/referrals/new/consent", &[("consent", "yes")]).await;
    fr.post("/referrals/new/person", &[("gender", "female"), ("nationality", "AL")]).await;
    fr.post("/referrals/new/exploitation", &[("forms", "forced-to-work"), ("location", "uk")]).await;
    let (_, _, form) = fr.get("/referrals/new/identity").await;
    assert!(form.contains("the earlier case’s reference (optional)"), "{form}");
    let identity = [("full_name", "Lin Example"), ("previous_reference", "SG-00000-00000"), ("link_agreed", "yes")];
    fr.post("/referrals/new/identity", &identity).await;
    fr.post("/referrals/new/context", &[]).await;
    let (_, path, check) = fr.post("/referrals/new/check", &[]).await;
    assert_eq!(path, "/referrals/new/check", "refused: {check}");
    assert!(check.contains("No case has this reference"), "{check}");
    fr.post(
        "/referrals/new/identity",
        &[("full_name", "Lin Example"), ("previous_reference", reference.as_str()), ("link_agreed", "yes")],
    )
    .await;
    fr.post("/referrals/new/context", &[]).await;
    let (_, path, _) = fr.post("/referrals/new/check", &[]).await;
    assert!(path.starts_with("/referrals/sent/"), "{path}");
    let id = path.rsplit('/').next().unwrap();
    let (_, _, page) = fr.get(&format!("/cases/{id}")).await;
    assert!(page.contains(&format!("earlier case is {reference}")), "{page}");
}
