#!/bin/bash
# Installs an Ithiltir node as a launchd daemon reporting to Pharos at {{PUBLIC_URL_TEXT}}
#   curl -fsSL {{PUBLIC_URL_TEXT}}/deploy/macos/install.sh | sudo bash -s -- <host> [port] <secret> [interval] [--net en0]
#
#   <host> [port]    where the node reports: <scheme>://<host>:<port><path>/api/node/metrics, with
#                    Pharos's scheme and path; the port defaults to the public URL's
#   <secret>         the node's secret (Pharos shows it once: when the node is created or its
#                    secret rotated)
#   [interval]       seconds between reports (default 3)
#   --net LIST       the network interfaces to report (the node's own option)
#   --require-https  the node refuses plain HTTP (its own option; an http Pharos is refused here)
#   --dry-run        download and check the build, print what would be installed, change nothing
#
# It downloads the node build Pharos holds for this Mac (an uploaded darwin release: the version
# the node's release target names, else the newest), checks its SHA-256, installs it as
# /var/lib/ithiltir-node/releases/<version>/ithiltir-node with `current` linked to it (where the
# node's self-update expects it), registers the target with `ithiltir-node report install`, and
# loads /Library/LaunchDaemons/com.ithiltir.node.plist (`ithiltir-node push <interval>`, kept alive).
# ITHILTIR_NODE_INSTALL_ROOT (default /) puts the files under another root, e.g. an image being built.
set -euo pipefail

# @include unix-install-common.sh

LABEL=com.ithiltir.node
PLIST="/Library/LaunchDaemons/$LABEL.plist"
parse_arguments "$@"

case "$(uname -m)" in
  arm64 | aarch64) ARCH=arm64 ;;
  x86_64 | amd64) ARCH=amd64 ;;
  *) fail "no node build for this architecture ($(uname -m))" ;;
esac
if [ "$DRY_RUN" = false ]; then
  [ "$(id -u)" = 0 ] || fail "run it as root (curl … | sudo bash -s -- …)"
  command -v launchctl > /dev/null 2>&1 || fail "launchd (launchctl) is needed"
fi

download_build darwin "$ARCH"

plist() {
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">'
  echo '<plist version="1.0">'
  echo '<dict>'
  echo "  <key>Label</key><string>$LABEL</string>"
  echo '  <key>ProgramArguments</key>'
  echo '  <array>'
  echo "    <string>$NODE_HOME/current/ithiltir-node</string>"
  for word in $PUSH_ARGS; do echo "    <string>$word</string>"; done
  echo '  </array>'
  echo '  <key>RunAtLoad</key><true/>'
  echo '  <key>KeepAlive</key><true/>'
  echo '  <key>StandardOutPath</key><string>/var/log/ithiltir-node.log</string>'
  echo '  <key>StandardErrorPath</key><string>/var/log/ithiltir-node.log</string>'
  echo '</dict>'
  echo '</plist>'
}

if [ "$DRY_RUN" = true ]; then
  echo "Dry run: nothing was changed. The install would:"
  echo "  install version $VERSION (sha256 $SHA256) as $ROOT$NODE_HOME/releases/$VERSION/ithiltir-node, linked as $ROOT$NODE_HOME/current"
  echo "  run: ithiltir-node report install $REPORT_URL <secret>"
  echo "  write $ROOT$PLIST and load it:"
  plist | sed 's/^/    /'
  exit 0
fi

launchctl bootout "system/$LABEL" > /dev/null 2>&1 || true
install_release
mkdir -p "$ROOT/Library/LaunchDaemons"
plist > "$ROOT$PLIST"
chmod 644 "$ROOT$PLIST"
launchctl bootstrap system "$ROOT$PLIST"
launchctl enable "system/$LABEL"
echo "ithiltir-node $VERSION is running (sudo launchctl print system/$LABEL; log: /var/log/ithiltir-node.log)."
echo "It shows as online in Pharos once its first report has arrived: $PHAROS_URL"
