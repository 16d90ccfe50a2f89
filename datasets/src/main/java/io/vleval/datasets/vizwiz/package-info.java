/** VizWiz-VQA's public layout: {@code <split>.json} over the {@code <split>/} image folder. */
package io.vleval.datasets.vizwiz;
