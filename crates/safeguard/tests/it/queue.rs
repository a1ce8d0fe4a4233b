//! The decision makers' queue over HTTP: `/cases` for a decision maker lists the most urgent
//! case first, names each deadline and warns before a breach; `GET /api/v1/cases?sort=deadline`
//! gives the same order and refuses an unknown order naming `sort`.

use crate::common;

use common::{adult_referral, days_ago, TestApp, Token};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::{Jurisdiction, Role};
use time::Date;

/// The day of the most recent referral whose reasonable-grounds target draws a warning today
/// (due today or within `WARN_WORKING_DAYS` working days), and that target.
fn referral_day_with_a_warning(today: Date) -> (Date, Date) {
    let rules = sg_rules::official(Jurisdiction::EnglandWales).unwrap();
    (0..15)
        .map(|n| today - time::Duration::days(n))
        .find_map(|day| {
            let due = sg_rules::deadline(rules, Jurisdiction::EnglandWales, sg_rules::DeadlineKind::RgDecision, day)
                .unwrap()
                .due_on;
            let urgent = matches!(
                sg_app::queue::urgency(Jurisdiction::EnglandWales, due, today),
                sg_app::queue::Urgency::DueToday | sg_app::queue::Urgency::DueSoon(_)
            );
            urgent.then_some((day, due))
        })
        .expect("some day in the last fortnight has its target within two working days")
}

