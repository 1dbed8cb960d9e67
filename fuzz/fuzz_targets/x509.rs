//! See `wirelab_core::fuzzing::x509`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::x509(data));
