#!/usr/bin/env bash
# Installs an Ithiltir node as a systemd service reporting to Pharos at {{PUBLIC_URL_TEXT}}
#   curl -fsSL {{PUBLIC_URL_TEXT}}/deploy/linux/install.sh | sudo bash -s -- <host> [port] <secret> [interval] [--net eth0,eth1]
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
# It downloads the node build Pharos holds for this machine's architecture (an uploaded release:
# the version the node's release target names, else the newest), checks its SHA-256, installs it
# as /var/lib/ithiltir-node/releases/<version>/ithiltir-node with `current` linked to it (where
# the node's self-update expects it), registers the target with `ithiltir-node report install`,
# and writes, enables and starts ithiltir-node.service (`ithiltir-node push <interval>`).
# ITHILTIR_NODE_INSTALL_ROOT (default /) puts the files under another root, e.g. an image being built.
set -euo pipefail

# @include unix-install-common.sh

UNIT=ithiltir-node.service
parse_arguments "$@"

case "$(uname -m)" in
  x86_64 | amd64) ARCH=amd64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  armv7l | armv6l) ARCH=arm ;;
  i386 | i686) ARCH=386 ;;
  *) fail "no node build for this architecture ($(uname -m))" ;;
esac
if [ "$DRY_RUN" = false ]; then
  [ "$(id -u)" = 0 ] || fail "run it as root (curl … | sudo bash -s -- …)"
  command -v systemctl > /dev/null 2>&1 || fail "systemd (systemctl) is needed"
fi

download_build linux "$ARCH"

unit() {
  cat << UNIT
[Unit]
Description=Ithiltir node (reports to Pharos at $PHAROS_URL)
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=$NODE_HOME/current/ithiltir-node $PUSH_ARGS
Restart=always
RestartSec=5
User=root

[Install]
WantedBy=multi-user.target
UNIT
}

if [ "$DRY_RUN" = true ]; then
  echo "Dry run: nothing was changed. The install would:"
  echo "  install version $VERSION (sha256 $SHA256) as $ROOT$NODE_HOME/releases/$VERSION/ithiltir-node, linked as $ROOT$NODE_HOME/current"
  echo "  run: ithiltir-node report install $REPORT_URL <secret>"
  echo "  write $ROOT/etc/systemd/system/$UNIT, enable and start it:"
  unit | sed 's/^/    /'
  exit 0
fi

systemctl stop "$UNIT" > /dev/null 2>&1 || true
install_release
mkdir -p "$ROOT/etc/systemd/system"
unit > "$ROOT/etc/systemd/system/$UNIT"
systemctl daemon-reload
systemctl enable "$UNIT" > /dev/null
systemctl restart "$UNIT"
echo "ithiltir-node $VERSION is running (systemctl status $UNIT; journalctl -u $UNIT -f)."
echo "It shows as online in Pharos once its first report has arrived: $PHAROS_URL"
