/** POPE's object-hallucination questions: one JSON-lines file per split over COCO val2014. */
package io.vleval.datasets.pope;
