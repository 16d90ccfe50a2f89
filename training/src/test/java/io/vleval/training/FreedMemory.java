package io.vleval.training;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a use of freed native memory visible: collects garbage (so buffers nothing references any
 * more are freed) and fills fresh allocations with NaN, which are likely to reuse that memory.
 * Tests call it between a forward pass and its backward.
 */
public final class FreedMemory {

  private FreedMemory() {}

  /**
   * @return the NaN-filled buffers; keep them reachable until the backward pass has run
   * @throws InterruptedException if interrupted while waiting for the collector
   */
  public static List<ByteBuffer> collectAndPoison() throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(40);
    }
    List<ByteBuffer> poison = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
      b.putFloat(0, Float.NaN);
      poison.add(b);
    }
    return poison;
  }
}
