/**
 * The InternVL-C/-G stage objectives (InfoNCE; the lm_head warm-up; ITC + ITM + ITG), which weights
 * each trains, and held-out ITG.
 */
package io.vleval.training.stage;
