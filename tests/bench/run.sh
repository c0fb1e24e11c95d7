#!/usr/bin/env bash
# TwinTrunk's benchmark. Not a test: it prints figures and ratios measured in one run against peers
# on the same servers, and never passes or fails on time.
#   tests/bench/run.sh [BUILD_DIR]        (run packaging/install-deps.sh bench first)
# Environment: TRUNK (versions to copy, sized like the Squeak trunk's, default 600: ~195 MB, 30%
# Kernel-sized), SHARED (versions both servers already have, default 1600), JOBS (default 4),
# FLAT (versions per project for the status figures, default 30000), DEEP (records of the deep
# ancestry inspected, default 300000), WIDE_RECORDS (records of each of four wide versions, 370000).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(cd "${1:-build}" && pwd)
trunk=${TRUNK:-600}
shared=${SHARED:-1600}
jobs=${JOBS:-4}
flat=${FLAT:-30000}
deep=${DEEP:-300000}
wide_records=${WIDE_RECORDS:-370000}
ctl=$build/app/twintrunkctl
for tool in "$ctl" "$build/tests/twintrunk_testserver" "$build/tests/bench/twintrunk_benchcorpus" "$build/tests/bench/twintrunk_benchmemory" \
    rclone curl /usr/bin/time; do
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
# measure NAME COMMAND...: runs it under GNU time; sets NAME_wall (s), NAME_cpu (user+sys s), NAME_rss (MB).
measure() {
    local name=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.$name" "$@"
    read -r wall user sys rss <"$work/time.$name"
    printf -v "${name}_wall" "%s" "$wall"
    printf -v "${name}_cpu" "%s" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
    printf -v "${name}_rss" "%s" "$((rss / 1024))"
}

echo "== corpus"
"$build/tests/bench/twintrunk_benchcorpus" "$work/corpus" --trunk "$trunk"
"$build/tests/bench/twintrunk_benchcorpus" "$work/shared" --versions "$shared"
"$build/tests/bench/twintrunk_benchcorpus" "$work/flat" --flat "$flat"
sizes=$(ls -l "$work/corpus" | awk 'NR > 1 { print $5 }' | sort -n)
bytes=$(echo "$sizes" | awk '{ s += $1 } END { print s }')
mean_kb=$(echo "$sizes" | awk '{ s += $1 } END { printf "%.0f", s / NR / 1024 }')
median_kb=$(echo "$sizes" | awk '{ a[NR] = $1 } END { printf "%.0f", a[int((NR + 1) / 2)] / 1024 }')
kernels=$(ls "$work/corpus" | grep -c '^Kernel-')
urls=$("$build/tests/twintrunk_testserver" start "$servers" a b --propfind)
url_a=$(echo "$urls" | awk '$1 == "a" { print $2 }')
url_b=$(echo "$urls" | awk '$1 == "b" { print $2 }')
root_a=$servers/a/root
root_b=$servers/b/root
project=trunk
mkdir -p "$root_a/$project" "$root_b/$project"
chmod 777 "$root_a/$project" "$root_b/$project"
cp "$work/corpus/"*.mcz "$work/shared/"*.mcz "$root_a/$project/"
ls "$work/corpus" > "$work/missing.txt"
# The divergence: b has the shared versions and lacks the trunk-sized ones.
reset_b() {
    find "$root_b/$project" -mindepth 1 -delete
    cp "$work/shared/"*.mcz "$root_b/$project/"
}
corpus_line="$trunk versions, $((bytes / 1048576)) MB, mean ${mean_kb} KB, median ${median_kb} KB, $kernels Kernel-sized"
echo "copying $corpus_line; $jobs at a time, between two nginx servers on 127.0.0.1"

export TWINTRUNK_USER_B=squeak TWINTRUNK_PASSWORD_B=squeak
"$ctl" init -w "$work/ws.json" --server a="$url_a" --server b="$url_b" --project "$project" --primary a --jobs "$jobs" >/dev/null

echo "== (a) twintrunkctl sync (GET, check every member's CRC, PUT, read the target's copy back whole, journal)"
# Cold: a new state database, so the ids of every version already on both servers are read first.
reset_b
measure sync_cold "$ctl" sync -w "$work/ws.json" --from a --to b >"$work/a.log"; tail -n 1 "$work/a.log"
"$ctl" status -w "$work/ws.json" --check >/dev/null && echo "verified: a and b in sync"
# Warm: as under sync --every, the ids of what both servers already had are remembered (a second
# workspace whose state has seen b before these versions existed; on the first one, b losing
# them would rightly be a regression alarm, not something to copy back).
reset_b
"$ctl" init -w "$work/warm.json" --server a="$url_a" --server b="$url_b" --project "$project" --primary a --jobs "$jobs" >/dev/null
"$ctl" status -w "$work/warm.json" >/dev/null
measure sync "$ctl" sync -w "$work/warm.json" --from a --to b >"$work/a.log"; tail -n 1 "$work/a.log"
for name in $(head -n 3 "$work/missing.txt"); do cmp -s "$root_a/$project/$name" "$root_b/$project/$name" || echo "bench: $name differs!"; done

echo "== (b) rclone copy (unverified: size-only, it cannot see Monticello ids)"
rclone_remote=(":http:$project" ":webdav:$project" --http-url "$url_a" --webdav-url "$url_b" --webdav-user squeak --webdav-pass "$(rclone obscure squeak)")
reset_b
measure rclone rclone copy "${rclone_remote[@]}" --transfers "$jobs" --size-only --retries 1 -q

