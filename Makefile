# The two front doors: `make run` and `make test`. Everything they need is set up here.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# Extras for `make install` in production: EXTRAS=postgres for PostgreSQL's driver.
EXTRAS ?=
CATALOGUES := $(wildcard tracker/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)
NODE_STAMP := tests/browser/node_modules/.installed

.PHONY: install test-tools run test lint translations extract clean bench bench-peers

# What the app needs to run, nothing of the tests'; their Python and node tools come with
# `make test` (its Python ones with `make lint` and `make bench` too).
install: $(STAMP) $(COMPILED)

test-tools: install $(TEST_STAMP) $(NODE_STAMP)

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.$(if $(EXTRAS),[$(EXTRAS)])'
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# axe-core and the Nu HTML checker (vnu-jar) for the browser tests' page checks, as locked.
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Debian's Java is used.
$(NODE_STAMP): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(COMPILED)

# Re-read the messages from the code and templates and merge them into the catalogues.
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o tracker/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching

run: install
	$(BIN)/tracker db upgrade
	@# The demo's own generator: a password the rules accept for every demo login (a random
	@# token may hold one, «hr» say, and be refused).
	@test -s instance/demo-password || $(BIN)/python -c "from tracker import create_app; from tracker.demo import demo_password; app = create_app(); app.app_context().push(); print(demo_password())" > instance/demo-password
	@chmod 600 instance/demo-password
	$(BIN)/tracker demo --if-empty --password="$$(cat instance/demo-password)"
	@echo "Откройте http://$(HOST):$(PORT) и войдите под одним из логинов выше."
	@# The worker (PDFs, mail, reminders) beside the web server; both stop together.
	@$(BIN)/tracker worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(BIN)/tracker run --host $(HOST) --port $(PORT)

lint: install $(TEST_STAMP)
	$(BIN)/ruff check tracker tests bench
	$(BIN)/bandit --quiet --recursive --severity-level medium tracker
	$(BIN)/mypy

# -n auto: pytest-xdist runs the tests in one worker per core (each worker builds its own
# template databases, browser and live servers); `pytest` alone still runs them in one process.
test: test-tools lint
	$(BIN)/python -m pytest -n auto

# Speed against the bare libraries' floor (bench/README.md); results in bench/results/.
bench: install $(TEST_STAMP)
	$(BIN)/python -m bench.documents
	$(BIN)/python -m bench.feeds
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.plan_files
	$(BIN)/python -m bench.plan_import
	$(BIN)/python -m bench.digest --schools 600 --people 80
	$(BIN)/python -m bench.template_limits
	$(BIN)/python -m bench.login_attack
	$(BIN)/python -m bench.plan_pages
	$(BIN)/python -m bench.load --scale 600
	$(BIN)/python -m bench.summary

# Beside the nearest peers (Redmine's issue list, Radicale's calendar): installs Debian packages,
# so not part of `make bench`; needs root. bench/peers/run says what it does.
bench-peers: install $(TEST_STAMP)
	bench/peers/run

clean:
	rm -rf $(VENV) build *.egg-info
