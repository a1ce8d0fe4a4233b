//! A referral as JSON (`POST /api/v1/referrals`): decoded, then validated as a first responder
//! would submit it. It may be refused with a field and a message, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sg_domain::{OrgId, Role, UserId};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = sg_app::referrals::parse_referral_json(data) else { return };
    let user = sg_store::User {
        id: UserId::from_uuid(uuid::Uuid::nil()),
        org: OrgId::from_uuid(uuid::Uuid::nil()),
        org_name: "Fuzz NGO".into(),
        org_kind: sg_store::OrgKind::Ngo,
        name: "fuzz".into(),
        role: Role::FirstResponder,
        has_second_factor: false,
        disabled: false,
        org_competent_authority: None,
    };
    let today = time::Date::from_calendar_date(2026, time::Month::November, 22).unwrap();
    if let Err(e) = input.validate(&user, today) {
        assert!(!e.field.is_empty());
    }
});