echo "== (b2) rclone copy, then rclone check --download (verified: every byte read back and compared)"
reset_b
t0=$(now)
rclone copy "${rclone_remote[@]}" --transfers "$jobs" --size-only --retries 1 -q
rclone check "${rclone_remote[@]}" --download --checkers "$jobs" --one-way -q
t1=$(now); rclone_verified_wall=$(seconds "$t0" "$t1")

echo "== (c) one at a time, like Monticello's copyAllFrom: (curl GET then PUT, sequential)"
reset_b
t0=$(now)
while read -r name; do
    curl -sf -o "$work/one.mcz" "$url_a$project/$name"
    curl -sf -u squeak:squeak -T "$work/one.mcz" "$url_b$project/$name" -o /dev/null
done <"$work/missing.txt"
t1=$(now); sequential_wall=$(seconds "$t0" "$t1")

echo "== (d) raw curl GET + PUT, $jobs at a time (unverified: the practical limit of a copy)"
reset_b
mkdir -p "$work/raw"
t0=$(now)
xargs -P "$jobs" -I{} sh -c "curl -sf -o '$work/raw/{}' '$url_a$project/{}' && curl -sf -u squeak:squeak -T '$work/raw/{}' '$url_b$project/{}' -o /dev/null" <"$work/missing.txt"
t1=$(now); curl_wall=$(seconds "$t0" "$t1")

echo "== (d2) verified curl: GET to a file, PUT, GET it back, compare; $jobs at a time (the practical limit of a verified copy)"
reset_b
mkdir -p "$work/verified"
t0=$(now)
xargs -P "$jobs" -I{} sh -c "curl -sf -o '$work/verified/{}' '$url_a$project/{}' && curl -sf -u squeak:squeak -T '$work/verified/{}' '$url_b$project/{}' -o /dev/null && curl -sf '$url_b$project/{}' | cmp -s - '$work/verified/{}'" <"$work/missing.txt"
t1=$(now); curl_verified_wall=$(seconds "$t0" "$t1")

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

echo "== (h) memory: inspect of a $deep-deep ancestry; sync of four versions whose version members inflate to ~63 MB"
"$build/tests/bench/twintrunk_benchmemory" "$work/deep" --deep "$deep" >/dev/null
deep_member=$(unzip -l "$work/deep/"*.mcz | awk '$4 == "version" { printf "%.0f", $1 / 1048576 }')
measure inspect "$ctl" inspect "$work/deep/"*.mcz >/dev/null
"$build/tests/bench/twintrunk_benchmemory" "$work/wide/a/$project" --wide 4 --records "$wide_records" >/dev/null
wide_member=$(unzip -l "$work/wide/a/$project/"Wide1-*.mcz | awk '$4 == "version" { printf "%.0f", $1 / 1048576 }')
wide_file=$(ls -l "$work/wide/a/$project/"Wide1-*.mcz | awk '{ printf "%.1f", $5 / 1048576 }')
mkdir -p "$work/wide/b/$project"
"$ctl" init -w "$work/wide.json" --server a="$work/wide/a" --server b="$work/wide/b" --project "$project" --primary a --jobs 4 >/dev/null
measure wide "$ctl" sync -w "$work/wide.json" --jobs 4 >/dev/null

echo
echo "== results ($corpus_line; $jobs jobs; $(nproc) cores)"
printf "(a) twintrunkctl sync, cold   %8s s   (new state database: ids of all shared versions read first)\n" "$sync_cold_wall"
printf "(a) twintrunkctl sync, warm   %8s s   %s MB/s, %s s CPU, %s MB peak RSS (state kept, as under sync --every)\n" "$sync_wall" \
    "$(awk -v b="$bytes" -v t="$sync_wall" 'BEGIN { printf "%.1f", b / 1048576 / t }')" "$sync_cpu" "$sync_rss"
printf "(d2) verified curl            %8s s   a/d2 = %s (target: <= 1.1)\n" "$curl_verified_wall" "$(ratio "$sync_wall" "$curl_verified_wall")"
printf "(b2) rclone copy + check      %8s s   b2/a = %s (target: >= 1.4)\n" "$rclone_verified_wall" "$(ratio "$rclone_verified_wall" "$sync_wall")"
printf "(b) rclone copy, unverified   %8s s   a/b = %s\n" "$rclone_wall" "$(ratio "$sync_wall" "$rclone_wall")"
printf "(d) raw curl, unverified      %8s s   a/d = %s\n" "$curl_wall" "$(ratio "$sync_wall" "$curl_wall")"
printf "(c) sequential copy           %8s s   a/c = %s\n" "$sequential_wall" "$(ratio "$sync_wall" "$sequential_wall")"
printf "(e) status, cold              %8s s   (2 x %s versions; identities probed)\n" "$time_cold" "$flat"
printf "(e) status, warm              %8s s   (target: < 1 s)\n" "$time_warm"
printf "(f) probe bytes               %8s of %s bytes = %s%% (target: < 5%%)\n" "$probed" "$whole" "$(awk -v p="$probed" -v w="$whole" 'BEGIN { printf "%.2f", 100 * p / w }')"
printf "(g) console stall, replicating %7s ms  (target: < 50 ms)\n" "$stall_sync"
printf "(g) console stall, loading    %8s ms  (2 x %s versions; showing the table: %s ms)\n" "$stall_load" "$flat" "$stall_show"
printf "(h) inspect, %s-deep ancestry %6s MB peak RSS, %s s (a %s MB version member; target: < 400 MB)\n" "$deep" "$inspect_rss" "$inspect_wall" "$deep_member"
printf "(h) sync --jobs 4, wide       %8s MB peak RSS, %s s (4 x %s MB files, %s MB version members; target: < 150 MB)\n" "$wide_rss" "$wide_wall" "$wide_file" "$wide_member"
