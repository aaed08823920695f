#!/usr/bin/env bash
# AWS's cfn-lint (the Python tool AWS maintains) on the stack template, as `mvn -B verify` runs it: every rule set -
# errors and warnings, the informational rules (--include-checks I) and the experimental ones
# (--include-experimental) - for every region in cloudformation/regions. The template must pass with no finding at
# all. No rule is ignored for the whole template; a rule ignored for one resource is named in that resource's
# Metadata (cfn-lint: config: ignore_checks) with the reason beside it, and CfnLintTest knows the list.
#
# usage: cloudformation/lint.sh [template ...]   (default: cloudformation/adtrack.yaml)
#        cloudformation/lint.sh --install        (only make sure cfn-lint 1.x is here; the build runs this before the
#                                                tests, so a missing tool stops it with one line)
#
# cfn-lint is looked for on PATH, then as a module of python3 (where `pip install --user` puts it, even when
# ~/.local/bin is not on PATH). When neither has it, it is installed with `python3 -m pip install --user`; when that
# fails, the script ends with one line saying what to do. Exit codes: cfn-lint's own (0 = no finding), 3 = no
# cfn-lint and none could be installed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# 1.51 is the version the template is checked with here. A later 1.x may bring new rules, which is the point of
# running AWS's checks; a 2.x may change the command line.
requirement='cfn-lint>=1.51,<2'

fail() {
  echo "cloudformation/lint.sh: $*" >&2
  exit 3
}

# Sets cfn_lint to the command that runs cfn-lint, or returns 1.
find_cfn_lint() {
  if command -v cfn-lint >/dev/null 2>&1; then
    cfn_lint=(cfn-lint)
  elif command -v python3 >/dev/null 2>&1 && python3 -c 'import cfnlint' >/dev/null 2>&1; then
    # What the cfn-lint console script does; cfnlint has no __main__ for `python3 -m`.
    cfn_lint=(python3 -c 'import sys; from cfnlint.runner import main; sys.argv[0] = "cfn-lint"; sys.exit(main())')
  else
    return 1
  fi
}

install_cfn_lint() {
  command -v python3 >/dev/null 2>&1 \
    || fail "cfn-lint is not installed and there is no python3 to install it with: install Python 3.9+ and run again"
  echo "cfn-lint not found: installing it (python3 -m pip install --user '$requirement')" >&2
  local log
  log=$(mktemp)
  if ! python3 -m pip install --user --disable-pip-version-check "$requirement" >"$log" 2>&1; then
    # pip's own reason: its first error line (e.g. externally-managed-environment, No module named pip), else its last.
    local reason
    reason=$(grep -m 1 -iE '^(error|.*no module named)' "$log" || tail -n 1 "$log")
    rm -f "$log"
    fail "cfn-lint is not installed and 'python3 -m pip install --user $requirement' failed (${reason:-no output});" \
      "install cfn-lint 1.x yourself (pip, pipx install cfn-lint, or your package manager) and run again"
  fi
  rm -f "$log"
  find_cfn_lint || fail "pip installed cfn-lint, but neither PATH nor python3 finds it; add ~/.local/bin to PATH"
}

find_cfn_lint || install_cfn_lint

if [[ ${1:-} == --install ]]; then
  # Only here, once per build: asking the version costs cfn-lint's whole start-up.
  version=$("${cfn_lint[@]}" --version)
  [[ $version =~ ^cfn-lint\ 1\. ]] || fail "found ${version:-an unreadable cfn-lint version}, 1.x needed:" \
    "python3 -m pip install --user --upgrade '$requirement'"
  echo "$version (${cfn_lint[0]})"
  exit 0
fi

templates=("$@")
[[ ${#templates[@]} -gt 0 ]] || templates=("$here/adtrack.yaml")
mapfile -t regions < <(grep -Ev '^[[:space:]]*(#|$)' "$here/regions")
exec "${cfn_lint[@]}" --include-checks I --include-experimental --regions "${regions[@]}" -- "${templates[@]}"
