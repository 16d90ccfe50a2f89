#!/usr/bin/env bash
# Packs what the GPU check needs into one archive for a GPU machine that has a CUDA PyTorch but no Java:
# a jlink'ed Java 17 runtime (with the JNI headers), the module's classes and DJL jars, the InternVL
# cases of the fixture root (VLEVAL_FIXTURES, else the repository's fixtures/), the InternVL2/2.5/3 release cases
# (src/test/resources/fixtures/internvl_releases) with their generator (src/test/fixture-gen) and the reference
# files it reads (from the git directory of an InternVL clone that holds commit 2410d1db, INTERNVL_GIT_DIR), and
# DJL 0.36.0's JNI sources (from a DJL git directory; nothing of either is kept in this repo).
#   INTERNVL_GIT_DIR=/path/to/InternVL/.git model-internvl/src/test/gpu/bundle.sh DJL_GIT_DIR [OUT.tar.xz]
# Then, on the GPU machine: mkdir b && tar -xJf OUT.tar.xz -C b && bash b/run-on-gpu.sh
set -euo pipefail
djl=${1:?usage: INTERNVL_GIT_DIR=... bundle.sh DJL_GIT_DIR [OUT.tar.xz]}
internvl=${INTERNVL_GIT_DIR:?set INTERNVL_GIT_DIR to the git directory of an InternVL clone holding commit 2410d1db}
root=$(cd "$(dirname "$0")/../../../.." && pwd)
out=$(realpath -m "${2:-$root/target/gpu-check.tar.xz}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
# in the reactor, so that the modules resolve to their target/classes (training, built last, writes cp.txt last)
mvn -q -o -pl training -am test-compile dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dspotless.check.skip=true
mkdir -p "$work/b/lib" "$work/b/classes/test/io/vleval/model/internvl/device" "$work/b/native/api" "$work/b/native/build/include" "$work/b/fixtures"
# only what GpuCheck loads: no CPU libtorch (the machine's own is used), no video; the tokenizers jar
# keeps only its linux-x86_64 library (the training part tokenizes captions)
tr ':' '\n' < "$work/cp.txt" | grep -E '/(api-0\.36\.0|gson|jna-|commons-(compress|io|csv|codec)|pytorch-engine|jackson-(databind|core|annotations)|slf4j-api|opentest4j)[^/]*\.jar$' \
  | xargs -I{} cp {} "$work/b/lib/"
tok=$(tr ':' '\n' < "$work/cp.txt" | grep -E '/tokenizers-[^/]*\.jar$')
cp "$tok" "$work/b/lib/tokenizers.jar"
zip -q -d "$work/b/lib/tokenizers.jar" 'native/lib/win-*' 'native/lib/osx-*' 'native/lib/linux-aarch64/*' '*.json' > /dev/null
cp -r model-internvl/target/classes "$work/b/classes/main"
cp model-internvl/target/test-classes/io/vleval/model/internvl/device/*.class "$work/b/classes/test/io/vleval/model/internvl/device/"
# the case discovery GpuCheck sorts the fixture folders with (InternVlCases, and the test kit's FixtureCases)
cp model-internvl/target/test-classes/io/vleval/model/internvl/InternVlCases*.class "$work/b/classes/test/io/vleval/model/internvl/"
# the fine-tuning run of the trainable-backbone part
mkdir -p "$work/b/classes/test/io/vleval/model/internvl/provider"
cp model-internvl/target/test-classes/io/vleval/model/internvl/provider/FineTuningRun*.class "$work/b/classes/test/io/vleval/model/internvl/provider/"
for m in harness-api harness-api-djl preprocess harness-testkit harness-core datasets tasks training; do cp -r "$m/target/classes" "$work/b/classes/$m"; done
# the training module's check (TrainingGpuCheck), run after the model's
mkdir -p "$work/b/classes/training-test/io/vleval/training/device"
cp training/target/test-classes/io/vleval/training/device/*.class "$work/b/classes/training-test/io/vleval/training/device/"
fixtures=${VLEVAL_FIXTURES:-$root/fixtures}
cp -r "$fixtures/internvl" "$work/b/fixtures/"
# the release cases, their generator (run-on-gpu.sh writes their float16 references with it) and the reference
# files the generator reads, at the commit the cases were made from
cp -r model-internvl/src/test/resources/fixtures/internvl_releases "$work/b/fixtures/"
mkdir -p "$work/b/fixture-gen" "$work/b/reference"
cp model-internvl/src/test/fixture-gen/{internvl_releases,internvl_cases,batch_chat}.py "$work/b/fixture-gen/"
git --git-dir="$internvl" archive 2410d1dbf208f0e799459aff9376e5747dbf41a2 \
  internvl_chat/internvl/model/internvl_chat internvl_chat/internvl/model/internlm2 internvl_chat/internvl/model/phi3 \
  internvl_chat/internvl/conversation.py internvl_g/internvl/model/internvl_stage2 | tar -x -C "$work/b/reference"
jlink --add-modules java.base,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$work/b/jre"
cp -r "$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")/include" "$work/b/jre/include"
git --git-dir="$djl" archive v0.36.0 engines/pytorch/pytorch-native/CMakeLists.txt engines/pytorch/pytorch-native/src/main/native \
  api/src/main/native/djl engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java | tar -x -C "$work"
cp -r "$work/engines/pytorch/pytorch-native/src" "$work/b/native/"
cp -r "$work/api/src/main/native/djl" "$work/b/native/api/"
sed 's|PATHS ${PROJECT_SOURCE_DIR}/../../../api/src/main/native REQUIRED|PATHS ${PROJECT_SOURCE_DIR}/api REQUIRED|' \
  "$work/engines/pytorch/pytorch-native/CMakeLists.txt" > "$work/b/native/CMakeLists.txt"
javac -h "$work/b/native/build/include" -d "$work/jni-classes" -cp "$(cat "$work/cp.txt")" \
  "$work/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
cp model-internvl/src/test/gpu/run-on-gpu.sh "$work/b/"
mkdir -p "$(dirname "$out")"
tar -cJf "$out" -C "$work/b" .
echo "$out ($(du -h "$out" | cut -f1))"
