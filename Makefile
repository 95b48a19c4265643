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

# Until the crawler and archive land, the demo parses and scores the bundled seed reports.
demo: $(BIN)/nianbao
	@echo "nianbao demo: will serve the sample portals locally, crawl them, build archive.db and serve it with Datasette."
	@echo "Today: parsing and scoring the five bundled seed reports."
	$(BIN)/nianbao eval tests/fixtures/seeds

bench: $(BIN)/nianbao
	$(BIN)/python bench/parse.py

fixtures: $(BIN)/nianbao
	$(BIN)/python tests/fixtures/make_fixtures.py

clean:
	rm -rf $(VENV) build *.egg-info
