/**
 * Reference-exact image preprocessing: PIL's resampling, torchvision's resize/crop/normalize, HF's
 * CLIPImageProcessor.
 */
package io.vleval.preprocess;
