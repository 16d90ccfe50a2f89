/** The {@code openai-compatible} model: a served VLM asked through its chat completions API. */
package io.vleval.model.openai;
