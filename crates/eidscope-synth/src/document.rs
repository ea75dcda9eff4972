//! Document-like pictures: the front (data side) and, for cards, the back, with every feature
//! drawn where its box says. Each issuing country and document type has a background template
//! (rendered once per run and reused); the person's data, photo, signature and the MRZ are drawn
//! on a copy, shifted by a small per-capture offset so that two captures of one document differ.

use crate::face::document_photo;
use crate::people::{DocType, Person, country_title};
use crate::rng::{mix, pixel_noise};
use chrono::{Datelike, NaiveDate};
use font8x8::UnicodeFonts;
use image::{Rgb, RgbImage};
use imageproc::drawing::{
    draw_filled_circle_mut, draw_filled_ellipse_mut, draw_filled_rect_mut, draw_hollow_rect_mut,
    draw_line_segment_mut,
};
use imageproc::rect::Rect;

/// Which image a feature is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// The front image (`side: "data"`).
    Data,
    /// The back image (`side: "back"`).
    Back,
}

impl Side {
    /// The `side` value written in the OCR data.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Side::Data => "data",
            Side::Back => "back",
        }
    }
}

/// What a feature is; each has a shape A name and a shape B key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FeatureKind {
    Header,
    Ovi1,
    Ovi2,
    Signature,
    Photo,
    Mrz,
}

impl FeatureKind {
    /// The shape A `name`.
    pub(crate) fn signicat_name(self) -> &'static str {
        match self {
            FeatureKind::Header => "Header",
            FeatureKind::Ovi1 => "OVI 1",
            FeatureKind::Ovi2 => "OVI 2",
            FeatureKind::Signature => "Signature",
            FeatureKind::Photo => "Photo",
            FeatureKind::Mrz => "MRZ",
        }
    }

    /// The shape B key (and `name`).
    pub(crate) fn raw_key(self) -> &'static str {
        match self {
            FeatureKind::Header => "badge1",
            FeatureKind::Ovi1 => "hologram",
            FeatureKind::Ovi2 => "flag",
            FeatureKind::Signature => "signature",
            FeatureKind::Photo => "photo",
            FeatureKind::Mrz => "mrz",
        }
    }
}

/// A feature box in image pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Placed {
    pub kind: FeatureKind,
    pub side: Side,
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
}

/// The size of the front image of a document type.
pub(crate) fn front_size(doc: DocType) -> (u32, u32) {
    match doc {
        DocType::Passport => (640, 450),
        DocType::IdentityCard | DocType::ResidencePermit => (640, 404),
    }
}

/// The size of the back image (cards).
pub(crate) const BACK_SIZE: (u32, u32) = (640, 404);

/// The feature boxes of a document type, shifted by the capture offset `(dx, dy)` (at most 6
/// pixels each way: every box stays inside its image).
pub(crate) fn layout(doc: DocType, dx: i64, dy: i64) -> Vec<Placed> {
    let at = |kind, side, x: i64, y: i64, width, height| Placed {
        kind,
        side,
        x: x + dx,
        y: y + dy,
        width,
        height,
    };
    let mut boxes = vec![
        at(FeatureKind::Header, Side::Data, 84, 28, 248, 32),
        at(FeatureKind::Ovi2, Side::Data, 596, 44, 32, 24),
    ];
    match doc {
        DocType::Passport => {
            boxes.push(at(FeatureKind::Signature, Side::Data, 402, 273, 217, 60));
            boxes.push(at(FeatureKind::Photo, Side::Data, 32, 128, 136, 170));
            boxes.push(at(FeatureKind::Ovi1, Side::Data, 180, 300, 72, 60));
        }
        DocType::IdentityCard | DocType::ResidencePermit => {
            boxes.push(at(FeatureKind::Signature, Side::Data, 402, 300, 217, 60));
            boxes.push(at(FeatureKind::Photo, Side::Data, 32, 120, 128, 160));
            boxes.push(at(FeatureKind::Ovi1, Side::Data, 12, 290, 72, 80));
            boxes.push(at(FeatureKind::Mrz, Side::Back, 70, 280, 500, 90));
        }
    }
    boxes
}

