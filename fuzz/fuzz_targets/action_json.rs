//! A case action and a consent as JSON (`POST /api/v1/cases/{id}/actions`, `.../consents`):
//! decoded into commands, or refused with a field and a message, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(action) = sg_app::actions::parse_json::<sg_app::actions::ActionRequest>(data) {
        let _ = action.request_facts();
        let _ = action.into_command();
    }
    let _ = sg_app::actions::parse_json::<sg_app::consents::ConsentInput>(data);
    let _ = sg_app::actions::parse_json::<sg_app::conversion::ConversionInput>(data);
});
