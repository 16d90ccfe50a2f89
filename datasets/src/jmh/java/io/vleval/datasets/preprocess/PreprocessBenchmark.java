package io.vleval.datasets.preprocess;

import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.preprocess.ImageTransform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Images per second for the classification preprocessing path the reference measures
 * (PERFORMANCE.md: PIL 9.4 + torchvision 0.14, one thread): decode a 500x375 JPEG from a file,
 * resize the shorter side to 224 (PIL bicubic), center crop 224, normalize. The files are {@link
 * PreprocessCorpus}'s, written at setup into {@code $VLEVAL_PREPROCESS_CORPUS} (default {@code
 * target/preprocess-corpus}) and left there, so that {@code src/jmh/python/preprocess_reference.py}
 * times PIL + torchvision on the very same JPEGs ({@code src/jmh/python/compare.sh} runs both).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PreprocessBenchmark {
  static final int FILES = PreprocessCorpus.FILES;

  /**
   * The JPEG files, written once per trial, and the pre-decoded images for the preprocess-only
   * case.
   */
  @State(Scope.Benchmark)
  public static class Corpus {
    List<Path> files = new ArrayList<>();
    List<RgbImage> decoded = new ArrayList<>();
    final ImageDecoder decoder = ImageDecoder.create();
    final ImageTransform transform =
        ImageTransform.imagenet(ImageTransform.Mode.SHORTER_SIDE_THEN_CENTER_CROP, 224);

    @Setup(Level.Trial)
    public void write() throws IOException {
      files = PreprocessCorpus.write(PreprocessCorpus.defaultDirectory());
      for (Path file : files) {
        decoded.add(decoder.decode(file));
      }
    }
  }

  /** Each thread walks the files in its own order. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int advance() {
      next = (next + 1) % FILES;
      return next;
    }
  }

  @Benchmark
  @Threads(1)
  public float[] decodeAndPreprocess1Thread(Corpus corpus, Cursor cursor) {
    return corpus.transform.apply(corpus.decoder.decode(corpus.files.get(cursor.advance())));
  }

  @Benchmark
  @Threads(2)
  public float[] decodeAndPreprocess2Threads(Corpus corpus, Cursor cursor) {
    return corpus.transform.apply(corpus.decoder.decode(corpus.files.get(cursor.advance())));
  }

  @Benchmark
  @Threads(1)
  public RgbImage decodeOnly1Thread(Corpus corpus, Cursor cursor) {
    return corpus.decoder.decode(corpus.files.get(cursor.advance()));
  }

  @Benchmark
  @Threads(1)
  public float[] preprocessOnly1Thread(Corpus corpus, Cursor cursor) {
    return corpus.transform.apply(corpus.decoded.get(cursor.advance()));
  }
}