/// The background templates of a run: one front and one back per country and document type.
pub(crate) fn render_template(seed: u64, country: &str, doc: DocType, back: bool) -> RgbImage {
    let (w, h) = if back { BACK_SIZE } else { front_size(doc) };
    let key = mix(seed ^ mix(country.bytes().fold(0u64, |a, b| a * 131 + u64::from(b))))
        ^ (doc as u64) << 8
        ^ u64::from(back);
    let hue = |shift: u32, lo: u64, span: u64| (lo + ((key >> shift) % span)) as f32;
    let base = [hue(0, 170, 70), hue(8, 170, 70), hue(16, 170, 70)];
    let tilt = [
        hue(24, 0, 40) - 20.0,
        hue(32, 0, 40) - 20.0,
        hue(40, 0, 40) - 20.0,
    ];
    let f1 = 0.03 + (key >> 48) as f32 % 7.0 * 0.004;
    let f2 = 0.05 + (key >> 52) as f32 % 5.0 * 0.006;
    let mut img = RgbImage::new(w, h);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let (xf, yf) = (x as f32, y as f32);
        let t = xf / w as f32;
        // Guilloche: thin interference lines of two waves.
        let wave =
            (xf * f1 + (yf * f2).sin() * 3.0).sin() * (yf * f1 * 0.7 + (xf * f2).cos()).cos();
        let line = if wave.abs() > 0.93 { -26.0 } else { 0.0 };
        let n = pixel_noise(key, x, y, 2) as f32;
        let mut out = [0u8; 3];
        for (ch, slot) in out.iter_mut().enumerate() {
            *slot = (base[ch] + tilt[ch] * t + line + n).clamp(0.0, 255.0) as u8;
        }
        *px = Rgb(out);
    }
    draw_hollow_rect_mut(
        &mut img,
        Rect::at(2, 2).of_size(w - 4, h - 4),
        Rgb([90, 90, 110]),
    );
    img
}

/// Writes text with the 8x8 font (Basic Latin and Latin-1: `Ü`, `Ø`, `Å`, ...); characters
/// outside the font are skipped, pixels outside the image are clipped.
pub(crate) fn draw_text(
    img: &mut RgbImage,
    x: i64,
    y: i64,
    scale: i64,
    color: Rgb<u8>,
    text: &str,
) {
    let (w, h) = (i64::from(img.width()), i64::from(img.height()));
    for (i, ch) in text.chars().enumerate() {
        let Some(glyph) = font8x8::BASIC_FONTS
            .get(ch)
            .or_else(|| font8x8::LATIN_FONTS.get(ch))
        else {
            continue;
        };
        let gx = x + i as i64 * 8 * scale;
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..8 {
                if bits & (1 << col) == 0 {
                    continue;
                }
                for sy in 0..scale {
                    for sx in 0..scale {
                        let px = gx + col * scale + sx;
                        let py = y + row as i64 * scale + sy;
                        if (0..w).contains(&px) && (0..h).contains(&py) {
                            img.put_pixel(px as u32, py as u32, color);
                        }
                    }
                }
            }
        }
    }
}

fn mrz_value(c: char) -> u32 {
    match c {
        '0'..='9' => c as u32 - '0' as u32,
        'A'..='Z' => c as u32 - 'A' as u32 + 10,
        _ => 0,
    }
}

/// The ICAO 9303 check digit of a field.
pub(crate) fn check_digit(field: &str) -> char {
    let sum: u32 = field
        .chars()
        .zip([7u32, 3, 1].into_iter().cycle())
        .map(|(c, w)| mrz_value(c) * w)
        .sum();
    char::from(b'0' + (sum % 10) as u8)
}

fn mrz_field(text: &str, len: usize) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '<'
            }
        })
        .take(len)
        .collect();
    while out.len() < len {
        out.push('<');
    }
    out
}

fn yymmdd(date: NaiveDate) -> String {
    format!(
        "{:02}{:02}{:02}",
        date.year().rem_euclid(100),
        date.month(),
        date.day()
    )
}

