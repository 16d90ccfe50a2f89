/**
 * TextVQA's public layout: {@code TextVQA_0.5.1_<split>.json} over the train/test image folders.
 */
package io.vleval.datasets.textvqa;
