//! See `wirelab_core::fuzzing::scenario_json`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wirelab_core::fuzzing::scenario_json(data));
