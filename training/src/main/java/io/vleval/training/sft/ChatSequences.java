package io.vleval.training.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.vleval.model.internvl.chat.ChatConfig;
import io.vleval.model.internvl.chat.ConversationTemplate;
import io.vleval.model.internvl.chat.InternVlChat;
import io.vleval.model.internvl.llm.Decoder;
import io.vleval.model.internvl.nd.Scalars;
import io.vleval.model.internvl.text.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns conversation turns into token ids with a loss mask, exactly as the {@code internvl}
 * provider renders a chat prompt at inference: {@code "<image>\n"} before the question, the
 * checkpoint's conversation template, {@code <image>} replaced by {@code <img>} + {@code
 * <IMG_CONTEXT>} x tokens + {@code </img>}, the tokenizer's BOS. The reply and the template's
 * separator ({@code <|im_end|>}, where inference stops) follow; they are the only targets, as in
 * the reference's {@code preprocess_internlm} (system prompt, user turn and role headers are -100).
 * The whole text is tokenized at once; when the prompt's own tokens are not a prefix of it, the
 * reply is tokenized separately and appended (the reference masks such samples entirely instead).
 */
final class ChatSequences {

  /**
   * One tokenized sample.
   *
   * @param ids token ids
   * @param target whether position {@code i} is a target (predicted from position {@code i - 1})
   * @param imageSlots how many {@code <IMG_CONTEXT>} ids it holds
   */
  record Encoded(long[] ids, boolean[] target, int imageSlots) {}

  private final TextTokenizer tokenizer;
  private final ConversationTemplate template;
  private final long contextId;
  private final long sepId;
  private final int imageTokens;

  ChatSequences(TextTokenizer tokenizer, ChatConfig config) {
    this.tokenizer = tokenizer;
    this.template = ConversationTemplate.named(config.template());
    this.contextId = tokenizer.tokenId("<IMG_CONTEXT>").orElseThrow();
    this.sepId = tokenizer.tokenId(template.stopString()).orElse(config.llm().eosTokenId());
    this.imageTokens = config.numImageToken();
  }

  long contextId() {
    return contextId;
  }

  /**
   * A text-only stand-in for an image turn: the picture's description where the image tokens go
   * ({@code <img>description</img>\n} + question), so that a text-only LLM learns to answer from
   * what sits between {@code <img>} and {@code </img>}, which SFT later fills with image tokens.
   *
   * @param question the user message
   * @param description the picture in words
   * @return the user message with the description in place of the image
   */
  static String described(String question, String description) {
    return "<img>" + description + "</img>\n" + question;
  }

  /** The prompt ids of a turn, as the provider builds them (for generation). */
  long[] prompt(String question, boolean image) {
    return tokenizer.encode(query(question, image), true);
  }

  private String query(String question, boolean image) {
    String q = image && !question.contains("<image>") ? "<image>\n" + question : question;
    String query = template.prompt(q);
    if (image) {
      query = query.replace("<image>", "<img>" + "<IMG_CONTEXT>".repeat(imageTokens) + "</img>");
    }
    return query;
  }

  /**
   * A turn with its reply.
   *
   * @param question the user message
   * @param answer the reply
   * @param image whether an image goes with it
   * @param lossOnAll true to make every position after the first a target (language modelling)
   * @return ids and targets
   */
  Encoded turn(String question, String answer, boolean image, boolean lossOnAll) {
    String query = query(question, image);
    long[] prompt = tokenizer.encode(query, true);
    long[] full = tokenizer.encode(query + answer + template.sep(), true);
    long[] ids;
    if (full.length > prompt.length && Arrays.equals(prompt, Arrays.copyOf(full, prompt.length))) {
      ids = full;
    } else {
      long[] reply = tokenizer.encode(answer, false);
      ids = Arrays.copyOf(prompt, prompt.length + reply.length + 1);
      System.arraycopy(reply, 0, ids, prompt.length, reply.length);
      ids[ids.length - 1] = sepId;
    }
    boolean[] target = new boolean[ids.length];
    for (int i = 1; i < ids.length; i++) {
      target[i] = lossOnAll ? ids[i] != contextId : i >= prompt.length;
    }
    return new Encoded(ids, target, image ? imageTokens : 0);
  }

  /**
   * Plain text as a language-model sample: BOS, the text, EOS; every token a target.
   *
   * @param text the text
   * @param eos the EOS id
   * @return ids and targets
   */
  Encoded text(String text, long eos) {
    long[] t = tokenizer.encode(text, true);
    long[] ids = Arrays.copyOf(t, t.length + 1);
    ids[t.length] = eos;
    boolean[] target = new boolean[ids.length];
    Arrays.fill(target, 1, ids.length, true);
    return new Encoded(ids, target, 0);
  }

