package io.vleval.model.internvl.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * The keys and values every self-attention layer has seen, {@code [rows, kvHeads, length, headDim]}
 * each, after rotary embedding, as the reference caches them. It owns its arrays in its own manager
 * (a sub-manager of the generation's), so a step's temporaries can be released while the cache
 * lives on.
 */
public final class KvCache implements AutoCloseable {

  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;

  /**
   * Creates an empty cache.
   *
   * @param layers the decoder depth
   * @param parent the manager the cache's own manager hangs from
   */
  public KvCache(int layers, NDManager parent) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /**
   * @return the number of cached positions (0 when empty)
   */
  public long length() {
    return keys[0] == null ? 0 : keys[0].getShape().get(2);
  }

  /**
   * Appends one layer's new keys and values and returns the full ones.
   *
   * @param layer the layer
   * @param k new keys {@code [rows, kvHeads, t, hd]}
   * @param v new values
   * @return the cached keys and values including the new ones, owned by the cache
   */
  NDList append(int layer, NDArray k, NDArray v) {
    keys[layer] = grow(keys[layer], k);
    values[layer] = grow(values[layer], v);
    return new NDList(keys[layer], values[layer]);
  }

  private NDArray grow(NDArray old, NDArray add) {
    NDArray out;
    if (old == null) {
      out = add.duplicate();
    } else {
      out = NDArrays.concat(new NDList(old, add), 2);
      old.close();
    }
    out.attach(manager);
    return out;
  }

  /**
   * Keeps, for each new row, the cache of the row it continues (beam search); rows may repeat.
   *
   * @param parents for each new row, the index of its parent row
   */
  public void reorder(int[] parents) {
    if (keys[0] == null) {
      return;
    }
    long[] idx = new long[parents.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = parents[i];
    }
    try (NDManager scratch = manager.newSubManager()) {
      NDArray index = scratch.create(idx).toDevice(keys[0].getDevice(), false);
      for (int l = 0; l < keys.length; l++) {
        keys[l] = select(keys[l], index);
        values[l] = select(values[l], index);
      }
    }
  }

  private NDArray select(NDArray old, NDArray index) {
    NDArray out = old.get(new NDIndex("{}", index));
    out.attach(manager);
    old.close();
    return out;
  }

  /** Releases every cached array. */
  @Override
  public void close() {
    manager.close();
  }
}
