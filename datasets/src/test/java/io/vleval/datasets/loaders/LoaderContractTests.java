package io.vleval.datasets.loaders;

import io.vleval.api.plugin.DatasetProvider;
import io.vleval.datasets.ade20k.Ade20kProvider;
import io.vleval.datasets.captions.CocoCaptionsProvider;
import io.vleval.datasets.captions.KarpathyProvider;
import io.vleval.datasets.imagefolder.ImageFolderProvider;
import io.vleval.datasets.kinetics.KineticsProvider;
import io.vleval.datasets.mmbench.MmbenchTsvProvider;
import io.vleval.datasets.msrvtt.MsrvttProvider;
import io.vleval.datasets.synth.SuiteFixture;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.datasets.synth.SyntheticSuite;
import io.vleval.datasets.xtd.XtdProvider;
import io.vleval.testkit.contract.DatasetProviderContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** Every loader passes the dataset contract on a tree written by the synthetic generator. */
class LoaderContractTests {

  static String suite(String relative) {
    return SuiteFixture.tiny().resolve(relative).toString();
  }

  @Nested
  class ImageFolder extends DatasetProviderContractTest<ImageFolderProvider.Spec> {
    @Override
    protected DatasetProvider<ImageFolderProvider.Spec> provider() {
      return new ImageFolderProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "root: "
          + suite("classification/val")
          + "\nclass_names: "
          + suite("classification/classnames.json")
          + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("root: " + suite("classification/val") + "\nexif: false\n", "exif");
    }
  }

  @Nested
  class Ade20k extends DatasetProviderContractTest<Ade20kProvider.Spec> {
    @Override
    protected DatasetProvider<Ade20kProvider.Spec> provider() {
      return new Ade20kProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "root: "
          + suite("ADEChallengeData2016")
          + "\nsplit: validation\nnum_classes: 3\nclass_names: "
          + suite("ADEChallengeData2016/classes.txt")
          + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("root: " + suite("ADEChallengeData2016") + "\nsplit: val\n", "split");
    }
  }

  @Nested
  class Karpathy extends DatasetProviderContractTest<KarpathyProvider.Spec> {
    @Override
    protected DatasetProvider<KarpathyProvider.Spec> provider() {
      return new KarpathyProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "annotations: " + suite("captions/dataset_coco.json") + "\nsplits: [test, val]\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec(
          "annotations: " + suite("captions/dataset_coco.json") + "\nsplits: test\n", "splits");
    }
  }

  @Nested
  class CocoCaptions extends DatasetProviderContractTest<CocoCaptionsProvider.Spec> {
    @Override
    protected DatasetProvider<CocoCaptionsProvider.Spec> provider() {
      return new CocoCaptionsProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "annotations: " + suite("captions/captions_test.json") + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec(
          "annotation: " + suite("captions/captions_test.json") + "\n", "annotation");
    }
  }

  @Nested
  class Kinetics extends DatasetProviderContractTest<KineticsProvider.Spec> {
    @Override
    protected DatasetProvider<KineticsProvider.Spec> provider() {
      return new KineticsProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "annotations: "
          + suite("kinetics/val.csv")
          + "\nvideos: "
          + suite("kinetics/videos/val")
          + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec(
          "annotations: "
              + suite("kinetics/val.csv")
              + "\nvideos: "
              + suite("kinetics/nope")
              + "\n",
          "videos");
    }
  }

  @Nested
  class Msrvtt extends DatasetProviderContractTest<MsrvttProvider.Spec> {
    @Override
    protected DatasetProvider<MsrvttProvider.Spec> provider() {
      return new MsrvttProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "annotations: "
          + suite("msrvtt/msrvtt_test1k.json")
          + "\nvideos: "
          + suite("msrvtt/videos/all")
          + "\nframe_sampling: clamped\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec(
          "annotations: "
              + suite("msrvtt/msrvtt_test1k.json")
              + "\nvideos: "
              + suite("msrvtt/videos/all")
              + "\nframe_sampling: nearest\n",
          "frame_sampling");
    }
  }

  @Nested
  class Mmbench extends DatasetProviderContractTest<MmbenchTsvProvider.Spec> {
    @Override
    protected DatasetProvider<MmbenchTsvProvider.Spec> provider() {
      return new MmbenchTsvProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "tsv: " + suite("mmbench/mmbench_dev_en.tsv") + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("tsv: [a, b]\n", "tsv");
    }
  }

  @Nested
  class Xtd extends DatasetProviderContractTest<XtdProvider.Spec> {
    @Override
    protected DatasetProvider<XtdProvider.Spec> provider() {
      return new XtdProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "root: " + suite("xtd") + "\nlanguage: zh\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("root: " + suite("xtd") + "\nlanguage: Chinese\n", "language");
    }
  }

  @Nested
  class Synthetic extends DatasetProviderContractTest<SyntheticDatasetProvider.Spec> {
    @Override
    protected DatasetProvider<SyntheticDatasetProvider.Spec> provider() {
      return new SyntheticDatasetProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      // the cache already holds the tiny suite of seed 7, so nothing is generated here
      Path cache = SuiteFixture.tiny().getParent().resolve("cache");
      try {
        Files.createDirectories(cache);
        Path link = cache.resolve("synthetic-v" + SyntheticSuite.VERSION + "-tiny-seed7");
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, SuiteFixture.tiny());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return "part: segmentation-val\nscale: tiny\nseed: 7\ncache: " + cache + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("part: segmentation\n", "part");
    }
  }
}
