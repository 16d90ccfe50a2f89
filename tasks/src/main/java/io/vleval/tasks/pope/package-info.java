/** The POPE task: yes/no object-existence questions as InternVL-Chat asks them. */
package io.vleval.tasks.pope;
