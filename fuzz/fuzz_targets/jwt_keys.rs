//! See `wirelab_core::fuzzing::jwt_keys`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::jwt_keys(data));
