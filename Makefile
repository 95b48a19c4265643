# `make test` and `make demo` each work on a fresh machine: they create .venv and install nianbao.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: test demo bench fixtures clean

$(BIN)/nianbao: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

test: $(BIN)/nianbao
	$(BIN)/python -m pytest -q

# Sample portals served locally → crawl → build → Datasette at http://127.0.0.1:8001
demo: $(BIN)/nianbao
	$(BIN)/nianbao demo --workdir demo --port 8001

bench: $(BIN)/nianbao
	$(BIN)/python bench/parse.py

fixtures: $(BIN)/nianbao
	$(BIN)/python tests/fixtures/make_fixtures.py

clean:
	rm -rf $(VENV) build *.egg-info demo
