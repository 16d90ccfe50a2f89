package io.vleval.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module boundaries of DESIGN.md, checked on the compiled classes of every module. */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // test code that another module shares as a test-jar (tasks' fixture discovery)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.vleval");
  }

  // Modules still without classes pass vacuously (allowEmptyShould); the rules bite as soon as they
  // have code.

  @Test
  void tasksAndTheInternVlModelNeverImportEachOther() {
    noClasses()
        .that()
        .resideInAPackage("io.vleval.tasks..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vleval.model..")
        .allowEmptyShould(true)
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("io.vleval.model..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vleval.tasks..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void theApiDependsOnNoOtherModule() {
    noClasses()
        .that()
        .resideInAPackage("io.vleval.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vleval.core..",
            "io.vleval.cli..",
            "io.vleval.tasks..",
            "io.vleval.model..",
            "io.vleval.datasets..",
            "io.vleval.reports..",
            "io.vleval.results..")
        .check(classes);
  }

  @Test
  void theResultsCodecStaysOutOfTheApi() {
    // harness-api holds what a plugin author needs and uses Jackson's annotations only; the
    // results.json / results.csv codec and the gate outcomes live in the results module
    noClasses()
        .that()
        .resideInAPackage("io.vleval.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "com.fasterxml.jackson.core..",
            "com.fasterxml.jackson.databind..",
            "org.apache.commons.csv..")
        .check(classes);
    // results: one floor above the API, shared by the runner and the reporters, which sit above it
    ArchRuleDefinition.classes()
        .that()
        .resideInAPackage("io.vleval.results..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "io.vleval.results..",
            "io.vleval.api..",
            "com.fasterxml.jackson..",
            "org.apache.commons.csv..",
            "java..")
        .check(classes);
    // the task, model and dataset plugins never need it
    noClasses()
        .that()
        .resideInAnyPackage("io.vleval.tasks..", "io.vleval.model..", "io.vleval.datasets..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vleval.results..")
        .check(classes);
  }

  @Test
  void theApiStaysFreeOfDjlWhichOnlyItsDjlModuleHandsOver() {
    noClasses()
        .that()
        .resideInAPackage("io.vleval.api..")
        .and()
        .resideOutsideOfPackage("io.vleval.api.djl..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ai.djl..", "io.vleval.api.djl..")
        .check(classes);
    // harness-api-djl: one floor above harness-api, using nothing of the harness but it
    ArchRuleDefinition.classes()
        .that()
        .resideInAPackage("io.vleval.api.djl..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("io.vleval.api..", "ai.djl..", "java..")
        .check(classes);
  }

  @Test
  void onlyTheModelAndTaskModulesAndAboveUseTheDjlCapabilities() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.vleval.core..",
            "io.vleval.preprocess..",
            "io.vleval.datasets..",
            "io.vleval.reports..",
            "io.vleval.testkit..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vleval.api.djl..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void pluginModulesSeeOnlyTheApi() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.vleval.tasks..", "io.vleval.model..", "io.vleval.datasets..", "io.vleval.reports..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vleval.core..", "io.vleval.cli..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void theServerSeesOnlyTheApiAndTheDatasetsDecoderAndOnlyTheCommandSeesIt() {
    // serve: above harness-api and datasets (image decoding), below harness-cli
    noClasses()
        .that()
        .resideInAPackage("io.vleval.serve..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vleval.core..",
            "io.vleval.cli..",
            "io.vleval.tasks..",
            "io.vleval.model..",
            "io.vleval.reports..",
            "io.vleval.api.djl..",
            "ai.djl..")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackages("io.vleval.serve..", "io.vleval.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vleval.serve..")
        .check(classes);
  }

  @Test
  void theServedModelPluginSeesNeitherTheEngineNorAnotherModel() {
    // openai-compatible talks HTTP and JSON only: no DJL, no InternVL, and InternVL none of it
    noClasses()
        .that()
        .resideInAPackage("io.vleval.model.openai..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vleval.model.internvl..", "io.vleval.datasets..", "io.vleval.api.djl..", "ai.djl..")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.vleval.model.openai..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vleval.model.openai..")
        .check(classes);
  }

  @Test
  void trainingSitsAboveTheModelTasksAndDatasetsAndOnlyTheCommandSeesIt() {
    // training: above model-internvl, datasets, tasks and harness-core, below harness-cli
    noClasses()
        .that()
        .resideOutsideOfPackages("io.vleval.training..", "io.vleval.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vleval.training..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("io.vleval.training..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vleval.cli..", "io.vleval.serve..", "io.vleval.engine..")
        .check(classes);
  }

  @Test
  void theModelModuleHoldsNoTrainingLoopObjectiveOrDataPipeline() {
    // model-internvl keeps the model (blocks usable with autograd) and checkpoint I/O
    noClasses()
        .that()
        .resideInAPackage("io.vleval.model.internvl..")
        .should()
        .haveSimpleNameEndingWith("Objective")
        .orShould()
        .haveSimpleNameEndingWith("Loop")
        .orShould()
        .haveSimpleNameContaining("AdamW")
        .orShould()
        .haveSimpleNameEndingWith("Schedule")
        .orShould()
        .resideInAPackage("..train..")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vleval.datasets..", "io.vleval.tasks..", "io.vleval.core..")
        .check(classes);
  }

  @Test
  void noPluginModuleReachesAnothersInternals() {
    List<String> plugins =
        List.of(
            "io.vleval.tasks..",
            "io.vleval.datasets..",
            "io.vleval.model.internvl..",
            "io.vleval.model.openai..",
            "io.vleval.reports..");
    for (String plugin : plugins) {
      noClasses()
          .that()
          .resideInAPackage(plugin)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              plugins.stream().filter(p -> !p.equals(plugin)).toArray(String[]::new))
          .check(classes);
    }
  }

  @Test
  void theBaselinesAreAPluginThatNothingImports() {
    // model-baselines: the API, the colour layout of preprocess and the dataset loaders of datasets
    // (nearest-caption reads its training captions through them); no engine, no other model
    noClasses()
        .that()
        .resideInAPackage("io.vleval.model.baseline..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vleval.core..",
            "io.vleval.cli..",
            "io.vleval.tasks..",
            "io.vleval.reports..",
            "io.vleval.serve..",
            "io.vleval.engine..",
            "io.vleval.model.internvl..",
            "io.vleval.model.openai..",
            "io.vleval.api.djl..",
            "ai.djl..")
        .check(classes);
    // found by ServiceLoader, so that configs name them by type like any third-party model
    noClasses()
        .that()
        .resideOutsideOfPackage("io.vleval.model.baseline..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vleval.model.baseline..")
        .check(classes);
  }

  @Test
  void onlyTheCommandLinePrintsOrExits() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.vleval.cli..")
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .orShould()
        .callMethod(System.class, "exit", int.class)
        .orShould()
        .callMethod(Throwable.class, "printStackTrace")
        .check(classes);
  }

  @Test
  void theRulesSeeTheHarnessClasses() {
    Assertions.assertThat(classes.contain("io.vleval.core.run.Runner")).isTrue();
    Assertions.assertThat(classes.contain("io.vleval.cli.Main")).isTrue();
    Assertions.assertThat(classes.contain("io.vleval.api.djl.TrainableBackbone")).isTrue();
    Assertions.assertThat(classes.contain("io.vleval.serve.ChatServer")).isTrue();
    Assertions.assertThat(classes.contain("io.vleval.training.Training")).isTrue();
    Assertions.assertThat(classes.contain("io.vleval.model.openai.OpenAiCompatibleProvider"))
        .isTrue();
    Assertions.assertThat(classes.contain("io.vleval.model.baseline.RandomModelProvider")).isTrue();
    Assertions.assertThat(classes.contain("io.vleval.results.ResultCodec")).isTrue();
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.vleval.(*)..").should().beFreeOfCycles().check(classes);
  }
}
