package io.vleval.training.spec;

/** What a stage trains and with which loss (INTERNVL.md §5). */
public enum StageKind {
  /**
   * Stage 1, InternVL-C: symmetric InfoNCE; InternViT, QLLaMA (text path), both projections and the
   * temperature train.
   */
  CONTRASTIVE,
  /**
   * Between stages 1 and 2: QLLaMA's {@code lm_head} is trained as a causal LM on the suite's
   * captions (text only); it stands in for the LLaMA pre-training that gives the reference's frozen
   * {@code lm_head} its words, without which stage 2's ITG cannot fall. Only {@code lm_head}
   * trains.
   */
  LM_HEAD_WARMUP,
  /**
   * Stage 2, InternVL-G: ITC + ITM + ITG; only the queries, cross-attention, clip_projector2,
   * itm_head and the temperature train.
   */
  GENERATIVE,
  /**
   * Warms the chat model's tiny LLM up on the suite's text (it stands in for a pre-trained Vicuna);
   * only the LLM trains.
   */
  LM_WARMUP,
  /**
   * Stage 3, InternVL-Chat SFT: next-token loss on answer tokens only; the mlp1 projector trains,
   * vision and LLM frozen.
   */
  SFT
}
