# The two commands of the README: `make demo` and `make test`. Both install what is missing.
SWIFT ?= swift
DEMO_DIR ?= out/demo

.PHONY: deps build release demo test clean fuzz fuzz-smoke

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The main job on a built-in default graph: a planted-partition graph of 3,000 nodes in 10 classes
# (about 69% of the edge weight within classes), embedded with every loss and label diagnostics.
demo: release
	@mkdir -p out
	.build/release/eigenpair generate sbm --nodes 3000 --classes 10 --p-in 0.02 --p-out 0.001 \
	    --seed 1 --out out/demo-graph.tsv --labels-out out/demo-graph.labels --force
	.build/release/eigenpair embed out/demo-graph.tsv --out $(DEMO_DIR) --dim 16 --loss all \
	    --labels out/demo-graph.labels --force

# Every report.json / sweep.json the Swift CLI tests read is copied to .build/test-reports, and the Python
# suite validates each against docs/report.schema.json (python/tests/test_report_schema.py).
test: export EIGENPAIR_REPORT_COLLECT = $(abspath .build/test-reports)
test: deps fuzz-smoke
	rm -rf .build/test-reports
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	scripts/mpi-tests.sh
	scripts/python-tests.sh

clean:
	rm -rf .build out

# libFuzzer targets for the parsers and .npy readers (docs/hardening.md): `make fuzz` runs each for
# FUZZ_SECONDS; `make test` replays the regression inputs and fuzzes 10 s per target (40 s in all).
FUZZ_SECONDS ?= 600
fuzz:
	fuzz/build.sh
	fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke:
	fuzz/build.sh
	fuzz/run.sh 10
