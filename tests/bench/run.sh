#!/usr/bin/env bash
# TwinTrunk's benchmark. Not a test: it prints figures and ratios measured in one run against peers
# on the same servers, and never passes or fails on time.
#   tests/bench/run.sh [BUILD_DIR]        (run packaging/install-deps.sh bench first)
# Environment: MISSING (versions to copy, default 400), JOBS (default 4), FLAT (versions per project
# for the status figures, default 30000).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(cd "${1:-build}" && pwd)
missing=${MISSING:-400}
jobs=${JOBS:-4}
flat=${FLAT:-30000}
ctl=$build/app/twintrunkctl
for tool in "$ctl" "$build/tests/twintrunk_testserver" "$build/tests/bench/twintrunk_benchcorpus" rclone curl; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (packaging/install-deps.sh bench; build first)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/twintrunk-bench.XXXXXX)
chmod 755 "$work"
servers=$work/servers
cleanup() { "$build/tests/twintrunk_testserver" stop "$servers" a b >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo "== corpus"
"$build/tests/bench/twintrunk_benchcorpus" "$work/corpus" --versions $((missing + 1600)) --kernels 20
"$build/tests/bench/twintrunk_benchcorpus" "$work/flat" --flat "$flat"
urls=$("$build/tests/twintrunk_testserver" start "$servers" a b --propfind)
url_a=$(echo "$urls" | awk '$1 == "a" { print $2 }')
url_b=$(echo "$urls" | awk '$1 == "b" { print $2 }')
root_a=$servers/a/root
root_b=$servers/b/root
project=trunk
mkdir -p "$root_a/$project" "$root_b/$project"
chmod 777 "$root_a/$project" "$root_b/$project"
cp "$work/corpus/"*.mcz "$root_a/$project/"
# The divergence: b lacks the newest $missing versions (all Kernel-sized ones among them).
ls -t "$work/corpus" | awk -v n="$missing" 'NR <= n' > "$work/missing.txt"
bytes=$(cd "$work/corpus" && cat "$work/missing.txt" | xargs stat -c %s | awk '{ s += $1 } END { print s }')
reset_b() {
    find "$root_b/$project" -mindepth 1 -delete
    (cd "$work/corpus" && ls | grep -vxF -f "$work/missing.txt" | xargs -I{} cp {} "$root_b/$project/")
}
echo "copying $missing versions, $((bytes / 1048576)) MB, $jobs at a time, between two nginx servers on 127.0.0.1"

export TWINTRUNK_USER_B=squeak TWINTRUNK_PASSWORD_B=squeak
"$ctl" init -w "$work/ws.json" --server a="$url_a" --server b="$url_b" --project "$project" --primary a --jobs "$jobs" >/dev/null

echo "== (a) twintrunkctl sync (GET, verify, PUT, verify on the target, journal)"
# Cold: a new state database, so the ids of every version already on both servers are read first.
reset_b
t0=$(now); "$ctl" sync -w "$work/ws.json" --from a --to b >"$work/a.log"; t1=$(now)
time_a_cold=$(seconds "$t0" "$t1"); tail -n 1 "$work/a.log"
"$ctl" status -w "$work/ws.json" --check >/dev/null && echo "verified: a and b in sync"
# Warm: as under sync --every, the ids of what both servers already had are remembered (a second
# workspace whose state has seen b before these versions existed; on the first one, b losing
# them would rightly be a regression alarm, not something to copy back).
reset_b
"$ctl" init -w "$work/warm.json" --server a="$url_a" --server b="$url_b" --project "$project" --primary a --jobs "$jobs" >/dev/null
"$ctl" status -w "$work/warm.json" >/dev/null
t0=$(now); "$ctl" sync -w "$work/warm.json" --from a --to b >"$work/a.log"; t1=$(now)
time_a=$(seconds "$t0" "$t1"); tail -n 1 "$work/a.log"

echo "== (b) rclone copy (size-only: it cannot see Monticello ids)"
reset_b
t0=$(now)
rclone copy ":http:$project" ":webdav:$project" --http-url "$url_a" --webdav-url "$url_b" --webdav-user squeak \
    --webdav-pass "$(rclone obscure squeak)" --transfers "$jobs" --size-only --retries 1 -q
t1=$(now); time_b=$(seconds "$t0" "$t1")

echo "== (c) one at a time, like Monticello's copyAllFrom: (curl GET then PUT, sequential)"
reset_b
t0=$(now)
while read -r name; do
    curl -sf -o "$work/one.mcz" "$url_a$project/$name"
    curl -sf -u squeak:squeak -T "$work/one.mcz" "$url_b$project/$name" -o /dev/null
done <"$work/missing.txt"
t1=$(now); time_c=$(seconds "$t0" "$t1")

echo "== (d) raw curl GET + PUT, $jobs at a time (the practical limit)"
reset_b
mkdir -p "$work/raw"
t0=$(now)
xargs -P "$jobs" -I{} sh -c "curl -sf -o '$work/raw/{}' '$url_a$project/{}' && curl -sf -u squeak:squeak -T '$work/raw/{}' '$url_b$project/{}' -o /dev/null" <"$work/missing.txt"
t1=$(now); time_d=$(seconds "$t0" "$t1")

echo "== (e) status on two $flat-version projects"
mkdir -p "$root_a/big" "$root_b/big"
cp "$work/flat/"*.mcz "$root_a/big/"
cp "$work/flat/"*.mcz "$root_b/big/"
"$ctl" init -w "$work/big.json" --server a="$url_a" --server b="$url_b" --project big --primary a >/dev/null
t0=$(now); "$ctl" status -w "$work/big.json" >/dev/null; t1=$(now); time_cold=$(seconds "$t0" "$t1")
t0=$(now); "$ctl" status -w "$work/big.json" >/dev/null; t1=$(now); time_warm=$(seconds "$t0" "$t1")

echo "== (f) identity probe vs full download, Kernel-sized versions"
probed=0; whole=0
for file in "$root_a/$project"/Kernel-*.mcz; do
    name=$(basename "$file")
    json=$("$ctl" probe --json "$url_a$project" "$name")
    probed=$((probed + $(echo "$json" | grep -o '"bytesTransferred":[0-9]*' | cut -d: -f2)))
    whole=$((whole + $(stat -c %s "$file")))
done

echo "== (g) console responsiveness: the longest event-loop stall (offscreen)"
if [[ -x "$build/tests/bench/twintrunk_responsiveness" ]]; then
    reset_b
    # A new workspace: the one above remembers b with these versions (losing them is a regression).
    "$ctl" init -w "$work/gui.json" --server a="$url_a" --server b="$url_b" --project "$project" --primary a --jobs "$jobs" >/dev/null
    "$ctl" status -w "$work/gui.json" >/dev/null
    replicate_out=$("$build/tests/bench/twintrunk_responsiveness" "$work/gui.json" --replicate 2>/dev/null)
    big_out=$("$build/tests/bench/twintrunk_responsiveness" "$work/big.json" 2>/dev/null)
    stall_sync=$(echo "$replicate_out" | awk -F'longest event-loop stall ' '/^replicating/ { split($2, a, " "); print a[1] }')
    stall_load=$(echo "$big_out" | awk -F'longest event-loop stall ' '/^loading/ { split($2, a, " "); print a[1] }')
    stall_show=$(echo "$big_out" | awk -F'longest stall ' '/^loading/ { split($2, a, " "); print a[1] }')
    echo "$replicate_out"
    echo "$big_out"
else
    stall_sync=n/a; stall_load=n/a; stall_show=n/a
fi

echo
echo "== results ($missing versions, $((bytes / 1048576)) MB, $jobs jobs; $(nproc) cores)"
printf "(a) twintrunkctl sync, cold  %8s s   (new state database: ids of all shared versions read first)\n" "$time_a_cold"
printf "(a) twintrunkctl sync, warm  %8s s   %s MB/s (state kept, as under sync --every)\n" "$time_a" "$(awk -v b="$bytes" -v t="$time_a" 'BEGIN { printf "%.1f", b / 1048576 / t }')"
printf "(b) rclone copy              %8s s   a/b = %s (target: <= 1)\n" "$time_b" "$(ratio "$time_a" "$time_b")"
printf "(c) sequential copy          %8s s   a/c = %s\n" "$time_c" "$(ratio "$time_a" "$time_c")"
printf "(d) raw curl GET+PUT         %8s s   a/d = %s (target: <= 1.5)\n" "$time_d" "$(ratio "$time_a" "$time_d")"
printf "(e) status, cold             %8s s   (2 x %s versions; identities probed)\n" "$time_cold" "$flat"
printf "(e) status, warm             %8s s   (target: < 1 s)\n" "$time_warm"
printf "(f) probe bytes              %8s of %s bytes = %s%% (target: < 5%%)\n" "$probed" "$whole" "$(awk -v p="$probed" -v w="$whole" 'BEGIN { printf "%.2f", 100 * p / w }')"
printf "(g) console stall, replicating %8s ms  (target: < 50 ms)\n" "$stall_sync"
printf "(g) console stall, loading    %8s ms  (2 x %s versions; showing the table: %s ms)\n" "$stall_load" "$flat" "$stall_show"
