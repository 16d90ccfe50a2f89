/** XTD multilingual retrieval: an image list and one caption file per language, aligned by line. */
package io.vleval.datasets.xtd;
