#!/usr/bin/env bash
# Installs what uet-actors needs to build, test and run, from Debian bookworm
# packages, and only what is missing: a second run installs nothing and takes
# well under a second. Works as root or through sudo.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config ca-certificates
  # libraries (see docs/architecture.md for why each)
  libcaf-dev libsqlitecpp-dev libsqlite3-dev libyaml-cpp-dev nlohmann-json3-dev
  libspdlog-dev libfmt-dev catch2 libcli11-dev libgit2-dev
  # tools the runtime and the tests drive
  git sqlite3 graphviz procps
  # setsid and prlimit, which the tests and the sandbox benchmark use
  # (Essential in Debian; named so a trimmed image that dropped it gets it back)
  util-linux
  # the spec fuzzer (scripts/fuzz.sh): clang's libFuzzer, and python3 for
  # its seeds (clang only recommends it) and tests/chaos/kill_loop.py
  clang-14 libclang-rt-14-dev python3
  # the report page's browser test (headless Chromium) and the terminal test
  # of `status --watch` (tmux)
  chromium tmux
  # worker nodes' mutual TLS: caf::openssl's headers include OpenSSL's, and
  # `node gen-certs` and the node tests drive the openssl command
  libssl-dev openssl
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
  sudo=sudo
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
