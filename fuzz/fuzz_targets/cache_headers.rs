//! See `wirelab_core::fuzzing::cache_headers`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::cache_headers(data));
