//! See `wirelab_core::fuzzing::forms`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::forms(data));
