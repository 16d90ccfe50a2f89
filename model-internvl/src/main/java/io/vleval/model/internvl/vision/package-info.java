/**
 * InternViT, the InternVL vision encoder, as DJL blocks with checkpoint loading and plain-array
 * entry points.
 */
package io.vleval.model.internvl.vision;
