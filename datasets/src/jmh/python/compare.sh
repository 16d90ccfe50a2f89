#!/usr/bin/env bash
# Decode + preprocess throughput, one thread, vleval against PIL + torchvision on the same JPEGs:
# "JPEG 500x375 decode + resize shorter side 224 (bicubic) + center crop 224 + normalize".
#   datasets/src/jmh/python/compare.sh            (from anywhere; builds with Maven, never installs)
# 1. runs the JMH PreprocessBenchmark.decodeAndPreprocess1Thread, which writes the 16 JPEGs into
#    datasets/target/preprocess-corpus (or $VLEVAL_PREPROCESS_CORPUS) with their SHA256SUMS;
# 2. checks the files against SHA256SUMS and times PIL + torchvision on them (preprocess_reference.py);
# 3. prints both images/s and their ratio. JMH_ARGS passes JMH options (e.g. "-wi 1 -i 3"), JMH_JVM_ARGS
#    options of JMH's runner JVM (-Djmh.ignoreLock=true where another benchmark holds JMH's lock).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
target="$root/datasets/target"
export VLEVAL_PREPROCESS_CORPUS="${VLEVAL_PREPROCESS_CORPUS:-$target/preprocess-corpus}"
python=/usr/bin/python3   # Debian's python3, the one python3-pil and python3-torchvision install into

if ! "$python" -c 'import PIL, torchvision' 2>/dev/null; then
  echo "compare.sh: installing python3-pil python3-torchvision with apt-get" >&2
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  $sudo apt-get update -q
  $sudo apt-get install -y -q python3-pil python3-torchvision
fi

echo "== vleval (JMH, 1 thread)" >&2
(cd "$root" && mvn -B -q -Pbench-datasets -pl datasets -am verify -DskipTests -Dspotless.check.skip=true \
  -Djmh.include='PreprocessBenchmark.decodeAndPreprocess1Thread$' -Djmh.args="${JMH_ARGS:-}" -Djmh.jvmArgs="${JMH_JVM_ARGS:-}")

(cd "$VLEVAL_PREPROCESS_CORPUS" && sha256sum -c --quiet SHA256SUMS)

echo "== PIL + torchvision (1 thread) on the same files" >&2
"$python" "$here/preprocess_reference.py" "$VLEVAL_PREPROCESS_CORPUS" --json "$target/reference-result.json"

"$python" - "$target/jmh-result.json" "$target/reference-result.json" <<'PY'
import json, statistics, sys
jmh = json.load(open(sys.argv[1]))[0]["primaryMetric"]
ref = json.load(open(sys.argv[2]))
java_iterations = [x for fork in jmh["rawData"] for x in fork]
java = statistics.median(java_iterations)
python = ref["images_per_second"]
print("vleval (JMH, 1 thread):          %.1f images/s (median of %s)"
      % (java, ", ".join("%.1f" % x for x in java_iterations)))
print("PIL %s + torchvision %s, 1 thread: %.1f images/s (median of %s)"
      % (ref["pil"], ref["torchvision"], python, ", ".join("%.1f" % x for x in ref["iterations"])))
print("ratio vleval / PIL + torchvision: %.2f" % (java / python))
PY
