"""`eidscope.overlay` against `eidscope overlay`: the same pictures (byte for byte: one drawing
function in eidscope-pipeline serves both), from a path and from bytes, as PNG bytes and as PIL
images, and the command line's message for a bundle that cannot be read."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import eidscope
from conftest import assert_cli_errors_match, run_cli

PIL = pytest.importorskip("PIL", reason="Pillow is installed by make test")
from PIL import Image  # noqa: E402

BUNDLE = "bundle-00017.zip"


@pytest.fixture(scope="module")
def cli_overlay(batch: Path, tmp_path_factory) -> Path:
    """The command line's overlay of one bundle, with the error level analysis maps."""
    out = tmp_path_factory.mktemp("overlay")
    run_cli("overlay", str(batch / BUNDLE), "--out", str(out), "--ela")
    return out


def png_size(png: bytes) -> tuple:
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    picture.load()
    return picture.size


def test_overlay_of_a_path_is_the_commands_pictures(batch: Path, cli_overlay: Path) -> None:
    pictures = eidscope.overlay(batch / BUNDLE, ela=True)
    written = sorted(p.name[: -len(".png")] for p in cli_overlay.glob("*.png"))
    assert sorted(pictures) == written
    assert list(pictures)[-1] == "contact-sheet"
    assert {"front", "front.ela", "contact-sheet"} <= set(pictures)
    for key, png in pictures.items():
        assert png == (cli_overlay / f"{key}.png").read_bytes(), key
    # Without ela, the maps are left out and the rest is the same.
    plain = eidscope.overlay(str(batch / BUNDLE))
    assert list(plain) == [k for k in pictures if not k.endswith(".ela")]
    assert all(plain[k] == pictures[k] for k in plain)


def test_overlay_of_bytes_draws_the_same(batch: Path, cli_overlay: Path) -> None:
    path = batch / BUNDLE
    process = batch / f"{path.stem}.json"
    process = process if process.is_file() else batch / f"{path.stem}.process.json"
    named = eidscope.overlay(
        path.read_bytes(), process=process.read_bytes(), name=str(path)
    )
    for key, png in named.items():
        assert png == (cli_overlay / f"{key}.png").read_bytes(), key
    # Unnamed, the header says `bundle.zip`: other pixels, the same pictures and sizes.
    unnamed = eidscope.overlay(bytearray(path.read_bytes()), process=process)
    assert list(unnamed) == list(named)
    for key in named:
        assert png_size(unnamed[key]) == png_size(named[key]), key
    assert unnamed["front"] != named["front"]


def test_overlay_as_pil_images(batch: Path, cli_overlay: Path) -> None:
    images = eidscope.overlay(batch / BUNDLE, as_pil=True, frames=0)
    sides = [p.stem for p in cli_overlay.glob("*.png") if p.stem in ("front", "back")]
    assert "front" in sides
    for key in sides:
        image = images[key]
        assert isinstance(image, Image.Image)
        assert image.mode == "RGB"
        assert image.size == png_size((cli_overlay / f"{key}.png").read_bytes())
    # No video frames on the sheet: a smaller contact sheet than the command's three.
    sheet = png_size((cli_overlay / "contact-sheet.png").read_bytes())
    assert images["contact-sheet"].size[0] * images["contact-sheet"].size[1] < sheet[0] * sheet[1]


def test_overlay_errors_carry_the_command_lines_message(batch: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "{name}")
    assert_cli_errors_match(batch, ["overlay", "{path}", "--out", out], eidscope.overlay)
    with pytest.raises(eidscope.EidscopeError, match="bundle.zip: not a zip file"):
        eidscope.overlay(b"GIF89a not a bundle")
    with pytest.raises(ValueError):
        eidscope.overlay(batch / BUNDLE, frames=-1)
