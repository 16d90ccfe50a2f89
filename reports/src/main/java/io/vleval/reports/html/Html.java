package io.vleval.reports.html;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Escaping for text that reaches the page. Every string that comes from a run (model, task, dataset
 * and category names, predictions, references, sample ids, paths) goes through {@link #text}; none
 * is ever placed in a URL, an event handler, a script or a style.
 */
public final class Html {
  private Html() {}

  /** Text content or a quoted attribute value: {@code & < > " '} escaped; {@code null} is empty. */
  public static String text(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          // control characters other than tab and newline are not allowed in HTML text
          if (c < 0x20 && c != '\t' && c != '\n') {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /**
   * A Content-Security-Policy source for an inline element's exact content: {@code 'sha256-...'}.
   */
  public static String cspHash(String content) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
