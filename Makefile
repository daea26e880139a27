# lawtrail — the two commands of the README, plus benchmarks.
#   make run    set up and serve on http://127.0.0.1:$(PORT) with demo data
#   make test   the whole suite on SQLite and on a throwaway PostgreSQL 15
#   make bench  the benchmarks in bench/ (not part of make test)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

run: $(VENV)/.installed
	scripts/ensure-debian-packages $$(cat scripts/runtime-debian-packages)
	$(BIN)/lawtrail migrate --noinput -v0
	$(BIN)/lawtrail collectstatic --noinput -v0
	$(BIN)/lawtrail demo
	@echo "打开 http://127.0.0.1:$(PORT)/ ，用上面的演示账号登录。"
	$(BIN)/lawtrail serve --port $(PORT)

test: $(VENV)/.installed
	scripts/run-tests

bench: $(VENV)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .hypothesis
