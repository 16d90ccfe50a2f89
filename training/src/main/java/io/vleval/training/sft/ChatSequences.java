package io.vleval.training.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.sample.Conversation;
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
 * Turns conversations into token ids with a loss mask, exactly as the {@code internvl} provider
 * renders a chat prompt at inference: the checkpoint's conversation template, each {@code <image>}
 * replaced by {@code <img>} + {@code <IMG_CONTEXT>} x tokens + {@code </img>}, the tokenizer's BOS.
 * Each assistant reply and the template's separator after it ({@code <|im_end|>}, where inference
 * stops) are the targets, as in the reference's {@code preprocess_internlm} (system prompt, user
 * turns and role headers are -100). A conversation is tokenized span by span: the text before a
 * reply (for one turn, exactly the prompt inference encodes), then the reply, and so on.
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
  private final int imageTokens;

  ChatSequences(TextTokenizer tokenizer, ChatConfig config) {
    this.tokenizer = tokenizer;
    this.template = ConversationTemplate.named(config.template());
    this.contextId = tokenizer.tokenId("<IMG_CONTEXT>").orElseThrow();
    this.imageTokens = config.numImageToken();
  }

  long contextId() {
    return contextId;
  }

  /**
   * A conversation (LLaVA's shape: user and assistant turns, a leading system turn replacing the
   * template's system message, {@code <image>} placeholders) as training ids. In the MPT-style
   * templates (InternLM2, Hermes, InternVL 2.5, Phi-3) it reads {@code system + sep + (user_role +
   * message + sep + assistant_role + reply + sep)...}; in the TWO style (Vicuna) {@code system + "
   * " + ("USER: " + message + " " + "ASSISTANT: " + reply + "</s>")...}, as {@code
   * conversation.py}'s {@code get_prompt()} renders them.
   *
   * @param c the conversation
   * @param images whether the image tokens will be given ({@code false}: the placeholders stay
   *     {@code <IMG_CONTEXT>} tokens, as the LM warm-up trains them)
   * @param lossOnAll true to make every position after the first a target but the image tokens
   *     (language modelling), false for the replies and their separators only
   * @return ids and targets
   */
  Encoded conversation(Conversation c, boolean images, boolean lossOnAll) {
    ConversationTemplate t = template;
    List<Conversation.Turn> turns = c.turns();
    if (!turns.isEmpty() && turns.get(0).role().equals(Conversation.Turn.SYSTEM)) {
      t = t.withSystemMessage(turns.get(0).text());
      turns = turns.subList(1, turns.size());
    }
    String block = "<img>" + "<IMG_CONTEXT>".repeat(imageTokens) + "</img>";
    List<String> spans = new ArrayList<>();
    StringBuilder before = new StringBuilder(t.system()).append(t.sep());
    for (Conversation.Turn turn : turns) {
      String text = turn.text().replace(Conversation.IMAGE_PLACEHOLDER, block);
      if (turn.role().equals(Conversation.Turn.ASSISTANT)) {
        before.append(t.assistantRole()).append(t.colonStyle() ? ":" : "");
        spans.add(before.toString());
        spans.add((t.colonStyle() ? " " : "") + text + (t.colonStyle() ? t.stopString() : t.sep()));
        before.setLength(0);
      } else {
        // a later system turn is said as the user says it
        before.append(t.userRole()).append(t.colonStyle() ? ": " : "").append(text).append(t.sep());
      }
    }
    // the text is tokenized whole, as inference tokenizes a prompt: each span's ids are what the
    // text
    // up to its end adds; where that does not extend the ids so far (a merge across the boundary),
    // the span is tokenized on its own and appended, as the reference's masking would drop it
    List<Long> ids = new ArrayList<>();
    List<Boolean> target = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int k = 0; k < spans.size(); k++) {
      text.append(spans.get(k));
      long[] whole = tokenizer.encode(text.toString(), true);
      boolean prefix = whole.length >= ids.size();
      for (int i = 0; prefix && i < ids.size(); i++) {
        prefix = whole[i] == ids.get(i);
      }
      long[] added =
          prefix
              ? Arrays.copyOfRange(whole, ids.size(), whole.length)
              : tokenizer.encode(spans.get(k), false);
      for (long id : added) {
        ids.add(id);
        target.add(k % 2 == 1);
      }
    }
    long[] out = new long[ids.size()];
    boolean[] targets = new boolean[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i);
      targets[i] = i > 0 && (lossOnAll ? out[i] != contextId : target.get(i));
    }
    return new Encoded(out, targets, images ? c.images().size() * imageTokens : 0);
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
