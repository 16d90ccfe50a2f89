package io.vleval.core.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the whole process uses: its resident set size as the kernel counts it ({@code VmRSS} in
 * {@code /proc/self/status}: the Java heap and everything native, PyTorch's tensors, tokenizers,
 * thread stacks, so that a model that leaks native memory shows where the heap would not) and its
 * CPU time. The runner logs both after each model.
 */
public final class ProcessUsage {

  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessUsage() {}

  /**
   * The resident set size now.
   *
   * @return bytes, or empty where the system has no {@code /proc/self/status} (not Linux)
   */
  public static OptionalLong residentBytes() {
    if (!Files.isReadable(STATUS)) {
      return OptionalLong.empty();
    }
    try {
      return parse(Files.readAllLines(STATUS, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // the file is there but cannot be read: no figure, which is what the caller logs
      return OptionalLong.empty();
    }
  }

  /**
   * The CPU time the whole process has used so far, every thread together (PyTorch's included):
   * with wall time it tells work from waiting for cores that other processes hold.
   *
   * @return nanoseconds, or 0 where the platform does not say
   */
  public static long cpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /**
   * Reads {@code VmRSS} from the lines of a {@code /proc/PID/status} file.
   *
   * @param lines the file's lines
   * @return bytes, or empty when no line is {@code VmRSS: N kB}
   */
  static OptionalLong parse(List<String> lines) {
    for (String line : lines) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        if (parts.length == 2 && parts[1].equals("kB") && parts[0].matches("\\d+")) {
          return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
        }
      }
    }
    return OptionalLong.empty();
  }
}
