package io.vleval.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.VlevalException;
import io.vleval.api.task.SampleRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-sample records of one task on one model, one JSON object a line, appended and flushed as
 * batches complete so that an interrupted run loses at most the batch in flight.
 */
final class SampleLog<R extends SampleRecord> implements AutoCloseable {

  private final Path file;
  private final Class<R> type;
  private final ObjectMapper json;
  private BufferedWriter writer;

  SampleLog(Path file, Class<R> type, ObjectMapper json) {
    this.file = file;
    this.type = type;
    this.json = json;
  }

  /**
   * Reads the records an earlier run wrote. A last line cut short by a kill is dropped (and
   * truncated away before appending); a bad line elsewhere means the file was damaged, and the run
   * refuses to guess.
   */
  Map<String, R> readExisting() {
    Map<String, R> records = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return records;
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      String text = new String(bytes, StandardCharsets.UTF_8);
      List<String> lines = text.lines().toList();
      boolean endsClean = text.isEmpty() || text.endsWith("\n");
      long keepBytes = 0;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        boolean last = i == lines.size() - 1;
        if (last && !endsClean) {
          break;
        }
        if (line.isBlank()) {
          keepBytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
          continue;
        }
        try {
          R record = json.readValue(line, type);
          records.put(record.sampleId(), record);
        } catch (JsonProcessingException e) {
          throw new VlevalException(
              file
                  + ":"
                  + (i + 1)
                  + ": damaged per-sample record ("
                  + e.getOriginalMessage()
                  + "); delete the file to recompute this task");
        }
        keepBytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
      }
      if (keepBytes < bytes.length) {
        try (var ch = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
          ch.truncate(keepBytes);
        }
      }
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read per-sample records: " + e.getMessage(), e);
    }
    return records;
  }

  void append(List<? extends Object> records) {
    try {
      if (writer == null) {
        Files.createDirectories(file.getParent());
        writer =
            Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      for (Object r : records) {
        writer.write(json.writeValueAsString(r));
        writer.write('\n');
      }
      writer.flush();
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot append per-sample records: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        throw new VlevalException(file + ": cannot close: " + e.getMessage(), e);
      }
    }
  }
}
