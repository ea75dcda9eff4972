//! The shared pool of capture videos: a few moving clips, one frozen clip and one too-short
//! clip, rendered and encoded once per run (per seed) and reused by every bundle. Reusing a
//! video is not a finding, and encoding is by far the dearest step, so no bundle encodes its own.

use crate::SynthError;
use crate::face::{Background, View, render_face};
use crate::people::draw_face;
use crate::rng::{Purpose, stream};
use crate::spec::VideoChoice;
use image::RgbImage;
use rand::Rng;
use rayon::prelude::*;

/// Frame size and rate of every clip.
const WIDTH: u32 = 160;
const HEIGHT: u32 = 120;
const FPS: u32 = 10;

/// The rendered clips of a run.
#[derive(Debug)]
pub(crate) struct VideoPool {
    moving: Vec<Vec<u8>>,
    frozen: Vec<u8>,
    short: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
enum Clip {
    Moving(usize),
    Frozen,
    Short,
}

/// The frames of a clip: a face that drifts and turns (or holds still) in front of a room.
fn frames(seed: u64, clip: Clip) -> Vec<RgbImage> {
    let (index, count, moving) = match clip {
        Clip::Moving(k) => (k as u64, (3 * FPS) as usize, true),
        Clip::Frozen => (1000, (3 * FPS) as usize, false),
        Clip::Short => (1001, FPS as usize, true),
    };
    let mut rng = stream(seed, Purpose::VideoClip, index);
    let gender = if rng.random_bool(0.5) { "F" } else { "M" };
    let face = draw_face(&mut rng, gender);
    let background = Background::room(&mut rng);
    let phase: f32 = rng.random_range(0.0..std::f32::consts::TAU);
    let still = render_face(
        &face,
        &View {
            cx: 0.5,
            cy: 0.5,
            scale: 1.3,
            yaw: 0.0,
            light: 0.3,
        },
        &background,
        WIDTH,
        HEIGHT,
    );
    (0..count)
        .map(|i| {
            if !moving {
                return still.clone();
            }
            let t = i as f32 / FPS as f32 * 2.0 + phase;
            let view = View {
                cx: 0.5 + 0.18 * t.sin(),
                cy: 0.5 + 0.06 * (1.7 * t).cos(),
                scale: 1.2 + 0.15 * (0.8 * t).sin(),
                yaw: 0.7 * (1.3 * t).sin(),
                light: 0.5 * t.cos(),
            };
            render_face(&face, &view, &background, WIDTH, HEIGHT)
        })
        .collect()
}

fn encode(seed: u64, clip: Clip) -> Result<Vec<u8>, SynthError> {
    Ok(eidscope_media::video::encode_mp4(&frames(seed, clip), FPS)?)
}

impl VideoPool {
    /// Renders and encodes the pool of a run (`moving` moving clips, at least one).
    pub(crate) fn render(seed: u64, moving: usize) -> Result<VideoPool, SynthError> {
        let mut jobs: Vec<Clip> = (0..moving.max(1)).map(Clip::Moving).collect();
        jobs.push(Clip::Frozen);
        jobs.push(Clip::Short);
        let mut clips = jobs
            .par_iter()
            .map(|clip| encode(seed, *clip))
            .collect::<Result<Vec<_>, _>>()?;
        let short = clips.pop().unwrap_or_default();
        let frozen = clips.pop().unwrap_or_default();
        Ok(VideoPool {
            moving: clips,
            frozen,
            short,
        })
    }

    /// The bytes of a pool clip; `None` for [`VideoChoice::Garbage`] (made per bundle).
    pub(crate) fn get(&self, choice: VideoChoice) -> Option<&[u8]> {
        match choice {
            VideoChoice::Moving(k) => self
                .moving
                .get(k % self.moving.len().max(1))
                .map(Vec::as_slice),
            VideoChoice::Frozen => Some(&self.frozen),
            VideoChoice::Short => Some(&self.short),
            VideoChoice::Garbage => None,
        }
    }
}
