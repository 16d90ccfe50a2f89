/**
 * POPE: the task (yes/no object-existence questions as InternVL-Chat asks them), POPE's reading of
 * a reply and accuracy, precision, recall, F1 and yes-ratio per split.
 */
package io.vleval.tasks.pope;
