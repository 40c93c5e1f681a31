#!/usr/bin/env bash
# Benchmark of `rostersync serve --http` (release build) on loopback:
#   1. a 100k-user store (RosterBench generate + rostersync import);
#   2. wrk --latency against GET /api/users?limit=100 and GET /healthz with a bearer token:
#      requests/s and p99 of each (target: >= 5,000 req/s and p99 < 20 ms for the users page),
#      and the users page after random cursors, which misses the pages' 250 ms cache;
#   3. a 1M-row CSV uploaded through POST /api/imports, timed next to `rostersync import` of the
#      same file into a copy of the same store (target: within 1.3x), and the server's peak RSS
#      (VmHWM; target < 200 MB).
# The machine may be shared: run it when `uptime` shows the lowest load, several times.
# Usage: scripts/bench-http.sh [--users N] [--rows N] [--duration SECONDS] [--connections N] [--dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

users=100000
rows=1000000
duration=10
connections=32
work=""
while [ $# -gt 0 ]; do
    case "$1" in
        --users) users=$2; shift 2 ;;
        --rows) rows=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --dir) work=$2; shift 2 ;;
        *) echo "usage: $0 [--users N] [--rows N] [--duration SECONDS] [--connections N] [--dir DIR]" >&2; exit 2 ;;
    esac
done
for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || { echo "bench-http: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done

swift build -c release --product rostersync >/dev/null
swift build -c release --product RosterBench >/dev/null
bin=$(swift build -c release --show-bin-path)
if [ -z "$work" ]; then work=$(mktemp -d /tmp/rostersync-bench-http.XXXXXX); fi
mkdir -p "$work"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

echo "machine: $(nproc) cores; load: $(uptime | sed 's/.*load average: //')"
echo "work folder: $work"

# 1. The stores and files.
rm -f "$work"/store.sqlite* "$work"/cli.sqlite*
"$bin/RosterBench" generate --rows "$users" --out "$work/users-$users.csv"
"$bin/RosterBench" generate --rows "$rows" --out "$work/users-$rows.csv"
"$bin/rostersync" import "$work/users-$users.csv" --db "$work/store.sqlite" >/dev/null
for suffix in "" -wal -shm; do
    if [ -f "$work/store.sqlite$suffix" ]; then cp "$work/store.sqlite$suffix" "$work/cli.sqlite$suffix"; fi
done
echo "store: $users users"

# 2. The server, with a write token from the environment and room for the 1M-row upload.
token="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat > "$work/rostersync.yaml" <<EOF
api_tokens:
  - { name: bench, token: env:ROSTERSYNC_BENCH_TOKEN, scope: write }
http:
  upload_limit_mb: 1024
EOF
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
ROSTERSYNC_BENCH_TOKEN=$token "$bin/rostersync" serve --http "127.0.0.1:$port" --config "$work/rostersync.yaml" \
    --db "$work/store.sqlite" --log-level warning 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 300); do
    curl -fs "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs "$base/healthz" >/dev/null || { echo "bench-http: the server did not start; see $work/server.log" >&2; exit 1; }
curl -fs -H "Authorization: Bearer $token" "$base/api/users?limit=100" >/dev/null

# wrk's summary line as "requests/s  p99".
measure() {
    local label=$1 url=$2 script=${3:-}
    wrk -t2 -c"$connections" -d"${duration}s" --latency ${script:+-s "$script"} -H "Authorization: Bearer $token" "$url" > "$work/wrk.txt"
    python3 - "$label" "$work/wrk.txt" <<'EOF'
import re, sys
label, path = sys.argv[1], sys.argv[2]
text = open(path).read()
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{label:<28} {rate:>9.0f} req/s   p99 {p99:7.2f} ms" + (f"   {errors.group(1)} non-2xx answers" if errors else ""))
EOF
}
echo "wrk: 2 threads, $connections connections, ${duration} s each"
measure "GET /api/users?limit=100" "$base/api/users?limit=100"
# Pages after a random cursor: nearly every request misses the users pages' short-lived cache and
# reads its page from the store.
cat > "$work/cursors.lua" <<'EOF'
request = function()
  local letters = "abcdefghijklmnopqrstuvwxyz"
  local a, b, c = math.random(26), math.random(26), math.random(26)
  return wrk.format(nil, "/api/users?limit=100&cursor=" .. letters:sub(a, a) .. letters:sub(b, b) .. letters:sub(c, c))
end
EOF
measure "  same, uncached (cursors)" "$base/api/users?limit=100" "$work/cursors.lua"
measure "GET /healthz" "$base/healthz"

# 3. The 1M-row upload next to the CLI import of the same file into a copy of the same store.
seconds() { python3 -c 'import sys, time; print(f"{time.time():.3f}")'; }
start=$(seconds)
/usr/bin/time -f "%M" -o "$work/cli-rss.txt" "$bin/rostersync" import "$work/users-$rows.csv" --db "$work/cli.sqlite" --json >"$work/cli.json" || true
cli=$(python3 -c "print(f'{$(seconds) - $start:.2f}')")
start=$(seconds)
status=$(curl -s -o "$work/upload.json" -w '%{http_code}' -H "Authorization: Bearer $token" -H "Content-Type: text/csv" \
    --data-binary "@$work/users-$rows.csv" "$base/api/imports?filename=users-$rows.csv")
upload=$(python3 -c "print(f'{$(seconds) - $start:.2f}')")
rss=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$server_pid/status")
echo "rostersync import, $rows rows:   $cli s   (peak RSS $(( $(cat "$work/cli-rss.txt" | tail -1) / 1024 )) MB)"
echo "POST /api/imports, $rows rows:   $upload s   (HTTP $status; ratio $(python3 -c "print(f'{$upload / $cli:.2f}')") of the CLI import)"
echo "server peak RSS (VmHWM):         $rss MB"
python3 - "$work/upload.json" <<'EOF'
import json, sys
run = json.load(open(sys.argv[1]))
print("upload run:", {key: run.get(key) for key in ["status", "rows", "created", "updated", "unchanged", "failed"]} if "status" in run else run)
EOF
