//! Saved referral drafts (the author's own, sealed, listed without personal data, gone when
//! sent or expired) and the context for inconsistencies in an account (shown with the account,
//! refused with it, checked by the API).

use crate::common;

use common::browser::{Browser, PASSWORD};
use common::{adult_referral, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;

/// The continue links of the drafts list, in order.
fn continue_links(html: &str) -> Vec<String> {
    html.split("href=\"/referrals/drafts/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|s| !s.ends_with("/delete"))
        .map(|s| format!("/referrals/drafts/{s}"))
        .collect()
}

/// Starts a referral and answers up to the person page, then saves it for later there.
async fn save_one_for_later(b: &mut Browser, name: &str) -> String {
    b.get("/referrals/new").await;
    b.post("/referrals/new/about", &[("jurisdiction", "england-wales"), ("age", "adult"), ("age_then", "adult")]).await;
    b.post("/referrals/new/consent", &[("consent", "yes")]).await;
    b.post("/referrals/new/person", &[("gender", "female"), ("nationality", "AL")]).await;
    b.post("/referrals/new/exploitation", &[("forms", "wages-taken"), ("location", "uk")]).await;
    // Half the identity page typed, then "Save and come back later": kept though unfinished.
    let (status, path, html) =
        b.post("/referrals/new/identity", &[("full_name", name), ("dob-day", "31"), ("later", "yes")]).await;
    assert_eq!((status, path.as_str()), (StatusCode::OK, "/referrals/drafts"), "{html}");
    assert!(html.contains("govuk-notification-banner--success") && html.contains("saved. You can come back"), "{html}");
    html
}

#[tokio::test]
async fn a_saved_referral_is_continued_in_a_later_session_and_gone_once_sent() {
    let t = TestApp::start().await;
    let mut b = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "sam").await;
    let list = save_one_for_later(&mut b, "Draft Person").await;
    // The list names no one: a draft reference and the step reached.
    assert!(!list.contains("Draft Person") && list.contains("D-"), "{list}");
    assert!(list.contains("Who the potential victim is") || list.contains("<td class=\"govuk-table__cell\""));

    // A second referral started does not lose the first; one left unanswered is not repeated.
    b.get("/referrals/new").await;
    b.get("/referrals/new").await;
    b.post("/referrals/new/about", &[("jurisdiction", "scotland"), ("age", "child"), ("later", "yes")]).await;
    b.post("/sign-out", &[]).await;

    let mut b = Browser::with_password(&t, "sam").await;
    let (_, _, list) = b.get("/referrals/drafts").await;
    let links = continue_links(&list);
    assert_eq!(links.len(), 2, "{list}");
    // Each continues where it stopped: the Scottish child's at "about", the first at "identity".
    let mut reached = vec![];
    for link in &links {
        reached.push(b.get(link).await.1);
    }
    reached.sort();
    assert_eq!(reached, ["/referrals/new/about", "/referrals/new/identity"]);
    let (first, other) = match b.get(&links[0]).await.1.as_str() {
        "/referrals/new/identity" => (links[0].clone(), links[1].clone()),
        _ => (links[1].clone(), links[0].clone()),
    };
    let (_, path, html) = b.get(&first).await;
    assert_eq!(path, "/referrals/new/identity", "continues where it stopped");
    assert!(html.contains("value=\"Draft Person\"") && html.contains("value=\"31\""), "answers kept: {html}");
    b.post("/referrals/new/identity", &[("full_name", "Draft Person"), ("account", "Kept in a flat.")]).await;
    let (_, path, _) = b
        .post("/referrals/new/context", &[("context_factors", "fear-of-traffickers"), ("context_notes", "Afraid.")])
        .await;
    assert_eq!(path, "/referrals/new/check");
    let (_, _, check) = b.get("/referrals/new/check").await;
    assert!(check.contains("Context for their account") && check.contains("Fear for their safety"), "{check}");
    let (_, path, _) = b.post("/referrals/new/check", &[]).await;
    assert!(path.starts_with("/referrals/sent/"), "{path}");
    assert_eq!(t.case_count().await, 1);

    // Sent: its draft is gone; the other stays.
    let (_, _, list) = b.get("/referrals/drafts").await;
    assert_eq!(continue_links(&list), vec![other], "{list}");
    let (status, _, _) = b.get(&first).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_draft_opens_for_its_author_only_and_can_be_deleted() {
    let t = TestApp::start().await;
    let mut author = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "author").await;
    let list = save_one_for_later(&mut author, "Private Person").await;
    let link = continue_links(&list).remove(0);

    // A colleague in the same organisation, and a police first responder: not found, unchanged.
    for (org, role, name) in [("Hope NGO", Role::FirstResponder, "colleague"), ("City Police", Role::Police, "pc")] {
        let mut other = Browser::sign_up(&t, org, role, name).await;
        let (_, _, own) = other.get("/referrals/drafts").await;
        // (Not "D-": a random form token on the page can hold it.)
        assert!(continue_links(&own).is_empty() && !own.contains("Private Person"), "{own}");
        for path in [link.clone(), format!("{link}/delete")] {
            let (status, _, html) = other.get(&path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path} as {name}");
            assert!(!html.contains("Private Person"));
        }
        let (status, _, _) = other.post(&format!("{link}/delete"), &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // A role that cannot refer is refused outright.
    let monitor_code = t.page_user("Monitoring Group", Role::Monitor, "mon").await;
    let mut monitor = Browser::new(&t);
    monitor.post("/sign-in/code", &[("code", &monitor_code)]).await;
    monitor.post("/account/password", &[("password", PASSWORD), ("confirmation", PASSWORD)]).await;
    assert_eq!(monitor.get("/referrals/drafts").await.0, StatusCode::FORBIDDEN);

    // The author deletes it, after a confirmation.
    let (status, _, confirm) = author.get(&format!("{link}/delete")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("Yes, delete it") && !confirm.contains("Private Person"), "{confirm}");
    let (_, path, list) = author.post(&format!("{link}/delete"), &[]).await;
    assert_eq!(path, "/referrals/drafts");
    assert!(list.contains("Saved referral deleted") && list.contains("You have no saved referrals"), "{list}");
    assert_eq!(author.get(&link).await.0, StatusCode::NOT_FOUND);

    // Audited: saved, refused, deleted; no personal data in the log.
    let entries = t.store.audit_page(0, 1000).await.unwrap();
    let actions: Vec<(String, String)> =
        entries.iter().map(|e| (e.record.action.to_string(), e.record.outcome.to_string())).collect();
    for wanted in [("draft-saved", "allowed"), ("draft-opened", "refused"), ("draft-deleted", "allowed")] {
        assert!(actions.contains(&(wanted.0.into(), wanted.1.into())), "{wanted:?} not audited: {actions:?}");
    }
    assert!(entries.iter().all(|e| !e.record.detail.contains("Private")));
}

#[tokio::test]
async fn drafts_expire_after_the_retention_period() {
    let t = TestApp::start().await;
    let mut b = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "sam").await;
    let list = save_one_for_later(&mut b, "Old Draft").await;
    let link = continue_links(&list).remove(0);
    let user = t.store.user_by_name("sam").await.unwrap().unwrap().0;

    t.advance_days(sg_app::drafts::DRAFT_RETENTION_DAYS + 1);
    let mut b = Browser::with_password(&t, "sam").await;
    let (_, _, list) = b.get("/referrals/drafts").await;
    assert!(list.contains("You have no saved referrals"), "an expired draft was listed: {list}");
    assert_eq!(b.get(&link).await.0, StatusCode::NOT_FOUND);
    // Still stored until the retention policy runs; then gone.
    let epoch = time::OffsetDateTime::UNIX_EPOCH;
    assert_eq!(t.store.referral_drafts(user.id, epoch).await.unwrap().len(), 1);
    t.app.apply_retention(7, false).await.unwrap();
    assert!(t.store.referral_drafts(user.id, epoch).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_context_is_part_of_the_account_and_the_api_checks_it() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let police = t.api_user("City Police", Role::Police, "pc").await;

    let mut body = adult_referral();
    body["account_context"] = json!({"factors": ["credible"], "notes": "x"});
    let (status, err) = t.refer(&fr, &body, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["error"]["field"].as_str().unwrap().starts_with("account_context.factors"), "{err}");
    body["account_context"] = json!({"factors": ["trauma"], "credible": false});
    assert_eq!(t.refer(&fr, &body, None).await.0, StatusCode::UNPROCESSABLE_ENTITY, "no credibility flag");
    assert_eq!(t.case_count().await, 0);

    body["account_context"] = json!({"factors": ["trauma", "debt-or-control"], "notes": "Disclosed more later."});
    let (status, created) = t.refer(&fr, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let case = created["case_id"].as_str().unwrap();
    let identity = format!("/api/v1/cases/{case}/identity");

    let (_, person) = t.get(&fr, &identity).await;
    assert_eq!(person["account_context"]["factors"], json!(["trauma", "debt-or-control"]));
    assert_eq!(person["account_context"]["notes"], "Disclosed more later.");

    // The police: refused without consent; with a consent naming identity only, no context.
    let (status, refused) = t.get(&police, &identity).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!refused.to_string().contains("Disclosed"), "{refused}");
    let consent = |categories: &[&str]| {
        json!({"purpose": "share-with-police", "recipient_org": "City Police", "categories": categories,
               "expires_on": common::days_ago(-30)})
    };
    let r = t.client.post(t.url(&format!("/api/v1/cases/{case}/consents"))).bearer_auth(&fr.0);
    let made = r.json(&consent(&["identity"])).send().await.unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    // A colleague countersigns: a consent to the police takes effect only then.
    let consent_id = made.json::<Value>().await.unwrap()["consent_id"].as_str().unwrap().to_string();
    let colleague = t.api_user("Hope NGO", Role::FirstResponder, "fr-colleague").await;
    let r = t
        .client
        .post(t.url(&format!("/api/v1/cases/{case}/consents/{consent_id}/countersign")))
        .bearer_auth(&colleague.0)
        .json(&json!({"language": "English", "interpreter": "none"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (status, person) = t.get(&police, &identity).await;
    assert_eq!(status, StatusCode::OK);
    assert!(person.get("account_context").is_none() && !person.to_string().contains("Disclosed"), "{person}");
    // Never a statistic: the monitoring tables know nothing of it.
    let tables = t.store.case_tables().await.unwrap();
    assert!(!format!("{tables:?}").contains("trauma"));
}
