//! See `wirelab_core::fuzzing::jwt_token`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::jwt_token(data));
