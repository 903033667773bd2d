# drplan's build. `make test` is what CI runs (.ci/run), on a fresh machine.
GO        ?= go
BIN       := bin/drplan
PKGS      := ./...
# Bounded so that `make test` stays well inside CI's budget.
FUZZTIME  ?= 20s

.PHONY: all build render test test-deps lint bench fuzz validate clean

all: lint test build

# drplan and its diagram helper, side by side: render finds the helper
# next to drplan (it is a separate binary so that only rendering pays the
# Graphviz library's start-up).
build:
	$(GO) build -o bin/ ./cmd/drplan ./cmd/drplan-diagram

# The main job: render the reference plan into out/.
render: build
	$(BIN) render plans/orderflow -o out

# Installs what the tests need when it is missing, then runs every test.
test: test-deps
	$(GO) test -count=1 $(PKGS)

test-deps:
	@./scripts/test-deps.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# Benchmarks for the speed targets (see README, "Performance").
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)
	./scripts/bench-validate.sh

fuzz:
	$(GO) test ./schema -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME)

validate:
	$(GO) run ./cmd/drplan validate plans/*/

clean:
	rm -rf bin out