/// The machine readable zone of the person's document (TD3: 2 x 44, TD1: 3 x 30).
pub(crate) fn mrz(person: &Person) -> Vec<String> {
    let number = mrz_field(&person.document_number, 9);
    let dob = yymmdd(person.date_of_birth);
    let exp = yymmdd(person.date_of_expiry);
    let sex = match person.gender {
        "M" => "M",
        "F" => "F",
        _ => "<",
    };
    let names = format!(
        "{}<<{}",
        person.last_name.replace(' ', "<"),
        person.first_name.replace(' ', "<")
    );
    match person.doc_type {
        DocType::Passport => {
            let personal = mrz_field(&person.personal_number, 14);
            let line1 = mrz_field(&format!("P<{}{}", person.issuing_country, names), 44);
            let composite = format!(
                "{number}{}{dob}{}{exp}{}{personal}{}",
                check_digit(&number),
                check_digit(&dob),
                check_digit(&exp),
                check_digit(&personal)
            );
            let line2 = format!(
                "{number}{}{}{dob}{}{sex}{exp}{}{personal}{}{}",
                check_digit(&number),
                person.nationality,
                check_digit(&dob),
                check_digit(&exp),
                check_digit(&personal),
                check_digit(&composite)
            );
            vec![line1, line2]
        }
        DocType::IdentityCard | DocType::ResidencePermit => {
            let code = if person.doc_type == DocType::ResidencePermit {
                "IR"
            } else {
                "ID"
            };
            let optional = mrz_field(&person.personal_number, 15);
            let line1 = format!(
                "{code}{}{number}{}{optional}",
                person.issuing_country,
                check_digit(&number)
            );
            let opt2 = mrz_field("", 11);
            let upper = format!(
                "{number}{}{optional}{dob}{}{exp}{}{opt2}",
                check_digit(&number),
                check_digit(&dob),
                check_digit(&exp)
            );
            let line2 = format!(
                "{dob}{}{sex}{exp}{}{}{opt2}{}",
                check_digit(&dob),
                check_digit(&exp),
                person.nationality,
                check_digit(&upper)
            );
            vec![
                mrz_field(&line1, 30),
                mrz_field(&line2, 30),
                mrz_field(&names, 30),
            ]
        }
    }
}

