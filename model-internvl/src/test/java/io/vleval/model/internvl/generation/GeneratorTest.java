package io.vleval.model.internvl.generation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.GenerationSettings;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Decoding rules on a toy language model whose next-token logits depend only on the last token. */
class GeneratorTest {

  /** A bigram model: logits[next] = table[last][next]; the prompt ends with token 0. */
  static DecodingState bigram(float[][] table) {
    return new DecodingState() {
      long[] last = {0};

      @Override
      public float[][] start() {
        return new float[][] {table[0].clone()};
      }

      @Override
      public float[][] advance(long[] tokens, int[] parents) {
        last = tokens.clone();
        float[][] out = new float[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
          out[i] = table[(int) tokens[i]].clone();
        }
        return out;
      }

      @Override
      public void close() {}
    };
  }

  static float[][] table(int vocab, Function<Integer, float[]> row) {
    float[][] t = new float[vocab][];
    for (int i = 0; i < vocab; i++) {
      t[i] = row.apply(i);
    }
    return t;
  }

  @Test
  void greedyStopsAtTheStopTokenAndLeavesItOut() {
    // 0 -> 1 -> 2 -> 3(stop)
    float[][] t =
        table(
            4,
            i -> {
              float[] r = new float[4];
              r[Math.min(i + 1, 3)] = 5;
              return r;
            });
    assertThat(Generator.generate(bigram(t), GenerationSettings.greedy(10), Set.of(3L)))
        .containsExactly(1, 2);
  }

  @Test
  void minNewTokensSuppressesTheStopToken() {
    // stop (3) is always best; the runner-up is token 1
    float[][] t = table(4, i -> new float[] {0, 2, 0, 5});
    assertThat(Generator.generate(bigram(t), new GenerationSettings(1, 3, 10, 1), Set.of(3L)))
        .containsExactly(1, 1, 1);
    assertThat(Generator.generate(bigram(t), new GenerationSettings(1, 2, 2, 1), Set.of(3L)))
        .hasSize(2);
  }

  @Test
  void maxNewTokensBoundsTheOutput() {
    float[][] t = table(3, i -> new float[] {0, 1, 0});
    assertThat(Generator.generate(bigram(t), GenerationSettings.greedy(5), Set.of(2L))).hasSize(5);
  }

  @Test
  void beamSearchFindsTheBetterLongerPath() {
    // greedy takes 1 (p 0.6) then a flat row; beam search finds 2 (p 0.4) then a sure stop
    float[][] t = new float[4][];
    t[0] = logits(0, 0.6, 0.4, 0);
    t[1] = logits(0.25, 0.25, 0.25, 0.25);
    t[2] = logits(0, 0, 0, 1);
    t[3] = logits(0.25, 0.25, 0.25, 0.25);
    assertThat(Generator.generate(bigram(t), GenerationSettings.greedy(3), Set.of(3L)))
        .startsWith(1);
    // with length penalty 0 the score is the plain sum of log-probabilities
    assertThat(Generator.generate(bigram(t), new GenerationSettings(2, 0, 3, 0), Set.of(3L)))
        .containsExactly(2);
    // with penalty 1 the running beam [1, 0, 1] (sum -2.41, mean -0.80) beats [2] (-0.92)
    assertThat(Generator.generate(bigram(t), new GenerationSettings(2, 0, 3, 1), Set.of(3L)))
        .containsExactly(1, 0, 1);
  }

  @Test
  void lengthPenaltyFavoursLongerHypothesesWhenPositive() {
    // [1] then stop: log 0.5 over length 1; [1, 2] then stop: (log 0.5 + log 0.9) over length 2
    float[][] t = new float[4][];
    t[0] = logits(0, 1, 0, 0);
    t[1] = logits(0, 0, 0.5, 0.5);
    t[2] = logits(0.1, 0, 0, 0.9);
    t[3] = logits(1, 0, 0, 0);
    assertThat(Generator.generate(bigram(t), new GenerationSettings(2, 0, 4, 0.0), Set.of(3L)))
        .containsExactly(1);
    // penalty 3 divides by length^3: the unfinished 4-token beam (sum -3.0, score -0.047) beats [1,
    // 2] (-0.10)
    assertThat(Generator.generate(bigram(t), new GenerationSettings(2, 0, 4, 3.0), Set.of(3L)))
        .containsExactly(1, 2, 0, 1);
  }

  static float[] logits(double... p) {
    float[] r = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      r[i] = p[i] == 0 ? -1e9f : (float) Math.log(p[i]);
    }
    return r;
  }

  @Test
  void topIndicesReturnsTheLargest() {
    int[] top = Generator.topIndices(new double[] {0.1, 5, 3, 9, -1}, 2);
    Arrays.sort(top);
    assertThat(top).containsExactly(1, 3);
  }
}
