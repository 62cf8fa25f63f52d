# Sourced by ./mnm and ./run-tests: points JAVA_HOME at a JDK 25 or says how to get one.
find_jdk25() {
  local candidate
  for candidate in "${MNM_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /opt/java/*25* "$HOME"/.sdkman/candidates/java/25*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if "$candidate/bin/java" -version 2>&1 | grep -qE 'version "25([."]|$)'; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "mnm needs JDK 25 (the default java here may be older). Install one, e.g. Temurin 25 or" >&2
  echo "'apt-get install openjdk-25-jdk', or point MNM_JAVA_HOME at it." >&2
  return 1
}
