/**
 * Decoding of JPEG and PNG files into the SPI's {@code RgbImage} and {@code LabelMap}, with size
 * limits and one-line errors.
 */
package io.vleval.datasets.image;
