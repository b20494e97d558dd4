# ---- shared by the Linux and macOS installers (unix-install-common.sh); bash 3.2 and later ----
PHAROS_URL={{PUBLIC_URL}}
PHAROS_SCHEME={{PUBLIC_SCHEME}}
PHAROS_PORT={{PUBLIC_PORT}}
PHAROS_PATH={{PUBLIC_PATH}}
NODE_HOME=/var/lib/ithiltir-node

fail() {
  echo "ithiltir-node install: $*" >&2
  exit 1
}
usage() {
  echo "usage: bash -s -- <host> [port] <secret> [interval] [--net LIST] [--require-https] [--dry-run]" >&2
  exit 2
}
is_number() { case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }
# A whole number from $2 to $3 (at most 9 digits: no overflow in the comparison).
in_range() { is_number "$1" && [ ${#1} -le 9 ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# Sets HOST PORT SECRET INTERVAL NET REQUIRE_HTTPS DRY_RUN REPORT_URL from the arguments
# (docs/protocols/ithiltir-node.md §7: <host> [port] <secret> [interval] [--net …]).
parse_arguments() {
  NET=""
  REQUIRE_HTTPS=false
  DRY_RUN=false
  local count=0 a1="" a2="" a3="" a4=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --net) [ $# -ge 2 ] || fail "--net needs a value"; NET="$2"; shift 2 ;;
      --net=*) NET="${1#--net=}"; shift ;;
      --require-https) REQUIRE_HTTPS=true; shift ;;
      --dry-run) DRY_RUN=true; shift ;;
      -h | --help) usage ;;
      -*) fail "unknown option $1" ;;
      *)
        count=$((count + 1))
        case $count in 1) a1="$1" ;; 2) a2="$1" ;; 3) a3="$1" ;; 4) a4="$1" ;; *) usage ;; esac
        shift
        ;;
    esac
  done
  HOST="$a1"
  PORT="$PHAROS_PORT"
  INTERVAL=3
  case $count in
    2) SECRET="$a2" ;;
    3) if is_number "$a2"; then PORT="$a2"; SECRET="$a3"; else SECRET="$a2"; INTERVAL="$a3"; fi ;;
    4) PORT="$a2"; SECRET="$a3"; INTERVAL="$a4" ;;
    *) usage ;;
  esac

  case "$HOST" in
    '' | *[!A-Za-z0-9.:\[\]-]*) fail "the host may hold letters, digits, '.', '-', ':' and brackets only, got '$HOST'" ;;
  esac
  HOST="${HOST#[}"
  HOST="${HOST%]}"
  in_range "$PORT" 1 65535 || fail "the port must be a number from 1 to 65535, got '$PORT'"
  case "$SECRET" in
    '' | *[!A-Za-z0-9_-]*) fail "give the node's secret (Pharos shows it when the node is created or its secret rotated)" ;;
  esac
  in_range "$INTERVAL" 1 3600 || fail "the interval must be a number of seconds from 1 to 3600, got '$INTERVAL'"
  case "$NET" in
    *[!A-Za-z0-9_.:@,-]*) fail "--net takes interface names separated by commas, got '$NET'" ;;
  esac
  if [ "$REQUIRE_HTTPS" = true ] && [ "$PHAROS_SCHEME" != https ]; then
    fail "--require-https, but Pharos is served over $PHAROS_SCHEME ($PHAROS_URL)"
  fi
  case "$HOST" in
    *:*) REPORT_URL="$PHAROS_SCHEME://[$HOST]:$PORT$PHAROS_PATH/api/node/metrics" ;;
    *) REPORT_URL="$PHAROS_SCHEME://$HOST:$PORT$PHAROS_PATH/api/node/metrics" ;;
  esac
  PUSH_ARGS="push $INTERVAL"
  [ -z "$NET" ] || PUSH_ARGS="$PUSH_ARGS --net $NET"
  [ "$REQUIRE_HTTPS" = false ] || PUSH_ARGS="$PUSH_ARGS --require-https"
}

# Downloads the build Pharos holds for os $1, arch $2 into $WORK/ithiltir-node with the node's
# secret, and checks it: sets VERSION and SHA256.
download_build() {
  command -v curl > /dev/null 2>&1 || fail "curl is needed"
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
  # The secret goes in a header file, not on curl's command line (other users can read that).
  (umask 077 && printf 'X-Node-Secret: %s\n' "$SECRET" > "$WORK/secret-header")
  local url="$PHAROS_URL/deploy/$1/node_$1_$2" status actual
  echo "Downloading the node for $1/$2 from $url"
  # No redirects are followed: the secret goes to Pharos only.
  status="$(curl -sS --proto '=http,https' -H "@$WORK/secret-header" -D "$WORK/headers" -o "$WORK/ithiltir-node" -w '%{http_code}' "$url")" \
    || fail "could not reach $url"
  [ "$status" = 200 ] || fail "Pharos answered $status: $(head -c 300 "$WORK/ithiltir-node" 2> /dev/null)"
  VERSION="$(reply_header x-ithiltir-node-version)"
  SHA256="$(reply_header x-ithiltir-node-sha256)"
  case "$VERSION" in
    '' | . | .. | *[!0-9A-Za-z.+_-]*) fail "Pharos named no usable version for the build ('$VERSION')" ;;
  esac
  if command -v sha256sum > /dev/null 2>&1; then
    actual="$(sha256sum "$WORK/ithiltir-node" | cut -d' ' -f1)"
  elif command -v shasum > /dev/null 2>&1; then
    actual="$(shasum -a 256 "$WORK/ithiltir-node" | cut -d' ' -f1)"
  else
    fail "sha256sum or shasum is needed to check the download"
  fi
  [ "$actual" = "$SHA256" ] || fail "the download's SHA-256 is $actual, Pharos said $SHA256"
  chmod 755 "$WORK/ithiltir-node"
}

reply_header() {
  tr -d '\r' < "$WORK/headers" | awk -v name="$1" 'BEGIN { FS = ": " } tolower($1) == name { value = $2 } END { print value }'
}

# Installs the checked download as $ROOT$NODE_HOME/releases/$VERSION/ithiltir-node, `current`
# linked to it (the layout the node's self-update expects), and registers the report target.
install_release() {
  echo "Installing ithiltir-node $VERSION"
  mkdir -p "$ROOT$NODE_HOME/releases/$VERSION"
  chmod 755 "$ROOT$NODE_HOME" "$ROOT$NODE_HOME/releases" "$ROOT$NODE_HOME/releases/$VERSION"
  cp "$WORK/ithiltir-node" "$ROOT$NODE_HOME/releases/$VERSION/ithiltir-node.new"
  mv -f "$ROOT$NODE_HOME/releases/$VERSION/ithiltir-node.new" "$ROOT$NODE_HOME/releases/$VERSION/ithiltir-node"
  rm -f "$ROOT$NODE_HOME/current"
  ln -s "releases/$VERSION" "$ROOT$NODE_HOME/current"
  if [ -n "$ROOT" ]; then
    export ITHILTIR_NODE_REPORT_CONFIG="$ROOT$NODE_HOME/report.yaml"
  fi
  "$ROOT$NODE_HOME/current/ithiltir-node" report install "$REPORT_URL" "$SECRET" \
    || fail "ithiltir-node report install $REPORT_URL failed (is the host reachable from here, and the secret current?)"
}

ROOT="${ITHILTIR_NODE_INSTALL_ROOT:-}"
ROOT="${ROOT%/}"
# ---- end of unix-install-common.sh ----
