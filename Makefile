# Two environments: .venv (Python 3.12, our code) and .venv-rasa (Python 3.10, Rasa 3.6.21 only).
PY312 ?= /root/.pyenv/versions/3.12.1/bin/python
PY310 ?= /root/.pyenv/versions/3.10.13/bin/python
APP := .venv/.installed
RASA := .venv-rasa/.installed
# The engine plug-in (rasa_plugins/sitecustomize.py, see its docstring): Python imports it at every
# start of .venv-rasa's interpreter.
RASA_PLUGIN := .venv-rasa/lib/python3.10/site-packages/sitecustomize.py
MODEL := models/current.tar.gz
TRAIN_SRC := config.yml domain.yml $(shell find nlu_data -name '*.yml' 2>/dev/null)
SYSDEPS := var/.sysdeps
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_INTRA_OP_PARALLELISM_THREADS := 2
export TF_INTER_OP_PARALLELISM_THREADS := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: setup run test test-without-engine test-with-engine test-engine-a test-engine-b test-fast test-faults train validate lint audit fuzz bench bench-load nlu-cv nlu-heldout clean

setup: $(APP) $(RASA) $(RASA_PLUGIN) $(SYSDEPS)

$(APP): requirements/app.lock pyproject.toml
	test -x .venv/bin/python || $(PY312) -m venv .venv
	.venv/bin/pip install -q --disable-pip-version-check -r requirements/app.lock
	.venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

$(RASA): requirements/rasa.lock
	test -x .venv-rasa/bin/python || $(PY310) -m venv .venv-rasa
	.venv-rasa/bin/pip install -q --disable-pip-version-check -r requirements/rasa.lock
	install -m 644 rasa_plugins/sitecustomize.py $(RASA_PLUGIN)
	touch $@

$(RASA_PLUGIN): rasa_plugins/sitecustomize.py | $(RASA)
	install -m 644 $< $@

# Servers the tests start throw-away instances of (PostgreSQL 15 ships in /usr/local/bin).
$(SYSDEPS):
	mkdir -p var
	command -v redis-server >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server)
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	touch $@

$(MODEL): $(TRAIN_SRC) | $(RASA)
	.venv-rasa/bin/rasa train --data nlu_data --config config.yml --domain domain.yml \
		--out models --fixed-model-name current

train: $(MODEL)

run: $(APP) $(RASA) $(RASA_PLUGIN) $(MODEL)
	.venv/bin/python -m bot.runner

# Every test but the fault run, in two halves run side by side: the tests that need no engine
# start as soon as .venv is installed, while .venv-rasa installs and the model trains; the
# engine's tests follow once the model is there. The fault run (processes killed under load,
# several minutes) is `make test-faults`: here the supervised-restart tests of
# tests/unit/test_runner_supervised.py are its short version.
# The engine's tests themselves are two groups run side by side (most of their time is spent
# waiting for engines to start and to answer).
ENGINE_GROUP_A := tests/e2e
ENGINE_GROUP_B := --ignore=tests/e2e --ignore=tests/faults

test:
	$(MAKE) --no-print-directory -j3 test-without-engine test-engine-a test-engine-b

test-without-engine: $(APP) $(SYSDEPS)
	.venv/bin/pytest -q -p no:cacheprovider -m "not slow and not faults"

test-with-engine: test-engine-a test-engine-b

test-engine-a: $(APP) $(RASA) $(RASA_PLUGIN) $(SYSDEPS) $(MODEL)
	.venv/bin/pytest -q -p no:cacheprovider -m "slow and not faults" $(ENGINE_GROUP_A)

test-engine-b: $(APP) $(RASA) $(RASA_PLUGIN) $(SYSDEPS) $(MODEL)
	.venv/bin/pytest -q -p no:cacheprovider -m "slow and not faults" $(ENGINE_GROUP_B)

test-fast: $(APP)
	.venv/bin/pytest -q -m "not slow and not browser"

validate: $(RASA)
	.venv-rasa/bin/rasa data validate --data nlu_data --config config.yml --domain domain.yml

lint: $(APP)
	.venv/bin/ruff check bot actions tests bench rasa_plugins
	.venv/bin/mypy
	.venv/bin/bandit -q -c pyproject.toml -r bot actions rasa_plugins rasa_sdk_plugins
	.venv/bin/python .ci/audit.py

# Known vulnerabilities of the pinned versions of both lock files (part of lint).
audit: $(APP)
	.venv/bin/python .ci/audit.py

# Hostile requests to every webhook and chat endpoint (FUZZ_CASES, 10,000), the staff API against
# its description with each role's token (API_EXAMPLES per operation, 100), then the domain's
# properties (PROPERTY_EXAMPLES each, 2,000); each prints its counts.
FUZZ_CASES ?= 10000
API_EXAMPLES ?= 100
PROPERTY_EXAMPLES ?= 2000
fuzz: $(APP)
	.venv/bin/python -m tests.security.fuzzing --cases $(FUZZ_CASES)
	API_EXAMPLES=$(API_EXAMPLES) .venv/bin/pytest -q -s -p no:cacheprovider tests/security/test_api_schema.py
	PROPERTY_EXAMPLES=$(PROPERTY_EXAMPLES) .venv/bin/pytest -q -p no:cacheprovider tests/unit/test_properties.py --hypothesis-show-statistics

bench: setup $(MODEL)
	.venv/bin/python bench/run_all.py

# Full intakes through the web service's chat endpoint (bench/load.py --help for the options).
bench-load: setup $(MODEL)
	.venv/bin/python bench/load.py $(LOAD_ARGS)

# Kill processes under load (engines, action server, web service; PostgreSQL and Redis stopped).
test-faults: setup $(MODEL)
	COMPLAINTBOT_FAULTS=full .venv/bin/pytest -q -m faults tests/faults

nlu-cv: $(RASA)
	.venv-rasa/bin/rasa test nlu --nlu nlu_data/nlu --config config.yml --cross-validation --folds 3 --out var/nlu-cv

# The trained model on the held-out sets tests/nlu/heldout*.yml (never trained on): per-intent and macro F1.
HELDOUT := $(wildcard tests/nlu/heldout*.yml)
nlu-heldout: $(RASA) $(MODEL)
	@for f in $(HELDOUT); do n=$$(basename $$f .yml); echo "== $$f"; \
	  .venv-rasa/bin/rasa test nlu --nlu $$f --model $(MODEL) --out var/nlu-$$n > var/nlu-$$n.log 2>&1 \
	    || { tail -20 var/nlu-$$n.log; exit 1; }; \
	  .venv/bin/python bench/nlu_report.py var/nlu-$$n/intent_report.json; done

clean:
	rm -rf models var/tracker.db
