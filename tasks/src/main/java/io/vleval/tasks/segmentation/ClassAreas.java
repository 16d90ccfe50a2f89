package io.vleval.tasks.segmentation;

/**
 * Per-class pixel areas of one image or a whole dataset, as mmsegmentation's {@code
 * intersect_and_union} returns them.
 *
 * @param intersect pixels where prediction = label = class
 * @param union pred + label - intersect
 * @param predLabel pixels predicted as the class (after removing ignored label pixels)
 * @param label pixels labelled as the class
 */
public record ClassAreas(long[] intersect, long[] union, long[] predLabel, long[] label) {

  /** All-zero areas for {@code numClasses} classes. */
  public static ClassAreas zeros(int numClasses) {
    return new ClassAreas(
        new long[numClasses], new long[numClasses], new long[numClasses], new long[numClasses]);
  }

  public int numClasses() {
    return intersect.length;
  }

  /** Adds {@code other} into this (mutating this instance's arrays). */
  public void add(ClassAreas other) {
    for (int c = 0; c < intersect.length; c++) {
      intersect[c] += other.intersect[c];
      union[c] += other.union[c];
      predLabel[c] += other.predLabel[c];
      label[c] += other.label[c];
    }
  }

  /** A new instance holding this minus {@code other}, e.g. a dataset without one image. */
  public ClassAreas minus(ClassAreas other) {
    ClassAreas out = zeros(intersect.length);
    for (int c = 0; c < intersect.length; c++) {
      out.intersect[c] = intersect[c] - other.intersect[c];
      out.union[c] = union[c] - other.union[c];
      out.predLabel[c] = predLabel[c] - other.predLabel[c];
      out.label[c] = label[c] - other.label[c];
    }
    return out;
  }

  /** The sum of the given images' areas (with repetitions), e.g. a bootstrap resample. */
  public static ClassAreas sum(ClassAreas[] perImage, int[] units, int numClasses) {
    ClassAreas total = zeros(numClasses);
    if (units == null) {
      for (ClassAreas a : perImage) {
        total.add(a);
      }
    } else {
      for (int u : units) {
        total.add(perImage[u]);
      }
    }
    return total;
  }
}
