package io.vleval.model.internvl.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed files are refused with one line that names the file, the key and the problem, before
 * any allocation.
 */
class MalformedSafetensorsTest {

  @TempDir Path tmp;

  private Path file(long headerLength, String header, int dataBytes) throws Exception {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(headerLength).put(h);
    Path p = tmp.resolve("bad.safetensors");
    Files.write(p, b.array());
    return p;
  }

  private Path file(String header, int dataBytes) throws Exception {
    return file(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
  }

  private static void refused(Path p, String... fragments) {
    assertThatThrownBy(() -> SafetensorsFile.open(p).close())
        .isInstanceOf(SafetensorsException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain("\n").startsWith(p.toString());
              for (String f : fragments) {
                assertThat(e.getMessage()).contains(f);
              }
            });
  }

  @Test
  void truncatedBeforeTheHeaderLength() throws Exception {
    Path p = tmp.resolve("short.safetensors");
    Files.write(p, new byte[] {1, 2, 3});
    refused(p, "truncated", "3 bytes");
  }

  @Test
  void truncatedData() throws Exception {
    refused(
        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
        "tensor 'w'",
        "outside the data area of 8 bytes");
  }

  @Test
  void headerLengthPastTheEnd() throws Exception {
    refused(file(4096, "{}", 0), "header length 4096 runs past the end of the file");
  }

  @Test
  void headerClaimingSeveralGigabytesIsRefusedWithoutAllocatingIt() throws Exception {
    Path p = file(6L << 30, "{}", 0);
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    refused(p, "header length 6442450944 exceeds the limit");
    assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(16L << 20);
    refused(file(-1L, "{}", 0), "exceeds the limit");
  }

  @Test
  void tensorClaimingHugeShapeIsRefusedWithoutAllocatingIt() throws Exception {
    Path p =
        file(
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,40000000000]}}",
            16);
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    refused(p, "tensor 'w'", "outside the data area");
    assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(16L << 20);
    refused(
        file(
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}",
            16),
        "tensor 'w'",
        "overflows");
  }

  @Test
  void overlappingOffsets() throws Exception {
    refused(
        file(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            16),
        "tensor 'b'",
        "overlap tensor 'a'");
  }

  @Test
  void offsetsThatDisagreeWithDtypeTimesShape() throws Exception {
    refused(
        file("{\"a\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
        "tensor 'a'",
        "span 8 bytes but BF16 x [3] needs 6");
    refused(
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8),
        "tensor 'a'",
        "end before they begin");
  }

  @Test
  void unknownDtypeAndBadEntries() throws Exception {
    refused(
        file("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 8),
        "tensor 'a'",
        "unknown dtype 'F8_E4M3'");
    refused(
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 8),
        "tensor 'a'",
        "non-negative");
    refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 8), "tensor 'a'", "data_offsets");
    refused(file("{\"__metadata__\":{\"x\":1}}", 0), "__metadata__ entry 'x'");
    refused(file("[1,2]", 0), "not a JSON object");
    byte[] junk = new byte[16];
    Arrays.fill(junk, (byte) '{');
    refused(file(new String(junk, StandardCharsets.UTF_8), 0), "not valid JSON");
  }

  @Test
  void missingTensorIsNamed() throws Exception {
    Path p = tmp.resolve("ok.safetensors");
    new SafetensorsWriter().addF32("w", new long[] {1}, new float[] {1}).write(p);
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertThatThrownBy(() -> f.floats("nope"))
          .hasMessageContaining("tensor 'nope'")
          .hasMessageContaining("no such tensor");
      assertThatThrownBy(() -> f.longs("w")).hasMessageContaining("not an integer type");
    }
  }
}
