/**
 * Captioned images: Karpathy split JSON (COCO, Flickr30K) and COCO-format caption annotations
 * (COCO, NoCaps).
 */
package io.vleval.datasets.captions;