  /**
   * The mean next-token cross-entropy of a batch over its target positions. Rows are right-padded
   * (the causal mask keeps real tokens from seeing pads; pads are never targets); the {@code
   * <IMG_CONTEXT>} embeddings are replaced, in order, by the image tokens.
   *
   * @param chat the model
   * @param rows the samples
   * @param imageTokens {@code [N, tokens, hidden]} for the rows with images, in row order, or null
   * @param batch owns the pass
   * @return the scalar loss
   */
  NDArray loss(InternVlChat chat, List<Encoded> rows, NDArray imageTokens, NDManager batch) {
    return loss(chat, rows, imageTokens, batch, targets(rows));
  }

  /**
   * The number of target positions of rows.
   *
   * @param rows the samples
   * @return the count
   */
  static int targets(List<Encoded> rows) {
    int n = 0;
    for (Encoded e : rows) {
      for (boolean t : e.target()) {
        n += t ? 1 : 0;
      }
    }
    return n;
  }

  /**
   * The number of target positions of some of the samples.
   *
   * @param samples every sample
   * @param picked indices into {@code samples} (a micro-batch)
   * @return the count
   */
  static int targets(List<Encoded> samples, int[] picked) {
    List<Encoded> rows = new ArrayList<>();
    for (int i : picked) {
      rows.add(samples.get(i));
    }
    return targets(rows);
  }

  /**
   * The summed next-token cross-entropy of rows divided by a count of targets: the batch's own for
   * its mean, or a whole micro-batch's for a data-parallel shard's part of the mean.
   *
   * @param chat the model
   * @param rows the samples
   * @param imageTokens {@code [N, tokens, hidden]} for the rows with images, in row order, or null
   * @param batch owns the pass
   * @param normalizer what the sum is divided by
   * @return the scalar loss
   */
  NDArray loss(
      InternVlChat chat, List<Encoded> rows, NDArray imageTokens, NDManager batch, int normalizer) {
    Decoder llm = chat.llm();
    int b = rows.size();
    int l = rows.stream().mapToInt(e -> e.ids().length).max().orElseThrow();
    long pad = llm.config().padTokenId();
    long[][] ids = new long[b][l];
    for (int i = 0; i < b; i++) {
      Arrays.fill(ids[i], pad);
      System.arraycopy(rows.get(i).ids(), 0, ids[i], 0, rows.get(i).ids().length);
    }
    long hidden = llm.config().hiddenSize();
    NDArray x = llm.embed(ids, batch).reshape((long) b * l, hidden);
    if (imageTokens != null) {
      NDArray image = imageTokens.reshape(-1, hidden);
      NDArray table = NDArrays.concat(new NDList(x, image), 0);
      long[] pick = new long[b * l];
      long next = (long) b * l;
      for (int i = 0; i < b; i++) {
        long[] r = rows.get(i).ids();
        for (int j = 0; j < l; j++) {
          pick[i * l + j] =
              j < r.length && rows.get(i).imageSlots() > 0 && r[j] == contextId
                  ? next++
                  : (long) i * l + j;
        }
      }
      if (next != b * l + image.getShape().get(0)) {
        throw new IllegalStateException(
            "image slots " + (next - (long) b * l) + " != image tokens " + image.getShape().get(0));
      }
      x = table.get(new NDIndex("{}", batch.create(pick)));
    }
    x = x.reshape(b, l, hidden);
    long[][] pos = new long[b][l];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < l; j++) {
        pos[i][j] = j;
      }
    }
    NDArray h =
        llm.forward(x, pos, Decoder.causalMask(b, l, 0, null, 0), null, null)
            .reshape((long) b * l, hidden);
    int n = targets(rows);
    long[] from = new long[n];
    long[] to = new long[n];
    int k = 0;
    for (int i = 0; i < b; i++) {
      Encoded e = rows.get(i);
      for (int j = 1; j < e.ids().length; j++) {
        if (e.target()[j]) {
          from[k] = (long) i * l + j - 1;
          to[k++] = e.ids()[j];
        }
      }
    }
    NDArray logits = llm.logits(h.get(new NDIndex("{}", batch.create(from))));
    NDArray logp = logits.logSoftmax(1);
    long v = logits.getShape().get(1);
    float[] onehot = new float[Math.toIntExact(n * v)];
    for (int i = 0; i < n; i++) {
      onehot[Math.toIntExact(i * v + to[i])] = 1f;
    }
    // Scalars.div: DJL's div(Number) frees its constant before the backward pass reads it (README,
    // stage 1)
    return Scalars.div(logp.mul(batch.create(onehot, new Shape(n, v))).sum().neg(), normalizer);
  }
}
