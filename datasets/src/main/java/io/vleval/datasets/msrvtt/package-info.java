/** MSR-VTT text-video retrieval: the reference script's annotation list and clip folder. */
package io.vleval.datasets.msrvtt;
