/**
 * LLaVA-format conversations for supervised fine-tuning: JSON and JSONL annotation files and
 * InternVL's SFT meta file that names several of them.
 */
package io.vleval.datasets.conversations;
