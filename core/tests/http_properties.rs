//! Property tests of the HTTP/1.1 message codec (`core/src/http`): what the labs write reads
//! back as the same message, chunked or not, and no bytes at all panic the reader.

use proptest::prelude::*;
use wirelab_core::http::wire::{self, Framing};
use wirelab_core::http::Message;

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}"
}

fn field() -> impl Strategy<Value = (String, String)> {
    // A field value: visible characters with spaces inside, no leading or trailing whitespace.
    (token(), "[!-~]([ -~]{0,30}[!-~])?|").prop_filter("not a framing field", |(n, _)| !["content-length", "transfer-encoding"].contains(&n.to_ascii_lowercase().as_str()))
}

fn message() -> impl Strategy<Value = (Message, Option<usize>)> {
    let start = prop_oneof![
        (token(), "/[!-~]{0,40}").prop_map(|(m, t)| Message::request(&m, &t)),
        (100u16..600).prop_filter("has a body", |s| !(100..200).contains(s) && *s != 204 && *s != 304).prop_map(|s| Message::response(s, "Reason Phrase")),
    ];
    (start, prop::collection::vec(field(), 0..8), prop::collection::vec(any::<u8>(), 0..300), prop::option::of(1usize..64)).prop_map(|(mut m, fields, body, chunked)| {
        m.headers = fields;
        let m = match chunked {
            Some(size) => m.chunked("application/octet-stream", &body, size),
            None if body.is_empty() && m.status().is_none() => m,
            None => m.body("application/octet-stream", body),
        };
        (m, chunked)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn what_is_written_reads_back(( m, chunked) in message(), trailing in prop::collection::vec(any::<u8>(), 0..20)) {
        let mut bytes = m.bytes();
        let len = bytes.len();
        let framed = m.status().is_none() || chunked.is_some() || m.header_value("Content-Length").is_some();
        if framed {
            bytes.extend_from_slice(&trailing);
        }
        let p = wire::parse(&bytes, false).unwrap();
        prop_assert_eq!(&p.message.start, &m.start);
        prop_assert_eq!(&p.message.headers, &m.headers);
        match chunked {
            Some(size) => {
                let content = wire::dechunk(&m.body, 0).unwrap().1;
                prop_assert_eq!(&p.message.body, &content);
                let sizes: Vec<usize> = content.chunks(size).map(|c| c.len()).collect();
                prop_assert_eq!(p.framing, Framing::Chunked(sizes));
            }
            None => prop_assert_eq!(&p.message.body, &m.body),
        }
        if framed {
            prop_assert_eq!(p.consumed, len);
        }
    }

    #[test]
    fn no_bytes_panic_the_reader(bytes in prop::collection::vec(any::<u8>(), 0..400), head in any::<bool>()) {
        if let Err(e) = wire::parse(&bytes, head) {
            prop_assert!(e.at <= bytes.len(), "{:?}", e);
        }
    }

    #[test]
    fn nearly_right_messages_are_refused_at_a_byte_inside(( m, _) in message(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = m.bytes();
        let i = cut.index(bytes.len());
        bytes[i] = byte;
        match wire::parse(&bytes, false) {
            Ok(p) => prop_assert!(p.consumed <= bytes.len()),
            Err(e) => prop_assert!(e.at <= bytes.len(), "{:?}", e),
        }
    }
}
