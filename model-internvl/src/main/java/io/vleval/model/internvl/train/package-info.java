/**
 * InternVL's three training stages (contrastive, generative, SFT) on DJL autograd: {@link
 * io.vleval.model.internvl.train.Training} runs a validated {@link
 * io.vleval.model.internvl.train.spec.TrainSpec}.
 */
package io.vleval.model.internvl.train;
