# svclab — the contracts of DESIGN.md: up, down, test, bench. Each bootstraps what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help deps build up down test test-unit test-e2e bench lint typecheck format check

help:
	@echo "make up      start the local cluster in the background (installs what is missing)"
	@echo "make down    stop it"
	@echo "make test    unit + integration + end-to-end tests"
	@echo "make bench   benchmarks; figures go to docs/benchmarks.md"
	@echo "make check   typecheck + lint"

deps:
	@scripts/bootstrap.sh

build: deps

up: deps
	@node apps/cli/dist/main.js up

down:
	@if [[ -f apps/cli/dist/main.js ]]; then node apps/cli/dist/main.js down; else echo "nothing to stop"; fi

test: deps
	@scripts/test.sh

test-unit: deps
	@scripts/test.sh --project unit

test-e2e: deps
	@scripts/test.sh --project e2e

bench:
	@scripts/bootstrap.sh --bench
	@node scripts/bench.mjs

typecheck:
	@npx turbo run typecheck

lint:
	@npx turbo run lint

check: typecheck lint
	@npx prettier --check . >/dev/null || echo "prettier: run 'npm run format'"
