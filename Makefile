# Two commands matter: `make lab` (set up and open the course) and `make test` (set up and run every test).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Notebooks are tested offline so stored outputs are the same on every machine.
TEST_ENV := COURSE_OFFLINE=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0 TOKENIZERS_PARALLELISM=false \
	COURSE_CACHE=$(CURDIR)/results/cache

.PHONY: setup lab test unit lint nbval solved browser site learner nbval-one bench execute wheelhouse wheelhouse-verify clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: run make PYTHON=python3.11 ...")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

# Extra JupyterLab options, e.g. `make lab LAB_ARGS=--no-browser`; root (as in some containers) needs --allow-root.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: setup
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/00_welcome.ipynb

test: setup lint unit nbval solved browser

lint: setup
	$(BIN)/ruff check course_utils tests tools notebooks

unit: setup
	$(TEST_ENV) $(BIN)/pytest -q -m "not browser and not solved" tests

# Every notebook run with the exercise bank's solutions fed to its checks (the "solved" view).
solved: setup
	$(TEST_ENV) $(BIN)/pytest -q -p no:cacheprovider -m solved tests

nbval: setup
	$(TEST_ENV) $(BIN)/pytest -q -p no:cacheprovider --nbval --nbval-cell-timeout=600 notebooks

# Every notebook run in JupyterLab in a real browser (Debian's chromium; skipped if it is not installed).
browser: setup
	$(TEST_ENV) $(BIN)/pytest -q -p no:cacheprovider -m browser tests

# Learner copies (no outputs, no solution lines) in build/learner; instructors teach from notebooks/.
learner: setup
	$(BIN)/python tools/course_views.py learner --out build/learner

# The rendered course site (stored outputs, course order) in _build/html; offline, no execution.
site: setup
	$(BIN)/jupyter-book build . --config book/_config.yml --toc book/_toc.yml --path-output . --warningiserror

# Strict nbval on one notebook, e.g. `make nbval-one NB=notebooks/01_one_hot.ipynb`.
nbval-one: setup
	$(TEST_ENV) $(BIN)/pytest -q -p no:cacheprovider --nbval --nbval-cell-timeout=600 $(NB)

# Measure wall time and peak memory of every notebook; the quiet run writes the table into README.md.
# CONDITION=busy: beside a process that keeps one core busy; CONDITION=binder: inside a 1-CPU/2-GB cgroup (root).
CONDITION ?= quiet
bench: setup
	$(TEST_ENV) $(BIN)/python tools/bench.py --condition $(CONDITION) $(NB)

# Re-execute one notebook in place, e.g. `make execute NB=notebooks/01_one_hot.ipynb`.
execute: setup
	$(TEST_ENV) $(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 $(NB)

# Workshop without internet: download every pinned wheel into wheelhouse/, then prove it installs offline.
wheelhouse: setup
	$(BIN)/python tools/wheelhouse.py

wheelhouse-verify: wheelhouse
	$(BIN)/python tools/wheelhouse.py --verify

clean:
	rm -rf results wheelhouse .pytest_cache .ruff_cache
