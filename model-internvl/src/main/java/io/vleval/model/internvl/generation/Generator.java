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
    return generate(state, 1, settings, stop)[0];
  }

  /**
   * Generates one continuation per prompt of a batch, each decoded as {@link
   * #generate(DecodingState, GenerationSettings, Set)} would decode it alone: every prompt has its
   * own greedy or beam search, and a prompt that stops leaves the batch (its rows are dropped from
   * the state) while the others go on. The state's rows stay grouped by prompt, in prompt order: at
   * each step the rows of every prompt still running, its beams in order.
   *
   * @param state the prompts, whose {@link DecodingState#start()} returns one row per prompt
   *     (closed by the caller)
   * @param prompts the number of prompts in the state
   * @param settings beam size, token limits, length penalty (the same for every prompt)
   * @param stop token ids that end an output
   * @return per prompt, the generated token ids without the stop token
   */
  public static long[][] generate(
      DecodingState state, int prompts, GenerationSettings settings, Set<Long> stop) {
    long[][] out = new long[prompts][];
    if (settings.maxNewTokens() == 0) {
      Arrays.fill(out, new long[0]);
      return out;
    }
    Search[] searches = new Search[prompts];
    int[] rowsOf = new int[prompts];
    List<Integer> running = new ArrayList<>();
    for (int i = 0; i < prompts; i++) {
      searches[i] =
          settings.beamSize() == 1 ? new Greedy(settings, stop) : new Beam(settings, stop);
      rowsOf[i] = 1;
      running.add(i);
    }
    float[][] logits = state.start();
    if (logits.length != prompts) {
      throw new IllegalStateException(
          "the state started " + logits.length + " rows for " + prompts + " prompts");
    }
    while (true) {
      List<Integer> next = new ArrayList<>();
      List<Long> tokens = new ArrayList<>();
      List<Integer> parents = new ArrayList<>();
      int offset = 0;
      for (int p : running) {
        float[][] mine = Arrays.copyOfRange(logits, offset, offset + rowsOf[p]);
        Step step = searches[p].step(mine);
        if (step == null) {
          out[p] = searches[p].result();
        } else {
          for (int i = 0; i < step.tokens().length; i++) {
            tokens.add(step.tokens()[i]);
            parents.add(offset + step.parents()[i]);
          }
          rowsOf[p] = step.tokens().length;
          next.add(p);
        }
        offset += mine.length;
      }
      if (next.isEmpty()) {
        return out;
      }
      running = next;
      logits =
          state.advance(
              tokens.stream().mapToLong(Long::longValue).toArray(),
              parents.stream().mapToInt(Integer::intValue).toArray());
    }
  }

  /** The rows a search continues: a token per row and the row of the previous step it extends. */
  private record Step(long[] tokens, int[] parents) {}

  /** One prompt's decoding, driven a step at a time so that prompts can share a batch. */
  private interface Search {

    /**
     * Takes this prompt's next-token logits and chooses how its rows continue.
     *
     * @param rows one row of logits per running row of this prompt
     * @return the next tokens and their parent rows (local indices), or null when decoding ended
     */
    Step step(float[][] rows);

    /**
     * @return the output, once {@link #step} returned null
     */
    long[] result();
  }

  /** Greedy search: the arg-max of the logits (first index on ties). */
  private static final class Greedy implements Search {
    private final GenerationSettings s;
    private final Set<Long> stop;
    private final List<Long> out = new ArrayList<>();

    Greedy(GenerationSettings s, Set<Long> stop) {
      this.s = s;
      this.stop = stop;
    }

    @Override
    public Step step(float[][] rows) {
      float[] logits = rows[0];
      if (out.size() < s.minNewTokens()) {
        suppress(logits, stop);
      }
      long token = argMax(logits);
      if (stop.contains(token)) {
        return null;
      }
      out.add(token);
      if (out.size() >= s.maxNewTokens()) {
        return null;
      }
      return new Step(new long[] {token}, new int[] {0});
    }

    @Override
    public long[] result() {
      return out.stream().mapToLong(Long::longValue).toArray();
    }
  }

  private record Candidate(int beam, int token, double score) {}

  private record Hypothesis(long[] tokens, double score) {}

  /** Beam search with HuggingFace's {@code BeamSearchScorer} rules (see the class comment). */
  private static final class Beam implements Search {
    private final GenerationSettings s;
    private final Set<Long> stop;
    private final int n;
    private final double penalty;
    private final double[] beamScores;
    private long[][] beams;
    private final List<Hypothesis> finished = new ArrayList<>();
    private int step;
    private long[] result;

    Beam(GenerationSettings s, Set<Long> stop) {
      this.s = s;
      this.stop = stop;
      this.n = s.beamSize();
      this.penalty = s.lengthPenalty();
      this.beamScores = new double[n];
      // the prompt row stands for n identical beams; only the first counts at step 0
      Arrays.fill(beamScores, 1, n, -1e9);
      this.beams = new long[n][0];
    }

    @Override
    public Step step(float[][] logits) {
      float[][] rows = logits;
      if (step == 0) {
        rows = new float[n][];
        Arrays.fill(rows, logits[0]);
      }
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
        result = best(finished).tokens();
        return null;
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
        result = best(finished).tokens();
        return null;
      }
      step++;
      return new Step(tokens, parents);
    }

    @Override
    public long[] result() {
      return result;
    }
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
