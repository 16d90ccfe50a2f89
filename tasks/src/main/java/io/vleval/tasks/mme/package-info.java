/** The MME task: yes/no perception and cognition questions as InternVL-Chat asks them. */
package io.vleval.tasks.mme;
