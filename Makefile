# Two commands matter: `make lab` (set up and open the course) and `make test` (set up and run the tests that matter
# before every commit); `make test-all` adds the slow tier, the solved views and the site (what .ci/run runs).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The Python versions the pins in requirements.txt are known to work with: the whole test suite runs on 3.11, and every
# pinned package has wheels for 3.12 and 3.13 too (gensim 4.4.0 has none for 3.14). Checked before anything installs.
PYTHON_VERSIONS := 3.11 3.12 3.13
# Where torch comes from. requirements.txt pins torch==2.13.0, and the plain PyPI wheel of it for Linux is the
# multi-GB CUDA build, so:
#   auto (default)  the CPU build of the pinned torch if pip already finds it without an index (a --find-links folder
#                   in pip's configuration, as on the course's build machines), otherwise the CPU wheel index below
#   an index URL    e.g. https://download.pytorch.org/whl/cpu, or .../whl/cu128 for an NVIDIA GPU (--extra-index-url)
#   a folder        wheels on this disk (--find-links), e.g. TORCH_INDEX=/opt/wheels
#   pip             pip's own configuration only (on Linux without a local CPU build: the CUDA build)
TORCH_INDEX ?= auto
CPU_TORCH_INDEX := https://download.pytorch.org/whl/cpu
# Notebooks are tested offline so stored outputs do not depend on the network.
OFFLINE_ENV := COURSE_OFFLINE=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0 TOKENIZERS_PARALLELISM=false \
	COURSE_CACHE=$(CURDIR)/results/cache
# ...nor on the kind of x86-64 CPU: each numeric library picks its code (SSE, AVX2, AVX-512) for the CPU it runs on,
# the code paths add in other orders, and training lets the last-bit differences grow (04's Word2Vec scores, 06's
# perplexity, 08's recall). These pin every library to its AVX2 code, which x86-64 CPUs run since Haswell and Zen:
# OpenBLAS (numpy, scipy, gensim, scikit-learn), MKL, ATen and oneDNN (torch), FAISS, and numpy's own loops.
# Set only where the CPU has AVX2 (elsewhere the libraries keep their own choice); tests/test_numeric_pins.py checks
# that each library obeys. Learners' kernels do not use them: they get their CPU's fastest code.
ISA_PINS := OPENBLAS_CORETYPE=Haswell MKL_CBWR=AVX2,STRICT ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 \
	FAISS_SIMD_LEVEL=AVX2 NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"
ISA_ENV := $(if $(shell grep -qsw avx2 /proc/cpuinfo && echo yes),$(ISA_PINS))
TEST_ENV := $(OFFLINE_ENV) $(ISA_ENV)
# The test tiers (markers in pyproject.toml); `make test` leaves out the slow and solved ones, `make test-all` runs all.
FAST := not slow and not browser and not solved

.PHONY: setup lab test test-all second-run unit slow lint nbval solved browser site learner nbval-one bench execute \
	wheelhouse wheelhouse-verify clean

setup: $(STAMP)

# Shell code: fail with one clear message unless the Python given as $(1) is one of PYTHON_VERSIONS.
define check_python
v=$$($(1) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || { \
  echo "make: $(1) does not run. Install Python 3.11 (Debian/Ubuntu: sudo apt install python3.11 python3.11-venv)," \
       "then run: make $(or $(MAKECMDGOALS),setup) PYTHON=python3.11" >&2; exit 1; }; \
case " $(PYTHON_VERSIONS) " in *" $$v "*) ;; *) \
  echo "make: $(1) is Python $$v, but the course's pins are known to work with Python $(PYTHON_VERSIONS) only" \
       "(3.11 is the one the tests run on). Install one of them and run: make $(or $(MAKECMDGOALS),setup) PYTHON=python3.11" >&2; \
  exit 1;; esac
endef

# Shell code: set $$torch_args to the pip options TORCH_INDEX stands for, and say which source torch comes from.
define torch_source
torch=$$(sed -n 's/^torch==\([^ #]*\).*/\1/p' requirements.txt); src='$(TORCH_INDEX)'; \
if [ "$$src" = auto ]; then \
  if $(BIN)/python -m pip install -q --dry-run --no-index --no-deps --ignore-installed "torch==$$torch+cpu" >/dev/null 2>&1; \
  then src=pip; echo "torch $$torch: the CPU build pip finds on this disk without an index (TORCH_INDEX=auto)"; \
  else src=$(CPU_TORCH_INDEX); fi; \
fi; \
case "$$src" in \
  pip) torch_args=""; [ '$(TORCH_INDEX)' = auto ] || echo "torch $$torch: from pip's own configuration (TORCH_INDEX=pip)";; \
  http://*|https://*|file:*) torch_args="--extra-index-url $$src"; echo "torch $$torch: from $$src (TORCH_INDEX=$(TORCH_INDEX))";; \
  *) if [ -d "$$src" ]; then torch_args="--find-links $$src"; echo "torch $$torch: from the wheels in $$src"; else \
     echo "make: TORCH_INDEX=$$src is none of auto, pip, an index URL or a folder of wheels." >&2; exit 1; fi;; \
