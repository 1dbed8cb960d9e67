//! See `wirelab_core::fuzzing::ratelimit_text`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::ratelimit_text(data));
