/** Kinetics: the annotation CSV and clips named youtube_id_start_end. */
package io.vleval.datasets.kinetics;
