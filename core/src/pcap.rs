//! Packet captures for Wireshark and tshark: the classic pcap format (LINKTYPE_RAW, each
//! packet an IPv4 datagram) with real IPv4, TCP and UDP headers and checksums, built from what a
//! lab's run sent and when.

/// The pcap file's link type: raw IP packets (LINKTYPE_RAW, 101).
pub const LINKTYPE_RAW: u32 = 101;

/// The simulations' time 0 as seconds since 1970 in a capture: 2026-11-22 00:00:00 UTC.
pub const EPOCH: u64 = 1_795_305_600;

/// IPv4's protocol numbers.
pub const TCP: u8 = 6;
pub const UDP: u8 = 17;

/// A capture being written: the global header, then each packet.
#[derive(Debug, Clone)]
pub struct Capture {
    bytes: Vec<u8>,
    /// IPv4 identification, counted up per packet.
    id: u16,
}

impl Default for Capture {
    fn default() -> Self {
        Capture::new()
    }
}

impl Capture {
    pub fn new() -> Capture {
        let mut bytes = Vec::with_capacity(4096);
        bytes.extend(0xa1b2_c3d4u32.to_le_bytes()); // magic: microsecond timestamps
        bytes.extend(2u16.to_le_bytes()); // version 2.4
        bytes.extend(4u16.to_le_bytes());
        bytes.extend(0i32.to_le_bytes()); // thiszone
        bytes.extend(0u32.to_le_bytes()); // sigfigs
        bytes.extend(262_144u32.to_le_bytes()); // snaplen
        bytes.extend(LINKTYPE_RAW.to_le_bytes());
        Capture { bytes, id: 1 }
    }

    /// Adds an IPv4 packet carrying `payload` of `protocol` from `source` to `destination`, at
    /// `micros` microseconds (the simulation's time, from 1970 for Wireshark's clock).
    pub fn ipv4(&mut self, micros: u64, source: [u8; 4], destination: [u8; 4], protocol: u8, payload: &[u8]) {
        let total = (20 + payload.len()).min(u16::MAX as usize) as u16;
        let mut ip = vec![0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, protocol, 0, 0];
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        ip[4..6].copy_from_slice(&self.id.to_be_bytes());
        ip.extend(source);
        ip.extend(destination);
        let sum = checksum(&ip);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        self.id = self.id.wrapping_add(1);
        let data_len = (total as usize - 20).min(payload.len());
        let len = (20 + data_len) as u32;
        self.bytes.extend(((micros / 1_000_000) as u32).to_le_bytes());
        self.bytes.extend(((micros % 1_000_000) as u32).to_le_bytes());
        self.bytes.extend(len.to_le_bytes());
        self.bytes.extend(len.to_le_bytes());
        self.bytes.extend(ip);
        self.bytes.extend(&payload[..data_len]);
    }

    /// Adds a UDP datagram (RFC 768) with its checksum over the pseudo-header.
    pub fn udp(&mut self, micros: u64, source: ([u8; 4], u16), destination: ([u8; 4], u16), data: &[u8]) {
        let len = (8 + data.len()) as u16;
        let mut d = Vec::with_capacity(len as usize);
        d.extend(source.1.to_be_bytes());
        d.extend(destination.1.to_be_bytes());
        d.extend(len.to_be_bytes());
        d.extend([0, 0]);
        d.extend(data);
        let mut pseudo = Vec::with_capacity(12 + d.len());
        pseudo.extend(source.0);
        pseudo.extend(destination.0);
        pseudo.extend([0, UDP]);
        pseudo.extend(len.to_be_bytes());
        pseudo.extend(&d);
        let sum = match checksum(&pseudo) {
            0 => 0xffff,
            s => s,
        };
        d[6..8].copy_from_slice(&sum.to_be_bytes());
        self.ipv4(micros, source.0, destination.0, UDP, &d);
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// The Internet checksum (RFC 1071) of `data`.
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for chunk in data.chunks(2) {
        let word = if chunk.len() == 2 { u16::from_be_bytes([chunk[0], chunk[1]]) } else { u16::from_be_bytes([chunk[0], 0]) };
        sum += word as u32;
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ip_header_with_its_checksum_sums_to_zero() {
        let mut c = Capture::new();
        c.ipv4(1_500_000, [192, 0, 2, 10], [198, 51, 100, 20], TCP, &[1, 2, 3]);
        let b = c.into_bytes();
        assert_eq!(b.len(), 24 + 16 + 23);
        assert_eq!(&b[24..28], &1u32.to_le_bytes());
        assert_eq!(&b[28..32], &500_000u32.to_le_bytes());
        assert_eq!(checksum(&b[40..60]), 0, "a header with its checksum sums to zero");
    }

    #[test]
    fn a_udp_checksum_verifies_over_the_pseudo_header() {
        let mut c = Capture::new();
        c.udp(0, ([10, 0, 0, 1], 5353), ([10, 0, 0, 2], 53), b"hello");
        let b = c.into_bytes();
        let udp = &b[60..];
        let mut pseudo = vec![10, 0, 0, 1, 10, 0, 0, 2, 0, UDP, 0, 13];
        pseudo.extend(udp);
        assert_eq!(checksum(&pseudo), 0);
    }

    #[test]
    fn rfc1071_example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement: 220d).
        assert_eq!(checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]), !0xddf2);
    }
}
