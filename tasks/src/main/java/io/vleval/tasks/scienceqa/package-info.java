/** The ScienceQA-IMG task: multiple-choice science questions as InternVL-Chat asks them. */
package io.vleval.tasks.scienceqa;
