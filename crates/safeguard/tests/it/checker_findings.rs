//! The language reviewers' findings of issue 20, each held by a test: Welsh place names
//! mutated by the catalogue, English rule text marked `lang="en"` on Welsh pages, and case
//! references isolated with `<bdi>` (right-to-left pages). The HTML checker's, Lighthouse's and
//! the phone's findings are held by the browser suite (`tests/browser`).

use crate::common;

use common::browser::Browser;
use common::{adult_referral, days_ago, TestApp, Token};
use serde_json::json;
use sg_domain::Role;

async fn case_in(t: &TestApp, fr: &Token, jurisdiction: &str) -> String {
    let mut body = adult_referral();
    body["jurisdiction"] = json!(jurisdiction);
    body["referred_on"] = json!(days_ago(2));
    let (status, created) = t.refer(fr, &body, None).await;
    assert_eq!(status, 201, "{created}");
    created["case_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn welsh_place_names_are_mutated_after_yn() {
    let t = TestApp::start().await;
    let mut dm = Browser::sign_up(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    for (jurisdiction, welsh, english) in [
        ("northern-ireland", "yng Ngogledd Iwerddon", "in Northern Ireland"),
        ("england-wales", "yng Nghymru a Lloegr", "in England and Wales"),
        ("scotland", "yn yr Alban", "in Scotland"),
    ] {
        // The rules page, which the working screens link to, names where its rules apply.
        let path = format!("/rules?jurisdiction={jurisdiction}");
        let (_, _, html) = dm.get(&format!("{path}&lang=cy")).await;
        assert!(html.contains(&format!("Cenedlaethol {welsh} fel y maent")), "{welsh} not on the page: {html}");
        assert!(!html.contains("yn Gogledd") && !html.contains("yn Cymru") && !html.contains("yn Yr Alban"));
        let (_, _, html) = dm.get(&format!("{path}&lang=en")).await;
        assert!(html.contains(&format!("Mechanism {english} as they stand")), "{english} not on the page: {html}");
    }
}

#[tokio::test]
async fn english_rule_text_on_a_welsh_page_is_marked_lang_en() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let dm_api = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm-api").await;
    let case = case_in(&t, &fr, "england-wales").await;
    let (status, body) = t.decide(&dm_api, &case, "decide-reasonable-grounds", "positive", 1).await;
    assert_eq!(status, 200, "{body}");
    let mut dm = Browser::sign_up(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    // The routing sentence the rules wrote when the case was opened.
    let (_, _, html) = dm.get(&format!("/cases/{case}?lang=cy")).await;
    let routing = "all cases not allocated to the IECA go to the Single Competent Authority";
    assert!(html.contains(&format!("<span class=\"govuk-body-s\" lang=\"en\">{routing}")), "{html}");
    // A rule's refusal (the conclusive grounds decision before the recovery period ends), in
    // the error summary and beside the date.
    let today = time::OffsetDateTime::now_utc().date();
    let (d, m, y) = (today.day().to_string(), (today.month() as u8).to_string(), today.year().to_string());
    let path = format!("/cases/{case}/decide/conclusive-grounds?lang=cy");
    dm.get(&path).await;
    let form = [
        ("outcome", "positive"),
        ("reasons", "Mae’r dystiolaeth yn gyson."),
        ("date-day", d.as_str()),
        ("date-month", m.as_str()),
        ("date-year", y.as_str()),
        ("confirm", "yes"),
    ];
    let (_, _, html) = dm.post(&path, &form).await;
    assert!(html.contains("cannot be made before the recovery period ends"), "no refusal: {html}");
    // The working screen gives the source by name, not the rule's key and value.
    assert!(!html.contains("recovery_period.days = 30"), "{html}");
    assert!(html.contains("<a href=\"#date-day\" lang=\"en\">"), "the summary's link is not marked English: {html}");
    assert!(html.contains("</span> <span lang=\"en\">"), "the date's message is not marked English: {html}");
    assert!(!html.contains("<a href=\"#date-day\">"), "{html}");
}

#[tokio::test]
async fn the_survivors_case_reference_is_isolated_in_arabic() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let case = case_in(&t, &fr, "england-wales").await;
    let r = t
        .client
        .post(t.url(&format!("/api/v1/cases/{case}/survivor-code")))
        .bearer_auth(&fr.0)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let code: serde_json::Value = r.json().await.unwrap();
    let person = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let form = [("code", code["code"].as_str().unwrap())];
    common::post_presession(&person, &t.url("/survivor"), &form).await;
    let html = person.get(t.url("/survivor/view?lang=ar")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("dir=\"rtl\""), "{html}");
    assert!(html.contains("id=\"case-reference\">الرقم المرجعي لقضيتك هو <bdi>SG-"), "{html}");
}

#[tokio::test]
async fn the_welsh_case_page_words_the_exploitation_type_routing_and_erased_reasons_in_welsh() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let dm_api = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm-api").await;
    let case = case_in(&t, &fr, "england-wales").await;
    let (status, body) = t.decide(&dm_api, &case, "decide-reasonable-grounds", "positive", 1).await;
    assert_eq!(status, 200, "{body}");
    let mut dm = Browser::sign_up(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    let (_, _, html) = dm.get(&format!("/cases/{case}?lang=cy")).await;
    // The referral's types (labour and criminal) are coded values, worded by the catalogue.
    assert!(html.contains("Llafur &#38; Troseddol"), "the exploitation type is not in Welsh: {html}");
    assert!(!html.contains("Labour &#38; Criminal"), "{html}");
    // "at" and the authority's name are one catalogued phrase: "yr" is not capitalised mid-sentence.
    assert!(html.contains("Wedi’i anfon at yr Awdurdod Cymwys Sengl"), "{html}");
    assert!(!html.contains("at Yr Awdurdod"), "{html}");
    let (_, _, html) = dm.get(&format!("/cases/{case}?lang=en")).await;
    assert!(html.contains("Labour &#38; Criminal") && html.contains("Routed to the Single Competent Authority"));

    // Erasing the person destroys the key of the decision's reasons: the page says so in Welsh.
    t.app.erase_person(sg_domain::CaseId::parse(&case).unwrap(), "asked").await.unwrap();
    let (_, _, html) = dm.get(&format!("/cases/{case}?lang=cy")).await;
    assert!(html.contains("(wedi’i ddileu)") && !html.contains("(erased)"), "{html}");
    let (_, _, html) = dm.get(&format!("/cases/{case}?lang=en")).await;
    assert!(html.contains("(erased)"), "{html}");
}

#[tokio::test]
async fn a_field_error_without_a_catalogue_code_is_marked_english_on_a_welsh_page() {
    let t = TestApp::start().await;
    let rec = sg_app::recommendations::RecommendationInput {
        source: "ATMG: Time to Deliver".into(),
        date: "2023-03-01".into(),
        text: "Make reasonable-grounds decisions within five working days".into(),
        addressee: "Home Office".into(),
        article: "ECAT Art. 10".into(),
        indicators: "referrals".into(),
    };
    let r = t.app.add_recommendation(None, &rec).await.unwrap();
    let (monitor, _, _) = common::signed_in_client(&t, common::org_for(Role::Monitor), Role::Monitor, "mon").await;
    let html = monitor.get(t.url("/monitoring/recommendations?lang=cy")).send().await.unwrap().text().await.unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    // A status with no evidence: the use case's message has no code, so it stays English.
    let form = [
        ("csrf", csrf.as_str()),
        ("recommendation", r.id.as_str()),
        ("status", "implemented"),
        ("as_of", "2024-02-01"),
        ("evidence", ""),
        ("evidence_url", ""),
    ];
    let res = monitor.post(t.url("/monitoring/recommendations")).form(&form).send().await.unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("lang=\"cy\""), "{html}");
    assert!(html.contains("<a href=\"#evidence\" lang=\"en\">"), "the English message is not marked: {html}");
    // and beside the field too, where a screen reader reads it on reaching the box.
    assert!(
        html.contains(
            "id=\"evidence-error\"><span class=\"govuk-visually-hidden\">Gwall:</span> <span lang=\"en\">Enter"
        ),
        "the field's message is not marked English: {html}"
    );
    let english = monitor.get(t.url("/monitoring/recommendations?lang=en")).send().await.unwrap();
    drop(english);
    let res = monitor.post(t.url("/monitoring/recommendations")).form(&form).send().await.unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("<a href=\"#evidence\">"), "an English page marks nothing: {html}");
    assert!(!html.contains("<span lang=\"en\">"), "an English page marks nothing: {html}");
}
