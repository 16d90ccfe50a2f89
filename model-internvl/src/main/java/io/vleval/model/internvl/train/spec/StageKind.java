package io.vleval.model.internvl.train.spec;

/** What a stage trains and with which loss (INTERNVL.md §5). */
public enum StageKind {
    /** Stage 1, InternVL-C: symmetric InfoNCE; InternViT, QLLaMA (text path), both projections and the temperature train. */
    CONTRASTIVE,
    /** Stage 2, InternVL-G: ITC + ITM + ITG; only the queries, cross-attention, clip_projector2, itm_head and the temperature train. */
    GENERATIVE,
    /** Warms the chat model's tiny LLM up on the suite's text (it stands in for a pre-trained Vicuna); only the LLM trains. */
    LM_WARMUP,
    /** Stage 3, InternVL-Chat SFT: next-token loss on answer tokens only; the mlp1 projector trains, vision and LLM frozen. */
    SFT
}
