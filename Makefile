# eidscope: the two commands of the README, and the steps they need.
#   make demo   synthesises a batch of bundles and inspects it
#   make test   fmt, clippy (-D warnings) and every test
# Both install the Debian packages the build needs (FFmpeg development libraries, libclang,
# pkg-config, mold) with apt-get when they are missing.

SHELL := /bin/bash
CARGO ?= cargo
DEMO_DIR ?= demo-out
APT_PACKAGES := pkg-config clang libclang-dev mold \
	libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev \
	libavfilter-dev libavdevice-dev

.PHONY: deps demo test fmt lint unit build findings-doc clean-demo

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:" $$missing; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@command -v cargo-nextest >/dev/null || echo "note: cargo-nextest not found; tests run with cargo test"

build: deps
	$(CARGO) build -p eidscope

demo: build
	rm -rf $(DEMO_DIR)
	./target/debug/eidscope synth --count 40 --seed 2026 --out $(DEMO_DIR)/bundles
	@echo; echo "== inspect: a clean bundle =="
	./target/debug/eidscope inspect $(DEMO_DIR)/bundles/bundle-00001.zip
	@echo; echo "== inspect: every bundle of the batch, findings by severity =="
	@for z in $(DEMO_DIR)/bundles/*.zip; do \
		printf '%-28s ' "$$(basename $$z)"; \
		./target/debug/eidscope inspect --json $$z | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["reported_status"] or "-", "->", r["derived_status"], " ", ", ".join(f["code"] for f in r["findings"]) or "clean")'; \
	done
	@echo; echo "== overlay: feature boxes on the document =="
	./target/debug/eidscope overlay $(DEMO_DIR)/bundles/bundle-00001.zip --out $(DEMO_DIR)/overlay
	@echo; echo "== video: the capture video probed =="
	./target/debug/eidscope video $(DEMO_DIR)/bundles/bundle-00001.zip

fmt:
	$(CARGO) fmt --all -- --check

lint: deps
	$(CARGO) clippy --workspace --all-targets -- -D warnings

unit: deps
	@if command -v cargo-nextest >/dev/null; then \
		$(CARGO) nextest run --workspace --no-fail-fast; \
	else \
		$(CARGO) test --workspace --no-fail-fast; \
	fi

test: deps fmt lint unit

# Regenerates docs/findings.md from the catalogue in code.
findings-doc: build
	./target/debug/eidscope findings --markdown > docs/findings.md

clean-demo:
	rm -rf $(DEMO_DIR)