fn fmt_date(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

/// Draws the front of the person's document on a copy of its template, with the features at
/// the boxes of `layout(doc, dx, dy)`. Also returns the pixels of the photo region, from which
/// the portrait is cropped.
pub(crate) fn render_front(
    template: &RgbImage,
    person: &Person,
    dx: i64,
    dy: i64,
) -> (RgbImage, RgbImage) {
    let mut img = template.clone();
    let ink = Rgb([28, 30, 48]);
    let label = Rgb([70, 80, 110]);
    let boxes = layout(person.doc_type, dx, dy);
    let mut photo = RgbImage::new(1, 1);
    for b in &boxes {
        if b.side != Side::Data {
            continue;
        }
        let (x, y, w, h) = (b.x, b.y, b.width, b.height);
        match b.kind {
            FeatureKind::Header => {
                draw_filled_rect_mut(
                    &mut img,
                    Rect::at(x as i32, y as i32).of_size(w as u32, h as u32),
                    Rgb([40, 60, 120]),
                );
                let title = country_title(person.issuing_country);
                let scale = if title.len() as i64 * 16 <= w - 8 {
                    2
                } else {
                    1
                };
                draw_text(
                    &mut img,
                    x + 4,
                    y + (h - 8 * scale) / 2,
                    scale,
                    Rgb([240, 236, 210]),
                    title,
                );
            }
            FeatureKind::Ovi1 => {
                let (cx, cy) = ((x + w / 2) as i32, (y + h / 2) as i32);
                for (k, color) in [
                    [120, 200, 190],
                    [200, 140, 210],
                    [230, 210, 120],
                    [140, 170, 230],
                ]
                .iter()
                .enumerate()
                {
                    let shrink = k as i64 * 8;
                    draw_filled_ellipse_mut(
                        &mut img,
                        (cx, cy),
                        ((w / 2 - shrink).max(2)) as i32,
                        ((h / 2 - shrink).max(2)) as i32,
                        Rgb(*color),
                    );
                }
            }
            FeatureKind::Ovi2 => {
                draw_filled_rect_mut(
                    &mut img,
                    Rect::at(x as i32, y as i32).of_size(w as u32, h as u32),
                    Rgb([190, 160, 60]),
                );
                draw_filled_circle_mut(
                    &mut img,
                    ((x + w / 2) as i32, (y + h / 2) as i32),
                    (h / 3) as i32,
                    Rgb([60, 140, 180]),
                );
            }
            FeatureKind::Signature => {
                let h_seed = mix(person.face.seed ^ 0x5167);
                let mut prev = (x as f32 + 8.0, (y + h / 2) as f32);
                for k in 1..14u32 {
                    let r = mix(h_seed ^ u64::from(k));
                    let nx = x as f32 + 8.0 + (w as f32 - 16.0) * k as f32 / 13.0;
                    let ny = y as f32 + 6.0 + (r % (h as u64 - 12).max(1)) as f32;
                    draw_line_segment_mut(&mut img, prev, (nx, ny), Rgb([20, 30, 110]));
                    draw_line_segment_mut(
                        &mut img,
                        (prev.0, prev.1 + 1.0),
                        (nx, ny + 1.0),
                        Rgb([20, 30, 110]),
                    );
                    prev = (nx, ny);
                }
            }
            FeatureKind::Photo => {
                photo = document_photo(&person.face, w as u32, h as u32);
                image::imageops::replace(&mut img, &photo, x, y);
            }
            FeatureKind::Mrz => {}
        }
    }
    let doc_label = match person.doc_type {
        DocType::Passport => "PASSPORT / PASSEPORT",
        DocType::IdentityCard => "IDENTITY CARD",
        DocType::ResidencePermit => "RESIDENCE PERMIT",
    };
    draw_text(&mut img, 200 + dx, 76 + dy, 1, label, doc_label);
    let rows = [
        ("SURNAME", person.last_name.clone()),
        ("GIVEN NAMES", person.first_name.clone()),
        ("DATE OF BIRTH", fmt_date(person.date_of_birth)),
        (
            "SEX / NATIONALITY",
            format!("{}   {}", person.gender, person.nationality),
        ),
        ("DOCUMENT NO", person.document_number.clone()),
        ("DATE OF EXPIRY", fmt_date(person.date_of_expiry)),
    ];
    for (i, (name, value)) in rows.iter().enumerate() {
        let ry = 96 + dy + i as i64 * 32;
        draw_text(&mut img, 200 + dx, ry, 1, label, name);
        draw_text(&mut img, 200 + dx, ry + 10, 2, ink, value);
    }
    if person.doc_type == DocType::Passport {
        for (i, line) in mrz(person).iter().enumerate() {
            for (j, c) in line.chars().enumerate() {
                let mut buf = [0u8; 4];
                draw_text(
                    &mut img,
                    40 + dx + j as i64 * 13,
                    380 + dy + i as i64 * 24,
                    1,
                    ink,
                    c.encode_utf8(&mut buf),
                );
            }
        }
    }
    (img, photo)
}

/// Draws the back of a card: address block, a barcode strip and the MRZ inside its box.
pub(crate) fn render_back(template: &RgbImage, person: &Person, dx: i64, dy: i64) -> RgbImage {
    let mut img = template.clone();
    let ink = Rgb([28, 30, 48]);
    draw_text(
        &mut img,
        40 + dx,
        40 + dy,
        1,
        Rgb([70, 80, 110]),
        "PERSONAL NUMBER / ISSUED BY",
    );
    draw_text(&mut img, 40 + dx, 54 + dy, 2, ink, &person.personal_number);
    draw_text(
        &mut img,
        40 + dx,
        84 + dy,
        2,
        ink,
        country_title(person.issuing_country),
    );
    let h = mix(person.face.seed ^ 0xBA4C);
    for k in 0..60i64 {
        if (h >> (k % 64)) & 1 == 1 || k % 7 == 0 {
            draw_filled_rect_mut(
                &mut img,
                Rect::at((40 + dx + k * 9) as i32, (140 + dy) as i32).of_size(5, 80),
                ink,
            );
        }
    }
    if let Some(b) = layout(person.doc_type, dx, dy)
        .iter()
        .find(|b| b.kind == FeatureKind::Mrz)
    {
        draw_filled_rect_mut(
            &mut img,
            Rect::at(b.x as i32, b.y as i32).of_size(b.width as u32, b.height as u32),
            Rgb([238, 238, 232]),
        );
        for (i, line) in mrz(person).iter().enumerate() {
            draw_text(&mut img, b.x + 10, b.y + 8 + i as i64 * 28, 2, ink, line);
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_match_the_icao_specimen() {
        // ICAO 9303 specimen: L898902C3 -> 6, 740812 -> 2, 120415 -> 9.
        assert_eq!(check_digit("L898902C3"), '6');
        assert_eq!(check_digit("740812"), '2');
        assert_eq!(check_digit("120415"), '9');
    }

    #[test]
    fn every_box_stays_inside_its_image_for_every_offset() {
        for doc in [
            DocType::Passport,
            DocType::IdentityCard,
            DocType::ResidencePermit,
        ] {
            for (dx, dy) in [(-6, -6), (6, 6), (-6, 6), (6, -6)] {
                for b in layout(doc, dx, dy) {
                    let (w, h) = match b.side {
                        Side::Data => front_size(doc),
                        Side::Back => BACK_SIZE,
                    };
                    assert!(b.x >= 0 && b.y >= 0, "{b:?}");
                    assert!(
                        b.x + b.width <= i64::from(w) && b.y + b.height <= i64::from(h),
                        "{b:?}"
                    );
                }
            }
        }
    }
}
