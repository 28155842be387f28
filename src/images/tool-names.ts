/**
 * Executables that image inspection looks for by name. A module of its own, so that the rules
 * reading lock-file facts do not load the layer-reading code (and zlib) of image-facts.ts.
 */

export const SHELLS = ['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox'];
export const PACKAGE_MANAGERS = ['apt', 'apt-get', 'dpkg', 'apk', 'dnf', 'yum', 'microdnf', 'tdnf', 'rpm', 'zypper', 'pacman', 'pip', 'pip3'];
