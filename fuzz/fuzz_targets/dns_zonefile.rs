//! See `wirelab_core::fuzzing::dns_zonefile`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::dns_zonefile(data));
