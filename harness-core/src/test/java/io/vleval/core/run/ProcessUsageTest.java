package io.vleval.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcessUsageTest {

  @Test
  void readsVmRssInKibibytesFromAStatusFile() {
    assertThat(
            ProcessUsage.parse(
                List.of(
                    "Name:\tjava", "VmPeak:\t 9000000 kB", "VmRSS:\t  524288 kB", "Threads:\t27")))
        .isEqualTo(OptionalLong.of(512L << 20));
    assertThat(ProcessUsage.parse(List.of("Name:\tjava"))).isEmpty();
    assertThat(ProcessUsage.parse(List.of("VmRSS:\tlots kB"))).isEmpty();
  }

  @Test
  void theLiveFiguresAreThereOnLinux() {
    if (Files.isReadable(Path.of("/proc/self/status"))) {
      // a JVM is never smaller than a few MiB resident
      assertThat(ProcessUsage.residentBytes().orElseThrow()).isGreaterThan(4L << 20);
    }
    assertThat(ProcessUsage.cpuNanos()).isNotNegative();
  }
}
