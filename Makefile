# kong-chaos: the two entry points are `make scenario` (needs Docker) and `make test` (offline).
SHELL := /bin/bash
.DEFAULT_GOAL := help

SCENARIO ?=
KIC ?=
GATEWAY ?=
K8S ?=
MODE ?=
TOPOLOGY ?=
FEATURE_GATES ?=
VARIANT ?=
ARGS ?=

target_flags = $(if $(KIC),--kic $(KIC)) $(if $(GATEWAY),--gateway $(GATEWAY)) $(if $(K8S),--k8s $(K8S)) \
  $(if $(MODE),--mode $(MODE)) $(if $(TOPOLOGY),--topology $(TOPOLOGY)) \
  $(if $(FEATURE_GATES),--feature-gates $(FEATURE_GATES)) $(if $(VARIANT),--variant $(VARIANT))

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: help deps build system-deps test-crds catalog scenario plan list doctor test typecheck e2e bench clean
help:
	@echo "make scenario SCENARIO=<id> [KIC=3.4.3] [MODE=dbless|postgres] [TOPOLOGY=...] [K8S=...] [VARIANT=...] [ARGS=...]"
	@echo "                 run one scenario on a kind cluster (needs Docker)"
	@echo "make plan SCENARIO=<id> [same flags]  show what a run would do, offline"
	@echo "make list        the scenarios of the catalog, with their expectations"
	@echo "make doctor      check Docker, tools, memory and ports"
	@echo "make test        run the test suite (installs what it needs; fetches the CRDs it validates against"
	@echo "                 into .cache/crds once, or reads them offline from KONG_CHAOS_CRDS_DIR)"
	@echo "make test-crds   only the CRD check/fetch that make test runs first"
	@echo "make typecheck   tsc --noEmit"
	@echo "make catalog     regenerate docs/catalog.md from the scenario definitions (a test fails when it is stale)"
	@echo "make bench       benchmarks of the traffic probe and diagnose (needs nginx)"
	@echo "make e2e         only the real kind runs (needs Docker and network; fails without them)"
	@echo "make system-deps install the system packages the tests need"
	@echo "make deps        npm ci, when package-lock.json changed (it also builds the CLI bundle)"
	@echo "make build       build the CLI bundle in .cache/cli now (every start rebuilds it when a source changed)"
	@echo "make clean       remove .cache and runs"

deps: node_modules/.package-lock.json

build: deps
	node bin/cli-bundle.js

scenario: deps
	@test -n "$(SCENARIO)" || { echo "SCENARIO is required, e.g. make scenario SCENARIO=gateway-listener-stuck KIC=3.4.3" >&2; exit 2; }
	npx kong-chaos run $(SCENARIO) $(target_flags) --install-tools $(ARGS)

plan: deps
	@test -n "$(SCENARIO)" || { echo "SCENARIO is required" >&2; exit 2; }
	npx kong-chaos plan $(SCENARIO) $(target_flags) $(ARGS)

list: deps
	npx kong-chaos list $(ARGS)

doctor: deps
	npx kong-chaos doctor $(ARGS)

catalog: deps
	npx tsx scripts/catalog.ts

typecheck: deps
	npx tsc --noEmit

system-deps:
	@scripts/system-deps.sh

# the upstream CRDs the manifest tests validate against: present, or one line saying how to get them
test-crds: deps
	@npx tsx scripts/test-crds.ts

test: deps system-deps test-crds typecheck
	npx mocha

bench: deps
	@scripts/system-deps.sh bench
	node bin/cli-bundle.js
	npx tsx bench/run.ts

# only test/e2e (its own mocha config: the default one lists the offline suite); fails without Docker
e2e: deps
	KONG_CHAOS_E2E=1 npx mocha --config test/e2e/mocharc.json

clean:
	rm -rf .cache runs
