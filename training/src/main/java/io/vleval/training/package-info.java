/**
 * InternVL's three training stages (contrastive, generative, SFT) on DJL autograd: {@link
 * io.vleval.training.Training} runs a validated {@link io.vleval.training.spec.TrainSpec}.
 */
package io.vleval.training;
