//! See `wirelab_core::fuzzing::dns_wire`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::dns_wire(data));
