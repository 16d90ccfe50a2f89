/**
 * WebDataset tar shards of image-caption pairs (the layout LAION- and COYO-scale data comes in),
 * read as a stream with a tar reader of its own.
 */
package io.vleval.datasets.webdataset;
