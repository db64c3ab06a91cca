//! MT19937 (Matsumoto & Nishimura 1998), seeded and read as CPython's `random` and NumPy's legacy
//! `RandomState` do, for the reference-compatible modes that replay a reference's own draws
//! (1p-frac's replay test, PrimGeoSeg's [`crate::families::primgeoseg`] CPython mode). fdsl's own
//! datasets draw from keyed PCG streams ([`crate::math::stream`]), never from this.

/// The 624-word Mersenne Twister state and its read position.
#[derive(Clone)]
pub struct Mt19937 {
    state: [u32; 624],
    index: usize,
}

impl Mt19937 {
    /// `init_genrand(seed)`: NumPy's legacy `np.random.seed(int)`.
    pub fn init_genrand(seed: u32) -> Self {
        let mut state = [0u32; 624];
        state[0] = seed;
        for i in 1..624 {
            state[i] =
                1_812_433_253u32.wrapping_mul(state[i - 1] ^ (state[i - 1] >> 30)).wrapping_add(i as u32);
        }
        Self { state, index: 624 }
    }

    /// `init_by_array(key)`: CPython's `random.seed(int)` with the integer's 32-bit words, least
    /// significant first (`[0]` for 0). `key` must not be empty.
    pub fn init_by_array(key: &[u32]) -> Self {
        let mut mt = Self::init_genrand(19_650_218);
        let s = &mut mt.state;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..624.max(key.len()) {
            let prev = s[i - 1] ^ (s[i - 1] >> 30);
            s[i] = (s[i] ^ prev.wrapping_mul(1_664_525)).wrapping_add(key[j]).wrapping_add(j as u32);
            (i, j) = (i + 1, (j + 1) % key.len());
            if i >= 624 {
                s[0] = s[623];
                i = 1;
            }
        }
        for _ in 0..623 {
            let prev = s[i - 1] ^ (s[i - 1] >> 30);
            s[i] = (s[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= 624 {
                s[0] = s[623];
                i = 1;
            }
        }
        s[0] = 0x8000_0000;
        mt
    }

    /// `random.seed(n)` for a non-negative integer `n < 2⁶⁴`.
    pub fn python_seed(n: u64) -> Self {
        let (lo, hi) = (n as u32, (n >> 32) as u32);
        if hi == 0 { Self::init_by_array(&[lo]) } else { Self::init_by_array(&[lo, hi]) }
    }

    /// `genrand_uint32`: the next 32-bit output.
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            for i in 0..624 {
                let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % 624] & 0x7fff_ffff);
                let mut v = self.state[(i + 397) % 624] ^ (y >> 1);
                if y & 1 != 0 {
                    v ^= 0x9908_b0df;
                }
                self.state[i] = v;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// The 53 bits `k` of `random()` = `k / 2⁵³` (CPython's and NumPy's: `(a >> 5) · 2²⁶ + (b >> 6)`).
    pub fn random_bits(&mut self) -> u64 {
        let a = u64::from(self.next_u32() >> 5);
        let b = u64::from(self.next_u32() >> 6);
        a << 26 | b
    }

    /// `random.random()`: [`Self::random_bits`] `/ 2⁵³`.
    pub fn random(&mut self) -> f64 {
        self.random_bits() as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `random.getrandbits(k)` for `1 ≤ k ≤ 32`: the top `k` bits of one output.
    pub fn getrandbits(&mut self, k: u32) -> u32 {
        self.next_u32() >> (32 - k)
    }

    /// `random._randbelow(n)` (CPython 3.2 to 3.13) for `1 ≤ n ≤ 2³²`: `k = n.bit_length()`, then
    /// `getrandbits(k)` until it is below `n` (so `n = 1` still reads words until one's top bit is 0).
    pub fn randbelow(&mut self, n: u64) -> u64 {
        let k = 64 - n.leading_zeros();
        loop {
            let r = u64::from(self.getrandbits(k));
            if r < n {
                return r;
            }
        }
    }

    /// `random.randint(a, b)` (`a ≤ b`, `b − a < 2³²`): `a + _randbelow(b − a + 1)`.
    pub fn randint(&mut self, a: i64, b: i64) -> i64 {
        a + self.randbelow((b - a + 1) as u64) as i64
    }

    /// `random.uniform(a, b)`: `a + (b − a) · random()`.
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpython_values() {
        // python3 -c "import random; random.seed(0); print(random.getrandbits(32), random.random(), random.randint(15, 40))"
        let mut r = Mt19937::python_seed(0);
        assert_eq!(r.getrandbits(32), 3_626_764_237);
        assert_eq!(r.random(), 0.3852453064766108);
        assert_eq!(r.randint(15, 40), 28);
        // random.seed(2**40 + 5); random.getrandbits(32)
        assert_eq!(Mt19937::python_seed((1 << 40) + 5).getrandbits(32), 2_166_296_868);
    }
}
