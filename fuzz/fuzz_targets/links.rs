//! See `wirelab_core::fuzzing::links`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::links(data));
