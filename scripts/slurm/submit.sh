#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Submits a bpfnic regression suite to Slurm: a job array of N shards (`bpfnic regress SUITE
# --shard I/N`), then a merge job that starts when every shard succeeded (--dependency=afterok).
#
#   scripts/slurm/submit.sh SUITE N OUTDIR [SBATCH OPTIONS...]
#
# OUTDIR (on a file system every node sees) receives shard-I.jsonl, merged.json, summary.md,
# merge.rc (the merge's exit code: 0 pass, 10 failures, 11 cases that could not run or are
# missing), logs/, and the job ids in array.jobid and merge.jobid. SBATCH OPTIONS (e.g.
# --partition=regress --time=2:00:00) go to both submissions.
# Environment: BPFNIC, the bpfnic executable (default: `bpfnic` on PATH, else build/host/bpfnic of
# this checkout); BPFNIC_EXAMPLES, what ${examples} means in the suite (passed as --examples).
set -euo pipefail

usage() { echo "usage: $0 SUITE N OUTDIR [SBATCH OPTIONS...]" >&2; exit 2; }
[ $# -ge 3 ] || usage
suite=$1 shards=$2 out=$3
shift 3
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "submit: N must be a positive number, not '$shards'" >&2; exit 2; }
[ -f "$suite" ] || { echo "submit: $suite: no such file" >&2; exit 3; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bpfnic=${BPFNIC:-$(command -v bpfnic || echo "$here/../../build/host/bpfnic")}
[ -x "$bpfnic" ] || { echo "submit: $bpfnic is not executable (set BPFNIC)" >&2; exit 3; }
command -v sbatch >/dev/null || { echo "submit: sbatch not found (is Slurm installed?)" >&2; exit 3; }

mkdir -p "$out/logs"
suite=$(cd "$(dirname "$suite")" && pwd)/$(basename "$suite")
out=$(cd "$out" && pwd)
bpfnic=$(cd "$(dirname "$bpfnic")" && pwd)/$(basename "$bpfnic")
# Listing the split checks the suite before anything is queued.
"$bpfnic" regress "$suite" --shard "0/$shards" --list ${BPFNIC_EXAMPLES:+--examples "$BPFNIC_EXAMPLES"} >/dev/null
rm -f "$out"/shard-*.jsonl "$out/merged.json" "$out/summary.md" "$out/merge.rc"

array=$(sbatch --parsable --array="0-$((shards - 1))" --job-name=bpfnic-regress \
  --output="$out/logs/shard-%a.log" "$@" \
  "$here/shard.sbatch" "$bpfnic" "$suite" "$shards" "$out" "${BPFNIC_EXAMPLES:-}")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --job-name=bpfnic-merge \
  --output="$out/logs/merge.log" "$@" \
  "$here/merge.sbatch" "$bpfnic" "$out")
merge=${merge%%;*}
echo "$array" > "$out/array.jobid"
echo "$merge" > "$out/merge.jobid"
echo "submitted: shards as array job $array (0-$((shards - 1))), merge as job $merge; results in $out"
