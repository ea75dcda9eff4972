//! Seeding: every random choice of the generator comes from a ChaCha stream derived from the
//! run's seed and a purpose (the plan, one bundle's pixels, one video clip), never from the clock
//! or the thread that happens to run it. This is what makes the output byte-identical whatever
//! the thread count.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The random stream of the generator.
pub(crate) type SynthRng = ChaCha8Rng;

/// What a stream is for; keeps the streams of one seed independent of each other.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Purpose {
    /// The serial plan of the whole run (people, roles, statuses, dates).
    Plan = 1,
    /// The pixels of one bundle.
    BundleMedia = 2,
    /// One clip of the shared video pool.
    VideoClip = 3,
    /// The selfie of one bundle (re-drawn by the bundles that reuse it).
    Selfie = 4,
    /// The `name-variants` group, planned apart so that the plan stream stays as it was.
    NameVariants = 5,
}

/// SplitMix64 finaliser: spreads nearby inputs over the whole 64-bit range.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of the stream for `purpose` and `index` under the run seed.
pub(crate) fn derive(seed: u64, purpose: Purpose, index: u64) -> u64 {
    mix(mix(seed ^ mix(purpose as u64)) ^ index.wrapping_mul(0xA24B_AED4_963E_E407))
}

/// A stream for `purpose` and `index` under the run seed.
pub(crate) fn stream(seed: u64, purpose: Purpose, index: u64) -> SynthRng {
    SynthRng::seed_from_u64(derive(seed, purpose, index))
}

/// A version-4 UUID drawn from the stream (never from the system).
pub(crate) fn uuid(rng: &mut SynthRng) -> String {
    let mut bytes: [u8; 16] = rng.random();
    bytes[6] = (bytes[6] & 0x0F) | 0x40;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A cheap per-pixel hash noise in `-amp..=amp`, for textures (no stream state needed).
pub(crate) fn pixel_noise(key: u64, x: u32, y: u32, amp: i32) -> i32 {
    if amp <= 0 {
        return 0;
    }
    let h = mix(key ^ (u64::from(x) << 32) ^ u64::from(y));
    (h % (2 * amp as u64 + 1)) as i32 - amp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_purpose_and_index() {
        assert_ne!(
            derive(7, Purpose::Plan, 0),
            derive(7, Purpose::BundleMedia, 0)
        );
        assert_ne!(
            derive(7, Purpose::BundleMedia, 1),
            derive(7, Purpose::BundleMedia, 2)
        );
        assert_ne!(derive(7, Purpose::Plan, 0), derive(8, Purpose::Plan, 0));
        assert_eq!(derive(7, Purpose::Plan, 3), derive(7, Purpose::Plan, 3));
    }

    #[test]
    fn uuids_look_like_version_4() {
        let mut rng = stream(1, Purpose::Plan, 0);
        let id = uuid(&mut rng);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_eq!(id.matches('-').count(), 4);
    }
}
