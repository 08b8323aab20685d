# csc-figures: every chart and figure in the desk's stories, rebuilt from the publishers' files.
# `make all` builds everything from a clean clone; `make test` builds and tests. `make help` lists targets.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules --no-builtin-variables

VENV := .venv
PY := $(VENV)/bin/python
ENV := $(VENV)/.installed
RUN := $(PY) -m csc_figures.run
RAW_MIRROR ?= ../shared/data/raw
export RAW_MIRROR
# Two cores: one polars thread per process keeps `make -j2` from oversubscribing.
export POLARS_MAX_THREADS ?= 1
# Same bytes on any desk: every step (and the kernels papermill starts) runs in UTC with one locale.
export TZ := UTC
export LC_ALL := C.UTF-8
export LANG := C.UTF-8
# Python keeps each module's compiled bytecode (src/csc_figures/__pycache__, ignored by git), as pip does for
# the packages it installs: a desk that sets PYTHONDONTWRITEBYTECODE would otherwise compile the whole package
# again in every process Make starts (each notebook's kernel, each check, each test's subprocess).
export PYTHONDONTWRITEBYTECODE :=

# One build per tree at a time: `make all` or `make test` takes .make.lock; a second one on the same
# tree says so and waits for the first to finish, instead of racing it for the same files.
LOCKED_GOALS := all test processed stories claims bench
ifeq ($(CSC_FIGURES_LOCKED)$(if $(filter $(LOCKED_GOALS),$(MAKECMDGOALS)),,unlocked),)
$(firstword $(MAKECMDGOALS)):
	@exec 9>.make.lock; if ! flock -n 9; then \
	  echo "make: another build is running in this tree (it holds .make.lock); waiting for it to finish" >&2; \
	  flock 9; fi; CSC_FIGURES_LOCKED=1 $(MAKE) --no-print-directory $(MAKECMDGOALS)
$(filter-out $(firstword $(MAKECMDGOALS)),$(MAKECMDGOALS)):
	@:
.PHONY: $(MAKECMDGOALS)
else

