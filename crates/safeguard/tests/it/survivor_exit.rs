//! Leaving the survivor's own view (issue 20): every survivor page has a quick exit to a
//! neutral site, which also ends the session; signing out ends it and says how to get back in.
//! Either way the old cookie no longer opens the view.

use crate::common;

use common::{adult_referral, TestApp};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

const NEUTRAL_SITE: &str = "https://www.bbc.co.uk/weather";

/// A survivor signed in: their browser (redirects not followed) and their session cookie.
struct Survivor {
    browser: reqwest::Client,
    cookie: String,
}

async fn signed_in(t: &TestApp) -> Survivor {
    let caseworker = t.api_user("Hope NGO", Role::FirstResponder, "caseworker").await;
    let (_, created) = t.refer(&caseworker, &adult_referral(), None).await;
    let case = created["case_id"].as_str().unwrap();
    let r = t
        .client
        .post(t.url(&format!("/api/v1/cases/{case}/survivor-code")))
        .bearer_auth(&caseworker.0)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let code = r.json::<serde_json::Value>().await.unwrap()["code"].as_str().unwrap().to_string();
    let browser =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = common::post_presession(&browser, &t.url("/survivor"), &[("code", code.as_str())]).await;
    assert_eq!(r.headers()[LOCATION], "/survivor/view");
    let cookie = r.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    Survivor { browser, cookie }
}

/// What the old cookie alone gets at `/survivor/view`: the status and where it is sent.
async fn with_old_cookie(t: &TestApp, cookie: &str) -> (StatusCode, String) {
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = plain.get(t.url("/survivor/view")).header(COOKIE, cookie).send().await.unwrap();
    let to = r.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (r.status(), to)
}

fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn every_survivor_page_has_the_quick_exit_and_the_view_has_sign_out() {
    let t = TestApp::start().await;
    let code_page = t.client.get(t.url("/survivor")).send().await.unwrap().text().await.unwrap();
    assert!(code_page.contains("href=\"/survivor/exit\""), "no quick exit on the code page");
    assert!(code_page.contains("Exit this page"), "{code_page}");
    let s = signed_in(&t).await;
    let r = s.browser.get(t.url("/survivor/view")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let view = r.text().await.unwrap();
    assert!(view.contains("href=\"/survivor/exit\""), "no quick exit on the signed-in view");
    assert!(view.contains("action=\"/survivor/sign-out\""), "no sign-out on the signed-in view");
    // In the person's language too.
    let r = s.browser.get(t.url("/survivor/view?lang=cy")).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("Gadael y dudalen hon"));
}

#[tokio::test]
async fn the_quick_exit_ends_the_session_and_leaves_for_a_neutral_site() {
    let t = TestApp::start().await;
    let s = signed_in(&t).await;
    assert_eq!(with_old_cookie(&t, &s.cookie).await.0, StatusCode::OK, "the session should work before the exit");
    let r = s.browser.get(t.url("/survivor/exit")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], NEUTRAL_SITE);
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    assert!(r.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"), "the cookie is not cleared");
    // The old cookie, kept by whoever holds the phone, no longer opens the view.
    assert_eq!(with_old_cookie(&t, &s.cookie).await, (StatusCode::SEE_OTHER, "/survivor".to_string()));
    // Without a session the exit still leaves.
    let r = s.browser.get(t.url("/survivor/exit")).send().await.unwrap();
    assert_eq!((r.status(), r.headers()[LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, NEUTRAL_SITE));
}

#[tokio::test]
async fn signing_out_ends_the_session_and_says_how_to_get_back_in() {
    let t = TestApp::start().await;
    let s = signed_in(&t).await;
    let view = s.browser.get(t.url("/survivor/view?lang=cy")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&view);
    // A form without the page's token is refused and ends nothing.
    let r = s.browser.post(t.url("/survivor/sign-out")).form(&[("csrf", "forged")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(with_old_cookie(&t, &s.cookie).await.0, StatusCode::OK);
    let r = s.browser.post(t.url("/survivor/sign-out")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"), "the cookie is not cleared");
    let page = r.text().await.unwrap();
    // In the language the person chose, with the way back in and the quick exit.
    assert!(page.contains("Rydych wedi allgofnodi"), "{page}");
    assert!(page.contains("yr un cod"), "{page}");
    assert!(page.contains("href=\"/survivor/exit\""));
    assert_eq!(with_old_cookie(&t, &s.cookie).await, (StatusCode::SEE_OTHER, "/survivor".to_string()));
}
