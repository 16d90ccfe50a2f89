package io.vleval.tasks.metrics.bench;

import io.vleval.tasks.captioning.Bleu;
import io.vleval.tasks.captioning.BleuScores;
import io.vleval.tasks.captioning.CaptionSample;
import io.vleval.tasks.captioning.CiderD;
import io.vleval.tasks.captioning.PtbTokenizer;
import io.vleval.tasks.captioning.RougeL;
import io.vleval.tasks.retrieval.RetrievalScores;
import io.vleval.tasks.retrieval.ZeroShotRetrieval;
import io.vleval.tasks.segmentation.ClassAreas;
import io.vleval.tasks.segmentation.SegmentationMetrics;
import io.vleval.tasks.segmentation.SegmentationScores;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The workloads of {@code shared/reference/PERFORMANCE.md}, with inputs already in memory as there:
 * CIDEr-D, BLEU-1..4, ROUGE-L and PTB tokenization on 5,000 images x 5 references; Recall@1/5/10 on
 * a 25,000 x 5,000 score matrix; mIoU over 500 label maps of 512 x 512 with 150 classes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx8g"})
public class MetricsBenchmark {

  private static final String[] WORDS = words(2000);

  private static String[] words(int n) {
    SplittableRandom r = new SplittableRandom(1);
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      StringBuilder w = new StringBuilder();
      int len = 2 + r.nextInt(7);
      for (int c = 0; c < len; c++) {
        w.append((char) ('a' + r.nextInt(26)));
      }
      out[i] = w.toString();
    }
    return out;
  }

  /** Zipf-like word choice so that n-grams repeat as in real captions. */
  private static String sentence(SplittableRandom r, boolean punctuation) {
    int len = 8 + r.nextInt(7);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < len; i++) {
      if (i > 0) {
        s.append(' ');
      }
      double u = r.nextDouble();
      s.append(WORDS[(int) (WORDS.length * u * u * u)]);
    }
    if (punctuation) {
      s.setCharAt(0, Character.toUpperCase(s.charAt(0)));
      s.append('.');
    }
    return s.toString();
  }

  /** 5,000 images x 5 references plus one prediction each. */
  @State(Scope.Benchmark)
  public static class Captions {
    List<CaptionSample> tokenized;
    List<CaptionSample> raw;

    @Setup
    public void setUp() {
      SplittableRandom r = new SplittableRandom(2);
      tokenized = new ArrayList<>();
      raw = new ArrayList<>();
      for (int i = 0; i < 5000; i++) {
        List<String> refs = new ArrayList<>();
        List<String> rawRefs = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
          String s = sentence(r, false);
          refs.add(s);
          rawRefs.add(Character.toUpperCase(s.charAt(0)) + s.substring(1) + ".");
        }
        String p = sentence(r, false);
        tokenized.add(new CaptionSample(Integer.toString(i), refs, p));
        raw.add(
            new CaptionSample(
                Integer.toString(i),
                rawRefs,
                Character.toUpperCase(p.charAt(0)) + p.substring(1) + "."));
      }
    }
  }

  /** 25,000 texts x 5,000 images, 5 captions per image. */
  @State(Scope.Benchmark)
  public static class Retrieval {
    float[][] scores;
    int[] textImageIndex;

    @Setup
    public void setUp() {
      SplittableRandom r = new SplittableRandom(3);
      int images = 5000;
      int texts = 25000;
      scores = new float[texts][images];
      textImageIndex = new int[texts];
      for (int t = 0; t < texts; t++) {
        textImageIndex[t] = t / 5;
        for (int i = 0; i < images; i++) {
          scores[t][i] = (float) r.nextDouble();
        }
        scores[t][t / 5] += 0.9f * (float) r.nextDouble();
      }
    }
  }

  /**
   * 500 label/prediction pairs of 512 x 512, ADE20K conventions (labels 0..150, reduce_zero_label).
   */
  @State(Scope.Benchmark)
  public static class Segmentation {
    List<int[]> predictions;
    List<int[]> labels;

    @Setup
    public void setUp() {
      SplittableRandom r = new SplittableRandom(4);
      predictions = new ArrayList<>();
      labels = new ArrayList<>();
      int n = 512 * 512;
      for (int i = 0; i < 500; i++) {
        int[] label = new int[n];
        int[] pred = new int[n];
        for (int p = 0; p < n; p++) {
          // blocky regions of 16 x 16 pixels
          int block = ((p / 512) / 16) * 32 + (p % 512) / 16;
          int l = (block * 7 + i * 13) % 151;
          label[p] = l;
          pred[p] = r.nextInt(10) < 7 ? Math.max(0, l - 1) : r.nextInt(150);
        }
        labels.add(label);
        predictions.add(pred);
      }
    }
  }

  @Benchmark
  public double[] ciderD(Captions c) {
    return CiderD.perImage(c.tokenized);
  }

  @Benchmark
  public BleuScores bleu(Captions c) {
    return Bleu.score(c.tokenized);
  }

  @Benchmark
  public double[] rougeL(Captions c) {
    return RougeL.perImage(c.tokenized);
  }

  @Benchmark
  public List<CaptionSample> ptbTokenize30k(Captions c) {
    return PtbTokenizer.tokenizeAll(c.raw);
  }

  @Benchmark
  public RetrievalScores recallAt1510(Retrieval r) {
    return ZeroShotRetrieval.evaluate(r.scores, r.textImageIndex, new int[] {1, 5, 10});
  }

  @Benchmark
  public SegmentationScores mIoU(Segmentation s) {
    ClassAreas[] areas = SegmentationMetrics.perImageAreas(s.predictions, s.labels, 150, 255, true);
    return SegmentationMetrics.evaluate(areas, 150);
  }
}
