#!/usr/bin/env bash
# Install what building, running and testing Herald needs on Debian 12: system packages (as
# root or through sudo), the UI's and e2e tests' npm packages, and tauri-driver. Idempotent:
# a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(python3-venv libwebkit2gtk-4.1-dev build-essential libssl-dev libgtk-3-dev libayatana-appindicator3-dev
  librsvg2-dev libxdo-dev pkg-config xvfb xauth dbus dbus-x11 gnome-keyring libsecret-1-dev
  libsecret-tools webkit2gtk-driver xdg-utils curl imagemagick xdotool sqlite3 libglib2.0-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" > /dev/null
fi

command -v cargo > /dev/null || { echo "setup: Rust is needed: https://rustup.rs"; exit 1; }
command -v npm > /dev/null || { echo "setup: Node.js 20+ with npm is needed"; exit 1; }

# `npm ci` trips over optional-dependency lock entries on this platform; install is equivalent here.
npm --prefix ui install --no-audit --no-fund --loglevel=error
npm --prefix tests/e2e install --no-audit --no-fund --loglevel=error

tools="${HERALD_TOOLS:-$HOME/.cache/herald/tools}"
if [ ! -x "$tools/bin/tauri-driver" ]; then
  echo "setup: installing tauri-driver into $tools"
  cargo install tauri-driver --version '^2' --locked --root "$tools" --quiet
fi
# moto's S3 server: the media host in tests and in the demo (a real S3-compatible server on
# loopback). In its own virtualenv under the tools directory, installed once.
if [ ! -x "$tools/moto/bin/moto_server" ]; then
  echo "setup: installing moto (S3 server for the media host) into $tools/moto"
  python3 -m venv "$tools/moto"
  "$tools/moto/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.*'
fi
echo "setup: ready"
