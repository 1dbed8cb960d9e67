//! See `wirelab_core::fuzzing::cors`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::cors(data));
