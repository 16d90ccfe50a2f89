package io.vleval.datasets.mmbench;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.error.VlevalException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.api.spec.Required;
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.Fingerprint;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The MMBench TSV as VLMEvalKit ships it: {@code index, question, hint, A, B, C, D, answer,
 * category, l2-category, split, image} with the image as base64. A row of a circular variant holds,
 * instead of an image, the index of the row whose image it shares. The file is streamed (images are
 * large); the shared images are written once to the cache folder, so memory holds no image that is
 * not being decoded.
 */
public final class MmbenchTsvProvider implements DatasetProvider<MmbenchTsvProvider.Spec> {

  private static final Pattern IMAGE_REFERENCE = Pattern.compile("\\d{1,15}");
  private static final List<String> LETTERS = List.of("A", "B", "C", "D", "E", "F", "G", "H");

  /** Options of the MMBench loader. */
  public record Spec(@Doc("the MMBench TSV file") @Required @MustExist Path tsv) {}

  @Override
  public String type() {
    return "mmbench-tsv";
  }

  @Override
  public String description() {
    return "MMBench TSV (VLMEvalKit layout): multiple-choice questions, base64 images, circular variants";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return MultipleChoiceQuestion.class;
  }

  /**
   * A parser of the TSV's rows. An unnamed column (pandas writes one for its index) is allowed;
   * other header problems are a format error naming the file.
   */
  static CSVParser parser(Reader in, Path tsv) throws IOException {
    try {
      return CSVFormat.TDF
          .builder()
          .setHeader()
          .setSkipHeaderRecord(true)
          .setIgnoreSurroundingSpaces(false)
          .setNullString(null)
          .setAllowMissingColumnNames(true)
          .get()
          .parse(in);
    } catch (IllegalArgumentException e) {
      throw new DatasetFormatException(
          tsv.toString(),
          "line 1",
          "malformed header: "
              + FailureText.plain(e.getMessage())
              + " (expected index, question, hint, A, B, C, D, answer, category, l2-category,"
              + " split, image)",
          e);
    }
  }

  static boolean isNan(String v) {
    return v == null || v.isEmpty() || v.equalsIgnoreCase("nan");
  }

