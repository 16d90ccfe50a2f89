/**
 * The LLaMA-family decoder written once for QLLaMA, LLaMA/Vicuna and InternLM2: RMSNorm,
 * rotate-half RoPE, SwiGLU, grouped-query causal attention with a key/value cache, and QLLaMA's
 * cross-attention.
 */
package io.vleval.model.internvl.llm;
