//! The case's other lifecycle steps through their pages (`/cases/{id}/act/{action}`), as the
//! people who take them: support entry and exit, a child's guardian, reconsiderations,
//! permission to stay, withdrawal and re-routing; refusals, field errors that change nothing,
//! and a stale form.

use crate::common;

use common::browser::Browser;
use common::{adult_referral, days_ago, TestApp, Token};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

/// The case's version through the API, as `who` sees it.
async fn version(t: &TestApp, who: &Token, id: &str) -> u64 {
    let (status, case) = t.get(who, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    case["version"].as_u64().unwrap()
}

async fn refer(t: &TestApp, fr: &Token, age: &str, days: i64) -> String {
    let mut body = adult_referral();
    common::set_age(&mut body, age);
    body["referred_on"] = json!(days_ago(days));
    let (status, created) = t.refer(fr, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["case_id"].as_str().unwrap().to_string()
}

/// The referrer records, with the person's agreement, that they instructed `org`'s legal adviser.
pub(crate) async fn instruct(t: &TestApp, recorder: &Token, id: &str, org: &str) {
    let body = json!({"action": "instruct-legal-adviser", "organisation": org, "person_agreed": true});
    let (status, answer) = t.act(recorder, id, &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

fn date_fields(days: i64) -> [(&'static str, String); 3] {
    let d = time::OffsetDateTime::now_utc().date() - time::Duration::days(days);
    [
        ("date-day", d.day().to_string()),
        ("date-month", u8::from(d.month()).to_string()),
        ("date-year", d.year().to_string()),
    ]
}

#[tokio::test]
async fn support_is_entered_by_the_referrer_and_exited_by_the_provider() {
    let t = TestApp::start().await;
    let fr_api = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let la_api = t.api_user("Law Centre", Role::LegalAdviser, "la-api").await;
    let id = refer(&t, &fr_api, "adult", 3).await;
    let case = format!("/cases/{id}");
    let mut fr = Browser::with_code(&t, "Hope NGO", Role::FirstResponder, "fr").await;
    let mut sp = Browser::with_code(&t, "Safe House Trust", Role::SupportProvider, "sp").await;

    // The provider cannot see the person before support is arranged.
    let (status, _, _) = sp.get(&case).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, _, page) = fr.get(&case).await;
    assert!(page.contains(&format!("href=\"{case}/act/enter-support\"")), "{page}");
    assert!(!page.contains("/act/exit-support"), "not in support yet: no exit offered");
    assert!(!page.contains("/act/request-reconsideration"), "no negative decision to reconsider");
    let enter = format!("{case}/act/enter-support");
    let (status, _, form) = fr.get(&enter).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Record entry into support") && form.contains("name=\"version\" value=\"2\""), "{form}");

    // Bad input: the field is named, and nothing changes.
    let (status, path, html) = fr.post(&enter, &[("provider", ""), ("version", "2")]).await;
    assert_eq!((status, path.as_str()), (StatusCode::OK, enter.as_str()));
    assert!(html.contains("There is a problem") && html.contains("href=\"#provider\""), "{html}");
    assert!(html.contains("Enter the support provider"), "{html}");
    let (_, _, html) = fr.post(&enter, &[("provider", "Nobody Known"), ("version", "2")]).await;
    assert!(html.contains("No organisation has this name: check the spelling"), "{html}");
    let [d, m, y] = date_fields(-2);
    let future = [("provider", "Safe House Trust"), (d.0, d.1.as_str()), (m.0, m.1.as_str()), (y.0, y.1.as_str())];
    let (_, _, html) = fr.post(&enter, &future).await;
    assert!(html.contains("in the future") && html.contains("href=\"#date-day\""), "{html}");
    assert_eq!(version(&t, &fr_api, &id).await, 2, "a refused form changed the case");

    // A legal adviser the person did not instruct does not even see the case; once
    // instructed, it still may not arrange support: refused, and nothing changes.
    let mut la = Browser::with_code(&t, "Law Centre", Role::LegalAdviser, "la").await;
    assert_eq!(la.get(&case).await.0, StatusCode::NOT_FOUND);
    assert_eq!(la.get(&enter).await.0, StatusCode::NOT_FOUND);
    instruct(&t, &fr_api, &id, "Law Centre").await;
    la.get(&case).await;
    let (status, _, _) = la.get(&enter).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = la.post(&enter, &[("provider", "Safe House Trust")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(version(&t, &la_api, &id).await, 3);

    fr.get(&enter).await;
    let (_, path, page) = fr.post(&enter, &[("provider", "Safe House Trust"), ("version", "3")]).await;
    assert_eq!(path, case);
    assert!(page.contains("Entered support with Safe House Trust"), "{page}");
    assert!(page.contains("In support with</dt>"), "the case facts say who supports the person: {page}");

    // The provider now sees the person in their list and may record the exit.
    let (_, _, list) = sp.get("/cases").await;
    assert!(list.contains(&format!("href=\"{case}\"")), "{list}");
    let (_, _, page) = sp.get(&case).await;
    assert!(page.contains(&format!("href=\"{case}/act/exit-support\"")), "{page}");
    assert!(!page.contains("/act/enter-support"), "already in support");
    let exit = format!("{case}/act/exit-support");
    sp.get(&exit).await;
    let (_, _, html) = sp.post(&exit, &[("reason", "")]).await;
    assert!(html.contains("Choose why the person left support"), "{html}");
    let (_, path, _) = sp.post(&exit, &[("exit_reason", "chose-to-leave"), ("reason", "Moved to family.")]).await;
    // Support ended, and with it the provider's sight of the person: back to its (empty) list.
    assert_eq!(path, "/cases");
    assert_eq!(sp.get(&case).await.0, StatusCode::NOT_FOUND);
    let (_, _, page) = fr.get(&case).await;
    assert!(page.contains("Left support") && page.contains("Moved to family."), "{page}");

    // The form and the timeline in Welsh.
    let (_, _, cy) = fr.get(&format!("{enter}?lang=cy")).await;
    assert!(cy.contains("Cofnodi dechrau cymorth") && cy.contains("Darparwr cymorth"), "{cy}");
    let (_, _, cy) = fr.get(&format!("{case}?lang=cy")).await;
    assert!(
        cy.contains("Wedi dechrau cael cymorth gan Safe House Trust") && cy.contains("Wedi gadael cymorth"),
        "{cy}"
    );
}

#[tokio::test]
async fn a_legal_adviser_asks_for_reconsideration_and_the_decision_maker_decides_it() {
    let t = TestApp::start().await;
    let fr_api = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let dm_api = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm-api").await;
    let id = refer(&t, &fr_api, "adult", 20).await;
    let (status, _) = t.decide(&dm_api, &id, "decide-reasonable-grounds", "negative", 10).await;
    assert_eq!(status, StatusCode::OK);
    let case = format!("/cases/{id}");
    let mut la = Browser::with_code(&t, "Law Centre", Role::LegalAdviser, "la").await;
    instruct(&t, &fr_api, &id, "Law Centre").await;
    let (_, _, page) = la.get(&case).await;
    assert!(page.contains(&format!("href=\"{case}/act/request-reconsideration\"")), "{page}");
    let ask = format!("{case}/act/request-reconsideration");
    let (_, _, form) = la.get(&ask).await;
    // The window for this case, from the rules in force on the decision day, linked to the rule's
    // entry on the rules page (its source and history are there).
    // Dates are words on the pages (issue 20).
    let due = time::OffsetDateTime::now_utc().date() + time::Duration::days(20);
    let due = format!("{} {} {}", due.day(), due.month(), due.year());
    assert!(form.contains("within 30 calendar days") && form.contains(&format!("by {due}")), "{form}");
    assert!(form.contains("href=\"/rules?jurisdiction=england-wales#rule-reconsideration-window_days\""), "{form}");
    let (_, _, html) = la.post(&ask, &[]).await;
    assert!(html.contains("Choose the decision to be reconsidered") && html.contains("href=\"#question\""), "{html}");
    // The conclusive grounds decision was never made: the domain's refusal, against the field.
    let (_, _, html) = la.post(&ask, &[("question", "conclusive-grounds")]).await;
    assert!(html.contains("That decision has not been made yet"), "{html}");
    let (_, path, page) = la.post(&ask, &[("question", "reasonable-grounds"), ("version", "6")]).await;
    assert_eq!(path, case, "{page}");
    assert!(page.contains("Reconsideration of the reasonable grounds decision requested"), "{page}");

    // Only a decision maker decides it.
    let decide = format!("{case}/act/decide-reconsideration");
    let (status, _, _) = la.get(&decide).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut dm = Browser::with_code(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    let (_, _, page) = dm.get(&case).await;
    assert!(page.contains(&format!("href=\"{decide}\"")), "{page}");
    let (_, _, form) = dm.get(&decide).await;
    let v = version(&t, &dm_api, &id).await.to_string();
    assert!(form.contains(&format!("name=\"version\" value=\"{v}\"")));
    // A stale form: someone else changed the case since it was read.
    let (status, _, html) =
        dm.post(&decide, &[("outcome", "overturned"), ("reasons", "New evidence."), ("version", "4")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Someone changed this case after you opened this form"), "{html}");
    assert!(html.contains("New evidence."), "what was typed comes back: {html}");
    assert!(html.contains(&format!("name=\"version\" value=\"{v}\"")), "with the case's current version");
    let (_, path, page) =
        dm.post(&decide, &[("outcome", "overturned"), ("reasons", "New evidence."), ("version", &v)]).await;
    assert_eq!(path, case);
    assert!(page.contains("decision: decision overturned") && page.contains("Recovery period started"), "{page}");
}

#[tokio::test]
async fn permission_to_stay_is_applied_for_and_decided_after_a_positive_conclusive_decision() {
    let t = TestApp::start().await;
    let fr_api = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let dm_api = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm-api").await;
    let id = refer(&t, &fr_api, "adult", 40).await;
    let case = format!("/cases/{id}");
    let mut la = Browser::with_code(&t, "Law Centre", Role::LegalAdviser, "la").await;
    // Instructed on the day of the referral, before the decisions recorded below.
    let body = json!({"action": "instruct-legal-adviser", "organisation": "Law Centre", "person_agreed": true,
                      "date": days_ago(40)});
    assert_eq!(t.act(&fr_api, &id, &body).await.0, StatusCode::OK);
    let apply = format!("{case}/act/apply-for-permission-to-stay");
    // Before the conclusive decision the form says the case does not allow it, and the server
    // refuses it against the field.
    let (status, _, form) = la.get(&apply).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("id=\"not-now\""), "{form}");
    let (_, _, html) = la.post(&apply, &[]).await;
    assert!(
        html.contains("needs a positive conclusive grounds decision") && html.contains("href=\"#date-day\""),
        "{html}"
    );

    assert_eq!(t.decide(&dm_api, &id, "decide-reasonable-grounds", "positive", 35).await.0, StatusCode::OK);
    assert_eq!(t.decide(&dm_api, &id, "decide-conclusive-grounds", "positive", 0).await.0, StatusCode::OK);
    let (_, _, page) = la.get(&case).await;
    assert!(page.contains(&format!("href=\"{apply}\"")), "{page}");
    let (_, _, form) = la.get(&apply).await;
    assert!(!form.contains("id=\"not-now\""));
    assert!(form.contains("Temporary permission to stay must be granted"), "the rule in force: {form}");
    let (_, path, page) = la.post(&apply, &[]).await;
    assert_eq!(path, case);
    assert!(page.contains("Applied for temporary permission to stay"), "{page}");

    let mut dm = Browser::with_code(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    let decide = format!("{case}/act/decide-permission-to-stay");
    dm.get(&decide).await;
    let (_, _, html) = dm.post(&decide, &[]).await;
    assert!(html.contains("Choose whether permission is granted or refused"), "{html}");
    let (_, path, page) = dm.post(&decide, &[("decision", "granted")]).await;
    assert_eq!(path, case);
    assert!(page.contains("Temporary permission to stay granted"), "{page}");
    let today = time::OffsetDateTime::now_utc().date();
    assert!(page.contains(&format!("Granted on {today}")), "{page}");
}

#[tokio::test]
async fn a_guardian_is_assigned_to_a_child_and_then_sees_the_case() {
    let t = TestApp::start().await;
    let fr_api = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let child = refer(&t, &fr_api, "child", 1).await;
    let adult = refer(&t, &fr_api, "adult", 1).await;
    let mut guardian = Browser::with_code(&t, "Guardian Service", Role::Guardian, "gd").await;
    let (status, _, _) = guardian.get(&format!("/cases/{child}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let mut dm = Browser::with_code(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    // An adult's case has no guardian: not offered, and refused by the domain if sent.
    let (_, _, page) = dm.get(&format!("/cases/{adult}")).await;
    assert!(!page.contains("/act/assign-guardian"), "{page}");
    let (_, _, html) =
        dm.post(&format!("/cases/{adult}/act/assign-guardian"), &[("guardian", "Guardian Service")]).await;
    assert!(html.contains("only a child") || html.contains("Only a child"), "{html}");

    let assign = format!("/cases/{child}/act/assign-guardian");
    let (_, _, page) = dm.get(&format!("/cases/{child}")).await;
    assert!(page.contains(&format!("href=\"{assign}\"")), "{page}");
    let (_, path, page) = dm.post(&assign, &[("guardian", "Guardian Service")]).await;
    assert_eq!(path, format!("/cases/{child}"));
    assert!(page.contains("Independent child trafficking guardian assigned: Guardian Service"), "{page}");
    // A child's referral does not rest on consent: no withdrawal is offered.
    assert!(!page.contains("/act/withdraw"));

    let (_, _, list) = guardian.get("/cases").await;
    assert!(list.contains(&format!("href=\"/cases/{child}\"")) && !list.contains(&adult), "{list}");
    let (status, _, page) = guardian.get(&format!("/cases/{child}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Guardian Service"), "{page}");
}

#[tokio::test]
async fn an_adult_withdraws_and_a_case_is_re_routed() {
    let t = TestApp::start().await;
    let fr_api = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let withdrawing = refer(&t, &fr_api, "adult", 2).await;
    let rerouted = refer(&t, &fr_api, "adult", 2).await;
    let mut la = Browser::with_code(&t, "Law Centre", Role::LegalAdviser, "la").await;
    instruct(&t, &fr_api, &withdrawing, "Law Centre").await;
    let withdraw = format!("/cases/{withdrawing}/act/withdraw");
    la.get(&withdraw).await;
    let (_, path, page) = la.post(&withdraw, &[("reason", "Wants to go home.")]).await;
    assert_eq!(path, format!("/cases/{withdrawing}"));
    assert!(page.contains("Withdrawn from the NRM"), "{page}");
    assert!(!page.contains("/act/"), "nothing more can be done on a withdrawn case: {page}");

    let mut dm = Browser::with_code(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    let route = format!("/cases/{rerouted}/act/route");
    let (_, _, page) = dm.get(&format!("/cases/{rerouted}")).await;
    assert!(page.contains(&format!("href=\"{route}\"")), "{page}");
    let (_, _, html) = dm.post(&route, &[("reason", "Foreign national offender.")]).await;
    assert!(html.contains("Choose the competent authority"), "{html}");
    let (_, path, _html) = dm.post(&route, &[("authority", "ieca"), ("reason", "Foreign national offender.")]).await;
    assert_eq!(path, "/cases", "the case has left this authority's queue: {_html}");
    let (status, _, _) = dm.get(&format!("/cases/{rerouted}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, case) = t.get(&fr_api, &format!("/api/v1/cases/{rerouted}")).await;
    assert_eq!(case["competent_authority"], "ieca");
}
