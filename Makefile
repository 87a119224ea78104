# Mixdown — the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift

.PHONY: deps build demo test bench clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release

# Renders the example programme into out/ in every delivery format.
demo: build
	@bash scripts/demo.sh

# Tests run optimised: the DSP tests measure minutes of synthesised audio.
test: deps
	$(SWIFT) test -c release -Xswiftc -enable-testing

# mixdown analyze against ffmpeg's ebur128 on the same 10-minute file, side by side.
bench: build
	@bash Benchmarks/analyze-vs-ffmpeg.sh

clean:
	rm -rf .build out
