# Sourced by .ci/run and .mvn/run-program: find_jdk25 prints the home of an installed JDK 25 or
# newer, looking where the build's toolchain discovery looks, and fails when there is none.
find_jdk25() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.asdf/installs/java/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    # A JDK's release file names its version; reading it is much faster than starting a JVM.
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$candidate/release" 2>/dev/null)
    if [ -z "$version" ]; then
      version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    fi
    if [ -n "$version" ] && [ "$version" -ge 25 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# Run directly (not sourced), it prints the JDK's home: JAVA_HOME="$(.mvn/find-jdk25.sh)" ./mvnw ...
if [ "${BASH_SOURCE[0]:-$0}" = "$0" ]; then
  find_jdk25 || { echo "no JDK 25 or newer found" >&2; exit 1; }
fi