  @Override
  public Dataset<MultipleChoiceQuestion> open(Spec spec, PluginContext context) {
    Path tsv = spec.tsv().toAbsolutePath().normalize();
    Fingerprint fp = new Fingerprint("mmbench-tsv/1").addFileContent(tsv);
    String fingerprint = fp.hex();
    // pass 1: the rows' ids and the rows other rows borrow their image from
    Set<String> ids = new HashSet<>();
    // the rows that hold an image, with their place ("row 3 (index 7)"): the origin of the image
    // for every row that shares it
    Map<String, String> withImage = new HashMap<>();
    Set<String> referenced = new HashSet<>();
    Set<String> categories = new TreeSet<>();
    long rows = 0;
    long lastLine = 1;
    try (Reader in = Files.newBufferedReader(tsv, StandardCharsets.UTF_8);
        CSVParser p = parser(in, tsv)) {
      Set<String> named = new HashSet<>();
      Set<String> repeated = new TreeSet<>();
      for (String name : p.getHeaderNames()) {
        if (!name.isEmpty() && !named.add(name)) {
          repeated.add(name);
        }
      }
      if (!repeated.isEmpty()) {
        throw new DatasetFormatException(
            tsv.toString(),
            "line 1",
            "malformed header: "
                + (repeated.size() == 1 ? "column " : "columns ")
                + String.join(", ", repeated.stream().map(c -> "'" + c + "'").toList())
                + (repeated.size() == 1 ? " appears" : " appear")
                + " more than once; expected each column once");
      }
      for (String column : List.of("index", "question", "A", "B", "image")) {
        if (!p.getHeaderMap().containsKey(column)) {
          throw new DatasetFormatException(
              tsv.toString(),
              "line 1",
              "missing column '"
                  + column
                  + "' (expected index, question, hint, A, B, C, D, answer, category, l2-category, split, image)");
        }
      }
      for (CSVRecord r : p) {
        rows++;
        String index = r.isSet("index") ? r.get("index").strip() : "";
        ids.add(index);
        String image = r.isSet("image") ? r.get("image").strip() : "";
        if (IMAGE_REFERENCE.matcher(image).matches()) {
          referenced.add(image);
        } else if (!isNan(image)) {
          withImage.put(index, place(r));
        }
        if (r.isSet("category") && !isNan(r.get("category"))) {
          categories.add(r.get("category"));
        }
        lastLine = p.getCurrentLineNumber();
      }
    } catch (CharacterCodingException e) {
      throw new DatasetFormatException(tsv.toString(), "", "not UTF-8 text", e);
    } catch (IOException e) {
      throw new DatasetFormatException(tsv.toString(), "", "cannot read: " + FailureText.of(e), e);
    } catch (UncheckedIOException | IllegalStateException e) {
      throw malformed(tsv, rows + 1, lastLine + 1, e);
    }
    if (rows == 0) {
      throw new DatasetFormatException(tsv.toString(), "", "no rows");
    }
    // pass 2: write each borrowed image once to the cache
    Path shared =
        context.cacheDirectory().resolve("mmbench-images").resolve(fingerprint.substring(0, 16));
    Set<String> toWrite = new HashSet<>(referenced);
    toWrite.retainAll(withImage.keySet());
    try {
      Files.createDirectories(shared);
      try (Reader in = Files.newBufferedReader(tsv, StandardCharsets.UTF_8);
          CSVParser p = parser(in, tsv)) {
        for (CSVRecord r : p) {
          String index = r.isSet("index") ? r.get("index").strip() : "";
          Path file = shared.resolve(index + ".b64");
          if (toWrite.contains(index) && !Files.exists(file)) {
            Path tmp = shared.resolve(index + ".b64.tmp");
            Files.writeString(tmp, r.get("image").strip());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    } catch (IOException e) {
      throw new VlevalException(
          shared + ": cannot cache shared MMBench images: " + FailureText.of(e), e);
    }
    DatasetInfo info = new DatasetInfo(fingerprint, rows, List.of(), tsv.toString());
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    return Dataset.of(
        MultipleChoiceQuestion.class, info, () -> new RowCursor(tsv, shared, withImage, decoder));
  }

  /** Streams the TSV again, turning each row into a question (or a per-sample error). */
  private static final class RowCursor implements SampleCursor<MultipleChoiceQuestion> {
    private final Path tsv;
    private final Path shared;
    private final Map<String, String> withImage;
    private final ImageDecoder decoder;
    private final Reader reader;
    private final CSVParser parser;
    private final Iterator<CSVRecord> rows;
    private final Map<String, Integer> seen = new HashMap<>();
    private long lastLine = 1;

    RowCursor(Path tsv, Path shared, Map<String, String> withImage, ImageDecoder decoder) {
      this.tsv = tsv;
      this.shared = shared;
      this.withImage = withImage;
      this.decoder = decoder;
      try {
        this.reader = Files.newBufferedReader(tsv, StandardCharsets.UTF_8);
        this.parser = parser(reader, tsv);
      } catch (IOException e) {
        throw new DatasetFormatException(
            tsv.toString(), "", "cannot read: " + FailureText.of(e), e);
      }
      this.rows = parser.iterator();
    }

    @Override
    public boolean hasNext() {
      try {
        return rows.hasNext();
      } catch (UncheckedIOException | IllegalStateException e) {
        throw malformed(tsv, parser.getRecordNumber() + 1, lastLine + 1, e);
      }
    }

    @Override
    public MultipleChoiceQuestion next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      CSVRecord r = rows.next();
      lastLine = parser.getCurrentLineNumber();
      String place = place(r);
      String index = field(r, "index");
      String id = isNan(index) ? "row-" + r.getRecordNumber() : index;
      if (isNan(index)) {
        throw DatasetFormatException.forSample(id, tsv.toString(), place, "empty 'index'");
      }
      Integer first = seen.putIfAbsent(index, (int) r.getRecordNumber());
      if (first != null) {
        throw DatasetFormatException.forSample(
            id + "#" + r.getRecordNumber(),
            tsv.toString(),
            place,
            "index " + index + " repeats row " + first);
      }
      String question = field(r, "question");
      if (isNan(question)) {
        throw DatasetFormatException.forSample(id, tsv.toString(), place, "empty 'question'");
      }
      List<String> options = new ArrayList<>();
      for (String letter : LETTERS) {
        String v = field(r, letter);
        if (isNan(v)) {
          break;
        }
        options.add(v);
      }
      if (options.size() < 2) {
        throw DatasetFormatException.forSample(
            id, tsv.toString(), place, "fewer than two options (columns A, B...)");
      }
      String answer = field(r, "answer");
      if (!isNan(answer) && !LETTERS.subList(0, options.size()).contains(answer.strip())) {
        throw DatasetFormatException.forSample(
            id,
            tsv.toString(),
            place,
            "answer '" + answer + "' is not one of the " + options.size() + " option letters");
      }
      String image = field(r, "image").strip();
      ImageSource source;
      if (IMAGE_REFERENCE.matcher(image).matches()) {
        if (!withImage.containsKey(image)) {
          throw DatasetFormatException.forSample(
              id,
              tsv.toString(),
              place,
              "image refers to row index " + image + ", which has no image of its own");
        }
        Path file = shared.resolve(image + ".b64");
        // the image of the row that holds it: one origin for every row that shares the image
        source =
            lazy(
                () -> readBase64(Files.readString(file), id, place),
                tsv + ": " + withImage.get(image));
      } else if (isNan(image)) {
        source = null;
      } else {
        String base64 = image;
        source = lazy(() -> readBase64(base64, id, place), tsv + ": " + place);
      }
      long questionIndex;
      try {
        questionIndex = Long.parseLong(index) % 1_000_000;
      } catch (NumberFormatException e) {
        throw DatasetFormatException.forSample(
            id, tsv.toString(), place, "index '" + index + "' is not a number");
      }
      return new MultipleChoiceQuestion(
          id,
          Long.toString(questionIndex),
          source,
          question,
          isNan(field(r, "hint")) ? null : field(r, "hint"),
          options,
          isNan(answer) ? null : answer.strip(),
          isNan(field(r, "category")) ? "" : field(r, "category"),
          isNan(field(r, "l2-category")) ? "" : field(r, "l2-category"));
    }

    private RgbImage readBase64(String base64, String id, String place) {
      byte[] bytes;
      try {
        bytes = Base64.getMimeDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        // never echo the field: say what it is not
        throw DatasetFormatException.forSample(
            id,
            tsv.toString(),
            place,
            "image is not valid base64, expected the image file's bytes in base64 (A-Z, a-z, 0-9,"
                + " +, / and = padding)");
      }
      return decoder.decode(bytes, tsv + ": " + place);
    }

    private static String field(CSVRecord r, String column) {
      return r.isMapped(column) && r.isSet(column) ? r.get(column) : "";
    }

    @Override
    public void close() {
      try {
        parser.close();
        reader.close();
      } catch (IOException e) {
        throw new VlevalException(tsv + ": cannot close: " + FailureText.of(e), e);
      }
    }
  }

  /** Where a row is, for messages and image origins: {@code row 3 (index 7)}. */
  private static String place(CSVRecord r) {
    return "row " + r.getRecordNumber() + " (index " + RowCursor.field(r, "index") + ")";
  }

  /** Loads an image with a supplier that may do I/O. */
  private interface ImageLoader {
    RgbImage load() throws IOException;
  }

  private static ImageSource lazy(ImageLoader loader, String origin) {
    return new ImageSource() {
      @Override
      public RgbImage load() {
        try {
          return loader.load();
        } catch (IOException e) {
          throw new VlevalException(origin + ": cannot read image: " + FailureText.of(e), e);
        }
      }

      @Override
      public String origin() {
        return origin;
      }
    };
  }

  /**
   * A TSV whose quoting breaks the parse: the rows after it cannot be told apart, so the file is
   * refused, naming the row where it goes wrong.
   */
  private static DatasetFormatException malformed(
      Path tsv, long row, long fromLine, RuntimeException e) {
    Throwable cause = e.getCause();
    String place = "row " + row + " (from line " + fromLine + ")";
    if (cause instanceof CharacterCodingException) {
      return new DatasetFormatException(tsv.toString(), place, "not UTF-8 text", e);
    }
    if (cause instanceof IOException io && !(cause instanceof CSVException)) {
      return new DatasetFormatException(
          tsv.toString(), place, "cannot read: " + FailureText.of(io), e);
    }
    return new DatasetFormatException(
        tsv.toString(),
        place,
        "malformed TSV: a quoted field is not closed, or a character follows its closing quote;"
            + " expected tab-separated fields, a field holding a tab, a line break or a quote"
            + " written as \"...\" with inner quotes doubled",
        e);
  }
}
