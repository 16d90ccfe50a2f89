package io.vleval.datasets.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import javax.imageio.IIOException;
import org.junit.jupiter.api.Test;

class FailureTextTest {

  @Test
  void javaClassNamesAndDeveloperHintsAreTakenOut() {
    assertThat(
            FailureText.plain(
                "org.apache.commons.csv.CSVException: (startline 3) EOF reached before"
                    + " encapsulated token finished"))
        .isEqualTo("(startline 3) EOF reached before encapsulated token finished");
    assertThat(FailureText.plain("I/O error reading PNG header!"))
        .isEqualTo("I/O error reading PNG header");
    assertThat(
            FailureText.plain(
                "avformat_open_input() error -1: Could not open input. (Has setFormat() been"
                    + " called?) (For more details, make sure FFmpegLogCallback.set() has been"
                    + " called.)"))
        .isEqualTo("avformat_open_input() error -1: Could not open input.");
  }

  @Test
  void causesAreJoinedWithoutClassNamesOrRepeats() {
    Exception e =
        new IIOException(
            "Error reading PNG image data",
            new UncheckedIOException(new EOFException("Unexpected end of ZLIB input stream")));
    assertThat(FailureText.of(e))
        .isEqualTo("Error reading PNG image data: Unexpected end of ZLIB input stream");
    assertThat(FailureText.isTruncation(e)).isTrue();
    assertThat(
            FailureText.of(new IIOException("I/O error reading PNG header!", new EOFException())))
        .isEqualTo("I/O error reading PNG header");
    assertThat(FailureText.of(new NullPointerException())).isEqualTo("an unexpected failure");
  }

  @Test
  void fileSystemFailuresAreNamedWithoutThePath() {
    assertThat(FailureText.of(new NoSuchFileException("/data/x.jpg")))
        .isEqualTo("no such file or folder");
    assertThat(FailureText.of(new AccessDeniedException("/data/x.jpg")))
        .isEqualTo("permission denied");
    assertThat(FailureText.of(new IOException("Is a directory"))).isEqualTo("is a directory");
  }
}
