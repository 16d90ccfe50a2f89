/** The stage objectives (InfoNCE; ITC + ITM + ITG; language-model warm-up; answer-only SFT) and which weights each trains. */
package io.vleval.model.internvl.train.stage;
