/**
 * ImageNet-style class folders: split/&lt;class-folder&gt;/&lt;image&gt;, with display names and
 * class subsets.
 */
package io.vleval.datasets.imagefolder;
