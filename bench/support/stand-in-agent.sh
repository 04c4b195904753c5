#!/bin/sh
# The stand-in agent of bench/support/stand-in-agent.mjs as a POSIX sh script: the same
# stream-json lines at the same pace, the same files written, but no Node start-up, so a bench
# run over it measures Orch and git rather than 200 Node processes. Builtins only, apart from
# sleep and mkdir. Paths are put in JSON unescaped: the benches' temporary folders need none.
pace=${STAND_IN_PACE_MS:-100}
steps=${STAND_IN_STEPS:-5}
model=claude-sonnet-5
session=stand-in
previous=
for arg in "$@"; do
  [ "$previous" = --session-id ] && session=$arg
  previous=$arg
done
# The prompt is the first stream-json line; like the real CLI, it does not wait for the end of
# stdin, which Orch keeps open to deliver messages.
IFS= read -r prompt
millis=$((pace % 1000))
case ${#millis} in 1) millis=00$millis ;; 2) millis=0$millis ;; esac
seconds=$((pace / 1000)).$millis
printf '{"type":"system","subtype":"init","session_id":"%s","cwd":"%s","model":"%s","tools":["Write"]}\n' "$session" "$PWD" "$model"
step=0
while [ "$step" -lt "$steps" ]; do
  sleep "$seconds"
  step=$((step + 1))
  printf '{"type":"assistant","session_id":"%s","message":{"model":"%s","content":[{"type":"text","text":"step %s"}],"usage":{"input_tokens":100,"output_tokens":10}}}\n' "$session" "$model" "$step"
done
rest=$prompt
while :; do
  case $rest in
    *'the file `'*) rest=${rest#*the file \`} ;;
    *) break ;;
  esac
  file=${rest%%\`*}
  rest=${rest#*\`}
  case $rest in
    ' exists'*)
      case $file in */*) mkdir -p "${file%/*}" ;; esac
      printf 'written by the stand-in for %s\n' "$file" > "$file"
      ;;
  esac
done
printf '{"type":"result","subtype":"success","is_error":false,"result":"done","session_id":"%s","num_turns":%s,"duration_ms":%s,"total_cost_usd":0.001,"usage":{"input_tokens":%s,"output_tokens":%s},"modelUsage":{"%s":{"costUSD":0.001}}}\n' "$session" "$steps" $((steps * pace)) $((100 * steps)) $((10 * steps)) "$model"
