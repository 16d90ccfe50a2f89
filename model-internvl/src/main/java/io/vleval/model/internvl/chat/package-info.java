/**
 * InternVL-Chat: InternViT, pixel shuffle and the {@code mlp1} projector feeding a LLaMA-family
 * LLM, with dynamic tiling, image placeholder tokens and conversation templates.
 */
package io.vleval.model.internvl.chat;
