# Sourced by the installers (scripts/install-toolchains.sh, test/vscode/install-tools.sh) so that two
# runs on one machine do not install the same thing at once: the second waits for the first and then
# checks again, finding it installed. `flock` (util-linux) releases the lock when its holder exits,
# even when killed, so a crashed run never leaves a stale lock behind.
#
#   install_lock FILE WHAT   takes the exclusive lock FILE for the rest of the script (or until
#                            install_unlock), telling stderr when it has to wait and for what.
#   install_unlock           releases it.
#   install_once WHAT FILE PRESENT INSTALL
#                            runs the command INSTALL under the lock FILE unless the command PRESENT
#                            succeeds, before taking the lock or after waiting for it.
# THEATER_INSTALL_LOCK_TIMEOUT (seconds, default 1800: code-server compiles native addons) bounds
# the wait; past it the script exits 1 naming the lock file.

install_lock() {
  local file=$1 what=$2 timeout=${THEATER_INSTALL_LOCK_TIMEOUT:-1800}
  if ! command -v flock >/dev/null 2>&1; then
    echo "[lock] flock (util-linux) is missing; installing $what without a lock, so do not run two installs at once" >&2
    return 0
  fi
  mkdir -p "$(dirname "$file")"
  exec {INSTALL_LOCK_FD}>>"$file"
  if ! flock -n "$INSTALL_LOCK_FD"; then
    echo "[lock] another run is installing $what; waiting for it (lock $file, up to ${timeout}s)" >&2
    flock -w "$timeout" "$INSTALL_LOCK_FD" || {
      echo "[lock] gave up after ${timeout}s waiting for the run that holds $file (\`fuser $file\` names it); retry when it is done" >&2
      exit 1
    }
  fi
}

install_unlock() {
  [ -n "${INSTALL_LOCK_FD:-}" ] || return 0
  exec {INSTALL_LOCK_FD}>&-
  unset INSTALL_LOCK_FD
}

install_once() {
  local what=$1 file=$2 present=$3 install=$4
  "$present" && return 0
  install_lock "$file" "$what"
  if "$present"; then
    echo "[lock] $what: installed by the run this one waited for" >&2
  else
    "$install"
  fi
  install_unlock
}

# One lock for apt on the whole machine, shared by both installers (apt's own lock makes a second
# apt-get fail instead of waiting). /tmp: writable by the root runs and by `sudo -n` alike.
THEATER_APT_LOCK=${THEATER_APT_LOCK:-/tmp/theater-apt-install.lock}
# apt-get options that wait for a dpkg run that is not ours instead of failing at once.
APT_WAIT=(-o "DPkg::Lock::Timeout=600")