# the package, and the templates its chart files are written from (templates/figure/)
# (wildcards, not a shell running find: a no-op `make all` starts as few processes as it can)
SRC := $(sort $(foreach depth,* */* */*/* */*/*/*,$(wildcard src/csc_figures/$(depth).py))) \
  $(wildcard src/csc_figures/templates/figure/*.j2)
# A committed output changed by hand (or deleted) since the build wrote it: date back the run that wrote
# it, so Make re-runs that run and the file is the build's again (csc_figures.written says which).
ifneq ($(filter all stories test,$(MAKECMDGOALS)),)
ifneq ($(wildcard $(PY)),)
_REPAIRED := $(shell $(PY) -m csc_figures.written)
endif
endif
# The step graph (src/csc_figures/steps.py, files found by role in data/sources.toml) as Make variables:
# STEP_INPUTS_<step>, STEP_TABLES_<step>, STEP_OUTPUTS_<step>, CLEANING_STEPS, STORY_STEPS, RAW_NAMES.
# Make remakes the file when either changes, then reads it again. Standard library only: no .venv needed.
STEPS_MK := build/steps.mk
$(STEPS_MK): src/csc_figures/steps.py src/csc_figures/sources.py data/sources.toml
	@mkdir -p $(@D)
	PYTHONPATH=src python3 -m csc_figures.steps > $@.tmp && mv $@.tmp $@
include $(STEPS_MK)
RAW := $(addprefix data/raw/,$(RAW_NAMES))
NB := outputs/notebooks
# Each cleaning rule adds its tables, each story its executed notebook.
PROCESSED_TABLES :=
STORY_NOTEBOOKS :=

.PHONY: help all env data check-data fetch processed stories docs test check-outputs lab clean bench

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'

# ---- environment ---------------------------------------------------------------------------
env: $(ENV) ## Create .venv from the lock file and install the package and its Jupyter kernel

$(ENV): pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	# The lock is complete, so no resolver: it leaves out rfc3987-syntax (and its lark), which
	# jsonschema imports eagerly and which builds a grammar costing 1.5 s in every process that
	# imports altair; only jupyter-events' IRI-format checks would use it.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock 2> >(grep -v 'is ignored' >&2)
	$(PY) -m pip uninstall --quiet --yes rfc3987-syntax lark 2>/dev/null || true
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e . 2> >(grep -v 'is ignored' >&2)
	$(PY) -m ipykernel install --sys-prefix --name csc-figures --display-name "Python (csc-figures)" >/dev/null
	# Notebook sources are committed without outputs: .gitattributes names the nbstripout filter, run by each
	# checkout's own .venv (a relative command: git runs filters at the top of the working tree).
	git config filter.nbstripout.clean '.venv/bin/python -m nbstripout --keep-id' 2>/dev/null || true
	git config filter.nbstripout.smudge cat 2>/dev/null || true
	touch $@

# ---- raw data ------------------------------------------------------------------------------
data: $(ENV) ## Verify every raw file (committed in data/raw/); a missing one comes from RAW_MIRROR or its URL
	$(PY) -m csc_figures.sources

fetch: $(ENV) ## Download one file from its recorded url and verify it: make fetch FILE=name.csv
	@test -n "$(FILE)" || { echo "usage: make fetch FILE=<name in data/sources.toml>" >&2; exit 2; }
	$(PY) -m csc_figures.sources --download '$(FILE)'

# One target per file, so touching one raw file re-runs only what reads it.
# Precious: Make never deletes a raw file, even when checking it fails (.DELETE_ON_ERROR would).
.PRECIOUS: data/raw/%
data/raw/%: data/sources.toml | $(ENV)
	$(PY) -m csc_figures.sources '$*'
	touch '$@'

# ---- the check phase -------------------------------------------------------------------------
# Every raw file passes every check (read by its own reader, as the cleaning steps read it) before any
# cleaning step runs: a refusal stops the build with no processed table or output rewritten. The stamp
# lists the raw files checked (csc_figures.check_data). Order-only for the cleaning rules: Make brings
# the check up to date first, but a new stamp re-runs no step (touching one raw file re-runs only its readers).
DATA_CHECKED := build/data-checked
$(DATA_CHECKED): $(RAW) data/sources.toml data/reviewed_exceptions.csv $(SRC) | $(ENV)
	$(PY) -m csc_figures.check_data $@
check-data: $(DATA_CHECKED) ## Read and check every raw file, writing nothing: a refusal names file, row, column, council

# ---- notebooks -----------------------------------------------------------------------------
# Every notebook re-runs when its source or the package changes; extra inputs are listed below.
# Its source as the build runs it (csc_figures.as_built: no outputs, the declared parameters) is what the rules
# depend on, rewritten only when those bytes change: a notebook saved from JupyterLab with its outputs and
# another council re-runs nothing. The stamp spares a build with nothing saved the Python that compares.
AS_BUILT := build/notebooks
$(AS_BUILT)/.checked: $(wildcard notebooks/*.ipynb) $(SRC) | $(ENV)
	$(PY) -m csc_figures.as_built
	@touch $@
AS_BUILT_NOTEBOOKS := $(patsubst notebooks/%,$(AS_BUILT)/%,$(wildcard notebooks/*.ipynb))
$(AS_BUILT_NOTEBOOKS): $(AS_BUILT)/.checked ;
$(NB)/%.ipynb: $(AS_BUILT)/%.ipynb $(SRC) | $(ENV)
	$(RUN) $*

# -- cleaning (0x): raw files -> data/processed/ --
# A cleaning notebook writes its tables only when their bytes change (tables.write), so a re-run
# that changes nothing stops there: the tables' empty rule lets Make re-read their mtimes before
# deciding what else to run. A missing table forces its notebook to run.
#   $(eval $(call cleaning,NOTEBOOK,TABLES IT WRITES,INPUTS IT READS))
if_missing = $(if $(strip $(foreach f,$(1),$(if $(wildcard $(f)),,x))),FORCE)
define cleaning
$(NB)/$(1).ipynb: $(AS_BUILT)/$(1).ipynb $(SRC) $(3) $$(call if_missing,$(2)) | $(ENV) $(DATA_CHECKED)
	$(RUN) $(1)
$(2): $(NB)/$(1).ipynb ;
PROCESSED_TABLES += $(filter data/processed/%,$(2))
endef
.PHONY: FORCE
FORCE:

# Each cleaning step's rule, its inputs and tables from the step graph.
$(foreach step,$(CLEANING_STEPS),$(eval $(call cleaning,$(step),$(STEP_TABLES_$(step)) $(STEP_OUTPUTS_$(step)),$(STEP_INPUTS_$(step)))))

# -- stories (1x): processed tables -> outputs/ --
# Each story's executed notebook depends on its step's inputs (the pattern rule above runs it).
$(foreach step,$(STORY_STEPS),$(eval $(NB)/$(step).ipynb: $(STEP_INPUTS_$(step))))
STORY_NOTEBOOKS += $(foreach step,$(STORY_STEPS),$(NB)/$(step).ipynb)
# -- module steps: a table a notebook reads, computed once (not on every run of the notebook) --
# Its tables keep their mtime when their bytes do not change, so the rule's target is a stamp the
# module touches; the tables follow the stamp, as a cleaning notebook's tables follow its notebook.
define module_step
outputs/runs/steps/$(1).done: $(STEP_INPUTS_$(1)) $(SRC) $$(call if_missing,$(STEP_OUTPUTS_$(1))) | $(ENV)
	$(PY) -m $(STEP_MODULE_$(1)) $$@
$(STEP_OUTPUTS_$(1)): outputs/runs/steps/$(1).done ;
endef
$(foreach step,$(MODULE_STEPS),$(eval $(call module_step,$(step))))
# [11_council_profile]
# Default run: York. The other councils the articles name run into outputs/runs/ (not committed); their
# figures and tables go to outputs/figures|tables/council_profile/<council>/ (committed). DfE codes: Merton,
# Derby, Herefordshire, St Helens, West Berkshire, Gloucestershire, Bournemouth Christchurch and Poole with
# its predecessors Bournemouth and Poole, Northamptonshire with its successors North and West Northamptonshire.
PROFILE_TABLES := $(STEP_INPUTS_11_council_profile)
PROFILE_COUNCILS_1 := 315 831 884 342 869 916
PROFILE_COUNCILS_2 := 839 837 836 928 940 941
profile_runs = $(foreach c,$(1),outputs/runs/11_council_profile/council-$(c)/11_council_profile.ipynb)
PROFILE_RUNS := $(call profile_runs,$(PROFILE_COUNCILS_1) $(PROFILE_COUNCILS_2))
# Each half shares one kernel (run.execute_each): a kernel start and the imports once, not six times;
# two halves so that make -j2 keeps both cores busy.
$(call profile_runs,$(PROFILE_COUNCILS_1)) &: $(AS_BUILT)/11_council_profile.ipynb $(SRC) $(PROFILE_TABLES) | $(ENV)
	$(RUN) 11_council_profile --each $(addprefix council=,$(PROFILE_COUNCILS_1))
$(call profile_runs,$(PROFILE_COUNCILS_2)) &: $(AS_BUILT)/11_council_profile.ipynb $(SRC) $(PROFILE_TABLES) | $(ENV)
	$(RUN) 11_council_profile --each $(addprefix council=,$(PROFILE_COUNCILS_2))
STORY_NOTEBOOKS += $(PROFILE_RUNS)
.PHONY: profiles
profiles: $(ENV) $(PROFILE_TABLES) ## Only the site's council profiles (pages, CSVs): outputs/site/councils/
	rm -rf outputs/profiles outputs/site/councils  # pages from an earlier naming must not linger
	$(PY) -m csc_figures.stories.profile --all --out outputs/site
# [claims]
CLAIMS_REPORT := $(STEP_OUTPUTS_claims)
$(CLAIMS_REPORT) &: $(STEP_INPUTS_claims) $(SRC) | $(ENV)
	$(PY) -m csc_figures.claims
.PHONY: claims
claims: $(CLAIMS_REPORT) ## Check every figure in the articles: outputs/claims_report.csv (the page is in make site)

processed: $(PROCESSED_TABLES) ## Build every tidy table in data/processed/
stories: $(STORY_NOTEBOOKS) ## Run every story notebook (charts, tables, figures)

# [site] every page from templates: the home page by story, a page per chart, the claims (outputs/site/)
SITE_TEMPLATES := $(sort $(filter-out %/,$(wildcard src/csc_figures/templates/*/*.* src/csc_figures/templates/*.*)))
.PHONY: site
site: outputs/site/index.html ## The offline site: stories, a page per chart, every council's profile, the claims
outputs/site/index.html: $(STORY_NOTEBOOKS) $(CLAIMS_REPORT) $(SRC) $(SITE_TEMPLATES) $(PROFILE_TABLES) data/articles.csv | $(ENV)
	$(PY) -m csc_figures.site

docs: docs/tables.md README.md ## Regenerate the processed-table dictionary and the README's generated sections
# The table dictionary names the releases and years the tables hold: it follows the manifest and the tables too.
docs/tables.md: $(SRC) data/sources.toml $(PROCESSED_TABLES) | $(ENV)
	$(PY) -m csc_figures.docs $@
# The README's generated sections (from article to chart; the notebook table): rewritten only when their text changes.
README.md: data/articles.csv data/claim_stories.csv data/claims.csv $(CLAIMS_REPORT) $(STORY_NOTEBOOKS) $(SRC) | $(ENV)
	$(PY) -m csc_figures.readme
	touch $@

all: $(ENV) $(RAW) processed stories claims site docs ## Build everything: environment, data, tables, charts, claims report
	@echo "Built. The command line is .venv/bin/csc-figures; run 'source .venv/bin/activate' once in a shell to type csc-figures."

# ---- checks --------------------------------------------------------------------------------
# The tests run on every core (pytest-xdist); `make test TEST_WORKERS=0` runs them in one process.
TEST_WORKERS ?= $(shell nproc)
test: all ## Build everything, then lint (ruff) and run every test (pytest, nbval) and check outputs are unchanged
	@# A build that changed committed outputs (a new release, say) shows what changed first, before the tests
	@if [ -n "$$(git status --porcelain -- outputs docs data/claims.csv README.md)" ]; then \
	  echo "This build changed committed outputs; what changed (make test fails at its end until they are committed):"; \
	  $(PY) -m csc_figures.regress || echo "(the figure regression report could not be written)"; fi
	$(PY) -m ruff check --no-cache .
	@# pytest sees exactly what a contributor's `pytest tests` sees: no lock or Make variables
	env -u CSC_FIGURES_LOCKED -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal tests
	@# nbval: a notebook's cells share one kernel, so each notebook stays on one worker (never the hidden copy a killed run left); a kernel that does not answer at start-up is started again (tests/nbval_kernels.py)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -p tests.nbval_kernels --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval.cfg -p no:cacheprovider $(wildcard $(NB)/*.ipynb)
	$(MAKE) --no-print-directory check-outputs

check-outputs: ## Fail if a build changed a committed output (an unexplained change); say what changed
	@changed=$$(git status --porcelain -- outputs docs data/claims.csv README.md); \
	if [ -n "$$changed" ]; then echo "Committed outputs changed after the build:"; echo "$$changed"; \
	  git --no-pager diff --stat -- outputs docs; echo; \
	  $(PY) -m csc_figures.regress || echo "(the figure regression report could not be written)"; exit 1; fi; \
	echo "outputs unchanged"

.PHONY: drill
drill: | $(ENV) ## Rehearse a new release: a scratch clone gains a synthetic workforce release and Ofsted file, then make test
	$(PY) -m csc_figures.drill

.PHONY: grid
grid: all ## Run every notebook over the full parameter grid (years, releases, councils, dates); check each sentence
	$(PY) -m csc_figures.grid --full

.PHONY: audit
audit: site ## The browser suite (axe, reflow at 320/375 px, text sizes, no requests) over EVERY council's profile
	CSC_FIGURES_AUDIT=all $(PY) -m pytest -p no:cacheprovider tests/test_site.py tests/test_site_profiles.py -k "axe or light"

.PHONY: regress accept
regress: | $(ENV) ## Compare built outputs with git HEAD: a summary, and outputs/regress/index.html when any changed
	$(PY) -m csc_figures.regress

# `make accept` stages; `make accept WHY="DfE revised the 2024 figures" COMMIT=1` also commits.
accept: all ## Rebuild, write the regression report, stage changed outputs with the summary as commit message
	$(PY) -m csc_figures.regress accept $(if $(COMMIT),--commit) $(if $(WHY),--why '$(subst ','\'',$(WHY))')

# JupyterLab at the repository root (notebooks, outputs and docs all browsable) on the project's kernel, in
# UTC with the pinned locale. `make lab PORT=8899 NO_BROWSER=1` on a remote desk (then open the URL it prints,
# or tunnel the port); IP=0.0.0.0 listens beyond this machine. As root (CI, containers) Lab needs --allow-root.
PORT ?= 8888
IP ?= 127.0.0.1
lab: $(ENV) ## JupyterLab at the repository root on the project kernel: make lab [PORT=8899] [NO_BROWSER=1] [IP=127.0.0.1]
	$(PY) -m csc_figures.lab --ServerApp.root_dir="$(CURDIR)" --ServerApp.port=$(PORT) --ServerApp.ip=$(IP) \
	  $(if $(NO_BROWSER),--no-browser) $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

clean: ## Remove built data and run outputs (keeps committed outputs and .venv)
	rm -rf data/processed outputs/runs outputs/profiles outputs/bench

bench: all ## Benchmark rebuilds, cleaning and profiles against baselines (writes outputs/bench/)
	$(PY) -m csc_figures.bench

endif  # the lock above
