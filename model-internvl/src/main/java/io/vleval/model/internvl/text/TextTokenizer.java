package io.vleval.model.internvl.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A HuggingFace fast tokenizer read from {@code tokenizer.json} (DJL's HuggingFace tokenizers; the
 * native library ships in its jar, nothing is downloaded). No truncation or padding is applied
 * here: callers do what their protocol says.
 */
public final class TextTokenizer implements AutoCloseable {

  /** The file this class reads. */
  public static final String FILE = "tokenizer.json";

  private final HuggingFaceTokenizer tokenizer;
  private final String source;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, String source) {
    this.tokenizer = tokenizer;
    this.source = source;
  }

  /**
   * Loads {@code tokenizer.json} from a checkpoint directory.
   *
   * @param checkpointDir the directory
   * @return the tokenizer
   * @throws TokenizerException when the directory has only a SentencePiece {@code tokenizer.model},
   *     no tokenizer at all, or an unreadable {@code tokenizer.json}
   */
  public static TextTokenizer load(Path checkpointDir) {
    Path json = checkpointDir.resolve(FILE);
    if (!Files.isRegularFile(json)) {
      if (Files.isRegularFile(checkpointDir.resolve("tokenizer.model"))) {
        throw new TokenizerException(
            checkpointDir
                + ": has only a SentencePiece tokenizer.model, but vleval reads "
                + "tokenizer.json; convert it once with transformers (AutoTokenizer.from_pretrained(dir, use_fast=True)"
                + ".save_pretrained(dir)) and check that the ids match");
      }
      throw new TokenizerException(
          checkpointDir
              + ": no tokenizer.json; a text model needs its tokenizer beside the weights");
    }
    return fromFile(json);
  }

  /**
   * Loads a {@code tokenizer.json} file.
   *
   * @param json the file
   * @return the tokenizer
   * @throws TokenizerException for an unreadable file
   */
  public static TextTokenizer fromFile(Path json) {
    try (InputStream in = Files.newInputStream(json)) {
      return fromStream(in, json.toString());
    } catch (IOException e) {
      throw new TokenizerException(json + ": cannot read the tokenizer: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a {@code tokenizer.json} from a stream (e.g. a class-path resource).
   *
   * @param in the JSON
   * @param source where it came from, for messages
   * @return the tokenizer
   * @throws TokenizerException for unreadable JSON
   */
  public static TextTokenizer fromStream(InputStream in, String source) {
    try {
      HuggingFaceTokenizer t =
          HuggingFaceTokenizer.newInstance(
              in, Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
      return new TextTokenizer(t, source);
    } catch (IOException | RuntimeException e) {
      throw new TokenizerException(source + ": cannot read the tokenizer: " + e.getMessage(), e);
    }
  }

  /**
   * Encodes text.
   *
   * @param text the text
   * @param addSpecialTokens whether the tokenizer's post-processor adds its special tokens (e.g.
   *     BOS)
   * @return the token ids
   */
  public long[] encode(String text, boolean addSpecialTokens) {
    return tokenizer.encode(text, addSpecialTokens, false).getIds();
  }

  /**
   * Decodes ids.
   *
   * @param ids the ids
   * @param skipSpecialTokens whether special tokens are left out
   * @return the text
   */
  public String decode(long[] ids, boolean skipSpecialTokens) {
    return tokenizer.decode(ids, skipSpecialTokens);
  }

  /**
   * Returns the id of a token that the tokenizer keeps whole (an added or special token), if any.
   *
   * @param token the token text, e.g. {@code <IMG_CONTEXT>}
   * @return its id, or empty when it is not a single token
   */
  public OptionalLong tokenId(String token) {
    long[] ids = encode(token, false);
    return ids.length == 1 ? OptionalLong.of(ids[0]) : OptionalLong.empty();
  }

  /**
   * @return where the tokenizer came from
   */
  public String source() {
    return source;
  }

  /** Releases the native tokenizer. */
  @Override
  public void close() {
    tokenizer.close();
  }
}
