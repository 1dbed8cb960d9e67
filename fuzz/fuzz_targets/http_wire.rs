//! See `wirelab_core::fuzzing::http_wire`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::http_wire(data));
