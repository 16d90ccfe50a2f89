#!/usr/bin/env bash
# The GPU check, on a machine with a CUDA build of PyTorch (python3 -c "import torch") and no Java: builds
# DJL 0.36.0's JNI against that libtorch, puts it beside libtorch, then runs GpuCheck on gpu:0 (see README.md).
# First, when that PyTorch sees a GPU, the release cases' float16 references: the reference model in float16 on
# cuda (fixture-gen/internvl_releases.py --device cuda --dtype float16), written to <case>/cuda-float16/ and copied
# to $OUT/float16-references/ to be committed; if that fails, GpuCheck compares float16 with the float32 references.
# Then the training module's TrainingGpuCheck. Arguments: "training-only" runs only TrainingGpuCheck,
# "backbone-only" only GpuCheck's trainable-backbone part, "releases-only" only the release cases.
set -uo pipefail
B=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
TORCH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
TV=$(python3 -c 'import torch;print(torch.__version__.split("+")[0])')
CUV=$(python3 -c 'import torch;print(torch.version.cuda.replace(".",""))')
echo "torch $TV cuda $CUV at $TORCH"; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
if python3 -c 'import sys,torch;sys.exit(0 if torch.cuda.is_available() else 1)'; then
  if (cd $B/fixture-gen && python3 internvl_releases.py --reference $B/reference --cases $B/fixtures/internvl_releases \
      --device cuda --dtype float16 --out $B/fixtures/internvl_releases) > $OUT/float16-references.txt 2>&1; then
    (cd $B/fixtures/internvl_releases && mkdir -p $OUT/float16-references && cp --parents */cuda-float16/expected.safetensors $OUT/float16-references/)
    grep -v -i flash $OUT/float16-references.txt
  else
    rm -rf $B/fixtures/internvl_releases/*/cuda-float16
    echo "float16 references FAILED, GpuCheck compares float16 with float32:"; tail -20 $OUT/float16-references.txt
  fi
fi
export JAVA_HOME=$B/jre
cd $B/native && mkdir -p build && cd build
cmake -DCMAKE_PREFIX_PATH="$TORCH/share/cmake" -DJAVA_HOME=$JAVA_HOME -DJAVA_INCLUDE_PATH=$JAVA_HOME/include \
  -DJAVA_INCLUDE_PATH2=$JAVA_HOME/include/linux -DJAVA_JVM_LIBRARY=$JAVA_HOME/lib/server/libjvm.so \
  -DUSE_CUDA=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-w -fpermissive" .. > $OUT/cmake.log 2>&1 || { tail -40 $OUT/cmake.log; exit 2; }
make -j16 -k > $OUT/make.log 2>&1; rc=$?
grep -E "error|Error" $OUT/make.log | head -40
[ $rc -eq 0 ] || { echo "make failed rc=$rc"; exit 3; }
cp libdjl_torch.so "$TORCH/lib/libdjl_torch.so"
export PYTORCH_LIBRARY_PATH=$TORCH/lib PYTORCH_VERSION=$TV PYTORCH_FLAVOR=cu$CUV
CP="$B/classes/test:$B/classes/main:$B/classes/harness-api:$B/classes/harness-api-djl:$B/classes/preprocess:$B/classes/harness-testkit:$B/lib/*"
if [ "${1:-}" != training-only ]; then
  timeout 400 $JAVA_HOME/bin/java -Dai.djl.offline=true -cp "$CP" io.vleval.model.internvl.device.GpuCheck $B/fixtures "$@" 2>&1 | grep -v SLF4J | tee $OUT/gpu-check.txt
fi
# the training stages (module training), unless only the model's backbone or release cases were asked for
if [ -z "${1:-}" ] || [ "$1" = training-only ]; then
  TCP="$B/classes/training-test:$B/classes/training:$B/classes/tasks:$B/classes/datasets:$B/classes/harness-core:$CP"
  timeout 300 $JAVA_HOME/bin/java -Dai.djl.offline=true -cp "$TCP" io.vleval.training.device.TrainingGpuCheck 2>&1 | grep -v SLF4J | tee $OUT/training-gpu-check.txt
fi
