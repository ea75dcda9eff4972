//! The image half of eidscope-media, tested as one binary: quality estimation, EXIF and editor
//! marks, hostile input, perceptual hashes, overlay goldens and the real specimens.

mod ela;
mod exif_marks;
mod exiftool;
mod golden;
mod gps;
mod hashes;
mod hostile;
mod overlay;
mod quality;
mod specimens;
mod support;
