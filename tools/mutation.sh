#!/usr/bin/env bash
# Mutation testing of the rule modules with mutmut 3 (see tools/mutation.md).
#   bash tools/mutation.sh [WORKDIR]     (default: a fresh directory under /tmp)
# It copies the checked-in tree (git HEAD) to WORKDIR, installs it with its test extras and
# mutmut in a virtual environment there, mutates only the rule modules and runs the tests that
# cover each mutant. Nothing in the checkout is changed.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/sipcore-mutation.XXXXXX)}"
mkdir -p "$work"
git -C "$repo" archive HEAD | tar -x -C "$work"
cd "$work"
python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e ".[dev]" "mutmut>=3.8,<4"
python - <<'PY'
import pathlib
# The rule modules: the table, the rules and the obligations. Everything else is copied but
# not mutated (mutmut 3 needs the whole package beside the mutants).
RULES = {"states.py", "consent.py", "plan.py", "meeting.py", "parties.py", "closing.py",
         "obligations.py"}
package = pathlib.Path("src/sipcore")
others = sorted(str(f) for f in package.rglob("*.py")
                if not (f.parent == package and f.name in RULES))
slow = ["tests/test_events.py::test_reading_costs_a_few_python_calls_per_event",
        "tests/test_engine.py::test_mypy_catches_a_misspelt_and_a_mistyped_argument"]
args = ["-x", "-q", "-p", "no:cacheprovider"] + [a for s in slow for a in ("--deselect", s)]
config = "\n[tool.mutmut]\n"
config += 'source_paths = ["src/sipcore/"]\n'
config += f"do_not_mutate = {others!r}\n".replace("'", '"')
# every other file of the tree the tests read (docs, README, LICENSE, bench, examples, …)
beside = sorted(f"{f.name}/" if f.is_dir() else f.name for f in pathlib.Path(".").iterdir()
                if f.name not in ("src", "tests", ".venv", "pyproject.toml", "mutants"))
config += f"also_copy = {beside!r}\n".replace("'", '"')
config += f"pytest_add_cli_args = {args!r}\n".replace("'", '"')
with open("pyproject.toml", "a", encoding="utf-8") as f:
    f.write(config)
PY
mutmut run --max-children "${MUTMUT_CHILDREN:-2}"
mutmut results --all true | awk -F': ' '{print $2}' | sort | uniq -c
echo "surviving mutants (mutmut show NAME in $work to read one):"
mutmut results