esac
endef

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: no $(PYTHON) here. Install Python 3.11" \
	  "(Debian/Ubuntu: sudo apt install python3.11 python3.11-venv) or run: make $(or $(MAKECMDGOALS),setup) PYTHON=/path/to/python3.11" >&2; exit 1; }
	@if [ ! -e $(VENV) ]; then \
	  $(call check_python,$(PYTHON)); \
	  echo "$(PYTHON) -m venv $(VENV)"; \
	  $(PYTHON) -m venv $(VENV) || { echo "make: '$(PYTHON) -m venv' could not make $(VENV) with pip in it. On Debian/Ubuntu" \
	    "the venv module comes in its own package: sudo apt install python$$v-venv. Then: rm -rf $(VENV) && make $(or $(MAKECMDGOALS),setup)" >&2; exit 1; }; \
	fi
	@$(BIN)/python -c '' 2>/dev/null || { echo "make: $(VENV) is a half-made environment: $(BIN)/python is missing or does not run" \
	  "(made by an interrupted or failed set-up, or its Python was removed). Remove it and set up again: rm -rf $(VENV) && make $(or $(MAKECMDGOALS),setup)" >&2; exit 1; }
	@$(call check_python,$(BIN)/python); \
	$(BIN)/python -m pip --version >/dev/null 2>&1 || { echo "make: $(VENV) is a half-made environment: it has Python $$v but no pip" \
	  "(made by 'python -m venv' without ensurepip: on Debian/Ubuntu install it with sudo apt install python$$v-venv)." \
	  "Then remove it and set up again: rm -rf $(VENV) && make $(or $(MAKECMDGOALS),setup)" >&2; exit 1; }
	$(BIN)/python -m pip install -q --upgrade pip
	@$(torch_source); set -x; $(BIN)/python -m pip install -q $$torch_args -r requirements.txt -e ".[lab,dev]"
	touch $(STAMP)

# Extra JupyterLab options, e.g. `make lab LAB_ARGS=--no-browser`; root (as in some containers) needs --allow-root.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: setup
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/00_welcome.ipynb

# Before every commit: lint, the fast unit tests, every notebook re-run by strict nbval, every notebook in a browser.
test: setup lint unit nbval browser

# What CI runs (.ci/run): the above with the browser tier's light notebooks only, then the slow tier, the light
# notebooks' solved views and the rendered site. A notebook over 100 s in the bench record is `heavy`: nbval runs it
# once, but its second run (browser, solved view) is left to `make browser` and `make solved`, because on a slow
# 2-core machine nbval (29 min) plus the browser (42 min) plus the solved views would not fit CI's 90 minutes
# (tests/notebook_tiers.py).
test-all: setup lint unit nbval slow second-run site

second-run: setup
	$(TEST_ENV) $(BIN)/pytest -q -p no:cacheprovider -m "(browser or solved) and not slow and not heavy" tests

lint: setup
	$(BIN)/ruff check course_utils tests tools notebooks

unit: setup
	$(TEST_ENV) $(BIN)/pytest -q -m "$(FAST)" tests

# Tests over about 10 s: training runs, MiniLM on a whole benchmark task, the site build, the wheelhouse download.
slow: setup
	$(TEST_ENV) $(BIN)/pytest -q -p no:cacheprovider -m "slow and not solved" tests

# Every notebook run with the exercise bank's solutions fed to its checks (the "solved" view).
solved: setup
	$(TEST_ENV) $(BIN)/pytest -q -p no:cacheprovider -m solved tests

nbval: setup
	$(TEST_ENV) $(BIN)/pytest -q -p no:cacheprovider --nbval --nbval-cell-timeout=600 notebooks

# Every notebook run in JupyterLab in a real browser (Debian's chromium; skipped, and said so, if it is not installed).
browser: setup
	$(TEST_ENV) $(BIN)/pytest -q -p no:cacheprovider -m "browser and not slow" tests

# Learner copies (no outputs, no solution lines) in build/learner; instructors teach from notebooks/.
learner: setup
	$(BIN)/python tools/course_views.py learner --out build/learner

# The rendered course site (stored outputs, course order) in _build/html; offline, no execution.
site: setup
	$(BIN)/jupyter-book build . --config book/_config.yml --toc book/_toc.yml --path-output . --warningiserror

# Strict nbval on one notebook, e.g. `make nbval-one NB=notebooks/01_one_hot.ipynb`.
nbval-one: setup
	$(TEST_ENV) $(BIN)/pytest -q -p no:cacheprovider --nbval --nbval-cell-timeout=600 $(NB)

# Measure wall time and peak memory of every notebook in three conditions and write the table into README.md:
# quiet; beside a process that keeps one core busy; inside a 1-CPU/2-GB cgroup like Binder's (needs root, else
# that column says why it was skipped). About 45 minutes for everything; narrow it with CONDITIONS and NB, e.g.
# `make bench CONDITIONS=binder NB=notebooks/06_elmo_gpt_albert.ipynb`.
CONDITIONS ?= quiet busy binder
bench: setup
	$(OFFLINE_ENV) $(BIN)/python tools/bench.py --conditions "$(CONDITIONS)" $(NB)

# Re-execute one notebook in place, e.g. `make execute NB=notebooks/01_one_hot.ipynb`.
execute: setup
	$(TEST_ENV) $(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 $(NB)

# Workshop without internet: download every pinned wheel (torch from TORCH_INDEX) into wheelhouse/, then prove it
# installs offline.
wheelhouse: setup
	@$(torch_source); set -x; $(BIN)/python tools/wheelhouse.py --torch-pip-args="$$torch_args"

wheelhouse-verify: wheelhouse
	$(BIN)/python tools/wheelhouse.py --verify

clean:
	find results -mindepth 1 -maxdepth 1 ! -name bench -exec rm -rf {} + 2>/dev/null; rm -rf wheelhouse .pytest_cache .ruff_cache  # results/bench is kept: make bench's record
