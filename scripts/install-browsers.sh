#!/bin/sh
# Install the browsers `npm run test:browser` drives (Debian packages, not
# downloaded browser builds): chromium and firefox-esr. Idempotent. Needs root
# (or sudo).
set -eu
exec "$(dirname "$0")/apt-install.sh" install-browsers --no-install-recommends chromium firefox-esr
