/**
 * VQAv2's public layout: the OpenEnded questions JSON, the annotations JSON, COCO image folders.
 */
package io.vleval.datasets.vqav2;
