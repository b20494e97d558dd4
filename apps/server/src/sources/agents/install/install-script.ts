import { renderScriptTemplate } from '../../../platform/http/script-template';

/**
 * `install.sh`: installs the agent on a Linux host as a systemd service, talking to this Pharos.
 * Rendered with Pharos's public URL only; the API key is the script's argument (or
 * `PHAROS_AGENT_KEY` in its environment), so Pharos never holds it in plain text and the script
 * is the same for every server:
 *
 *     curl -fsSL https://pharos.example/api/v1/agents/install.sh | sudo sh -s -- --key pak_…
 */

/** The path it is served at. */
export const AGENT_INSTALL_SCRIPT_PATH = '/api/v1/agents/install.sh';

/**
 * The systemd unit the script writes: `apps/agent/pharos-agent.service` with the agent's
 * installed path (a unit test keeps the two alike).
 */
export function agentSystemdUnit(binary: string): string {
  return `[Unit]
Description=Pharos agent (metrics, commands, Docker actions, web terminal)
After=network-online.target docker.service
Wants=network-online.target

[Service]
EnvironmentFile=/etc/pharos-agent/env
ExecStart=${binary} --config /etc/pharos-agent/config.json
Restart=always
RestartSec=5
User=root
KillSignal=SIGTERM
TimeoutStopSec=10

[Install]
WantedBy=multi-user.target
`;
}

export function renderInstallScript(publicUrl: string): string {
  return renderScriptTemplate(installScriptTemplate(), 'sh', publicUrl);
}

function installScriptTemplate(): string {
  const unit = agentSystemdUnit('@BINARY@');
  return `#!/bin/sh
# Installs pharos-agent as a systemd service reporting to {{PUBLIC_URL_TEXT}}
#   curl -fsSL {{PUBLIC_URL_TEXT}}${AGENT_INSTALL_SCRIPT_PATH} | sudo sh -s -- --key pak_…
# Options: --key KEY (or PHAROS_AGENT_KEY in the environment), --package SPEC (what npm installs:
# a registry name, a .tgz path or URL; default pharos-agent), --run-as USER, --workdir DIR,
# --no-commands, --no-docker, --no-terminal. Needs root, systemd, Node.js 20.19+ and npm.
# PHAROS_INSTALL_ROOT (default /) puts its files under another root, e.g. an image being built.
set -eu

PHAROS_URL={{PUBLIC_URL}}
KEY="\${PHAROS_AGENT_KEY:-}"
PACKAGE="\${PHAROS_AGENT_PACKAGE:-pharos-agent}"
RUN_AS=""
WORKDIR=""
COMMANDS=true
DOCKER=true
TERMINAL=true
ROOT="\${PHAROS_INSTALL_ROOT:-}"
ROOT="\${ROOT%/}"

fail() { echo "pharos-agent install: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --key) [ $# -ge 2 ] || fail "--key needs a value"; KEY="$2"; shift 2 ;;
    --key=*) KEY="\${1#--key=}"; shift ;;
    --package) [ $# -ge 2 ] || fail "--package needs a value"; PACKAGE="$2"; shift 2 ;;
    --run-as) [ $# -ge 2 ] || fail "--run-as needs a value"; RUN_AS="$2"; shift 2 ;;
    --workdir) [ $# -ge 2 ] || fail "--workdir needs a value"; WORKDIR="$2"; shift 2 ;;
    --no-commands) COMMANDS=false; shift ;;
    --no-docker) DOCKER=false; shift ;;
    --no-terminal) TERMINAL=false; shift ;;
    *) fail "unknown option $1" ;;
  esac
done

case "$KEY" in
  pak_*) ;;
  *) fail "give the agent's API key: --key pak_… (Pharos shows it once, when it is created)" ;;
esac
case "$KEY" in
  *[!A-Za-z0-9_-]*) fail "the API key holds characters a key never has" ;;
esac
case "$RUN_AS$WORKDIR" in
  *[\\"\\\\]*) fail "--run-as and --workdir may not hold quotes or backslashes" ;;
esac

[ "$(id -u)" = 0 ] || fail "run it as root (sudo sh -s -- …)"
command -v systemctl >/dev/null 2>&1 || fail "systemd (systemctl) is needed; see the agent's README for npx and Docker"
command -v node >/dev/null 2>&1 || fail "Node.js 20.19 or later is needed (node not found)"
command -v npm >/dev/null 2>&1 || fail "npm is needed"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \\
  || fail "Node.js 20.19 or later is needed (found $(node --version))"

echo "Installing $PACKAGE with npm…"
npm install -g --no-audit --no-fund "$PACKAGE"
BINARY="$(npm prefix -g)/bin/pharos-agent"
[ -x "$BINARY" ] || BINARY="$(command -v pharos-agent || true)"
[ -n "$BINARY" ] && [ -x "$BINARY" ] || fail "pharos-agent was not found after npm install"

umask 077
install -d -m 0700 "$ROOT/etc/pharos-agent"
printf 'PHAROS_AGENT_KEY=%s\\n' "$KEY" > "$ROOT/etc/pharos-agent/env"
chmod 600 "$ROOT/etc/pharos-agent/env"
{
  printf '{\\n  "url": "%s",\\n  "commands": %s,\\n  "docker": %s,\\n  "terminal": %s' "$PHAROS_URL" "$COMMANDS" "$DOCKER" "$TERMINAL"
  [ -z "$RUN_AS" ] || printf ',\\n  "runAs": "%s"' "$RUN_AS"
  [ -z "$WORKDIR" ] || printf ',\\n  "workdir": "%s"' "$WORKDIR"
  printf '\\n}\\n'
} > "$ROOT/etc/pharos-agent/config.json"

umask 022
install -d -m 0755 "$ROOT/etc/systemd/system"
cat > "$ROOT/etc/systemd/system/pharos-agent.service" <<'UNIT'
${unit}UNIT
sed -i "s#@BINARY@#$BINARY#" "$ROOT/etc/systemd/system/pharos-agent.service"

systemctl daemon-reload
systemctl enable pharos-agent >/dev/null
systemctl restart pharos-agent
echo "pharos-agent is running (systemctl status pharos-agent; journalctl -u pharos-agent -f)."
echo "It shows as online in Pharos once it has connected: $PHAROS_URL"
`;
}
