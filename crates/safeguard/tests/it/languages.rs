//! The pages in Welsh beyond their own catalogued words: country names from CLDR, the messages
//! that come from the use cases, and the monitoring report body.

use crate::common;

use common::TestApp;
use sg_domain::Role;

/// The page's CSRF token, or "" when it has no form (a refusal).
fn csrf_of(html: &str) -> String {
    let Some(start) = html.find("name=\"csrf\" value=\"") else { return String::new() };
    html[start + "name=\"csrf\" value=\"".len()..].split('"').next().unwrap().to_string()
}

/// A signed-in browser and the CSRF token of its last page.
async fn signed_in(t: &TestApp, org: &str, role: Role, name: &str) -> (reqwest::Client, String) {
    let (client, csrf, _) = common::signed_in_client(t, org, role, name).await;
    (client, csrf)
}

async fn page(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn country_names_are_in_the_pages_language_and_sorted_by_it() {
    let t = TestApp::start().await;
    let api = t.api_user("Hope NGO", Role::FirstResponder, "api").await;
    let mut body = common::adult_referral();
    body["nationalities"] = serde_json::json!(["DE", "FR"]);
    let (status, created) = t.refer(&api, &body, None).await;
    assert_eq!(status, 201, "{created}");
    let id = created["case_id"].as_str().unwrap();

    let (fr, csrf) = signed_in(&t, "Hope NGO", Role::FirstResponder, "fr").await;
    let case = page(&fr, t.url(&format!("/cases/{id}?lang=cy"))).await;
    assert!(case.contains("Yr Almaen") && case.contains("Ffrainc"), "the case facts in Welsh: {case}");
    let english = page(&fr, t.url(&format!("/cases/{id}?lang=en"))).await;
    assert!(english.contains("Germany") && english.contains("France"), "{english}");

    // The nationality question lists the Welsh names, sorted in Welsh, "not known" first.
    page(&fr, t.url("/referrals/new?lang=cy")).await;
    let about = [("jurisdiction", "england-wales"), ("age", "child"), ("csrf", csrf.as_str())];
    fr.post(t.url("/referrals/new/about")).form(&about).send().await.unwrap();
    let person = page(&fr, t.url("/referrals/new/person")).await;
    let at = |needle: &str| person.find(needle).unwrap_or_else(|| panic!("{needle} not in {person}"));
    assert!(at(">Ddim yn hysbys<") < at(">Ffrainc<"), "{person}");
    assert!(at(">Ffrainc<") < at(">Yr Almaen<"), "sorted by the Welsh name");
    assert!(at(">Ciwba<") < at(">Chile<"), "Welsh ch comes after c");
}

#[tokio::test]
async fn messages_from_the_use_cases_are_in_welsh() {
    let t = TestApp::start().await;
    // A field error from sg-app: the password confirmation does not match.
    let code = t.page_user("Hope NGO", Role::FirstResponder, "fr").await;
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let r = common::post_presession(&client, &t.url("/sign-in/code?lang=cy"), &[("code", code.as_str())]).await;
    let csrf = csrf_of(&r.text().await.unwrap());
    let form =
        [("password", "correct horse battery staple"), ("confirmation", "something else entirely"), ("csrf", &csrf)];
    let html = client.post(t.url("/account/password")).form(&form).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Nid yw’r cadarnhad yr un fath â’r cyfrinair"), "{html}");
    assert!(!html.contains("does not match"), "{html}");

    // A refusal: the police see no case records, and are told so in Welsh.
    let (police, _) = signed_in(&t, "City Police", Role::Police, "pc").await;
    let r = police.get(t.url("/cases?lang=cy")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ni all defnyddiwr sydd â’r rôl ‘heddlu’ weld cofnodion achosion"), "{html}");
    let html = page(&police, t.url("/cases?lang=en")).await;
    assert!(html.contains("A user with the role ‘police’ cannot see case records"), "{html}");
}

#[tokio::test]
async fn the_monitoring_report_speaks_welsh_on_the_page() {
    let t = TestApp::start().await;
    t.app.add_demo_cases(&sg_demo::Distributions::embedded(), 300, 5, |_| {}).await.unwrap();
    let (monitor, _) = signed_in(&t, "Monitors", Role::Monitor, "mon").await;
    let html = page(&monitor, t.url("/monitoring?lang=cy")).await;
    for welsh in
        ["Crynodeb monitro", "Atgyfeiriadau i’r NRM", "Penderfyniadau sail resymol cadarnhaol", "Gweld y manylion"]
    {
        assert!(html.contains(welsh), "{welsh} not on the Welsh summary: {html}");
    }
    assert!(!html.contains("Positive reasonable-grounds decisions"), "{html}");
    let html = page(&monitor, t.url("/monitoring/indicators/rg-positive-rate?lang=cy")).await;
    for welsh in
        ["Rheoli datgelu:", "Penderfyniadau sail resymol cadarnhaol", "Cyfanswm", "Sut i ddarllen y ffigurau hyn"]
    {
        assert!(html.contains(welsh), "{welsh} not on the Welsh page: {html}");
    }
    assert!(html.contains("Cyfradd (ystod debygol)") && html.contains("% i "), "rate headings and intervals: {html}");
    let html = page(&monitor, t.url("/monitoring/indicators/referrals?lang=cy")).await;
    assert!(html.contains("Pobl a atgyfeiriwyd i’r Mecanwaith Atgyfeirio Cenedlaethol") && html.contains("Allan o:"));
    // What the catalogue does not cover (the claim, findings' statistics) is marked as English.
    assert!(html.contains(r#"lang="en">"#), "{html}");
    let english = page(&monitor, t.url("/monitoring/indicators/referrals?lang=en")).await;
    assert!(english.contains("Total") && english.contains("NRM referrals") && !english.contains(r#"lang="en">"#));
    assert!(english.contains("Out of: ") && !english.contains("Denominator"), "statistical jargon: {english}");
}
