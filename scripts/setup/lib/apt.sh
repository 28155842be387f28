# Sourced by the set-up scripts that need Debian packages. `apt_get ARGS...` runs apt-get as root,
# through sudo when not root. `apt_install PACKAGE...` installs packages, refreshing the package index
# first only when it does not know one of them.
apt_get() {
  if [ "$(id -u)" = 0 ]; then apt-get "$@"; else sudo apt-get "$@"; fi
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
