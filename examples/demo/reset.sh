#!/bin/sh
# Recreates the demo's repository (repo/) from seed/ as a fresh git repository
# with one commit, and forgets earlier runs (.uet/). Safe to run any time.
set -eu
cd "$(dirname "$0")"
rm -rf repo .uet report.html
mkdir repo
cp -R seed/. repo/
cd repo
git init -q -b main
git -c user.name=demo -c user.email=demo@localhost add -A
git -c user.name=demo -c user.email=demo@localhost commit -q -m "greet: initial version"
echo "demo repository ready: $(pwd) ($(git rev-parse --short HEAD))"
