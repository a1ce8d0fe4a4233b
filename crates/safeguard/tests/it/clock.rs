//! Time comes from the application's clock only: pages and the store read no wall clock of
//! their own (issue 14), so a server whose clock says otherwise is believed everywhere.

use crate::common;

use common::browser::Browser;
use common::TestApp;
use sg_domain::Role;

/// Sets the server's clock back `days` days (sessions made before stay fresh).
fn set_back(t: &TestApp, days: i64) -> time::OffsetDateTime {
    t.advance_days(-days);
    sg_app::Clock::now(t.clock.as_ref())
}

#[tokio::test]
async fn the_decision_form_s_date_is_the_clock_s_today() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let mut body = common::adult_referral();
    body["referred_on"] = serde_json::json!(common::days_ago(40));
    let (_, created) = t.refer(&fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap().to_string();
    let mut dm = Browser::with_code(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;

    let today = set_back(&t, 10).date();
    let (_, _, form) = dm.get(&format!("/cases/{id}/decide/reasonable-grounds")).await;
    for (part, value) in [
        ("day", today.day().to_string()),
        ("month", u8::from(today.month()).to_string()),
        ("year", today.year().to_string()),
    ] {
        let input = format!("name=\"date-{part}\" type=\"text\" inputmode=\"numeric\" value=\"{value}\"");
        assert!(form.contains(&input), "the clock's {part}, not the wall's: {form}");
    }
}
