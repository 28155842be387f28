# Sourced by the set-up scripts that need Debian packages. `apt_get ARGS...` runs apt-get as root,
# through sudo when not root, waiting up to 5 minutes for the package lock that another apt-get (a
# fresh machine's daily upgrade, another set-up script) holds rather than failing at once.
# `apt_install PACKAGE...` installs packages, refreshing the package index first only when it does
# not know one of them.
apt_get() {
  local as_root=()
  [ "$(id -u)" = 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=300 "$@"
}

apt_install() {
  local package
  for package in "$@"; do
    if ! apt-cache show "$package" >/dev/null 2>&1; then
      apt_get update -q
      break
    fi
  done
  DEBIAN_FRONTEND=noninteractive apt_get install -y -q --no-install-recommends "$@"
}
