package io.vleval.tasks.segmentation.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The head-tuning head of the reference: InternVL's up/down-sampling pyramid on four blocks,
 * mmseg's {@code UPerHead} on the pyramid, and InternVL's {@code FCNHead} as the auxiliary head on
 * pyramid level 1, with the settings of {@code configs/_base_/models/upernet_r50.py} and InternVL's
 * head-tuning config.
 *
 * <ul>
 *   <li>Pyramid ({@code InternViT6B(with_fpn=True)}): level 0 = ConvT(2, 2) -> channels-first
 *       LayerNorm (eps 1e-6) -> GELU -> ConvT(2, 2) (x4); level 1 = ConvT(2, 2) (x2); level 2 = the
 *       map itself; level 3 = MaxPool 2x2 (x1/2). Transposed convolutions start N(0, sqrt(2 / (4
 *       C))) with bias 0.
 *   <li>UPerHead ({@code pool_scales=(1, 2, 3, 6)}, {@code channels}, dropout 0.1): a pooling
 *       pyramid module on level 3 (adaptive average pooling, 1x1 ConvModule, bilinear back) and a
 *       3x3 bottleneck; 1x1 lateral ConvModules on levels 0-2; a top-down path adding each level to
 *       the next finer one (bilinear, align_corners False); 3x3 FPN ConvModules; all levels resized
 *       to level 0, concatenated, a 3x3 ConvModule, dropout, 1x1 {@code conv_seg}.
 *   <li>Auxiliary FCNHead on level 1 (head tuning's {@code in_index=1}) or 2 (full tuning keeps
 *       {@code upernet_r50.py}'s {@code in_index=2}): {@code num_convs=1}, 3x3, no concatenation,
 *       dropout 0.1, loss weight 0.4.
 * </ul>
 *
 * <p>A ConvModule is conv (no bias) -> BatchNorm2d -> ReLU, the conv started as mmcv does (Kaiming
 * normal, fan out); {@code SyncBN} of the reference is BatchNorm over the whole batch on one
 * device.
 */
public final class UperNetDecodeHead implements DecodeHead {
  /** The pooling scales of the pooling pyramid module. */
  public static final int[] POOL_SCALES = {1, 2, 3, 6};

  private final Params params;
  private final List<Integer> blocks;
  private final double dropoutRatio;
  private final double auxiliaryWeight;
  private final int auxiliaryLevel;

  /**
   * Head tuning's head: the auxiliary head on level 1.
   *
   * @param channels the blocks' channels
   * @param headChannels the channels of the UperNet and auxiliary heads (1536 in the reference)
   * @param classes the number of classes
   * @param blocks the four backbone blocks read, finest pyramid level first
   */
  public UperNetDecodeHead(
      NDManager manager,
      int channels,
      int headChannels,
      int classes,
      List<Integer> blocks,
      long seed) {
    this(manager, channels, headChannels, classes, blocks, 1, seed);
  }

  /**
   * As above, with the auxiliary head on the given pyramid level (1 for head tuning, 2 for full
   * tuning).
   */
  public UperNetDecodeHead(
      NDManager manager,
      int channels,
      int headChannels,
      int classes,
      List<Integer> blocks,
      int auxiliaryLevel,
      long seed) {
    this(manager, channels, headChannels, classes, blocks, 0.1, 0.4, auxiliaryLevel, seed);
  }

  /** As above, with the dropout ratio and auxiliary loss weight given. */
  public UperNetDecodeHead(
      NDManager manager,
      int channels,
      int headChannels,
      int classes,
      List<Integer> blocks,
      double dropoutRatio,
      double auxiliaryWeight,
      int auxiliaryLevel,
      long seed) {
    if (blocks.size() != 4) {
      throw new IllegalArgumentException("UperNet reads 4 blocks, got " + blocks);
    }
    if (auxiliaryLevel < 0 || auxiliaryLevel > 3) {
      throw new IllegalArgumentException(
          "the auxiliary head reads one of the pyramid levels 0 to 3, got " + auxiliaryLevel);
    }
    this.blocks = List.copyOf(blocks);
    this.dropoutRatio = dropoutRatio;
    this.auxiliaryWeight = auxiliaryWeight;
    this.auxiliaryLevel = auxiliaryLevel;
    this.params = new Params(manager, seed);
    int c = channels;
    int h = headChannels;
    double convT = Math.sqrt(2.0 / (4 * c));
    params.normal("backbone.up1.0.weight", convT, c, c, 2, 2);
    params.constant("backbone.up1.0.bias", 0f, c);
    params.constant("backbone.up1.1.weight", 1f, c);
    params.constant("backbone.up1.1.bias", 0f, c);
    params.normal("backbone.up1.3.weight", convT, c, c, 2, 2);
    params.constant("backbone.up1.3.bias", 0f, c);
    params.normal("backbone.up2.0.weight", convT, c, c, 2, 2);
    params.constant("backbone.up2.0.bias", 0f, c);
    for (int i = 0; i < POOL_SCALES.length; i++) {
      convModule("decode_head.psp_modules." + i + ".1", h, c, 1);
    }
    convModule("decode_head.bottleneck", h, c + POOL_SCALES.length * h, 3);
    for (int i = 0; i < 3; i++) {
      convModule("decode_head.lateral_convs." + i, h, c, 1);
      convModule("decode_head.fpn_convs." + i, h, h, 3);
    }
    convModule("decode_head.fpn_bottleneck", h, 4 * h, 3);
    params.normal("decode_head.conv_seg.weight", 0.01, classes, h, 1, 1);
    params.constant("decode_head.conv_seg.bias", 0f, classes);
    convModule("auxiliary_head.convs.0", h, c, 3);
    params.normal("auxiliary_head.conv_seg.weight", 0.01, classes, h, 1, 1);
    params.constant("auxiliary_head.conv_seg.bias", 0f, classes);
  }

  private void convModule(String name, int out, int in, int kernel) {
    params.normal(
        name + ".conv.weight", Math.sqrt(2.0 / (out * kernel * kernel)), out, in, kernel, kernel);
    params.constant(name + ".bn.weight", 1f, out);
    params.constant(name + ".bn.bias", 0f, out);
    params.buffer(name + ".bn.running_mean", 0f, out);
    params.buffer(name + ".bn.running_var", 1f, out);
  }

  @Override
  public List<Integer> blocks() {
    return blocks;
  }

  @Override
  public Params params() {
    return params;
  }

  /** The four pyramid levels from the four block maps. */
  public List<NDArray> pyramid(List<NDArray> maps) {
    NDArray f1 =
        Ops.convTranspose2x2(
            maps.get(0), params.get("backbone.up1.0.weight"), params.get("backbone.up1.0.bias"));
    f1 = Ops.layerNorm(f1, params.get("backbone.up1.1.weight"), params.get("backbone.up1.1.bias"));
    f1 = Ops.gelu(f1);
    f1 =
        Ops.convTranspose2x2(
            f1, params.get("backbone.up1.3.weight"), params.get("backbone.up1.3.bias"));
    NDArray f2 =
        Ops.convTranspose2x2(
            maps.get(1), params.get("backbone.up2.0.weight"), params.get("backbone.up2.0.bias"));
    return List.of(f1, f2, maps.get(2), Ops.maxPool2x2(maps.get(3)));
  }

  private NDArray convModule(NDArray x, String name, int padding, boolean training) {
    NDArray y = Ops.conv(x, params.get(name + ".conv.weight"), null, padding);
    return Ops.relu(Ops.batchNorm(y, params, name + ".bn", training));
  }

  private NDArray classify(NDArray x, String head, boolean training, SplittableRandom dropout) {
    if (training) {
      x = Ops.dropout2d(x, dropoutRatio, dropout);
    }
    return Ops.conv(
        x, params.get(head + ".conv_seg.weight"), params.get(head + ".conv_seg.bias"), 0);
  }

  @Override
  public Outputs forward(List<NDArray> maps, boolean training, SplittableRandom dropout) {
    List<NDArray> levels = pyramid(maps);
    NDArray logits = classify(uperFeatures(levels, training), "decode_head", training, dropout);
    if (!training) {
      return new Outputs(logits, List.of());
    }
    NDArray aux = convModule(levels.get(auxiliaryLevel), "auxiliary_head.convs.0", 1, training);
    return new Outputs(
        logits,
        List.of(
            new Auxiliary(classify(aux, "auxiliary_head", training, dropout), auxiliaryWeight)));
  }

  /** The auxiliary head's logits (its own BatchNorm in the given mode), for parity tests. */
  public NDArray auxiliaryLogits(List<NDArray> levels, boolean training, SplittableRandom dropout) {
    NDArray aux = convModule(levels.get(auxiliaryLevel), "auxiliary_head.convs.0", 1, training);
    return classify(aux, "auxiliary_head", training, dropout);
  }

  private NDArray uperFeatures(List<NDArray> in, boolean training) {
    List<NDArray> laterals = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      laterals.add(convModule(in.get(i), "decode_head.lateral_convs." + i, 0, training));
    }
    NDArray top = in.get(3);
    NDList psp = new NDList(top);
    for (int i = 0; i < POOL_SCALES.length; i++) {
      NDArray pooled = Ops.adaptiveAvgPool(top, POOL_SCALES[i]);
      NDArray y = convModule(pooled, "decode_head.psp_modules." + i + ".1", 0, training);
      psp.add(Ops.bilinear(y, top.getShape().get(2), top.getShape().get(3)));
    }
    laterals.add(convModule(NDArrays.concat(psp, 1), "decode_head.bottleneck", 1, training));
    for (int i = 3; i > 0; i--) {
      NDArray finer = laterals.get(i - 1);
      laterals.set(
          i - 1,
          finer.add(
              Ops.bilinear(laterals.get(i), finer.getShape().get(2), finer.getShape().get(3))));
    }
    NDList outs = new NDList();
    for (int i = 0; i < 3; i++) {
      outs.add(convModule(laterals.get(i), "decode_head.fpn_convs." + i, 1, training));
    }
    outs.add(laterals.get(3));
    long h = outs.get(0).getShape().get(2);
    long w = outs.get(0).getShape().get(3);
    for (int i = 3; i > 0; i--) {
      outs.set(i, Ops.bilinear(outs.get(i), h, w));
    }
    return convModule(NDArrays.concat(outs, 1), "decode_head.fpn_bottleneck", 1, training);
  }
}
