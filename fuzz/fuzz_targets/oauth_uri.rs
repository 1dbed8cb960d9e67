//! See `wirelab_core::fuzzing::oauth_uri`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::oauth_uri(data));
