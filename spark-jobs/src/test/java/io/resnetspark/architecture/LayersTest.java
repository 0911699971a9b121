package io.resnetspark.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of the application (ARCHITECTURE.md), checked on the compiled classes of model and
 * spark-jobs: every import points down, no two packages import each other, the model knows nothing of
 * Spark, and what runs on executors knows nothing of the driver.
 */
class LayersTest {
    static final String ROOT = "io.resnetspark";
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void everyImportPointsDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
                .layer("cli").definedBy(ROOT + ".cli..")
                .layer("bench").definedBy(ROOT + ".bench..")
                .layer("pipeline").definedBy(ROOT + ".pipeline..")
                .layer("ml").definedBy(ROOT + ".ml..")
                .layer("stages").definedBy(ROOT + ".data..", ROOT + ".train..", ROOT + ".eval..", ROOT + ".predict..",
                        ROOT + ".export..", ROOT + ".weights..")
                .layer("scoring").definedBy(ROOT + ".scoring..")
                .layer("spark and storage").definedBy(ROOT + ".spark..", ROOT + ".storage..")
                .layer("config").definedBy(ROOT + ".config..")
                .layer("common").definedBy(ROOT + ".common..")
                .layer("model").definedBy(ROOT + ".model..", "org.nd4j.nativeblas..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("bench").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("pipeline").mayOnlyBeAccessedByLayers("cli", "ml")
                .whereLayer("ml").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("stages").mayOnlyBeAccessedByLayers("cli", "bench", "pipeline", "ml")
                .whereLayer("scoring").mayOnlyBeAccessedByLayers("cli", "bench", "pipeline", "ml", "stages")
                .whereLayer("spark and storage").mayOnlyBeAccessedByLayers("cli", "bench", "pipeline", "ml", "stages",
                        "scoring")
                .whereLayer("config").mayOnlyBeAccessedByLayers("cli", "bench", "pipeline", "ml", "stages", "scoring",
                        "spark and storage")
                .check(classes);
    }

    @Test
    void noPackagesImportEachOther() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void stagesUseOnlyTheDataStageBesideThemselves() {
        for (String stage : new String[] {"train", "eval", "predict", "export", "weights"}) {
            for (String other : new String[] {"train", "eval", "predict", "export", "weights"}) {
                if (!stage.equals(other)) {
                    noClasses().that().resideInAPackage(ROOT + "." + stage + "..").should().dependOnClassesThat()
                            .resideInAPackage(ROOT + "." + other + "..").check(classes);
                }
            }
        }
    }

    @Test
    void theModelKnowsNothingOfSpark() {
        noClasses().that().resideInAPackage(ROOT + ".model..").should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.spark..", "scala..", "org.apache.hadoop..")
                .check(classes);
    }

    /** What is shipped to executors stays small and never reaches for the driver's objects. */
    @Test
    void executorCodeImportsNoDriverCode() {
        noClasses().that().resideInAnyPackage("..remote..", "..format..", ROOT + ".scoring..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".cli..", ROOT + ".bench..",
                        ROOT + ".pipeline..", ROOT + ".ml..", ROOT + ".config..", ROOT + ".data", ROOT + ".train",
                        ROOT + ".eval", ROOT + ".predict", ROOT + ".export", ROOT + ".weights")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.spark.sql.SparkSession")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.spark.SparkContext")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.spark.api.java.JavaSparkContext")
                .check(classes);
    }
}
