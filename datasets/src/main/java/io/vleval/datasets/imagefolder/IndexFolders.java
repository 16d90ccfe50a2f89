package io.vleval.datasets.imagefolder;

import io.vleval.api.error.DatasetFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Class folders named by their label index, as ImageNetV2 lays them out ({@code 0/ ... 999/}, the
 * label being {@code int(folder)}, not the folder's rank among sorted names).
 */
final class IndexFolders {
  private static final Pattern INDEX = Pattern.compile("[0-9]{1,7}");

  private IndexFolders() {}

  /** The folders in label order; each must be a label index, no index twice. */
  static List<String> sort(List<String> folders, Path root) {
    Map<Integer, String> byIndex = new HashMap<>();
    for (String folder : folders) {
      if (!INDEX.matcher(folder).matches()) {
        throw new DatasetFormatException(
            root.toString(),
            "class folder '" + folder + "'",
            "not a label index; index_folders expects class folders named by their label (0, 1,"
                + " 2, ...: ImageNetV2's layout)");
      }
      String other = byIndex.put(Integer.parseInt(folder), folder);
      if (other != null) {
        throw new DatasetFormatException(
            root.toString(),
            "class folder '" + folder + "'",
            "names label " + Integer.parseInt(folder) + ", as folder '" + other + "' does");
      }
    }
    List<String> sorted = new ArrayList<>(folders);
    sorted.sort(Comparator.comparingInt(Integer::parseInt));
    return sorted;
  }

  /** The class list of index labels: every index up to the largest, as text. */
  static List<String> names(List<Integer> labels) {
    int max = labels.stream().mapToInt(Integer::intValue).max().orElse(-1);
    List<String> names = new ArrayList<>(max + 1);
    for (int i = 0; i <= max; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }
}