/// Refers an adult on `day`; returns the case id and reference.
async fn refer_on(t: &TestApp, fr: &Token, day: &str) -> (String, String) {
    let mut body = adult_referral();
    body["referred_on"] = json!(day);
    let (status, created) = t.refer(fr, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (created["case_id"].as_str().unwrap().to_string(), created["reference"].as_str().unwrap().to_string())
}

struct Queue {
    /// Referred today: its target is five working days away, no warning.
    later: (String, String),
    /// Referred recently enough that its target is today or within two working days.
    soon: (String, String),
    soon_due: Date,
    /// Referred 30 days ago, no decision: overdue.
    overdue: (String, String),
    /// Positive RG 50 days ago: the recovery period ended 20 days ago.
    recovery: (String, String),
    /// Negative RG: no open deadline.
    closed: (String, String),
}

async fn queue(t: &TestApp, fr: &Token, dm: &Token) -> Queue {
    let today = t.app.clock.today();
    let (soon_day, soon_due) = referral_day_with_a_warning(today);
    let q = Queue {
        closed: refer_on(t, fr, &days_ago(20)).await,
        later: refer_on(t, fr, &days_ago(0)).await,
        overdue: refer_on(t, fr, &days_ago(30)).await,
        recovery: refer_on(t, fr, &days_ago(60)).await,
        soon: refer_on(t, fr, &soon_day.to_string()).await,
        soon_due,
    };
    let (status, body) = t.decide(dm, &q.closed.0, "decide-reasonable-grounds", "negative", 10).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = t.decide(dm, &q.recovery.0, "decide-reasonable-grounds", "positive", 50).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    q
}

#[tokio::test]
async fn the_api_sorts_by_deadline_and_names_a_bad_sort() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let q = queue(&t, &fr, &dm).await;

    let (status, page) = t.get(&dm, "/api/v1/cases?sort=deadline").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let ids: Vec<&str> = page["cases"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    // Overdue by 20 days (recovery period) and by 23 or so (RG target referred 30 days ago)
    // come first, the soonest first; the negative decision, with no open deadline, last.
    let (first, second) = if page["cases"][0]["next_due"]["kind"] == "recovery-period-end" {
        (&q.recovery.0, &q.overdue.0)
    } else {
        (&q.overdue.0, &q.recovery.0)
    };
    assert_eq!(ids, [first.as_str(), second, &q.soon.0, &q.later.0, &q.closed.0], "{page}");
    let case = |id: &str| page["cases"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
    assert_eq!(case(&q.soon.0)["next_due"], json!({"on": q.soon_due.to_string(), "kind": "rg-decision"}));
    assert_eq!(case(&q.recovery.0)["next_due"]["kind"], "recovery-period-end");
    assert_eq!(case(&q.closed.0)["next_due"], Value::Null);

    // The default is still newest referral first.
    let (_, page) = t.get(&dm, "/api/v1/cases").await;
    assert_eq!(page["cases"][0]["id"], q.later.0.as_str());

    let (status, err) = t.get(&dm, "/api/v1/cases?sort=urgent").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["field"], "sort", "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("newest, deadline"), "{err}");
}

/// Signs a decision maker in through the pages (one-time code, password, authenticator).
async fn decision_maker_browser(t: &TestApp) -> reqwest::Client {
    let code = t.page_user("SCA", Role::DecisionMaker, "dm-pages").await;
    let b = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let csrf = |html: &str| html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    // The sign-in forms come before any session, so they carry no session token.
    let r = common::post_presession(&b, &t.url("/sign-in/code"), &[("code", code.as_str())]).await;
    let html = r.text().await.unwrap();
    let pw = "correct horse battery staple";
    let form = [("password", pw), ("confirmation", pw), ("csrf", &csrf(&html))];
    let html = b.post(t.url("/account/password")).form(&form).send().await.unwrap().text().await.unwrap();
    let secret = common::enrolment_secret(&html);
    let totp = common::current_totp_code(t, &secret);
    let form = [("secret", secret.as_str()), ("code", &totp), ("csrf", &csrf(&html))];
    let r = b.post(t.url("/account/two-factor")).form(&form).send().await.unwrap();
    assert_eq!(r.url().path(), "/cases");
    b
}

#[tokio::test]
async fn a_decision_makers_list_is_their_queue_most_urgent_first_with_warnings() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let q = queue(&t, &fr, &dm).await;
    let browser = decision_maker_browser(&t).await;
    let today = t.app.clock.today();

    // By default the queue holds open cases only (issue 20); "All" lists the closed one too.
    let html = browser.get(t.url("/cases")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains(q.closed.1.as_str()), "a closed case in the default queue");
    let html = browser.get(t.url("/cases?status=all")).send().await.unwrap().text().await.unwrap();
    let at = |reference: &str| html.find(reference).unwrap_or_else(|| panic!("{reference} not listed"));
    let overdue_first = at(&q.overdue.1).min(at(&q.recovery.1));
    assert!(overdue_first < at(&q.soon.1) && at(&q.soon.1) < at(&q.later.1) && at(&q.later.1) < at(&q.closed.1));
    // The sort control says what the list is sorted by, and works as a plain GET form.
    assert!(html.contains(r#"<option value="deadline" selected>Soonest deadline first</option>"#), "{html}");
    // Each deadline is named, with its warning in words.
    assert!(html.contains("Reasonable grounds decision") && html.contains("Recovery period ends"));
    // The recovery period's end (20 days ago) is a date, not a missed deadline (issue 20).
    let row_of = |reference: &str| {
        let rest = &html[at(reference)..];
        rest[..rest.find("</tr>").unwrap()].to_string()
    };
    assert!(!row_of(&q.recovery.1).contains("Overdue"), "{}", row_of(&q.recovery.1));
    assert!(row_of(&q.overdue.1).contains("Overdue by"), "{}", row_of(&q.overdue.1));
    let warning = match sg_app::queue::urgency(Jurisdiction::EnglandWales, q.soon_due, today) {
        sg_app::queue::Urgency::DueToday => "Due today".to_string(),
        sg_app::queue::Urgency::DueSoon(1) => "Due in 1 working day".to_string(),
        sg_app::queue::Urgency::DueSoon(n) => format!("Due in {n} working days"),
        other => panic!("{other:?}"),
    };
    let soon_row = &html[at(&q.soon.1)..at(&q.later.1)];
    assert!(soon_row.contains(&warning), "{soon_row}");
    assert!(soon_row.contains("govuk-tag"), "the warning is a tag with its words");
    let later_row = &html[at(&q.later.1)..at(&q.closed.1)];
    assert!(!later_row.contains("govuk-tag"), "no warning five working days ahead: {later_row}");
    assert!(html[at(&q.closed.1)..].contains("No open deadline"), "said in words, not only with a dash");

    // Choosing newest first lists the newest referral first.
    let html = browser.get(t.url("/cases?status=all&sort=newest")).send().await.unwrap().text().await.unwrap();
    let first = html.find(&q.later.1).unwrap();
    assert!([&q.soon.1, &q.overdue.1, &q.recovery.1, &q.closed.1]
        .iter()
        .all(|r| html.find(r.as_str()).unwrap() > first));
}
