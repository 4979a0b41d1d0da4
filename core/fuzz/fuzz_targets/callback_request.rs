//! Arbitrary bytes as the request head a browser (or anything else on the machine) sends to
//! the sign-in listener, through the very function `CallbackListener::receive` uses.
//!
//! Besides "never panics", it checks what an accepted answer must look like, and that only a
//! request carrying this flow's exact `state`, once, is ever taken as the flow's answer.
#![no_main]

use herald_core::oauth::listener::{interpret_request, Interpretation, MAX_CODE_BYTES, MAX_REQUEST_BYTES};
use herald_core::Error;
use libfuzzer_sys::fuzz_target;

/// The state the seed corpus's callbacks carry.
const STATE: &str = "fuzz-state-7Hq";

fuzz_target!(|head: &[u8]| {
    match interpret_request(head, STATE) {
        Interpretation::Ignore(status) => {
            assert!(matches!(status, 400 | 403 | 404 | 405 | 414 | 431), "unexpected status {status}");
        }
        Interpretation::Callback(Ok(callback)) => {
            assert!(head.len() <= MAX_REQUEST_BYTES);
            assert!(head.starts_with(b"GET /callback"), "accepted a request that is not GET /callback");
            let code = callback.code.expose();
            assert!(!code.is_empty() && code.len() <= MAX_CODE_BYTES, "code of {} bytes", code.len());
            assert!(code.bytes().all(|b| (0x20..=0x7e).contains(&b)), "code with a byte outside VSCHAR");
        }
        Interpretation::Callback(Err(error)) => {
            assert!(head.starts_with(b"GET /callback"), "answered a request that is not GET /callback");
            assert!(matches!(error, Error::ConsentDenied(_) | Error::InvalidInput(_)), "unexpected error {error:?}");
            // Whatever the network wrote, the user reads a bounded message.
            assert!(error.to_string().chars().count() < 1000, "a message of {} chars", error.to_string().len());
        }
    }
    // An answer belongs to one flow: no other state ever takes the same request as its answer
    // (a request that could end any flow could end every flow).
    if let Interpretation::Callback(outcome) = interpret_request(head, "another-state") {
        panic!("taken as the answer of two flows: {outcome:?}");
    }
});
