//! What a scan level leaves out: the checks that cannot fire below `full`, and why, so that
//! the page never lets an empty count read as "nothing found". Only words here: the levels
//! are the pipeline's.

use eidscope_model::FindingCode;
use eidscope_pipeline::Level;

/// The checks a scan at `level` could not run, each with the reason; empty at `full`.
pub fn checks_not_run(level: Level) -> Vec<(FindingCode, &'static str)> {
    const NOT_DECODED: &str = "pictures are not decoded below --level media";
    const NOT_PROBED: &str = "the video is not probed below --level full";
    let mut missing = Vec::new();
    if level < Level::Media {
        missing.extend([
            (FindingCode::MediaCorrupt, NOT_DECODED),
            (FindingCode::BboxOutOfBounds, NOT_DECODED),
            (FindingCode::SelfieIsPortrait, NOT_DECODED),
            (FindingCode::FrontIsBack, NOT_DECODED),
            (FindingCode::EditedImage, NOT_DECODED),
            (FindingCode::FaceNearDuplicate, NOT_DECODED),
        ]);
    }
    if level < Level::Full {
        missing.extend([
            (FindingCode::VideoFrozen, NOT_PROBED),
            (FindingCode::VideoTooShort, NOT_PROBED),
        ]);
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_levels_leave_out_more() {
        assert!(checks_not_run(Level::Full).is_empty());
        let media = checks_not_run(Level::Media);
        assert!(media.iter().any(|(c, _)| *c == FindingCode::VideoFrozen));
        assert!(
            !media
                .iter()
                .any(|(c, _)| *c == FindingCode::FaceNearDuplicate)
        );
        let meta = checks_not_run(Level::Meta);
        assert!(meta.len() > media.len());
        assert!(
            meta.iter()
                .any(|(c, _)| *c == FindingCode::FaceNearDuplicate)
        );
    }
}
