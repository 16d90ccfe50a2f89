package io.vleval.model.internvl.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading tensors leaves nothing behind for the garbage collector: no mapping of the checkpoint and
 * no direct buffer, both of which hold native memory after the model that read them has closed,
 * until a collection happens to run (a checkpoint's worth of resident memory per model loaded).
 */
class SafetensorsMemoryTest {

  private static final int TENSORS = 8;
  private static final int ELEMENTS = 1 << 19;

  @TempDir Path tmp;

  @Test
  void readingEveryDtypeLeavesNoMappingAndNoDirectMemory() throws Exception {
    Path file = tmp.resolve("weights.safetensors");
    SafetensorsWriter w = new SafetensorsWriter();
    Random rng = new Random(7);
    float[][] values = new float[TENSORS][ELEMENTS];
    SafetensorsDtype[] dtypes = {SafetensorsDtype.F32, SafetensorsDtype.F16, SafetensorsDtype.BF16};
    for (int t = 0; t < TENSORS; t++) {
      for (int i = 0; i < ELEMENTS; i++) {
        values[t][i] = (float) rng.nextGaussian();
      }
      w.addFloats("w" + t, dtypes[t % 3], new long[] {ELEMENTS / 64, 64}, values[t]);
    }
    w.write(file);
    w = null;
    // start from a collected heap: what the loads leave behind must show before any collection
    System.gc();
    long directBefore = directBytes();
    try (SafetensorsFile f = SafetensorsFile.open(file);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray[] loaded = new NDArray[TENSORS];
      for (int t = 0; t < TENSORS; t++) {
        loaded[t] = f.toNDArray("w" + t, m);
      }
      long mapped = mappingsOf(file);
      long direct = directBytes() - directBefore;
      assertThat(mapped).as("mappings of the file after loading").isZero();
      // 8 tensors of 2 MiB as float32, 5 of them decoded from 16 bits: a leak would hold 10 MiB
      assertThat(direct).as("direct buffer memory held after loading").isLessThan(1L << 20);
      for (int t = 0; t < TENSORS; t++) {
        assertThat(loaded[t].getDataType()).isEqualTo(DataType.FLOAT32);
        // the values are the file's, decoded as the Java reader decodes them
        assertThat(loaded[t].toFloatArray()).isEqualTo(f.floats("w" + t));
      }
    }
  }

  private static long directBytes() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct"))
        .mapToLong(BufferPoolMXBean::getMemoryUsed)
        .sum();
  }

  private static long mappingsOf(Path file) throws Exception {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return 0;
    }
    String name = file.toRealPath().toString();
    return Files.readAllLines(maps).stream().filter(l -> l.endsWith(name)).count();
  }
}
