//! A new user's sign-in code (issue 20): it works until they have chosen a password, so signing
//! out (or the session ending) before choosing one does not burn it; choosing one spends it.

use crate::common;

use common::browser::{Browser, PASSWORD};
use common::TestApp;
use sg_domain::Role;

#[tokio::test]
async fn a_new_users_code_works_until_they_choose_a_password() {
    let t = TestApp::start().await;
    let code = t.page_user("Hope NGO", Role::FirstResponder, "fr-new").await;
    let mut b = Browser::new(&t);
    let (_, path, _) = b.post("/sign-in/code", &[("code", &code)]).await;
    assert_eq!(path, "/account/password");
    // They sign out before choosing a password: the code still opens the password page.
    let (_, path, _) = b.post("/sign-out", &[]).await;
    assert_eq!(path, "/sign-in");
    let (_, path, html) = b.post("/sign-in/code", &[("code", &code)]).await;
    assert_eq!(path, "/account/password", "signing out burned the code: {html}");
    // Or the session ends while they think of one; the password sent then is not kept.
    t.advance_minutes(31);
    let (_, path, _) = b.post("/account/password", &[("password", PASSWORD), ("confirmation", PASSWORD)]).await;
    assert_eq!(path, "/sign-in");
    assert!(crate::session_end::kept_rows(&t).await.is_empty(), "a password was kept");
    let (_, path, _) = b.post("/sign-in/code", &[("code", &code)]).await;
    assert_eq!(path, "/account/password");
    // Choosing a password spends it.
    let (_, path, _) = b.post("/account/password", &[("password", PASSWORD), ("confirmation", PASSWORD)]).await;
    assert_eq!(path, "/account/two-factor");
    let mut other = Browser::new(&t);
    let (_, path, html) = other.post("/sign-in/code", &[("code", &code)]).await;
    assert!(path == "/sign-in/code" && html.contains("not valid"), "a spent code worked: {path}");
}

#[tokio::test]
async fn an_unused_code_still_expires() {
    let t = TestApp::start().await;
    let code = t.page_user("Hope NGO", Role::FirstResponder, "fr-slow").await;
    let mut b = Browser::new(&t);
    let (_, path, _) = b.post("/sign-in/code", &[("code", &code)]).await;
    assert_eq!(path, "/account/password");
    b.post("/sign-out", &[]).await;
    t.advance_minutes(sg_app::auth::SIGN_IN_CODE_LIFETIME.whole_minutes() + 1);
    let (_, _, html) = b.post("/sign-in/code", &[("code", &code)]).await;
    assert!(html.contains("not valid"), "an expired code worked");
}
