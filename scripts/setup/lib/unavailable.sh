# Sourced by the set-up scripts. `unavailable MESSAGE` says loudly that a prerequisite is missing and
# which suites will fail for it; the set-up itself fails only where the tools are required (CI sets
# HARDPOD_REQUIRE_SERVERS=1), so a developer machine without them still runs the other suites.
# The sourcing script sets SETUP_NAME (`helm setup`) and SETUP_SUITES (`the Helm suite (test/helm)`).
unavailable() {
  local bar="!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  printf '%s\n!! %s: %s\n!! %s will fail, not run\n%s\n' "$bar" "$SETUP_NAME" "$*" "$SETUP_SUITES" "$bar" >&2
  if [ "${HARDPOD_REQUIRE_SERVERS:-}" = 1 ]; then exit 1; fi
  exit 0
}
