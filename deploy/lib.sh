# Shared by the deploy/ scripts: where the jar is, how to build it, and the JVM flags Spark + ND4J need.
# shellcheck shell=bash
RS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# RESNET_SPARK_TARGET: another build's target/ (e.g. a frozen copy that benchmarks run while you rebuild)
RS_TARGET="${RESNET_SPARK_TARGET:-$RS_ROOT/spark-jobs/target}"
RS_CACHE="${RESNET_SPARK_CACHE:-$HOME/.cache/resnet-spark}"
RS_JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Maven as the scripts run it: batch mode, no colour, and no terminal reset codes either (Debian's Maven 3.8
# prints ESC[0m on exit even with -B and -q unless jansi.noreset is set).
rs_mvn() {
  MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true -Dstyle.color=never" mvn -B --no-transfer-progress "$@"
}

# The shaded application jar; built on first use.
rs_jar() {
  local jar
  jar=$(ls "$RS_TARGET"/resnet-spark-jobs-*-shaded.jar 2>/dev/null | head -n 1 || true)
  if [[ -z "$jar" || ! -f "$RS_TARGET/provided-classpath.txt" ]]; then
    echo "resnet-spark: building the application jar (first run only; takes a few minutes)..." >&2
    (cd "$RS_ROOT" && rs_mvn -q package -DskipTests) >&2
    jar=$(ls "$RS_TARGET"/resnet-spark-jobs-*-shaded.jar | head -n 1)
  fi
  echo "$jar"
}

# What a Spark installation would provide (Spark, Scala, Hadoop client), as resolved by Maven.
rs_provided_classpath() {
  cat "$RS_TARGET/provided-classpath.txt"
}

# Spark's own Java 17 module flags (org.apache.spark.launcher.JavaModuleOptions); spark-submit adds
# them itself, a plain `java` driver needs them. Then the ND4J/DL4J settings.
rs_jvm_flags() {
  mkdir -p "$RS_CACHE/javacpp" "$RS_CACHE/tmp"
  RS_FLAGS=(
    -XX:+IgnoreUnrecognizedVMOptions
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
    --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
    --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
    "-Dorg.bytedeco.javacpp.cachedir=$RS_CACHE/javacpp"
    "-Dlog4j2.configurationFile=$RS_ROOT/conf/log4j2.properties"
    "${RS_ND4J_FLAGS[@]}"
  )
}

# The ND4J native build for this CPU: both oneDNN builds ship, and JavaCPP loads the AVX2 one unless
# told otherwise before ND4J starts (io.resnetspark.model.onednn.NativeVariant has the reasons). The
# AVX-512 build needs everything -march=skylake-avx512 emits; elsewhere nothing is set (JavaCPP's
# default, the AVX2 build). RESNET_SPARK_ND4J_EXTENSION overrides (e.g. -onednn-avx2 to compare).
rs_nd4j_extension() {
  if [[ -n "${RESNET_SPARK_ND4J_EXTENSION:-}" ]]; then echo "$RESNET_SPARK_ND4J_EXTENSION"; return; fi
  local flags
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  for f in avx512f avx512cd avx512bw avx512dq avx512vl; do
    [[ "$flags" == *" $f "* ]] || return 0
  done
  echo "-onednn-avx512"
}

# The DL4J system properties every driver and executor JVM gets (executors: through
# spark.executor.extraJavaOptions, with the JavaCPP cache dir of the executor's host).
RS_ND4J_FLAGS=(-Dorg.eclipse.deeplearning4j.helpers.disable=false)
# Only for CPU (nd4j-native) jars: deploy/submit leaves it out for --profile gpu.
RS_ND4J_EXTENSION="$(rs_nd4j_extension)"
[[ -z "$RS_ND4J_EXTENSION" ]] || RS_ND4J_FLAGS+=("-Dorg.bytedeco.javacpp.platform.extension=$RS_ND4J_EXTENSION")

# glibc malloc tuned for the native tensors of ND4J and oneDNN (large freed blocks kept in the heap
# instead of unmapped): opt-in with RESNET_SPARK_MALLOC=tuned. Off by default: with the own oneDNN
# helpers it measured no faster and used more memory (README.md, Measured figures).
if [[ "${RESNET_SPARK_MALLOC:-off}" == tuned ]]; then
  export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
  export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}"
  export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"
fi
