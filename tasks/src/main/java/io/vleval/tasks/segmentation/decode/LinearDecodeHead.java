package io.vleval.tasks.segmentation.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The linear-probing head of the reference: InternVL's {@code FCNHead} with {@code num_convs=0,
 * concat_input=False, dropout_ratio=0.0, with_norm=True}, i.e. {@code BatchNorm2d(C)} on the
 * block's patch grid, then a 1x1 convolution to the classes ({@code conv_seg}, weight ~ N(0, 0.01),
 * bias 0); logits at the patch grid's resolution.
 */
public final class LinearDecodeHead implements DecodeHead {
  private final Params params;
  private final int block;

  /**
   * @param channels the block's channels
   * @param classes the number of classes
   * @param block the backbone block read
   */
  public LinearDecodeHead(NDManager manager, int channels, int classes, int block, long seed) {
    this.block = block;
    this.params = new Params(manager, seed);
    params.constant("decode_head.norm.weight", 1f, channels);
    params.constant("decode_head.norm.bias", 0f, channels);
    params.buffer("decode_head.norm.running_mean", 0f, channels);
    params.buffer("decode_head.norm.running_var", 1f, channels);
    params.normal("decode_head.conv_seg.weight", 0.01, classes, channels, 1, 1);
    params.constant("decode_head.conv_seg.bias", 0f, classes);
  }

  @Override
  public List<Integer> blocks() {
    return List.of(block);
  }

  @Override
  public Params params() {
    return params;
  }

  @Override
  public Outputs forward(List<NDArray> blocks, boolean training, SplittableRandom dropout) {
    NDArray x = Ops.batchNorm(blocks.get(0), params, "decode_head.norm", training);
    NDArray logits =
        Ops.conv(
            x,
            params.get("decode_head.conv_seg.weight"),
            params.get("decode_head.conv_seg.bias"),
            0);
    return new Outputs(logits, List.of());
  }
}
