package io.vleval.model.internvl.chat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of an InternVL-Chat prompt's forward under the names the reference fixtures store
 * them by, for the parity tests and the GPU check.
 */
public final class ChatTensors {

  private ChatTensors() {}

  /**
   * @param model the model
   * @param pixels the tiles {@code [T, 3, H, W]}
   * @param ids the prompt's token ids
   * @param contextToken the id of {@code <IMG_CONTEXT>}
   * @param batch the manager that owns the results
   * @return {@code vision_selected_hidden_state}, {@code pixel_shuffle_output}, {@code vit_embeds},
   *     {@code inputs_embeds}, {@code logits} and {@code next_token_logits}, in this order
   */
  public static Map<String, NDArray> of(
      InternVlChat model, NDArray pixels, long[] ids, long contextToken, NDManager batch) {
    NDArray selected = model.selectedHiddenState(pixels);
    NDArray shuffled = model.pixelShuffle(selected);
    NDArray vit = model.project(shuffled);
    NDArray embeds = model.inputEmbeddings(ids, vit, contextToken, batch);
    NDArray logits = model.logits(embeds);
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    tensors.put("vision_selected_hidden_state", selected);
    tensors.put("pixel_shuffle_output", shuffled);
    tensors.put("vit_embeds", vit);
    tensors.put("inputs_embeds", embeds);
    tensors.put("logits", logits);
    tensors.put("next_token_logits", logits.get(":, -1, :"));
    return tensors;
  }
}
