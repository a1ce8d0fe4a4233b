//! The referral journey's forms (`POST /referrals/new/{step}`): any body is decoded step by
//! step into the draft and then into a referral, or refused field by field, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sg_web::decode_referral_form(data);
});
