//! Who temporary permission to stay is for (issue 18's finding): not a British national (NABA
//! s65 is for a person who is not a British citizen). The refusal changes nothing.

use crate::common;

use common::{adult_referral, days_ago, error_code, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

#[tokio::test]
async fn a_british_national_cannot_apply_for_permission_to_stay() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let apply = json!({"action": "apply-for-permission-to-stay"});
    let mut ids = vec![];
    for nationalities in [json!(["GB"]), json!(["AL", "GB"]), json!(["AL"])] {
        let mut body = adult_referral();
        body["nationalities"] = nationalities;
        body["referred_on"] = json!(days_ago(60));
        let (_, created) = t.refer(&fr, &body, None).await;
        let id = created["case_id"].as_str().unwrap().to_string();
        assert_eq!(t.decide(&dm, &id, "decide-reasonable-grounds", "positive", 50).await.0, StatusCode::OK);
        assert_eq!(t.decide(&dm, &id, "decide-conclusive-grounds", "positive", 0).await.0, StatusCode::OK);
        ids.push(id);
    }
    for id in &ids[..2] {
        let (status, err) = t.act(&fr, id, &apply).await;
        assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "not_yet.british_national_no_stay"), "{err}");
    }
    let (status, case) = t.act(&fr, &ids[2], &apply).await;
    assert_eq!(status, StatusCode::OK, "an Albanian national may: {case}");
}
