package io.vleval.training.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * What every shard of a micro-batch shared ({@link Objective.Pass#shared}), as one shard sees it:
 * each shared array with the rows of all shards in batch order, on this shard's device. This
 * shard's own rows are its live arrays (gradients flow through them); the other shards' rows are
 * detached copies, as OpenCLIP's feature gathering without gradients: each replica back-propagates
 * the whole loss through its own rows only, so the replicas' gradients add up to the whole batch's
 * gradient.
 */
public final class Gathered {

  private final List<Objective.Pass> passes;
  private final int index;
  private final NDManager batch;

  /**
   * @param passes every shard's pass, in shard order
   * @param index this shard
   * @param batch this shard's micro-batch manager (owns the copies)
   */
  public Gathered(List<Objective.Pass> passes, int index, NDManager batch) {
    this.passes = passes;
    this.index = index;
    this.batch = batch;
  }

  /**
   * The one shard's view of its own pass (training on one device): its shared arrays as they are.
   *
   * @param pass the pass
   * @param batch its manager
   * @return the view
   */
  public static Gathered single(Objective.Pass pass, NDManager batch) {
    return new Gathered(List.of(pass), 0, batch);
  }

  /**
   * The {@code i}-th shared array of every shard, concatenated along the first axis.
   *
   * @param i the position in {@link Objective.Pass#shared()}
   * @return all rows, this shard's live, the others' detached, on this shard's device
   */
  public NDArray get(int i) {
    NDArray own = passes.get(index).shared().get(i);
    if (passes.size() == 1) {
      return own;
    }
    Device device = own.getDevice();
    NDList rows = new NDList();
    for (int k = 0; k < passes.size(); k++) {
      if (k == index) {
        rows.add(own);
        continue;
      }
      // stopGradient before the copy: on one device toDevice returns the array itself, still live
      NDArray other = passes.get(k).shared().get(i).stopGradient();
      other.attach(batch);
      NDArray here = other.toDevice(device, false);
      here.attach(batch);
      rows.add(here);
    }
    NDArray all = NDArrays.concat(rows, 0);
    all.attach(batch);
    return all;
  }
}
