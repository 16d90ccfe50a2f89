package io.vleval.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.VlevalException;
import io.vleval.api.task.SampleRecord;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.function.BiConsumer;

/**
 * The per-sample records of one task on one model, one JSON object a line, appended and flushed as
 * batches complete so that an interrupted run loses at most the batch in flight.
 *
 * <p>The records themselves stay in the file: the runner keeps where each one lies ({@link Span}),
 * and {@link #view} reads them back one at a time, so a task's records never need to fit in the
 * heap together.
 */
final class SampleLog<R extends SampleRecord> implements AutoCloseable {

  /** Where one record's line lies in the file: its first byte and its length without newline. */
  record Span(long offset, int length) {}

  private final Path file;
  private final Class<R> type;
  private final ObjectMapper json;
  private OutputStream out;
  private long end;
  private FileChannel reader;

  SampleLog(Path file, Class<R> type, ObjectMapper json) {
    this.file = file;
    this.type = type;
    this.json = json;
  }

  /**
   * Reads the records an earlier run wrote, keeping each one. For small logs (the errors of a run);
   * the records of a task go through {@link #readIndex}.
   */
  Map<String, R> readExisting() {
    Map<String, R> records = new LinkedHashMap<>();
    scan((record, span) -> records.put(record.sampleId(), record));
    return records;
  }

  /**
   * The place of every record an earlier run wrote, by sample id, in file order; each line is
   * decoded once to check it, and dropped.
   */
  Map<String, Span> readIndex() {
    Map<String, Span> spans = new LinkedHashMap<>();
    scan((record, span) -> spans.put(record.sampleId(), span));
    return spans;
  }

  /**
   * Streams the file line by line. A last line cut short by a kill is dropped (and truncated away
   * before appending); a bad line elsewhere means the file was damaged, and the run refuses to
   * guess.
   */
  private void scan(BiConsumer<R, Span> each) {
    if (!Files.exists(file)) {
      end = 0;
      return;
    }
    long keepBytes = 0;
    long position = 0;
    int lineNumber = 0;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] chunk = new byte[1 << 16];
      int read;
      while ((read = in.read(chunk)) > 0) {
        int start = 0;
        for (int k = 0; k < read; k++) {
          if (chunk[k] != '\n') {
            continue;
          }
          line.write(chunk, start, k - start);
          start = k + 1;
          long lineEnd = position + k + 1;
          lineNumber++;
          byte[] bytes = line.toByteArray();
          line.reset();
          if (!isBlank(bytes)) {
            try {
              R record = json.readValue(bytes, type);
              each.accept(record, new Span(lineEnd - bytes.length - 1, bytes.length));
            } catch (JsonProcessingException e) {
              throw new VlevalException(
                  file
                      + ":"
                      + lineNumber
                      + ": damaged per-sample record ("
                      + e.getOriginalMessage()
                      + "); delete the file to recompute this task");
            }
          }
          keepBytes = lineEnd;
        }
        line.write(chunk, start, read - start);
        position += read;
      }
      if (keepBytes < position) {
        try (var ch = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
          ch.truncate(keepBytes);
        }
      }
      end = keepBytes;
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read per-sample records: " + e.getMessage(), e);
    }
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte c : bytes) {
      if (c != ' ' && c != '\t' && c != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Appends records, flushed, and returns where each one lies. */
  List<Span> append(List<? extends Object> records) {
    List<Span> spans = new ArrayList<>(records.size());
    try {
      if (out == null) {
        Files.createDirectories(file.getParent());
        end = Files.exists(file) ? Files.size(file) : 0;
        out =
            new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
      }
      for (Object r : records) {
        byte[] bytes = json.writeValueAsBytes(r);
        out.write(bytes);
        out.write('\n');
        spans.add(new Span(end, bytes.length));
        end += bytes.length + 1L;
      }
      out.flush();
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot append per-sample records: " + e.getMessage(), e);
    }
    return spans;
  }

  /** Reads the record at {@code span} back from the file. */
  R read(Span span) {
    try {
      FileChannel ch;
      synchronized (this) {
        if (reader == null) {
          reader = FileChannel.open(file, StandardOpenOption.READ);
        }
        ch = reader;
      }
      ByteBuffer buffer = ByteBuffer.allocate(span.length());
      long at = span.offset();
      while (buffer.hasRemaining()) {
        int n = ch.read(buffer, at);
        if (n < 0) {
          throw new VlevalException(
              file
                  + ": the per-sample record at byte "
                  + span.offset()
                  + " ends early (the file shrank while the task was scored); run again with"
                  + " --resume");
        }
        at += n;
      }
      return json.readValue(buffer.array(), type);
    } catch (JsonProcessingException e) {
      throw new VlevalException(
          file
              + ": the per-sample record at byte "
              + span.offset()
              + " is damaged ("
              + e.getOriginalMessage()
              + "); delete the file to recompute this task");
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read per-sample records: " + e.getMessage(), e);
    }
  }

  /**
   * A read-only list of the records at {@code spans}, in that order, each decoded from the file
   * when asked for; valid until this log is closed.
   */
  List<R> view(List<Span> spans) {
    return new FileBacked<>(this, List.copyOf(spans));
  }

  private static final class FileBacked<R extends SampleRecord> extends AbstractList<R>
      implements RandomAccess {
    private final SampleLog<R> log;
    private final List<Span> spans;

    FileBacked(SampleLog<R> log, List<Span> spans) {
      this.log = log;
      this.spans = spans;
    }

    @Override
    public R get(int index) {
      return log.read(spans.get(index));
    }

    @Override
    public int size() {
      return spans.size();
    }
  }

  @Override
  public void close() {
    IOException failure = null;
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    synchronized (this) {
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    }
    if (failure != null) {
      throw new VlevalException(file + ": cannot close: " + failure.getMessage(), failure);
    }
  }
}
