"""Airflow DAG: nightly retraining of the resnet-spark image classifier.

prepare -> retrain (warm start from the champion, evaluate challenger and champion on the same
held-out split, promote only if better). Each stage is idempotent: a rerun after a failure skips what
is already committed. Needs apache-airflow-providers-apache-spark and a "spark_default" connection.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = "/opt/resnet-spark/resnet-spark.jar"
CONF = "/opt/resnet-spark/conf/imagenet-resnet50-cpu.conf"
SPARK_CONF = {
    "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    "spark.kryo.registrator": "org.nd4j.kryo.Nd4jRegistrator",
    "spark.executor.memoryOverhead": "14g",
    "spark.task.cpus": "8",
    "spark.executor.extraJavaOptions": "-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-cache "
    "-Dorg.eclipse.deeplearning4j.helpers.disable=false",
}

with DAG(
    dag_id="resnet_spark_retrain",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["ml", "resnet-spark"],
) as dag:
    prepare = SparkSubmitOperator(
        task_id="prepare",
        application=JAR,
        java_class="io.resnetspark.cli.Main",
        application_args=["prepare", "--conf", CONF],
        conf=SPARK_CONF,
    )
    retrain = SparkSubmitOperator(
        task_id="retrain",
        application=JAR,
        java_class="io.resnetspark.cli.Main",
        application_args=["retrain", "--conf", CONF],
        conf=SPARK_CONF,
        execution_timeout=timedelta(hours=12),
    )
    prepare >> retrain
