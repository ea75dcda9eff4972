//! Synthesised face embeddings with planted same-person pairs: the worst case and a realistic
//! case for the `same-person` search, for eidscope-faces' tests and the benchmarks of its index.
//! Nothing here is a face: only numbers shaped like dlib's 128-d embeddings.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// The pairs planted by [`planted_embeddings`]: (earlier face, later face) by index.
pub type PlantedPairs = Vec<(usize, usize)>;

/// `n` synthesised 128-d face embeddings shaped like dlib's: different people lie about 0.83
/// apart (as measured on real photos, docs/faces.md), and one face in a hundred is a second
/// photo of an earlier face, planted at a distance drawn from 0.15–0.42 (within the
/// `same-person` threshold).
///
/// `intrinsic` is the number of dimensions the faces really vary in: 128 gives isotropic
/// Gaussian points, the worst case for any index (no structure to exploit, every pair of
/// strangers at nearly the same distance); face embeddings vary in far fewer (about 10-20
/// for 128-d FaceNet embeddings, Gong, Boddeti and Jain, "On the intrinsic dimensionality of
/// image representations", CVPR 2019), which a smaller value models: people are drawn in that
/// many dimensions, mapped into 128 by a fixed random orthonormal-ish basis, plus a little
/// isotropic noise (a tenth of the spread).
pub fn planted_embeddings(
    n: usize,
    intrinsic: usize,
    seed: u64,
) -> (Vec<[f32; 128]>, PlantedPairs) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let intrinsic = intrinsic.clamp(1, 128);
    let gaussian = |rng: &mut SmallRng| {
        // Box-Muller: two uniforms to one standard normal.
        let (u, v): (f32, f32) = (rng.random_range(f32::EPSILON..1.0), rng.random());
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    };
    // The basis: `intrinsic` random unit directions in 128 dimensions.
    let basis: Vec<[f32; 128]> = (0..intrinsic)
        .map(|_| {
            let v: [f32; 128] = std::array::from_fn(|_| gaussian(&mut rng));
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.map(|x| x / norm)
        })
        .collect();
    // Two people lie sqrt(2 * intrinsic) * sigma apart in the latent space (+ the noise).
    let noise = 0.1f32;
    let sigma = 0.83 / (2.0 * intrinsic as f32).sqrt() / (1.0 + noise * noise).sqrt();
    let noise_sigma = 0.83 * noise / (2.0f32 * 128.0).sqrt() / (1.0 + noise * noise).sqrt();
    let mut faces: Vec<[f32; 128]> = Vec::with_capacity(n);
    let mut planted = Vec::new();
    for i in 0..n {
        let face = if i > 0 && rng.random_ratio(1, 100) {
            let source = rng.random_range(0..i);
            let step: [f32; 128] = std::array::from_fn(|_| gaussian(&mut rng));
            let norm = step.iter().map(|s| s * s).sum::<f32>().sqrt();
            let distance = rng.random_range(0.15..0.42);
            planted.push((source, i));
            std::array::from_fn(|k| faces[source][k] + step[k] / norm * distance)
        } else {
            let mut face: [f32; 128] = std::array::from_fn(|_| gaussian(&mut rng) * noise_sigma);
            for direction in &basis {
                let z = gaussian(&mut rng) * sigma;
                face.iter_mut()
                    .zip(direction)
                    .for_each(|(f, d)| *f += z * d);
            }
            face
        };
        faces.push(face);
    }
    (faces, planted)
}
