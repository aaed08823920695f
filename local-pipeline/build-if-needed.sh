# shellcheck shell=bash
# Sourced by ./run and ./program-events: checks the tools and builds what is missing or older than its sources.
# Usage: ensure_built <repository root>

# Modules the launcher needs, in the order Maven builds them.
_ADTRACK_MODULES=(proto testkit tracker-service kinesis-consumer redis-updater local-pipeline)

_adtrack_fail() {
  echo "$*" >&2
  exit 1
}

_adtrack_check_tools() {
  command -v java >/dev/null 2>&1 || _adtrack_fail "Java is missing: install a JDK 17 or newer (e.g. apt-get install openjdk-17-jdk)."
  local version
  version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [[ "${version%%.*}" =~ ^[0-9]+$ && "${version%%.*}" -ge 17 ]] \
    || _adtrack_fail "Java ${version:-?} found, 17 or newer needed (check JAVA_HOME / PATH)."
  command -v mvn >/dev/null 2>&1 || _adtrack_fail "Maven is missing: install Maven 3.8+ (e.g. apt-get install maven)."
  command -v node >/dev/null 2>&1 || _adtrack_fail "Node.js is missing: the Kinesis emulator (kinesalite) runs on it. Install Node.js 18+ (e.g. apt-get install nodejs npm)."
  command -v npm >/dev/null 2>&1 || _adtrack_fail "npm is missing: install it with Node.js (e.g. apt-get install npm)."
}

# True when the jar is missing or a source or pom of a needed module is newer than it.
_adtrack_stale() {
  local root=$1 jar=$2 module
  [[ -f "$jar" ]] || return 0
  [[ "$root/pom.xml" -nt "$jar" ]] && return 0
  for module in "${_ADTRACK_MODULES[@]}"; do
    [[ "$root/$module/pom.xml" -nt "$jar" ]] && return 0
    [[ -n "$(find "$root/$module/src/main" -newer "$jar" -type f -print -quit 2>/dev/null)" ]] && return 0
  done
  return 1
}

ensure_built() {
  local root=$1
  _adtrack_check_tools
  if [[ "${ADTRACK_NO_BUILD:-}" == 1 ]]; then
    # Set by the end-to-end test, which runs inside a Maven build that has just built these jars.
    [[ -f "$root/tracker-service/target/tracker-service.jar" && -f "$root/local-pipeline/target/local-pipeline.jar" ]] \
      || _adtrack_fail "ADTRACK_NO_BUILD=1 but the jars are missing: run mvn -B -q install -DskipTests"
    return 0
  fi
  if [[ ! -f "$root/node_modules/.package-lock.json" || "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]]; then
    echo "Installing the Kinesis emulators (npm ci)..." >&2
    (cd "$root" && npm ci --no-audit --no-fund >&2)
  fi
  local jar
  for jar in "$root/tracker-service/target/tracker-service.jar" "$root/local-pipeline/target/local-pipeline.jar"; do
    if _adtrack_stale "$root" "$jar"; then
      echo "Building the pipeline (mvn -B -q install -DskipTests -pl local-pipeline -am)..." >&2
      (cd "$root" && mvn -B -q install -DskipTests -pl local-pipeline -am >&2)
      break
    fi
  done
}
