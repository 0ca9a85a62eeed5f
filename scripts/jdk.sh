# shellcheck shell=bash
# Sourced by the project's scripts: finds a JDK of version 21 or newer and exports JAVA_HOME and PATH.
# Honours JAVA_HOME when it points at a JDK that is new enough; otherwise looks under /usr/lib/jvm
# (Debian, Ubuntu), /usr/java and /Library/Java/JavaVirtualMachines (macOS) and takes the newest.

enginex_jdk_major() {
  # Prints the feature version of the JDK at $1 ("25"), or nothing when $1 is no JDK.
  local home=$1 line
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  line=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | grep -m1 'java.specification.version')
  line=${line##*= }
  printf '%s' "${line%%.*}"
}

enginex_find_jdk() {
  local min=21 best="" best_major=0 major candidate
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(enginex_jdk_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
      best=$JAVA_HOME best_major=$major
    else
      echo "note: JAVA_HOME=$JAVA_HOME is not a JDK $min or newer; looking for one elsewhere" >&2
    fi
  fi
  if [ -z "$best" ]; then
    for candidate in /usr/lib/jvm/* /usr/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
      [ -d "$candidate" ] || continue
      major=$(enginex_jdk_major "$candidate")
      if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
        best=$candidate best_major=$major
      fi
    done
  fi
  if [ -z "$best" ]; then
    cat >&2 <<MSG
error: EngineX Edge needs a JDK $min or newer to build, and none was found.
  Looked at: JAVA_HOME (${JAVA_HOME:-unset}), /usr/lib/jvm/*, /usr/java/*, /Library/Java/JavaVirtualMachines/*.
  Fix: install one (Debian: apt-get install openjdk-21-jdk-headless, or Temurin 25 from adoptium.net)
       or point JAVA_HOME at it, then run this command again.
MSG
    return 1
  fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
}
