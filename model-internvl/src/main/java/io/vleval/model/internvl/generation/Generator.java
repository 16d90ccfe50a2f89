package io.vleval.model.internvl.generation;

import io.vleval.api.model.GenerationSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Greedy and beam-search decoding with HuggingFace {@code generate()} semantics.
 *
 * <ul>
 *   <li>Stop tokens end a sequence and are not part of the output; before {@code min_new_tokens}
 *       tokens exist their scores are set to minus infinity.
 *   <li>Greedy ({@code beam_size 1}): the arg-max of the logits (first index on ties).
 *   <li>Beam search ({@code num_beams n}, {@code early_stopping=False}): beam scores are sums of
 *       log-softmax scores; each step takes the {@code 2n} best (beam, token) pairs; a stop token
 *       ranked among the first {@code n} closes a hypothesis scored {@code sum_logprobs /
 *       length^length_penalty} with {@code length} its token count without the stop token; the
 *       other pairs fill the {@code n} beams. Decoding ends when {@code n} finished hypotheses
 *       exist and the worst of them beats {@code best_running_sum / current_length^penalty}, or at
 *       {@code max_new_tokens}, when the running beams are finished as they are.
 * </ul>
 */
public final class Generator {

  private Generator() {}

  /**
   * Generates one continuation.
   *
   * @param state the prompt (closed by the caller)
   * @param settings beam size, token limits, length penalty
   * @param stop token ids that end the output
   * @return the generated token ids, without the stop token
   */
  public static long[] generate(DecodingState state, GenerationSettings settings, Set<Long> stop) {
    if (settings.maxNewTokens() == 0) {
      return new long[0];
    }
    return settings.beamSize() == 1 ? greedy(state, settings, stop) : beam(state, settings, stop);
  }

  private static long[] greedy(DecodingState state, GenerationSettings s, Set<Long> stop) {
    List<Long> out = new ArrayList<>();
    float[] logits = state.start()[0];
    while (true) {
      if (out.size() < s.minNewTokens()) {
        suppress(logits, stop);
      }
      long token = argMax(logits);
      if (stop.contains(token)) {
        break;
      }
      out.add(token);
      if (out.size() >= s.maxNewTokens()) {
        break;
      }
      logits = state.advance(new long[] {token}, new int[] {0})[0];
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private record Candidate(int beam, int token, double score) {}

  private record Hypothesis(long[] tokens, double score) {}

  private static long[] beam(DecodingState state, GenerationSettings s, Set<Long> stop) {
    int n = s.beamSize();
    double penalty = s.lengthPenalty();
    float[][] logits = state.start();
    // the prompt row stands for n identical beams; only the first counts at step 0
    float[][] rows = new float[n][];
    Arrays.fill(rows, logits[0]);
    double[] beamScores = new double[n];
    Arrays.fill(beamScores, 1, n, -1e9);
    long[][] beams = new long[n][0];
    List<Hypothesis> finished = new ArrayList<>();
    for (int step = 0; step < s.maxNewTokens(); step++) {
      List<Candidate> all = new ArrayList<>();
      int vocab = rows[0].length;
      for (int b = 0; b < n; b++) {
        double[] logp = logSoftmax(rows[b]);
        if (step < s.minNewTokens()) {
          for (long t : stop) {
            if (t >= 0 && t < vocab) {
              logp[(int) t] = Double.NEGATIVE_INFINITY;
            }
          }
        }
        // only each beam's 2n best tokens can be among the overall 2n best
        for (int v : topIndices(logp, 2 * n)) {
          all.add(new Candidate(b, v, logp[v] + beamScores[b]));
        }
      }
      // top 2n, ties by (beam, token) order as torch.topk over the flattened scores does in
      // practice
      all.sort(
          Comparator.comparingDouble(Candidate::score)
              .reversed()
              .thenComparingInt(Candidate::beam)
              .thenComparingInt(Candidate::token));
      List<Candidate> next = new ArrayList<>();
      for (int rank = 0; rank < Math.min(2 * n, all.size()) && next.size() < n; rank++) {
        Candidate c = all.get(rank);
        if (stop.contains((long) c.token())) {
          if (rank < n) {
            addHypothesis(
                finished,
                n,
                new Hypothesis(beams[c.beam()], score(c.score(), beams[c.beam()].length, penalty)));
          }
        } else {
          next.add(c);
        }
      }
      int generated = step; // tokens in each running beam before this step's token
      double bestRunning = next.isEmpty() ? Double.NEGATIVE_INFINITY : next.get(0).score();
      if (finished.size() >= n
          && worst(finished) >= score(bestRunning, Math.max(generated, 1), penalty)) {
        return best(finished).tokens();
      }
      long[][] grown = new long[next.size()][];
      long[] tokens = new long[next.size()];
      int[] parents = new int[next.size()];
      for (int i = 0; i < next.size(); i++) {
        Candidate c = next.get(i);
        grown[i] = Arrays.copyOf(beams[c.beam()], beams[c.beam()].length + 1);
        grown[i][grown[i].length - 1] = c.token();
        tokens[i] = c.token();
        parents[i] = c.beam();
        beamScores[i] = c.score();
      }
      beams = grown;
      if (step == s.maxNewTokens() - 1 || next.size() < n) {
        for (int i = 0; i < beams.length; i++) {
          addHypothesis(
              finished,
              n,
              new Hypothesis(beams[i], score(beamScores[i], beams[i].length, penalty)));
        }
        break;
      }
      rows = state.advance(tokens, parents);
    }
    return best(finished).tokens();
  }

  /** Indices of the k largest values (all of them when fewer), in no particular order. */
  static int[] topIndices(double[] v, int k) {
    k = Math.min(k, v.length);
    PriorityQueue<Integer> heap =
        new PriorityQueue<>(
            Comparator.<Integer>comparingDouble(i -> v[i])
                .thenComparing(Comparator.<Integer>reverseOrder()));
    for (int i = 0; i < v.length; i++) {
      if (heap.size() < k) {
        heap.add(i);
      } else if (v[i] > v[heap.peek()]) {
        heap.poll();
        heap.add(i);
      }
    }
    return heap.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double score(double sumLogprobs, int length, double penalty) {
    return sumLogprobs / Math.pow(Math.max(length, 1), penalty);
  }

  /** Keeps the n best hypotheses, as HF's BeamHypotheses does. */
  private static void addHypothesis(List<Hypothesis> finished, int n, Hypothesis h) {
    if (finished.size() < n || h.score() > worst(finished)) {
      finished.add(h);
      if (finished.size() > n) {
        Hypothesis w =
            finished.stream().min(Comparator.comparingDouble(Hypothesis::score)).orElseThrow();
        finished.remove(w);
      }
    }
  }

  private static double worst(List<Hypothesis> finished) {
    return finished.stream().mapToDouble(Hypothesis::score).min().orElse(Double.NEGATIVE_INFINITY);
  }

  private static Hypothesis best(List<Hypothesis> finished) {
    Hypothesis best = null;
    for (Hypothesis h : finished) {
      if (best == null || h.score() > best.score()) {
        best = h;
      }
    }
    return best == null ? new Hypothesis(new long[0], 0) : best;
  }

  private static void suppress(float[] logits, Set<Long> stop) {
    for (long t : stop) {
      if (t >= 0 && t < logits.length) {
        logits[(int) t] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  static long argMax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  static double[] logSoftmax(float[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : v) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (float x : v) {
      sum += Math.exp(x - max);
    }
    double log = max + Math.log(sum);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] - log;
    }
    return out;
  }
}
