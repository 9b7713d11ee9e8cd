# The two commands of the README: `make demo` and `make test`. Both install what is missing.
SWIFT ?= swift
DEMO_DIR ?= out/demo

.PHONY: deps build release demo test clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The main job on a built-in default graph: an augmentation graph of 2,000 samples x 4 views with
# 2% cross-sample edges and 10 classes, embedded with every loss and label diagnostics.
demo: release
	@mkdir -p out
	.build/release/eigenpair generate augmentation --samples 2000 --views 4 --cross-fraction 0.02 \
	    --classes 10 --seed 1 --out out/demo-graph.tsv --labels-out out/demo-graph.labels --force
	.build/release/eigenpair embed out/demo-graph.tsv --out $(DEMO_DIR) --dim 16 --loss all \
	    --labels out/demo-graph.labels --force

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build out
