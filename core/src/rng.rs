//! Seeded randomness for simulations. Core code never reads the OS random source: every random
//! choice (an initial sequence number, a query ID) comes from a seed in the scenario, so the
//! same scenario always gives the same trace.

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and good enough for choosing simulated
/// values. Not for cryptography.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
}

/// SplitMix64 as a `rand_core` source, for the places a cryptography crate asks for one but the
/// bytes need not be secret and a run must repeat exactly: PSS salt, P-521's extra nonce input.
/// A real signer draws these at random.
pub struct Seeded(pub SplitMix64);

impl rand_core::RngCore for Seeded {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let v = self.0.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for Seeded {}

/// Given bytes first, then [`Seeded`]: a scenario that fixes a signature's salt (TLS's RSA-PSS
/// CertificateVerify with RFC 8448's salt) hands the crate exactly those bytes when it draws the
/// salt. What is drawn after (RSA blinding) does not change the result.
pub struct Given {
    pub bytes: Vec<u8>,
    pub at: usize,
    pub then: Seeded,
}

impl rand_core::RngCore for Given {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        let given = (self.bytes.len() - self.at).min(dest.len());
        dest[..given].copy_from_slice(&self.bytes[self.at..self.at + given]);
        self.at += given;
        rand_core::RngCore::fill_bytes(&mut self.then, &mut dest[given..]);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for Given {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_sequence() {
        // First outputs of the reference splitmix64.c for seed 1234567.
        let mut r = SplitMix64::new(1234567);
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
        assert_eq!(r.next_u64(), 9817491932198370423);
    }

    #[test]
    fn same_seed_same_values() {
        let a: Vec<u64> = { let mut r = SplitMix64::new(7); (0..5).map(|_| r.next_u64()).collect() };
        let b: Vec<u64> = { let mut r = SplitMix64::new(7); (0..5).map(|_| r.next_u64()).collect() };
        assert_eq!(a, b);
    }
}
