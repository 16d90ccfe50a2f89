package io.vleval.model.internvl.nd;

import ai.djl.pytorch.jni.JniUtils;
import io.vleval.api.error.VlevalException;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * How many threads PyTorch's CPU kernels use. By default one intra-op thread per available
 * processor and one inter-op thread, so that one run never asks for more threads than there are
 * cores: PyTorch's OpenMP workers spin while they wait, and several thread pools competing for the
 * same cores make a run many times slower instead of a little.
 *
 * <p>A user's explicit choice wins: the system property {@value #INTRA_OP_PROPERTY} (for example
 * {@code VLEVAL_JAVA_OPTS=-Dai.djl.pytorch.num_threads=1}), else the environment variable {@code
 * OMP_NUM_THREADS}; {@value #INTER_OP_PROPERTY} likewise for inter-op threads. DJL's PyTorch engine
 * reads both properties once, when it starts, so {@link #configure} must run before anything
 * touches the engine; the CLI calls it first thing.
 *
 * <p>Code that calls the engine from several threads at once (one thread per CPU replica) divides
 * the intra-op threads between them with {@link #share}, so that the total stays within the cores.
 */
public final class TorchThreads {

  /** DJL's system property for PyTorch's intra-op threads. */
  public static final String INTRA_OP_PROPERTY = "ai.djl.pytorch.num_threads";

  /** DJL's system property for PyTorch's inter-op threads. */
  public static final String INTER_OP_PROPERTY = "ai.djl.pytorch.num_interop_threads";

  /** The OpenMP environment variable that PyTorch's intra-op pool also honours. */
  public static final String OMP_ENV = "OMP_NUM_THREADS";

  /**
   * The thread counts a run uses and where the intra-op count came from.
   *
   * @param intraOp PyTorch's intra-op threads (at least 1)
   * @param interOp PyTorch's inter-op threads (at least 1)
   * @param source where {@code intraOp} came from, as a user would write it: {@code
   *     -Dai.djl.pytorch.num_threads}, {@code OMP_NUM_THREADS} or {@code available processors}
   */
  public record Setting(int intraOp, int interOp, String source) {

    /** One line for the log. */
    public String describe() {
      return String.format(
          Locale.ROOT, "PyTorch threads: %d intra-op (%s), %d inter-op", intraOp, source, interOp);
    }
  }

  private TorchThreads() {}

  /**
   * The setting for a process: explicit choices first, else the available processors.
   *
   * @param properties system properties by name ({@code System::getProperty})
   * @param environment environment variables by name ({@code System::getenv})
   * @param processors the processors available to the process
   * @return the setting
   * @throws VlevalException when an explicit choice is not a positive whole number
   */
  public static Setting resolve(
      UnaryOperator<String> properties, UnaryOperator<String> environment, int processors) {
    String intraProperty = properties.apply(INTRA_OP_PROPERTY);
    String omp = environment.apply(OMP_ENV);
    String interProperty = properties.apply(INTER_OP_PROPERTY);
    int intra;
    String source;
    if (intraProperty != null) {
      intra = positive(intraProperty, "the system property -D" + INTRA_OP_PROPERTY);
      source = "-D" + INTRA_OP_PROPERTY;
    } else if (omp != null && !omp.isBlank()) {
      // OpenMP allows a list for nested levels ("4,2"); the first is the outer pool's size
      intra = positive(omp.split(",", -1)[0].strip(), "the environment variable " + OMP_ENV);
      source = OMP_ENV;
    } else {
      intra = Math.max(1, processors);
      source = "available processors";
    }
    int inter =
        interProperty != null
            ? positive(interProperty, "the system property -D" + INTER_OP_PROPERTY)
            : 1;
    return new Setting(intra, inter, source);
  }

  /**
   * Resolves the setting for this process and sets DJL's two properties to it, so that the engine
   * applies it when it starts. Call it before anything touches the engine.
   *
   * @return the setting
   * @throws VlevalException when an explicit choice is not a positive whole number
   */
  public static Setting configure() {
    Setting s =
        resolve(System::getProperty, System::getenv, Runtime.getRuntime().availableProcessors());
    System.setProperty(INTRA_OP_PROPERTY, Integer.toString(s.intraOp()));
    System.setProperty(INTER_OP_PROPERTY, Integer.toString(s.interOp()));
    return s;
  }

  /**
   * Each caller's share of the intra-op threads when {@code callers} threads run the engine at once
   * (one per CPU replica): the total never exceeds {@code intraOp}, and each caller has at least
   * one.
   *
   * @param intraOp the process's intra-op threads
   * @param callers how many threads call the engine at once
   * @return intra-op threads per caller
   */
  public static int share(int intraOp, int callers) {
    if (intraOp < 1 || callers < 1) {
      throw new IllegalArgumentException(
          "intraOp and callers must be positive, got " + intraOp + " and " + callers);
    }
    return Math.max(1, intraOp / callers);
  }

  /**
   * Limits PyTorch's intra-op threads to one caller's {@link #share} while {@code callers} threads
   * run the engine at once, and restores the previous count on close. PyTorch applies the count to
   * the thread that sets it and to threads that first run a parallel kernel after it, so open this
   * before starting the callers' threads.
   *
   * @param callers how many threads will call the engine at once
   * @return restores the previous count when closed
   */
  public static Scope limitFor(int callers) {
    int previous = JniUtils.getNumThreads();
    JniUtils.setNumThreads(share(previous, callers));
    return () -> JniUtils.setNumThreads(previous);
  }

  /** Restores the intra-op thread count that {@link #limitFor} replaced. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  private static int positive(String value, String what) {
    String v = value.strip();
    if (v.matches("\\d{1,6}") && Integer.parseInt(v) >= 1) {
      return Integer.parseInt(v);
    }
    throw new VlevalException(
        what + " is '" + value + "': expected a positive whole number of threads, such as 1 or 2");
  }
}
