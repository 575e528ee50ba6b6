#!/bin/sh
# Install the Debian packages the tests need (headless Chromium for the browser test, Nanum fonts
# so Korean renders in screenshots) when they are missing. Needs root or sudo; otherwise says what
# to install and leaves the browser test to report it.
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
[ -d /usr/share/fonts/truetype/nanum ] || need="$need fonts-nanum"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "minsim: please install the Debian packages:$need (apt-get install$need)" >&2
  exit 0
fi
echo "installing Debian packages:$need"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $need >/dev/null
