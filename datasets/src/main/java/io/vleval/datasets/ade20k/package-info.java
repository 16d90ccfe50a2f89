/** ADE20K's ADEChallengeData2016 layout: images and label-map annotations per split. */
package io.vleval.datasets.ade20k;
