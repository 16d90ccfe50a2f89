/**
 * InternVL models on DJL's PyTorch engine: the public entry points of the {@code model-internvl}
 * module.
 */
package io.vleval.model.internvl;
