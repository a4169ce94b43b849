#!/usr/bin/env bash
# Builds the JMH benchmarks and runs them, then writes the markdown table and PNG chart.
#
#   bash reranker-jmh/run.sh short   # what CI runs: every benchmark once, a smoke check (~3-4 min)
#   bash reranker-jmh/run.sh full    # the numbers in results/latest.md (24 min on 2 shared cores)
#   bash reranker-jmh/run.sh spark   # Spark's overhead: results/spark-overhead.md (~4 min)
#   bash reranker-jmh/run.sh int8    # the int8 rows and their neighbours: results/int8.md (~15 min)
#   bash reranker-jmh/run.sh memory  # resident memory of the bundled model, float32 vs int8 (~1 min)
#   bash reranker-jmh/run.sh training # training steps of the dialog cross-encoder: results/training.md (~7 min)
#
# Extra arguments go to JMH, e.g. `run.sh full -p config=graph-opt` measures a row full skips.
# Fails (non-zero exit) if the build, any benchmark or the report fails: JMH runs with -foe true.
set -euo pipefail

mode="${1:-short}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mvn -q -B -DskipTests package -pl reranker-jmh -am

jar=reranker-jmh/target/benchmarks.jar
results=reranker-jmh/results
mkdir -p "$results"

# libtorch's OpenMP threads spin between ops by default. On a CPU shared with other processes
# the spinning helper thread loses its core and every op waits for it: a MiniLM forward measured
# 1.1 s instead of 85 ms. Sleeping threads make numbers depend far less on the neighbours'
# load; the ONNX Runtime peer turns its spinning off too. Override: OMP_WAIT_POLICY=ACTIVE.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

common=(-foe true -rf json -prof dev.reranker.jmh.LoadProfiler)
# What Spark's launcher passes to its JVMs on Java 17 (the parent pom's spark.jvm.options).
spark_opens=()
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
    java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
    sun.security.action sun.util.calendar; do
  spark_opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
case "$mode" in
  spark)
    # Not JMH: a timed main, pairs/s through RerankerSpark in local mode against one reranker
    # called directly, alternating rounds (see SparkOverhead). Extra arguments: pairs rounds tasks.
    pairs="${1:-1000}" rounds="${2:-3}" tasks="${3:-2}"
    java -Doffline=true "${spark_opens[@]}" -cp "$jar" dev.reranker.jmh.SparkOverhead \
      "$pairs" "$rounds" "$tasks" "$results/spark-overhead.md"
    exit 0
    ;;
  memory)
    # Not JMH: the resident memory of the bundled model, float32 against int8, each in a fresh JVM,
    # three times, alternating (see ModelMemory).
    for q in none int8 none int8 none int8; do
      java -Doffline=true -cp "$jar" dev.reranker.jmh.ModelMemory "$q" 2>/dev/null
    done | tee "$results/memory.txt"
    exit 0
    ;;
  short)
    name=short
    readme=
    # One fork, one 1-second iteration, no warmup, one parameter value each, 2 client threads
    # (a BERT-base round of 32 requests takes over a minute): proves every benchmark runs.
    # TrainingBenchmark runs apart, on one thread (DJL allows one gradient collector at a time).
    args=(-f 1 -wi 0 -i 1 -r 1s -t 2 -e TrainingBenchmark
      -p config=dynamic-padding-grouping -p bertBaseConfig=dynamic-padding-grouping
      -p text=short -p shape=840x384x1536 -p type=float32 -p engine=scripted -p batch=request)
    ;;
  training)
    name=training
    readme=
    # One training step of the dialog cross-encoder, with the annotations' forks and iterations.
    args=(TrainingBenchmark)
    ;;
  int8)
    name=int8
    readme=
    # The int8 rows and their neighbours only (float32, ONNX Runtime on both ONNX files), with the
    # annotations' forks and iterations, and the sgemm yardstick: results/int8.md (about 15 min).
    args=(-p engine=scripted,int8,onnxruntime,onnxruntime-q -p config=two-workers,int8
      'ForwardBenchmark|RerankerRpsBenchmark|SgemmBenchmark')
    ;;
  full)
    name=latest
    readme=reranker-jmh/README.md # its copy of the latest table is regenerated too
    # The annotations' forks and iterations, with rows that change nothing on a CPU left out
    # (graph-opt, amp: see Ablation), for the bundled model and for BERT-base.
    args=(-p config=seq128-fixed-nobatch,seq80,batch32,fast-encoder,dynamic-padding-grouping,two-workers,int8
      -p bertBaseConfig=seq128-fixed-nobatch,seq80,batch32,fast-encoder,dynamic-padding-grouping,two-workers,int8)
    ;;
  *)
    echo "usage: $0 [short|full|int8|training] [JMH options...] | $0 spark [pairs rounds tasks] | $0 memory" >&2
    exit 2
    ;;
esac

load_start="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
start=$(date +%s)
java -Doffline=true -jar "$jar" "${common[@]}" "${args[@]}" -rff "$results/$name.json" "$@"
echo "JMH took $(( $(date +%s) - start )) s"

if [[ "$mode" == short ]]; then
  # One training step on one thread, into its own JSON (the report covers the run above).
  java -Doffline=true -jar "$jar" -foe true -f 1 -wi 0 -i 1 -r 1s -t 1 -p pairs=32 -p heap=reuse \
    -rf json -rff "$results/short.training.json" TrainingBenchmark > /dev/null
  # The profiler tool is not a JMH benchmark: prove it runs too.
  java -Doffline=true -cp "$jar" dev.reranker.jmh.ForwardProfile 1x40 scripted 2 > /dev/null
  # Nor is the memory main (int8, which also proves the int8 forward loads here).
  java -Doffline=true -cp "$jar" dev.reranker.jmh.ModelMemory int8 > /dev/null
  # Nor is the Spark overhead main: one small round.
  java -Doffline=true "${spark_opens[@]}" -cp "$jar" dev.reranker.jmh.SparkOverhead 64 1 2 \
    > /dev/null
fi

java -Doffline=true -Djava.awt.headless=true -Dreport.loadStart="$load_start" \
  -cp "$jar" dev.reranker.jmh.Report "$results/$name.json" "$results" "$name" "$mode" \
  ${readme:+"$readme"} > /dev/null
echo "wrote $results/$name.md, $results/$name.png and $results/$name.json"
