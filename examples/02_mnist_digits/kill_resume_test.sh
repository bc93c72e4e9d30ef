#!/bin/sh
# The kill-and-resume check of a training example: runs PROGRAM with OPTIONS once without
# interruption, then again with --checkpoint, kills that run with SIGKILL once its first
# checkpoint exists (mid-way through a later epoch), resumes it with --resume, and requires the
# resumed run's saved model to be the uninterrupted one byte for byte.
#
# usage: kill_resume_test.sh PROGRAM WORK_DIR OUT OPTIONS...
#   PROGRAM takes --save, --checkpoint and --resume; WORK_DIR is emptied first; OUT is "out"
#   when PROGRAM also takes --out DIR for its other files (each run then gets its own), "-" if not.
set -u
program=$1
work=$2
takes_out=$3
shift 3
rm -rf "$work"
mkdir -p "$work"
# Becomes PROGRAM with the options, its other outputs in $work/$1 when it takes --out. Always
# called in a subshell (a background job, or parentheses), so that the kill below reaches the
# program itself.
run() {
  name=$1
  shift
  if [ "$takes_out" = out ]; then
    exec "$program" "$@" --out "$work/$name"
  else
    exec "$program" "$@"
  fi
}

if ! (run whole "$@" --save "$work/whole.json") >"$work/whole.log" 2>&1; then
  cat "$work/whole.log"
  exit 1
fi

run killed "$@" --save "$work/resumed.json" --checkpoint "$work/run.checkpoint" \
  >"$work/killed.log" 2>&1 &
pid=$!
waited=0
while [ ! -f "$work/run.checkpoint" ]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the run ended before writing its first checkpoint:"
    cat "$work/killed.log"
    exit 1
  fi
  sleep 0.02
  waited=$((waited + 1))
  if [ "$waited" -gt 3000 ]; then
    kill -9 "$pid"
    echo "no checkpoint after a minute"
    exit 1
  fi
done
sleep 0.1 # into the next epoch
kill -9 "$pid"
wait "$pid"
status=$?
if [ "$status" -ne 137 ]; then
  echo "the run ended (exit status $status) before the kill; give it more epochs"
  exit 1
fi
echo "killed with SIGKILL after its first checkpoint:"
grep -i "epoch" "$work/killed.log" | tail -n 2

if ! (run killed "$@" --save "$work/resumed.json" --checkpoint "$work/run.checkpoint" --resume) \
  >"$work/resumed.log" 2>&1; then
  cat "$work/resumed.log"
  exit 1
fi
echo "resumed:"
grep -i "epoch" "$work/resumed.log" | head -n 2
if cmp "$work/whole.json" "$work/resumed.json"; then
  echo "the resumed run's model is the uninterrupted run's, byte for byte"
else
  exit 1
fi
