/**
 * The LLaMA-family decoder written once for QLLaMA, LLaMA/Vicuna/LLaMA-3, InternLM2/2.5, Qwen2/2.5
 * and Phi-3: RMSNorm, rotate-half RoPE (dynamic NTK, linear and Phi-3's su scaling), SwiGLU,
 * grouped-query causal attention with a key/value cache, and QLLaMA's cross-attention.
 */
package io.vleval.model.internvl.llm;
